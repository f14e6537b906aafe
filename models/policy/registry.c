/* SPDX-License-Identifier: MIT */
/*
 * Policy registry and the generic parameter parser.  A new policy is one file
 * defining its vtable and one line in its family's list below.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "models/policy/policy.h"

/*
 * Every policy, one line each, in the order `zswapsim policies` lists them:
 * the const vtable its file defines.  Declarations and the NULL-terminated
 * lists are generated from these.
 */
#define LIMIT_POLICIES(X) \
	X(limit_folio_once) \
	X(limit_per_page) \
	X(limit_batch_uncompressed) \
	X(limit_batch_estimate)

#define LRU_POLICIES(X) \
	X(lru_kernel) \
	X(lru_fifo) \
	X(lru_lru) \
	X(lru_cold_first)

#define WB_POLICIES(X) \
	X(wb_pool_limit) \
	X(wb_shrinker_on) \
	X(wb_proactive_age) \
	X(wb_off)

#define POLICY_ADDR(sym) &sym,
#define EXTERN_LIMIT(sym) extern const struct zswap_limit_policy sym;
#define EXTERN_LRU(sym) extern const struct zswap_lru_policy sym;
#define EXTERN_WB(sym) extern const struct zswap_wb_policy sym;
LIMIT_POLICIES(EXTERN_LIMIT)
LRU_POLICIES(EXTERN_LRU)
WB_POLICIES(EXTERN_WB)

const struct zswap_limit_policy *const zswap_limit_policies[] = { LIMIT_POLICIES(POLICY_ADDR) NULL };
const struct zswap_lru_policy *const zswap_lru_policies[] = { LRU_POLICIES(POLICY_ADDR) NULL };
const struct zswap_wb_policy *const zswap_wb_policies[] = { WB_POLICIES(POLICY_ADDR) NULL };

const struct zswap_limit_policy *policy_find_limit(const char *name)
{
	for (unsigned i = 0; zswap_limit_policies[i]; i++)
		if (!strcmp(zswap_limit_policies[i]->c.name, name))
			return zswap_limit_policies[i];
	return NULL;
}

const struct zswap_lru_policy *policy_find_lru(const char *name)
{
	for (unsigned i = 0; zswap_lru_policies[i]; i++)
		if (!strcmp(zswap_lru_policies[i]->c.name, name))
			return zswap_lru_policies[i];
	return NULL;
}

const struct zswap_wb_policy *policy_find_wb(const char *name)
{
	for (unsigned i = 0; zswap_wb_policies[i]; i++)
		if (!strcmp(zswap_wb_policies[i]->c.name, name))
			return zswap_wb_policies[i];
	return NULL;
}

const struct policy_common *policy_find(const char *family, const char *name)
{
	const struct zswap_limit_policy *l;
	const struct zswap_lru_policy *u;
	const struct zswap_wb_policy *w;

	if (!strcmp(family, "limit"))
		return (l = policy_find_limit(name)) ? &l->c : NULL;
	if (!strcmp(family, "lru"))
		return (u = policy_find_lru(name)) ? &u->c : NULL;
	if (!strcmp(family, "writeback"))
		return (w = policy_find_wb(name)) ? &w->c : NULL;
	return NULL;
}

static void append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	if (n < len)
		snprintf(buf + n, len - n, "%s%s", n ? ", " : "", s);
}

void policy_family_names(const char *family, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	if (!strcmp(family, "limit"))
		for (unsigned i = 0; zswap_limit_policies[i]; i++)
			append(buf, len, zswap_limit_policies[i]->c.name);
	else if (!strcmp(family, "lru"))
		for (unsigned i = 0; zswap_lru_policies[i]; i++)
			append(buf, len, zswap_lru_policies[i]->c.name);
	else if (!strcmp(family, "writeback"))
		for (unsigned i = 0; zswap_wb_policies[i]; i++)
			append(buf, len, zswap_wb_policies[i]->c.name);
}

