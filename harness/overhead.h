/*
 * The harness's own cost per operation: the measurement loop around an
 * operation that does nothing, with no primitive and no shared data, on
 * one thread.  Every run records it (context.harness_ns_per_op), so any
 * figure can be read against what the loop itself takes.
 */
#ifndef SYNCBENCH_OVERHEAD_H
#define SYNCBENCH_OVERHEAD_H

#include "topo.h"

/*
 * CPU ns per operation, the fastest of 5 repetitions of 10 ms, measured
 * once per process; NaN if none ran.
 */
double harness_ns_per_op(const struct topo *t);

#endif
