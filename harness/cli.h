/*
 * The command line: `syncbench run` options and `syncbench list`, both
 * built from the registries and the parameter declarations.
 */
#ifndef SYNCBENCH_CLI_H
#define SYNCBENCH_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "sweep.h"

struct run_request {
	struct sweep sweep;
	struct run_settings settings;
	struct sweep_output output;	/* --out, --resume, --dry-run, --progress */
	struct event_set events;	/* settings.events points here */
};

/*
 * Parses `syncbench run` arguments (argv[0] is "run").  Bad input prints
 * one line on stderr saying what is wrong and what is accepted, and exits
 * with status 2 before anything runs or is written.
 */
void cli_parse_run(int argc, char **argv, const struct topo *t, struct run_request *req);

void cli_print_list(FILE *f, const struct topo *t, bool include_test_only);

/*
 * `syncbench list --sweep`, for scripts: one line per workload, tab-separated:
 * name, "sweep" or "check" (a correctness check that sweeps leave out), the
 * comma-separated primitives a sweep measures, and the workload's --set
 * arguments (space-separated; empty for the defaults) for the default
 * sweep, then for the full one.
 */
void cli_print_sweep_plan(FILE *f);

/* Prints "syncbench: <message>" on stderr and exits 2. */
_Noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
