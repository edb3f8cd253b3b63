/*
 * The coherence floor: how long one cache line takes to move one way
 * between two PUs, measured once per run, before the sweep, for every
 * pair of PUs the sweep's placements put threads on.  A lock handoff
 * moves at least one line (the lock's; with the data beside it, two), so
 * nothing hands a lock over faster: a workload that declares
 * BENCH_WANTS_FLOOR reports its ns per handoff divided by it
 * (summary.handoff_vs_floor), where the lock is saturated.
 *
 * The probe is the workload that declares BENCH_FLOOR_PROBE (pingpong),
 * run through the ordinary runner: there is no second timing loop.  It
 * times batches of 256 round trips back to back, a clock read per 512
 * transfers, and a repetition's figure is the median batch's ns per
 * transfer: a batch that a preemption stretched moves the median no more
 * than any other (the window's ns/op, by contrast, averages preemptions
 * in).  FLOOR_REPS repetitions are taken round-robin over the pairs, so
 * that a pair's spread includes the machine's drift; the floor is their
 * median.
 */
#ifndef SYNCBENCH_FLOOR_H
#define SYNCBENCH_FLOOR_H

#include "sweep.h"

#define FLOOR_REPS 5

/* Unordered: a < b.  ns (the median), min and max are NAN where the probe could not run. */
struct floor_pair {
	int a, b;
	double ns, min_ns, max_ns;
	int reps;		/* repetitions that gave a figure */
};

struct coherence_floor {
	int n;
	struct floor_pair *pair;
	double duration_s;	/* each repetition's measured window */
	int reps;		/* repetitions per pair */
};

/*
 * Fills out with a figure for each pair of distinct PUs that some
 * configuration of sw puts two of its threads on.  Returns 0, or -1 if
 * out of memory (out is then empty).
 */
int floor_measure(const struct sweep *sw, const struct run_settings *s,
		  struct coherence_floor *out);

/*
 * The floor of one repetition, measured just before it on its own PUs:
 * the mean over the pairs of distinct PUs among pus[0..n) of one probe
 * repetition each; NAN with no such pair, more than FLOOR_MAX_REP_PAIRS
 * of them (floor_mean_ns() then stands for it), or a failed probe.  On a
 * VM the time a line takes to move changes as the hypervisor moves the
 * vCPUs (fourfold here, within seconds), so a handoff is held against a
 * floor measured in the same moment.
 */
#define FLOOR_MAX_REP_PAIRS 6
double floor_of_repetition(const struct run_settings *s, const int *pus, int n);

/*
 * The mean one-way time over the pairs of distinct PUs among pus[0..n),
 * where any thread may hand off to any other; NAN if there is no such
 * pair (one PU, or threads not pinned) or one was not measured.
 */
double floor_mean_ns(const struct coherence_floor *f, const int *pus, int n);

void floor_free(struct coherence_floor *f);

#endif