static const struct policy_param *find_param(const struct policy_common *c, const char *key)
{
	for (unsigned i = 0; i < c->nparams; i++)
		if (!strcmp(c->params[i].name, key))
			return &c->params[i];
	return NULL;
}

static void set_default(const struct policy_param *p, void *st)
{
	char *f = (char *)st + p->offset;

	switch (p->type) {
	case PP_INT:
		*(int64_t *)f = (int64_t)p->def;
		break;
	case PP_DOUBLE:
		*(double *)f = p->def;
		break;
	case PP_BOOL:
		*(int *)f = p->def != 0;
		break;
	}
}

static int set_value(const struct policy_common *c, const char *family,
		     const struct policy_param *p, json_t *v, void *st, char *err, size_t errlen)
{
	char *f = (char *)st + p->offset;
	double d;

	switch (p->type) {
	case PP_BOOL:
		if (!json_is_boolean(v))
			goto type;
		*(int *)f = json_is_true(v);
		return 0;
	case PP_INT:
		if (json_is_integer(v))
			d = (double)json_integer_value(v);
		else if (json_is_real(v) && floor(json_real_value(v)) == json_real_value(v))
			d = json_real_value(v);
		else
			goto type;
		break;
	case PP_DOUBLE:
		if (!json_is_number(v))
			goto type;
		d = json_number_value(v);
		break;
	default:
		goto type;
	}
	if (!(d >= p->min && d <= p->max)) {
		snprintf(err, errlen, "policy.%s: %s parameter '%s' = %g is out of range [%g, %g]",
			 family, c->name, p->name, d, p->min, p->max);
		return -EINVAL;
	}
	if (p->type == PP_INT)
		*(int64_t *)f = (int64_t)d;
	else
		*(double *)f = d;
	return 0;
type:
	snprintf(err, errlen, "policy.%s: %s parameter '%s' must be %s", family, c->name, p->name,
		 p->type == PP_BOOL ? "true or false" : p->type == PP_INT ? "an integer" : "a number");
	return -EINVAL;
}

int policy_parse_params(const struct policy_common *c, const char *family,
			const struct json_t *params, void **state, char *err, size_t errlen)
{
	void *st = calloc(1, c->state_size ? c->state_size : 1);
	int r = 0;

	*state = NULL;
	if (!st) {
		snprintf(err, errlen, "policy.%s: out of memory", family);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < c->nparams; i++)
		set_default(&c->params[i], st);

	if (params) {
		const char *key;
		json_t *v;

		if (!json_is_object(params)) {
			snprintf(err, errlen, "policy.%s: %s parameters must be a JSON object",
				 family, c->name);
			r = -EINVAL;
			goto out;
		}
		json_object_foreach((json_t *)params, key, v) {
			const struct policy_param *p;

			if (!strcmp(key, "name"))
				continue;
			p = find_param(c, key);
			if (!p) {
				char known[256] = "";

				for (unsigned i = 0; i < c->nparams; i++)
					append(known, sizeof(known), c->params[i].name);
				snprintf(err, errlen, "policy.%s: %s has no parameter '%s' (%s%s)",
					 family, c->name, key, c->nparams ? "known: " : "it takes none",
					 known);
				r = -EINVAL;
				goto out;
			}
			r = set_value(c, family, p, v, st, err, errlen);
			if (r)
				goto out;
		}
	}
	if (c->check)
		r = c->check(st, err, errlen);
out:
	if (r)
		free(st);
	else
		*state = st;
	return r;
}

int policy_state_new(const struct policy_common *c, const char *family, const void *params,
		     void **state, char *err, size_t errlen)
{
	size_t n = c->state_size ? c->state_size : 1;

	if (!params)
		return policy_parse_params(c, family, NULL, state, err, errlen);
	*state = malloc(n);
	if (!*state) {
		snprintf(err, errlen, "policy.%s: out of memory", family);
		return -ENOMEM;
	}
	memcpy(*state, params, n);
	return 0;
}
