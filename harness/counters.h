/*
 * Performance counters: the only code that knows libpfm4.
 */
#ifndef SYNCBENCH_COUNTERS_H
#define SYNCBENCH_COUNTERS_H

#include <stddef.h>

/*
 * Initialises libpfm4 and writes its version and the core PMU it
 * detects ("" when none is present, as in most VMs).  Returns 0, or -1
 * if libpfm4 cannot be initialised.
 */
int counters_describe(char *version, size_t vlen, char *pmu, size_t pmulen);

#endif
