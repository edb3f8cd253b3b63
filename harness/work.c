#include "work.h"

#include <math.h>

#include "../benches/bench.h"
#include "clock.h"

/*
 * A try of the long sections lasts about 0.3 ms: short enough that most
 * tries run without being preempted even on a loaded machine, so that the
 * fastest of them is the cost of the work and not of the scheduler.
 */
enum { WORK_CALIBRATE_SHORT = 100, WORK_CALIBRATE_LONG = 1100, WORK_CALIBRATE_TRIES = 21 };

/* ns per section of `units` units, over a few hundred sections. */
static double section_ns(struct bench_thread *t, uint64_t units)
{
	const int sections = 256;
	uint64_t t0 = now_ns();
	for (int i = 0; i < sections; i++)
		bench_work(t, units);
	return (double)(now_ns() - t0) / sections;
}

static double calibrate(void)
{
	struct bench_thread t = { .work = now_ns() };
	double best_short = INFINITY, best_long = INFINITY;
	for (int i = 0; i < WORK_CALIBRATE_TRIES; i++) {
		best_short = fmin(best_short, section_ns(&t, WORK_CALIBRATE_SHORT));
		best_long = fmin(best_long, section_ns(&t, WORK_CALIBRATE_LONG));
	}
	return (best_long - best_short) / (WORK_CALIBRATE_LONG - WORK_CALIBRATE_SHORT);
}

double work_unit_ns(void)
{
	static double unit_ns;
	if (unit_ns == 0)
		unit_ns = calibrate();
	return unit_ns;
}

int64_t work_units_for_ns(double ns)
{
	if (!(ns > 0))
		return 0;
	double units = round(ns / work_unit_ns());
	return units < 1 ? 1 : units > (double)INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)units;
}
