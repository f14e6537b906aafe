/* SPDX-License-Identifier: MIT */
/*
 * `zswapsim policies [--markdown]`: every policy family, each policy with its
 * one-line description and its parameters (type, default, range, help), and
 * the config key that selects it; --markdown starts with a table of the
 * families (docs/policies.md is generated from it).
 */
#include <stdio.h>
#include <string.h>

#include "sim/cli.h"
#include "models/policy/policy.h"

static const char *param_type(enum policy_param_type t)
{
	switch (t) {
	case PP_INT: return "int";
	case PP_DOUBLE: return "number";
	case PP_BOOL: return "bool";
	}
	return "?";
}

static void print_value(FILE *f, enum policy_param_type t, double v)
{
	if (t == PP_BOOL)
		fputs(v != 0 ? "true" : "false", f);
	else
		fprintf(f, "%.15g", v);
}

static void print_policy(FILE *f, const struct policy_common *c, const char *def, int md)
{
	int is_def = !strcmp(c->name, def);

	if (md)
		fprintf(f, "- **%s**%s: %s\n", c->name, is_def ? " (default)" : "", c->desc);
	else
		fprintf(f, "  %-20s %s%s\n", c->name, c->desc, is_def ? " [default]" : "");
	if (!c->nparams) {
		fprintf(f, md ? "  - no parameters\n" : "      (no parameters)\n");
		return;
	}
	for (unsigned i = 0; i < c->nparams; i++) {
		const struct policy_param *p = &c->params[i];

		fprintf(f, md ? "  - `%s` (%s, default " : "      %s (%s, default ", p->name,
			param_type(p->type));
		print_value(f, p->type, p->def);
		if (p->type != PP_BOOL) {
			fputs(", range ", f);
			print_value(f, p->type, p->min);
			fputs("..", f);
			print_value(f, p->type, p->max);
		}
		fprintf(f, "): %s\n", p->help);
	}
}

static void print_family(FILE *f, const char *title, const char *key, int md)
{
	fprintf(f, md ? "\n### %s (`%s`)\n\n" : "\n%s  (config key %s: {\"name\": ..., params})\n",
		title, key);
}

/* One row of the Markdown summary table: the family, its key, what it
 * decides, its policies (the default in bold). */
static void table_row(FILE *f, const char *family, const char *key, const char *decides,
		      const struct policy_common *const *c, unsigned n, const char *def)
{
	fprintf(f, "| %s | `%s` | %s | ", family, key, decides);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s%s`%s`%s", i ? ", " : "", strcmp(c[i]->name, def) ? "" : "**",
			c[i]->name, strcmp(c[i]->name, def) ? "" : "** (default)");
	fputs(" |\n", f);
}

#define FAMILY_COMMONS(list, out, n) \
	do { for (n = 0; list[n] && n < 32; n++) out[n] = &list[n]->c; } while (0)

static void print_table(FILE *f)
{
	const struct policy_common *c[32];
	unsigned n;

	fputs("| family | config key | decides | policies |\n|---|---|---|---|\n", f);
	FAMILY_COMMONS(zswap_limit_policies, c, n);
	table_row(f, "limit", "policy.limit", "may a folio enter zswap", c, n, POLICY_DEFAULT_LIMIT);
	FAMILY_COMMONS(zswap_lru_policies, c, n);
	table_row(f, "lru", "policy.lru", "which entry writeback takes", c, n, POLICY_DEFAULT_LRU);
	FAMILY_COMMONS(zswap_wb_policies, c, n);
	table_row(f, "writeback", "policy.writeback", "when entries are written back", c, n,
		  POLICY_DEFAULT_WB);
}

int cmd_policies(int argc, char **argv)
{
	int md = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--markdown")) {
			md = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: zswapsim policies [--markdown]\n"
			       "List every policy family, each policy with its parameters.\n");
			return EXIT_OK;
		} else {
			cli_error("policies: unknown argument '%s' (usage: zswapsim policies [--markdown])",
				  argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!md)
		printf("Policies (select with policy.<family> = {\"name\": NAME, PARAM: VALUE, ...}):\n");
	else
		print_table(stdout);
	print_family(stdout, "limit: may a folio enter zswap", "policy.limit", md);
	for (unsigned i = 0; zswap_limit_policies[i]; i++)
		print_policy(stdout, &zswap_limit_policies[i]->c, POLICY_DEFAULT_LIMIT, md);
	print_family(stdout, "lru: which entry writeback takes", "policy.lru", md);
	for (unsigned i = 0; zswap_lru_policies[i]; i++)
		print_policy(stdout, &zswap_lru_policies[i]->c, POLICY_DEFAULT_LRU, md);
	print_family(stdout, "writeback: when entries are written back", "policy.writeback", md);
	for (unsigned i = 0; zswap_wb_policies[i]; i++)
		print_policy(stdout, &zswap_wb_policies[i]->c, POLICY_DEFAULT_WB, md);
	return EXIT_OK;
}
