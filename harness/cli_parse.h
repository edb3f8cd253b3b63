/*
 * What the parts of the command-line parser share (cli.c, cli_values.c,
 * cli_sweep.c, cli_list.c); not for other code, which uses cli.h.  Every
 * parser returns 0, or -1 with one line in the cli_err.
 */
#ifndef SYNCBENCH_CLI_PARSE_H
#define SYNCBENCH_CLI_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

#define MAX_THREADS 1024
#define MAX_CONFIGS 100000

/* Where the parser's one line goes; the caller decides to exit. */
struct cli_err {
	char *buf;
	size_t len;
};

/* The line into e; returns -1. */
int cli_fail(const struct cli_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Splits a comma-separated list in place; rejects empty items.  Returns the count or -1. */
int cli_split_list(const char *option, char *text, char **items, int max, const struct cli_err *e);
int cli_parse_count(const char *option, const char *text, long min, long max, long *out,
		    const struct cli_err *e);
/* Distinct thread counts into threads; returns how many, or -1. */
int cli_parse_thread_list(char *text, int *threads, const struct cli_err *e);
int cli_parse_duration(const char *option, const char *text, double min, double max,
		       double *out, const struct cli_err *e);
int cli_parse_progress(const char *text, struct sweep_output *out, const struct cli_err *e);
int cli_parse_shard(const char *text, struct sweep_output *out, const struct cli_err *e);
int cli_parse_label(const char *option, const char *text, const char **out,
		    const struct cli_err *e);

/* What `all` and the sweeps take: offered, and (if external) its program there. */
bool cli_in_all(const struct bench_ops *b, const struct lock_ops *p);
/* "ticket, ttas, ..., all": the primitives workload b can run on, for messages. */
void cli_prim_names(const struct bench_ops *b, char *buf, size_t len);
/* Every workload's name, comma-separated. */
void cli_bench_names(char *buf, size_t len);
/* "did you mean 'lock'? " for a mistyped workload, or "". */
void cli_bench_hint(const char *word, char *hint, size_t len);
int cli_parse_prims(struct sweep *sw, char *text, const struct cli_err *e);
int cli_parse_sweep_threads(struct sweep *sw, char *text, const struct cli_err *e);
int cli_parse_set(struct sweep *sw, char *text, const struct cli_err *e);
/* Without --prim, whether some combination of the workload's --set values uses a primitive. */
bool cli_some_config_uses_prim(const struct sweep *sw);
/* Every thread count must get a PU assignment; returns the most any one gets, or -1. */
int cli_check_placement(const struct sweep *sw, const struct topo *t, const struct placement *p,
			const struct cli_err *e);
int cli_check_config_count(const struct sweep *sw, int variants, const struct cli_err *e);

#endif
