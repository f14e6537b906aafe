/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the "workload" config section, loaded and set up (fuzz_section.h). */
#define FUZZ_SECTION "workload"
#include "tests/fuzz/fuzz_section.h"
