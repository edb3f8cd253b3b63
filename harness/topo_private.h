/*
 * struct topo, for the three files that use hwloc (topo.c,
 * placement_parse.c, placement.c); everyone else holds it through topo.h.
 */
#ifndef SYNCBENCH_TOPO_PRIVATE_H
#define SYNCBENCH_TOPO_PRIVATE_H

#include <hwloc.h>

#include "topo.h"

struct topo {
	hwloc_topology_t h;
	int npus;
};

/* The package or NUMA node that confines p's policy, or the whole machine (placement_parse.c). */
hwloc_obj_t topo_scope_object(const struct topo *t, const struct placement *p);

/* "NUMA nodes 0 .. 3", "only NUMA node 0": what a machine has, for messages. */
void topo_describe_indices(char *buf, size_t len, const char *what, int n);

#endif
