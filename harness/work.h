/*
 * The work unit's cost on this machine, measured once per process the way
 * the workloads spend units (bench_work() on a thread's chain), and the
 * conversion of a time (`cs=40ns`) into units.
 */
#ifndef SYNCBENCH_WORK_H
#define SYNCBENCH_WORK_H

#include <stdint.h>

/*
 * ns per unit: the slope between sections of 100 and 1100 units, each
 * timed over 256 sections, fastest of 21 tries, so that the call's fixed
 * cost cancels and what remains is the cost of one more unit.  The first
 * call measures (about 7 ms); later calls, and forked children, reuse the
 * figure.
 */
double work_unit_ns(void);

/* The units closest to ns nanoseconds (at least 1 for any ns > 0). */
int64_t work_units_for_ns(double ns);

#endif
