#include "overhead.h"

#include <math.h>

#include "runner.h"

enum { PROBE_REPS = 5 };
#define PROBE_DURATION_S 0.01
#define PROBE_WARMUP_S 0.002

/* Called through the loop's function pointer like any op(), so it is never inlined away. */
static unsigned empty_op(const struct bench_run *run, struct bench_thread *t)
{
	(void)run;
	(void)t;
	return 0;
}

static enum check_result nothing_to_check(const struct bench_run *run,
					  struct bench_thread *const *threads, uint64_t total_ops,
					  char *why, size_t whylen)
{
	(void)run, (void)threads, (void)total_ops, (void)why, (void)whylen;
	return CHECK_SKIPPED;
}

static const struct bench_ops empty_bench = {
	.name = "harness",
	.summary = "the measurement loop around an operation that does nothing",
	.needs = NEEDS_NOTHING,
	.op = empty_op,
	.check = nothing_to_check,
};

static double measure(const struct topo *t)
{
	static const struct event_set no_events = { .spec = "none" };
	const struct run_settings s = { .topo = t, .duration_s = PROBE_DURATION_S,
					.warmup_s = PROBE_WARMUP_S, .reps = 1, .events = &no_events };
	const struct config c = { .bench = &empty_bench, .threads = 1 };
	const int unpinned = -1;
	double best = NAN;
	for (int r = 0; r < PROBE_REPS; r++) {
		struct thread_figures thread;
		struct rep_figures rep = { .threads = &thread };
		char err[256];
		/* CPU time: a preemption by another process is no part of the loop's cost. */
		if (run_repetition(&c, &s, &unpinned, &rep, err, sizeof(err), NULL) == 0 && thread.ops)
			best = fmin(isnan(best) ? INFINITY : best,
				    (double)thread.cpu_ns / (double)thread.ops);
	}
	return best;
}

double harness_ns_per_op(const struct topo *t)
{
	static double ns;
	static int measured;
	if (!measured) {
		ns = measure(t);
		measured = 1;
	}
	return ns;
}
