/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the config loader.  The input is a JSON config file, then
 * optionally a NUL byte and up to four --set overrides separated by NUL bytes
 * ("a.b=v").  cfg_load() must accept it or return a negative errno with one
 * line, and an accepted config must be readable through every declared key
 * with that key's type: the getters abort on a mismatch, so an override that
 * replaced a declared key (or its parent object) with the wrong type shows up
 * as a crash here rather than in a replay.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/config.h"
#include "tests/fuzz/fuzz_input.h"

#define MAX_OVERRIDES 4

static void read_every_key(const struct cfg *c)
{
	char buf[2200];

	for (int t = 0; cfg_registry[t]; t++)
		for (const struct cfg_key *k = cfg_registry[t]; k->key; k++) {
			switch (k->type) {
			case CFG_BOOL:
				(void)cfg_bool(c, k->key);
				break;
			case CFG_INT:
				(void)cfg_int(c, k->key);
				break;
			case CFG_DOUBLE:
				(void)cfg_double(c, k->key);
				break;
			case CFG_SIZE:
				(void)cfg_size(c, k->key);
				break;
			case CFG_STRING:
			case CFG_ENUM:
				if (!cfg_str(c, k->key))
					abort();
				break;
			case CFG_PATH:
				(void)cfg_path(c, k->key, buf, sizeof(buf));
				break;
			case CFG_OBJECT:
				if (!json_is_object(cfg_json(c, k->key)))
					abort();
				break;
			}
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t json_len = nul ? (size_t)(nul - data) : size;
	char *ovbuf, path[256], err[1024];
	const char *ov[MAX_OVERRIDES];
	int nov = 0, ret;
	struct cfg c;

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

	err[0] = '\0';
	ret = cfg_load(&c, path, ov, nov, err, sizeof(err));
	fuzz_check_err(ret, err, sizeof(err));
	if (!ret) {
		read_every_key(&c);
		(void)cfg_hash(&c);
		cfg_free(&c);
	}
	free(ovbuf);
	return 0;
}
