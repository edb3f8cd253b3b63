/* `syncbench list` and `list --sweep`, from the registries (cli.h). */
#include "cli_parse.h"

#include <stdio.h>
#include <string.h>

#include "external.h"

static void print_params(FILE *f, const struct param_decl *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char def[64], range[256];
		param_format(&d[i], d[i].def, def, sizeof(def));
		param_describe_range(&d[i], range, sizeof(range));
		fprintf(f, "      %-14s default %-8s accepted %-18s %s\n", d[i].name, def, range,
			d[i].help);
	}
}

/* The workloads an external reference runs. */
static void print_external(FILE *f, const struct external_ref *x)
{
	fprintf(f, "      run by %s, under", x->program);
	for (const struct external_workload *w = x->workloads; w->bench; w++)
		fprintf(f, "%s %s", w == x->workloads ? "" : ",", w->bench);
	fputc('\n', f);
}

void cli_print_list(FILE *f, const struct topo *t, bool include_test_only)
{
	fprintf(f, "workloads (--bench), with their parameters (--set KEY=V,...):\n");
	for (size_t i = 0; i < bench_registry_len; i++) {
		const struct bench_ops *b = bench_registry[i];
		fprintf(f, "  %-16s %s%s\n", b->name, b->summary,
			b->needs == NEEDS_NOTHING ? " [no primitive: no --prim]" :
			b->needs == NEEDS_CHAN ? " [channel primitives]" :
			b->needs == NEEDS_CHAN_SELECT ? " [channel primitives with select]" : "");
		print_params(f, b->params, b->nparams);
	}
	fprintf(f, "\nprimitives (--prim), with their parameters:\n");
	for (size_t i = 0; i < lock_registry_len; i++) {
		const struct lock_ops *p = lock_registry[i];
		if (!lock_listed(p) && !include_test_only)
			continue;
		fprintf(f, "  %-16s %s%s%s%s%s%s%s\n", p->name, p->summary,
			p->chan ? " [channel]" : "",
			p->rlock ? " [reader-writer]" : "",
			p->flags & LOCK_NO_EXCLUSION ? " [no exclusion]" : "",
			p->flags & LOCK_UNBOUNDED_WAIT ? " [unbounded wait]" : "",
			p->external ? " [external]" : "",
			external_available(p) ? "" : " [missing: not built]");
		if (p->external)
			print_external(f, p->external);
		print_params(f, p->params, p->nparams);
	}
	fprintf(f, "\nplacements (--placement): %s\n", PLACEMENT_HELP);
	fprintf(f, "this machine: %d PUs available to this process\n", topo_pu_count(t));
}

/* Whether name is one of the comma-separated names in list. */
static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

/*
 * Whether a sweep of b measures p: a real lock or channel it can run on,
 * no test-only one, an external one only if its program is there; of
 * those, one of the workload's sweep_prims if it names some.
 */
static bool swept_prim(const struct bench_ops *b, const struct lock_ops *p)
{
	return cli_in_all(b, p) && !(p->flags & LOCK_NO_EXCLUSION) &&
	       (!b->sweep_prims || listed(b->sweep_prims, p->name));
}

static void print_sweep_prims(FILE *f, const struct bench_ops *b)
{
	int n = 0;
	if (b->needs == NEEDS_NOTHING) {
		fputc('-', f);
		return;
	}
	for (size_t i = 0; i < lock_registry_len; i++) {
		const struct lock_ops *p = lock_registry[i];
		if (swept_prim(b, p))
			fprintf(f, "%s%s", n++ ? "," : "", p->name);
	}
}

/* Whether the workload, or a primitive its sweep measures, declares the parameter. */
static bool swept_param(const struct bench_ops *b, const char *name, size_t len)
{
	char key[64];
	snprintf(key, sizeof(key), "%.*s", (int)len, name);
	if (param_find(b->params, b->nparams, key) >= 0)
		return true;
	for (size_t i = 0; b->needs != NEEDS_NOTHING && i < lock_registry_len; i++)
		if (swept_prim(b, lock_registry[i]) &&
		    param_find(lock_registry[i]->params, lock_registry[i]->nparams, key) >= 0)
			return true;
	return false;
}

/*
 * The sweep's sets, less those naming a parameter of no primitive it
 * measures (mode, when the Go references are not built): "-" if none.
 */
static void print_sweep_sets(FILE *f, const struct bench_ops *b, const char *sets)
{
	int n = 0;
	for (const char *w = sets; w && *w;) {
		size_t len = strcspn(w, " ");
		if (swept_param(b, w, strcspn(w, "=")))
			fprintf(f, "%s%.*s", n++ ? " " : "", (int)len, w);
		w += len + strspn(w + len, " ");
	}
	if (!n)
		fputc('-', f);
}

void cli_print_sweep_plan(FILE *f)
{
	for (size_t i = 0; i < bench_registry_len; i++) {
		const struct bench_ops *b = bench_registry[i];
		fprintf(f, "%s\t%s\t", b->name, b->flags & BENCH_CHECK_ONLY ? "check" : "sweep");
		print_sweep_prims(f, b);
		const char *full = b->sweep_sets_full ? b->sweep_sets_full : b->sweep_sets;
		/* "-" for an empty field: shells collapse runs of tabs when splitting. */
		fputc('\t', f);
		print_sweep_sets(f, b, b->sweep_sets);
		fputc('\t', f);
		print_sweep_sets(f, b, full);
		fprintf(f, "\t%s\n", b->sweep_threads ? b->sweep_threads : "-");
	}
}
