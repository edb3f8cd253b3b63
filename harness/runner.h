/*
 * THE measurement loop, and the one place that runs a configuration.
 */
#ifndef SYNCBENCH_RUNNER_H
#define SYNCBENCH_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

#include "../benches/bench.h"
#include "counters.h"
#include "topo.h"

/* One point of a sweep. */
struct config {
	const struct bench_ops *bench;
	const struct lock_ops *prim;
	int threads;
	int64_t bench_params[MAX_PARAMS];
	int64_t prim_params[MAX_PARAMS];
	/* Each work parameter given as a time (PARAM_WORK): that time, else 0. */
	double bench_asked_ns[MAX_PARAMS];
	double prim_asked_ns[MAX_PARAMS];
};

struct coherence_floor;

/*
 * A repetition whose window holds fewer of the workload's operations
 * than this is extended, and flagged `few_ops` if it still does: a rate
 * counted over fewer operations moves by more than 0.5% with one
 * operation at either edge of the window.
 */
#define RUN_MIN_OPS 200
/*
 * How far a window may be extended: to this many times the planned
 * duration in all, and by at most RUN_MAX_EXTENSION_S seconds.
 */
#define RUN_MAX_EXTENSION 4
#define RUN_MAX_EXTENSION_S 2.0

/* What stays the same across a sweep. */
struct run_settings {
	const struct topo *topo;
	struct placement placement;
	bool mem_bound;			/* --mem-node: the shared state is bound to mem_node */
	int mem_node;			/* a NUMA node's logical index */
	double duration_s, warmup_s;
	/* RUN_MIN_OPS for a measurement; 0 for a probe that runs its duration exactly. */
	uint64_t min_ops;
	int reps;
	const struct event_set *events;	/* counters each worker opens */
	const struct coherence_floor *floor;	/* NULL unless the workload wants it */
};

#define MAX_NAMED_STATS 32

struct named_stats {
	int n;
	struct {
		char name[48];
		double value;
	} item[MAX_NAMED_STATS];
};

struct thread_figures {
	uint64_t ops;		/* operations in the measured window */
	uint64_t ops_by_kind[MAX_OP_KINDS];
	uint64_t cpu_ns;	/* CPU time in the measured window */
	int pu;			/* OS PU the thread was on when it stopped */
	struct counter_reading counters[MAX_EVENTS];	/* settings->events, in order */
};

/* The raw figures of one repetition. */
struct rep_figures {
	double started_s;	/* when its process started, in seconds since the sweep did */
	uint64_t wall_ns;	/* length of the measured window */
	uint64_t all_ops;	/* every op() call, warmup included */
	enum check_result check;
	char check_detail[256];
	struct named_stats prim_stats, bench_stats;
	struct thread_figures *threads;	/* config->threads entries */
	/*
	 * BENCH_WANTS_FLOOR workloads: the coherence floor of the PUs this
	 * repetition ran on, measured in its own process just before it
	 * (harness/floor.h); NAN where it was not.
	 */
	double floor_ns;
	/* Sampled acquire latencies of all threads, per kind, in ticks. */
	struct latency_hist latency[MAX_OP_KINDS];
	uint64_t max_gap_ticks;		/* longest gap between sampled acquisitions */
	/*
	 * A repetition an external program ran (harness/external.h): where
	 * its workers have no thread of their own (goroutines), CPU time is
	 * the process's (cpu_of_process, process_cpu_ns; threads[].cpu_ns
	 * unused); its counters are always the whole process's
	 * (counters_of_process, process_counters; threads[].counters unused).
	 */
	bool cpu_of_process, counters_of_process;
	uint64_t process_cpu_ns;
	struct counter_reading process_counters[MAX_EVENTS];
};

/* The longest a repetition's window can be: the duration, extended for min_ops. */
double run_max_window_s(const struct run_settings *s);

/*
 * Calls out of run_repetition, for a caller that watches it from another
 * process (harness/isolate.c): ready once every thread is created, pinned
 * and waiting at the start gate, just before the gate opens; measured once
 * out holds every figure, before the workload and the primitive are torn
 * down.  Either may be NULL.
 */
struct rep_hooks {
	void (*ready)(void *arg);
	void (*measured)(void *arg);
	void *arg;
};

/*
 * Runs one repetition in this process: creates, pins and releases the
 * threads, warms up, measures, stops, checks.  Returns 0, or -1 with a
 * reason in err (the primitive's init failed, pinning failed, ...).
 * hooks may be NULL.
 */
int run_repetition(const struct config *c, const struct run_settings *s, const int *pus,
		   struct rep_figures *out, char *err, size_t errlen, const struct rep_hooks *hooks);

#endif
