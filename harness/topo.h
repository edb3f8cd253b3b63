/*
 * Topology and thread placement: the only code that knows hwloc.
 *
 * A placement turns a thread count into one OS PU per thread.  The same
 * code plans `syncbench plan` on a described machine and pins `syncbench
 * run` on this one, so what plan shows is what run does.
 */
#ifndef SYNCBENCH_TOPO_H
#define SYNCBENCH_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct topo;

/*
 * Loads this machine's topology (restricted to the PUs this process may
 * run on), or, for tests, a synthetic one such as "pack:2 core:2 pu:2".
 * Returns NULL on failure.
 */
struct topo *topo_load(const char *synthetic);

/*
 * `plan --topology DESC`: DESC names a regular file (an hwloc XML export,
 * `lstopo --of xml`) or is an hwloc synthetic description.  Returns NULL
 * with a one-line reason in err for anything else.
 */
struct topo *topo_open(const char *desc, char *err, size_t errlen);

/* The most PUs a described topology may have: far beyond any machine we target. */
#define TOPO_MAX_DESCRIBED_PUS 4096

void topo_free(struct topo *t);
int topo_pu_count(const struct topo *t);
int topo_numa_count(const struct topo *t);

enum placement_policy {
	PLACE_COMPACT, PLACE_CORES, PLACE_SCATTER, PLACE_LIST, PLACE_NONE, PLACE_PAIRS,
};

/* Where compact, cores and scatter may put threads. */
enum placement_scope { SCOPE_MACHINE, SCOPE_PACKAGE, SCOPE_NUMA };

#define PLACEMENT_MAX_LIST 1024

struct placement {
	enum placement_policy policy;
	enum placement_scope within;	/* compact, cores, scatter: @package:N, @numa:N */
	int within_index;		/* the package's or NUMA node's logical index */
	int nlisted;			/* PLACE_LIST: OS PU numbers */
	int listed[PLACEMENT_MAX_LIST];
};

/* Accepted placement spellings, for messages and `syncbench list`. */
#define PLACEMENT_HELP                                                                        \
	"cores|compact|scatter, optionally @package:N or @numa:N (logical index) | "         \
	"list:CPUS (OS PU numbers, ranges as taskset: 0-7,16-23 or 0-15:2) | none | "         \
	"pairs (2 threads: every ordered pair of PUs)"

/* Parses text; returns 0, or -1 with a one-line reason in err. */
int placement_parse(const struct topo *t, const char *text, struct placement *out,
		    char *err, size_t errlen);

/*
 * Writes the canonical spelling of p ("cores", "scatter@numa:1",
 * "list:0-7,16").  Runs of 3 or more PUs a fixed step apart are written
 * as taskset writes them (0-7, 0-14:2), so a printed list parses back.
 */
void placement_format(const struct placement *p, char *buf, size_t len);

/* Writes pus as list: would, e.g. "0-3,8,10" (no "list:" prefix). */
void format_pu_list(const int *pus, int n, char *buf, size_t len);

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
 * Threads beyond the PUs the placement may use wrap around.  Returns 1
 * if some PU gets more than one thread (oversubscribed), 0 if not, -1 if
 * out of memory.
 */
int placement_resolve(const struct topo *t, const struct placement *p, int nthreads,
		      int variant, int *pus);

/* Where one PU sits: logical indices, -1 where the topology has no such object. */
struct pu_location {
	int core, package, numa;
};

/* The location of OS PU pu; every field -1 for a PU the topology lacks (-1: unpinned). */
void topo_locate(const struct topo *t, int pu, struct pu_location *loc);

/* Whether any two of the threads share each level: 1 yes, 0 no, -1 unknown (unpinned). */
struct placement_sharing {
	int pu, core, package, numa;
};

void placement_sharing(const struct topo *t, const int *pus, int n, struct placement_sharing *s);

/* Pins the calling thread to OS PU pu; returns 0 or -1. */
int topo_bind_self(const struct topo *t, int pu);

/*
 * --mem-node: 0 if memory can be bound to NUMA node `node` (logical
 * index) here, else -1 with a one-line reason in err.
 */
int topo_check_mem_node(const struct topo *t, int node, char *err, size_t errlen);

/*
 * size zeroed bytes on pages of their own (free() them), bound to NUMA
 * node `node` (logical index) when bind is true, migrated there if
 * already touched; NULL with errno set if memory or the binding fails.
 */
void *topo_alloc_pages(const struct topo *t, size_t size, bool bind, int node);

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
