/*
 * Where a placement puts each thread: the orders of the policies (compact,
 * scatter, cores, ...) over the hwloc tree, their variants, and what the
 * chosen PUs share (topo.h).
 */
#include "topo.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "topo_private.h"

static hwloc_obj_t pu_by_logical(const struct topo *t, int logical)
{
	return hwloc_get_obj_by_type(t->h, HWLOC_OBJ_PU, (unsigned)logical);
}

/*
 * The PUs under obj, as logical indices, in scatter order: the lists of
 * its children dealt out in turn, one PU of each child per round, so
 * that consecutive threads land as far apart as the tree allows and the
 * first k threads of any count are placed as k threads alone would be.
 * Returns how many, or -1 if out of memory.
 */
static int scatter_order(const struct topo *t, hwloc_obj_t obj, int *out)
{
	if (obj->type == HWLOC_OBJ_PU) {
		out[0] = (int)obj->logical_index;
		return 1;
	}
	if (obj->arity == 1)
		return scatter_order(t, obj->first_child, out);
	int total = hwloc_get_nbobjs_inside_cpuset_by_type(t->h, obj->cpuset, HWLOC_OBJ_PU);
	if (total <= 0)
		return 0;
	int *lists = malloc((size_t)total * sizeof(*lists));
	int *start = calloc(obj->arity + 1, sizeof(*start));
	int rc = lists && start ? 0 : -1;
	for (unsigned c = 0; rc == 0 && c < obj->arity; c++) {
		int n = scatter_order(t, obj->children[c], lists + start[c]);
		rc = n < 0 || start[c] + n > total ? -1 : 0;
		start[c + 1] = start[c] + (rc == 0 ? n : 0);
	}
	int written = 0;
	for (int round = 0; rc == 0 && written < start[obj->arity]; round++)
		for (unsigned c = 0; c < obj->arity; c++)
			if (start[c] + round < start[c + 1])
				out[written++] = lists[start[c] + round];
	free(start);
	free(lists);
	return rc == 0 ? written : -1;
}

/*
 * Logical PU order, stably sorted by each PU's rank within its core: the
 * first PU of every core, then the second of every core, and so on.
 */
static int cores_order(const struct topo *t, int *out)
{
	int ncores = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_CORE);
	int *rank = malloc((size_t)t->npus * sizeof(*rank));
	int *seen = calloc((size_t)(ncores > 0 ? ncores : 1), sizeof(*seen));
	int max_rank = 0, written = 0;
	if (!rank || !seen) {
		free(rank);
		free(seen);
		return -1;
	}
	for (int i = 0; i < t->npus; i++) {
		hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(t->h, HWLOC_OBJ_CORE,
								   pu_by_logical(t, i));
		rank[i] = core ? seen[core->logical_index]++ : 0;
		max_rank = rank[i] > max_rank ? rank[i] : max_rank;
	}
	for (int r = 0; r <= max_rank; r++)
		for (int i = 0; i < t->npus; i++)
			if (rank[i] == r)
				out[written++] = i;
	free(seen);
	free(rank);
	return written;
}

/*
 * The OS PUs an ordered policy uses, in the order threads get them,
 * restricted to the confining package or NUMA node.  Returns how many,
 * or -1 if out of memory.
 */
static int policy_order(const struct topo *t, const struct placement *p, int *os)
{
	int *logical = malloc((size_t)t->npus * sizeof(*logical));
	int n = logical ? t->npus : -1;
	if (logical && p->policy == PLACE_COMPACT)
		for (int i = 0; i < n; i++)
			logical[i] = i;
	else if (logical && p->policy == PLACE_CORES)
		n = cores_order(t, logical);
	else if (logical)
		n = scatter_order(t, hwloc_get_root_obj(t->h), logical);
	hwloc_const_cpuset_t within = topo_scope_object(t, p)->cpuset;
	int kept = 0;
	for (int i = 0; i < n; i++) {
		unsigned pu = pu_by_logical(t, logical[i])->os_index;
		if (hwloc_bitmap_isset(within, pu))
			os[kept++] = (int)pu;
	}
	free(logical);
	return n < 0 ? -1 : kept;
}

static bool some_pu_shared(const int *pus, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (pus[i] == pus[j])
				return true;
	return false;
}

int placement_variants(const struct topo *t, const struct placement *p, int nthreads)
{
	if (p->policy != PLACE_PAIRS)
		return 1;
	return nthreads == 2 ? t->npus * (t->npus - 1) : 0;
}

/*
 * Ordered pair number v, in logical PU order: (0,1), (0,2), ... (1,0),
 * (1,2), ...  Ordered, not unordered, so that the matrix shows whether
 * a transfer costs the same both ways.
 */
static void pair_pus(const struct topo *t, int v, int *pus)
{
	int first = v / (t->npus - 1), second = v % (t->npus - 1);
	pus[0] = (int)pu_by_logical(t, first)->os_index;
	pus[1] = (int)pu_by_logical(t, second >= first ? second + 1 : second)->os_index;
}

int placement_resolve(const struct topo *t, const struct placement *p, int nthreads,
		      int variant, int *pus)
{
	switch (p->policy) {
	case PLACE_NONE:
		for (int i = 0; i < nthreads; i++)
			pus[i] = -1;
		return nthreads > t->npus;
	case PLACE_LIST:
		for (int i = 0; i < nthreads; i++)
			pus[i] = p->listed[i % p->nlisted];
		return some_pu_shared(pus, nthreads);
	case PLACE_PAIRS:
		pair_pus(t, variant, pus);
		return 0;
	default:
		break;
	}
	int *order = malloc((size_t)t->npus * sizeof(*order));
	int n = order ? policy_order(t, p, order) : -1;
	for (int i = 0; n > 0 && i < nthreads; i++)
		pus[i] = order[i % n];
	free(order);
	return n <= 0 ? -1 : nthreads > n;
}

/* 1 if two of the n values are equal, 0 if not, -1 if any is unknown (-1). */
static int any_equal(const int *v, int n)
{
	for (int i = 0; i < n; i++)
		if (v[i] < 0)
			return -1;
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (v[i] == v[j])
				return 1;
	return 0;
}

void placement_sharing(const struct topo *t, const int *pus, int n, struct placement_sharing *s)
{
	int *level = malloc((size_t)n * 4 * sizeof(*level));
	if (!level) {
		*s = (struct placement_sharing){ -1, -1, -1, -1 };
		return;
	}
	for (int i = 0; i < n; i++) {
		struct pu_location loc;
		topo_locate(t, pus[i], &loc);
		level[i] = pus[i];
		level[n + i] = loc.core;
		level[2 * n + i] = loc.package;
		level[3 * n + i] = loc.numa;
	}
	*s = (struct placement_sharing){ any_equal(level, n), any_equal(level + n, n),
					 any_equal(level + 2 * n, n), any_equal(level + 3 * n, n) };
	free(level);
}
