/*
 * How a primitive or a workload hands its own statistics to the harness
 * without knowing how they are stored: it calls emit once per named value.
 */
#ifndef SYNCBENCH_STAT_EMIT_H
#define SYNCBENCH_STAT_EMIT_H

typedef void stat_emit_fn(void *sink, const char *name, double value);

#endif
