/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the "policy" config section, loaded and set up (fuzz_section.h). */
#define FUZZ_SECTION "policy"
#include "tests/fuzz/fuzz_section.h"
