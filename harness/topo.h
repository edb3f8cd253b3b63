/*
 * Topology and thread placement: the only code that knows hwloc.
 */
#ifndef SYNCBENCH_TOPO_H
#define SYNCBENCH_TOPO_H

#include <stddef.h>
#include <stdint.h>

struct topo;

/*
 * Loads this machine's topology (restricted to the PUs this process may
 * run on), or, for tests, a synthetic one such as "pack:2 core:2 pu:2".
 * Returns NULL on failure.
 */
struct topo *topo_load(const char *synthetic);
void topo_free(struct topo *t);
int topo_pu_count(const struct topo *t);

enum placement_policy { PLACE_COMPACT, PLACE_SCATTER, PLACE_LIST, PLACE_NONE, PLACE_PAIRS };

#define PLACEMENT_MAX_LIST 1024

struct placement {
	enum placement_policy policy;
	int nlisted;			/* PLACE_LIST: OS PU numbers */
	int listed[PLACEMENT_MAX_LIST];
};

/* Accepted placement spellings, for messages and `syncbench list`. */
#define PLACEMENT_HELP "compact|scatter|none|list:N[,N...] (OS PU numbers)|pairs (2 threads: every ordered pair of PUs)"

/* Parses text; returns 0, or -1 with a one-line reason in err. */
int placement_parse(const struct topo *t, const char *text, struct placement *out,
		    char *err, size_t errlen);

/* Writes the canonical spelling of p ("compact", "list:0,2"). */
void placement_format(const struct placement *p, char *buf, size_t len);

/*
 * How many PU assignments p gives nthreads threads, each measured as a
 * configuration of its own: 1 for every policy but PLACE_PAIRS, which
 * gives every ordered pair of distinct PUs (PUs x (PUs - 1)) to exactly
 * 2 threads, and none (0) to any other thread count.
 */
int placement_variants(const struct topo *t, const struct placement *p, int nthreads);

/*
 * The OS PU number for each of nthreads threads (-1 everywhere for
 * PLACE_NONE) in assignment `variant` (0 .. placement_variants() - 1).
 * Threads beyond the PUs available wrap around.  Returns 1 if some PU
 * gets more than one thread (oversubscribed), 0 if not, -1 if out of
 * memory.
 */
int placement_resolve(const struct topo *t, const struct placement *p, int nthreads,
		      int variant, int *pus);

/* Pins the calling thread to OS PU pu; returns 0 or -1. */
int topo_bind_self(const struct topo *t, int pu);

struct topo_cache {
	int level;
	const char *kind;	/* "data", "instruction", "unified" */
	uint64_t size_bytes;
	int count;
};

struct topo_summary {
	int packages, cores, pus, numa_nodes;
	char cpu_model[128];
	int ncaches;
	struct topo_cache caches[8];
	char hwloc_version[32];
};

void topo_summarize(const struct topo *t, struct topo_summary *s);

#endif
