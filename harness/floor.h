/*
 * The coherence floor: how long one cache line takes to move one way
 * between two PUs, measured once per run, before the sweep, for every
 * pair of PUs the sweep's placements put threads on.  It is the cost
 * under every lock handoff, so a workload that declares
 * BENCH_WANTS_FLOOR reports its ns/op divided by it
 * (summary.handoff_vs_floor): near 1, the lock is as cheap as the
 * hardware allows.
 *
 * The probe is the workload that declares BENCH_FLOOR_PROBE (pingpong),
 * run through the ordinary runner: there is no second timing loop.  The
 * figure is the median of its sampled one-way transfers.
 */
#ifndef SYNCBENCH_FLOOR_H
#define SYNCBENCH_FLOOR_H

#include "sweep.h"

/* Unordered: a < b.  ns is NAN where the probe could not run. */
struct floor_pair {
	int a, b;
	double ns;
};

struct coherence_floor {
	int n;
	struct floor_pair *pair;
	double duration_s;	/* each pair's measured window */
};

/*
 * Fills out with a figure for each pair of distinct PUs that some
 * configuration of sw puts two of its threads on.  Returns 0, or -1 if
 * out of memory (out is then empty).
 */
int floor_measure(const struct sweep *sw, const struct run_settings *s,
		  struct coherence_floor *out);

/*
 * The mean one-way time over the pairs of distinct PUs among pus[0..n),
 * where any thread may hand off to any other; NAN if there is no such
 * pair (one PU, or threads not pinned) or one was not measured.
 */
double floor_mean_ns(const struct coherence_floor *f, const int *pus, int n);

void floor_free(struct coherence_floor *f);

#endif
