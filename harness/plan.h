/*
 * `syncbench plan`: where a placement puts each thread, on this machine or
 * on one described by hwloc, pinning nothing; and the placement facts a
 * result records.  Both come from topo.c's placement code, the code `run`
 * pins with, so what plan shows is what run does.
 */
#ifndef SYNCBENCH_PLAN_H
#define SYNCBENCH_PLAN_H

#include <jansson.h>

#include "runner.h"

/* argv[0] is "plan"; returns the exit status (bad input exits 2). */
int plan_main(int argc, char **argv);

/* Its help text. */
extern const char plan_usage[];

/*
 * What a result entry adds to its placement object:
 * {"shared": {"pu", "core", "package", "numa"}, "mem_node": N or null},
 * each shared flag true when two of the threads are on one such object,
 * null when unknown (unpinned threads).
 */
json_t *placement_record_json(const struct run_settings *s, const int *pus, int nthreads);

#endif
