/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the config loader.  The input is a JSON config file, then
 * optionally a NUL byte and up to four --set overrides separated by NUL bytes
 * ("a.b=v").  cfg_load() must accept it or return a negative errno with one
 * line, and an accepted config must be readable through every declared key
 * with that key's type: the getters abort on a mismatch, so an override that
 * replaced a declared key (or its parent object) with the wrong type shows up
 * as a crash here rather than in a replay.  An accepted config is then set up
 * as `zswapsim run` would (policies, memcgs, hw, a workload) and printed and
 * loaded again (tests/fuzz/fuzz_setup.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_setup.h"

#define MAX_OVERRIDES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t json_len = nul ? (size_t)(nul - data) : size;
	char *ovbuf, path[256];
	const char *ov[MAX_OVERRIDES];
	int nov = 0;

	fuzz_write_file("in.json", data, json_len, path, sizeof(path));

	/* The overrides: NUL-separated strings after the JSON (copied so the
	 * last one is terminated even when the input is not). */
	ovbuf = malloc(size - json_len + 1);
	if (!ovbuf)
		return 0;
	memcpy(ovbuf, data + json_len, size - json_len);
	ovbuf[size - json_len] = '\0';
	for (size_t off = 1; nul && off <= size - json_len && nov < MAX_OVERRIDES;) {
		ov[nov++] = ovbuf + off;
		off += strlen(ovbuf + off) + 1;
	}

	fuzz_config_setup(path, ov, nov);
	free(ovbuf);
	return 0;
}
