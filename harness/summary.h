/*
 * One configuration's figures, computed from its repetitions' raw
 * figures into plain structs: report.c writes the JSON and the table
 * from them, and tests/test_summary.c checks them without jansson.
 */
#ifndef SYNCBENCH_SUMMARY_H
#define SYNCBENCH_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "runner.h"
#include "stats.h"

/* One repetition: the workload's operations (its counted kinds) over the window. */
struct rep_summary {
	uint64_t ops;
	uint64_t ops_by_kind[MAX_OP_KINDS];	/* every kind, counted or not */
	uint64_t cpu_ns;
	double ops_per_sec, ns_per_op, cpu_ns_per_op;	/* NaN without an operation */
};

/* Acquire latency of one kind, over every repetition (nearest-rank quantiles). */
struct latency_summary {
	uint64_t samples;
	double p50_ns, p90_ns, p99_ns, p999_ns, max_ns;
};

/*
 * A latency percentile standing on fewer samples than this is marked in
 * the table: with 99 samples, "p99" is the second largest of them.
 */
#define LATENCY_FEW_SAMPLES 100

/* One counter over the repetitions: medians of the totals and per operation. */
struct event_summary {
	const char *reason;	/* why there is no figure; NULL when counted */
	double total, per_op;
	bool multiplexed;	/* a hardware event shared the PMU: scaled */
};

/* What makes a configuration's figures less than they seem (JSON `flags`). */
enum config_flag {
	FLAG_FEW_OPS = 1u << 0,	/* a repetition counted fewer than RUN_MIN_OPS operations */
};

struct config_summary {
	int nreps;
	struct rep_summary *rep;	/* nreps of them */
	struct summary ops_per_sec, ns_per_op, cpu_ns_per_op;
	/* Per kind, for workloads of several kinds (nkinds > 1). */
	int nkinds;
	struct summary kind_ops_per_sec[MAX_OP_KINDS];
	double jain, max_min_ratio;	/* medians over the repetitions */
	/*
	 * BENCH_WANTS_FLOOR workloads: the share of operations that were
	 * handoffs (kind 0), the window per handoff and the floor each
	 * repetition was held against (its own, measured just before it,
	 * else the run's), medians over the repetitions; whether the
	 * configuration is saturated; and then the median over the
	 * repetitions of ns per handoff over the repetition's floor (NaN
	 * where not saturated, on one PU, or with no floor).
	 */
	bool wants_floor, saturated;
	double handoff_fraction, ns_per_handoff, floor_ns, handoff_vs_floor;
	/* Acquire latency, when anything was sampled. */
	bool sampled;
	double max_gap_ns;
	struct latency_summary latency[MAX_OP_KINDS];
	struct latency_hist *hist;	/* MAX_OP_KINDS merged histograms, in ticks */
	int nevents;
	struct event_summary events[MAX_EVENTS];
	/* The check of the worst repetition: one failure fails the configuration. */
	enum check_result check;
	const char *check_detail;	/* points into the repetitions; "" when none */
	unsigned flags;			/* enum config_flag */
	int few_ops_reps;		/* repetitions under RUN_MIN_OPS */
	uint64_t fewest_ops;
};

/*
 * Summarizes n >= 1 repetitions of c, measured on PUs pus under s.
 * Returns 0, or -1 if out of memory.  Free with config_summary_free().
 */
int config_summarize(const struct config *c, const struct run_settings *s, const int *pus,
		     const struct rep_figures *reps, int n, struct config_summary *out);
void config_summary_free(struct config_summary *cs);

#endif
