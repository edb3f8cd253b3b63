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
	struct sweep_output output;	/* --out, --dry-run, --progress */
	int resume;			/* --resume: keep what output.path holds */
	const char *sweep_id;		/* --sweep-id, or NULL */
	const char *host;		/* --host, or NULL: the hostname */
	struct event_set events;	/* settings.events points here */
};

/* --interleave's default: a default sweep's largest workload fits in about one window. */
#define CLI_DEFAULT_INTERLEAVE_S 60

/* The text of `syncbench run --help`. */
extern const char cli_run_usage[];

enum { CLI_HELP = 1 };

/*
 * Parses `syncbench run` arguments (argv[0] is "run"), touching nothing
 * outside them.  Returns 0; CLI_HELP for --help; or -1 with one line in
 * err saying what is wrong and what is accepted.  The caller prints it
 * and exits with status 2 before anything runs or is written.
 */
int cli_parse_run(int argc, char **argv, const struct topo *t, struct run_request *req,
		  char *err, size_t errlen);

/*
 * A --threads list (distinct counts, 1 .. 1024) into threads, which holds
 * SWEEP_MAX_VALUES; returns how many, or -1 with one line in err.
 */
int cli_parse_threads(char *text, int *threads, char *err, size_t errlen);

/* Can the result be written at path?  Returns 0, or -1 with one line in err. */
int cli_check_output(const char *path, char *err, size_t errlen);

/*
 * --resume: reads the document already at out->path, if there is one, into
 * out->previous.  Returns 0, or -1 with one line in err for a file that is
 * not a syncbench document.
 */
int cli_load_previous(struct sweep_output *out, char *err, size_t errlen);

void cli_print_list(FILE *f, const struct topo *t, bool include_test_only);

/*
 * `syncbench list --sweep`, for scripts: one line per workload, tab-separated:
 * name, "sweep" or "check" (a correctness check that sweeps leave out), the
 * comma-separated primitives a sweep measures ("-": the workload takes
 * none), the workload's --set arguments (space-separated; "-" for the
 * defaults) for the default sweep, then for the full one, and its --threads
 * list ("-": the sweep's own).
 */
void cli_print_sweep_plan(FILE *f);

/* Prints "syncbench: <message>" on stderr and exits 2. */
_Noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
