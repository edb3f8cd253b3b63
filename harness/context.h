/*
 * The run's context: everything a reader needs to trust or reproduce a
 * figure (machine, topology, build, command line, clock).
 */
#ifndef SYNCBENCH_CONTEXT_H
#define SYNCBENCH_CONTEXT_H

#include "conditions.h"
#include "counters.h"
#include "latency.h"
#include "topo.h"

struct run_context {
	char date[32];			/* ISO 8601, UTC */
	char hostname[256];
	char kernel[512];
	struct topo_summary topo;
	struct run_conditions conditions;	/* frequency scaling, SMT, steal since collection */
	const char *compiler, *cflags, *git_commit;
	char clock_source[64];		/* the kernel's clocksource */
	double clock_resolution_ns;
	double timer_overhead_ns;	/* one now_ns() call */
	double work_unit_ns;		/* one work unit, as the workloads spend it (work.h) */
	double harness_ns_per_op;	/* the measurement loop alone (overhead.h) */
	struct tick_clock latency_clock;	/* the clock acquire latencies are read with */
	char pfm_version[32], pmu[64];
	const struct event_set *events;	/* what --events resolved to, probed here */
	const struct coherence_floor *floor;	/* NULL unless the workload wants it */
	double interleave_s;		/* the sweep's window (struct sweep) */
	int argc;
	char **argv;
	/* What lets merge put many hosts' runs side by side: */
	const char *host;		/* the machine's name there: --host, else hostname */
	const char *sweep_id;		/* --sweep-id, or NULL */
	int shard_index, shard_count;	/* --shard I/N; 1/1 for a whole sweep */
};

void context_collect(struct run_context *ctx, const struct topo *t, const struct event_set *events,
		     int argc, char **argv);

/* The run's place in a sweep across hosts; host NULL: the hostname; shard_count 0: whole. */
void context_set_sweep(struct run_context *ctx, const char *host, const char *sweep_id,
		       int shard_index, int shard_count);

#endif
