/*
 * The figures `syncbench compare --metric` compares, read from result
 * entries: per repetition where the document has one per repetition (so
 * that each side has a spread and the two can be tested), else one figure
 * per configuration (latency percentiles: the document merges every
 * repetition's samples into one histogram).
 */
#ifndef SYNCBENCH_METRIC_H
#define SYNCBENCH_METRIC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum metric_kind {
	METRIC_OPS_PER_SEC,
	METRIC_NS_PER_OP,
	METRIC_CPU_NS_PER_OP,
	METRIC_JAIN,
	METRIC_MAX_MIN,
	METRIC_HANDOFF_FRACTION,
	METRIC_NS_PER_HANDOFF,
	METRIC_HANDOFF_VS_FLOOR,
	METRIC_RATE,		/* rate:KIND, operations of one kind per second */
	METRIC_COUNTER,		/* counter:EVENT, per operation */
	METRIC_LATENCY,		/* p50, p90, p99, p999 or max, [:KIND] */
};

struct metric {
	enum metric_kind kind;
	char name[160];		/* as the user names it: "p99:handoff", "counter:cycles" */
	char unit[64];		/* for headers: "ops/s", "ns", "cycles/op" */
	char arg[128];		/* KIND or EVENT; "" for a latency of the first kind sampled */
	const char *field;	/* latency: "p99_ns", ... */
	bool higher_is_better;
	bool per_rep;		/* false: one figure per configuration, no test */
};

/* The names --metric takes, for help and completion ("rate:", "counter:" take a suffix). */
const char *const *metric_names(size_t *n);

/* Parses --metric text into m: 0, or -1 with one line in err saying what is accepted. */
int metric_parse(const char *text, struct metric *m, char *err, size_t errlen);

/*
 * The metric's values of entry, one per repetition that has it (a
 * repetition without operations has no ns per operation, for instance),
 * at most max, into out; returns how many.  For a per-configuration
 * metric, the one figure (0 or 1 values).
 */
size_t metric_values(const struct metric *m, json_t *entry, double *out, size_t max);

#endif
