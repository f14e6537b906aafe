/* SPDX-License-Identifier: MIT */
/*
 * The section targets: the input is the JSON value of one config section
 * (FUZZ_SECTION: "policy", "memcg", "hw" or "workload"), put into a small
 * config that replays the scratch trace (or, for "workload", runs the
 * workload), then loaded and set up as `zswapsim run` would, with the checks
 * of tests/fuzz/fuzz_setup.h.  An input that is not JSON is skipped: the JSON
 * reader itself is fuzz_config's.
 */
#ifndef ZSWAPSIM_FUZZ_SECTION_H
#define ZSWAPSIM_FUZZ_SECTION_H

#include "tests/fuzz/fuzz_setup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *val = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	json_t *cfg;
	char *text, path[256];

	if (!val)
		return 0;
	if (!strcmp(FUZZ_SECTION, "workload"))
		cfg = json_pack("{s:{s:b}}", "report", "progress", 0);
	else
		cfg = json_pack("{s:{s:s}, s:{s:s}}", "trace", "path", "t.txt", "system", "ram", "64MiB");
	json_object_set_new(cfg, FUZZ_SECTION, val);
	text = json_dumps(cfg, 0);
	json_decref(cfg);
	if (!text)
		return 0;
	fuzz_write_file("in.json", (const uint8_t *)text, strlen(text), path, sizeof(path));
	free(text);
	fuzz_config_setup(path, NULL, 0);
	return 0;
}

#endif
