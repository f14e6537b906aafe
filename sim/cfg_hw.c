/* SPDX-License-Identifier: MIT */
/* Config keys of the hardware models (timing backend simgrid). */
#include "sim/config.h"

const struct cfg_key cfg_keys_hw[] = {
	{ "hw.cpu.cores", CFG_INT, "2", 1, 4096, NULL,
	  "CPU cores of the simulated machine" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL },
};
