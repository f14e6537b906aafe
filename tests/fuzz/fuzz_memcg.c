/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the "memcg" config section, loaded and set up (fuzz_section.h). */
#define FUZZ_SECTION "memcg"
#include "tests/fuzz/fuzz_section.h"
