/*
 * The run's context: everything a reader needs to trust or reproduce a
 * figure (machine, topology, build, command line, clock).
 */
#ifndef SYNCBENCH_CONTEXT_H
#define SYNCBENCH_CONTEXT_H

#include "counters.h"
#include "latency.h"
#include "topo.h"

struct run_context {
	char date[32];			/* ISO 8601, UTC */
	char hostname[256];
	char kernel[512];
	struct topo_summary topo;
	const char *compiler, *cflags, *git_commit;
	char clock_source[64];		/* the kernel's clocksource */
	double clock_resolution_ns;
	double timer_overhead_ns;	/* one now_ns() call */
	double work_unit_ns;		/* one work_units() step */
	struct tick_clock latency_clock;	/* the clock acquire latencies are read with */
	char pfm_version[32], pmu[64];
	const struct event_set *events;	/* what --events resolved to, probed here */
	const struct coherence_floor *floor;	/* NULL unless the workload wants it */
	double interleave_s;		/* the sweep's window (struct sweep) */
	int argc;
	char **argv;
};

void context_collect(struct run_context *ctx, const struct topo *t, const struct event_set *events,
		     int argc, char **argv);

/* ns per work unit, by timing the work loop itself (min of several tries). */
double calibrate_work_unit_ns(void);

#endif
