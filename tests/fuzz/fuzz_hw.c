/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the "hw" config section, loaded and set up (fuzz_section.h). */
#define FUZZ_SECTION "hw"
#include "tests/fuzz/fuzz_section.h"
