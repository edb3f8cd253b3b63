#include "topo.h"

#include <errno.h>
#include <hwloc.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct topo {
	hwloc_topology_t h;
	int npus;
};

struct topo *topo_load(const char *synthetic)
{
	struct topo *t = calloc(1, sizeof(*t));
	if (!t || hwloc_topology_init(&t->h) != 0) {
		free(t);
		return NULL;
	}
	/* Honour taskset and cgroups alike: only the PUs we may run on exist. */
	unsigned long flags = HWLOC_TOPOLOGY_FLAG_IS_THISSYSTEM |
			      HWLOC_TOPOLOGY_FLAG_RESTRICT_TO_CPUBINDING;
	if ((synthetic ? hwloc_topology_set_synthetic(t->h, synthetic)
		       : hwloc_topology_set_flags(t->h, flags)) != 0 ||
	    hwloc_topology_load(t->h) != 0) {
		hwloc_topology_destroy(t->h);
		free(t);
		return NULL;
	}
	t->npus = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PU);
	return t;
}

void topo_free(struct topo *t)
{
	if (!t)
		return;
	hwloc_topology_destroy(t->h);
	free(t);
}

int topo_pu_count(const struct topo *t)
{
	return t->npus;
}

static int parse_pu_list(const struct topo *t, const char *list, struct placement *out,
			 char *err, size_t errlen)
{
	const char *p = list;
	out->nlisted = 0;
	for (;;) {
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (end == p || (*end != ',' && *end != '\0') || errno || v < 0 || v > INT_MAX) {
			snprintf(err, errlen, "placement list:%s is not a list of PU numbers (accepted: %s)",
				 list, PLACEMENT_HELP);
			return -1;
		}
		if (!hwloc_get_pu_obj_by_os_index(t->h, (unsigned)v)) {
			snprintf(err, errlen, "placement list:%s names PU %ld, which this process cannot use (%d PUs available)",
				 list, v, t->npus);
			return -1;
		}
		if (out->nlisted == PLACEMENT_MAX_LIST) {
			snprintf(err, errlen, "placement list:%s is longer than %d PUs", list,
				 PLACEMENT_MAX_LIST);
			return -1;
		}
		out->listed[out->nlisted++] = (int)v;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

int placement_parse(const struct topo *t, const char *text, struct placement *out,
		    char *err, size_t errlen)
{
	static const struct { const char *name; enum placement_policy policy; } named[] = {
		{ "compact", PLACE_COMPACT },
		{ "scatter", PLACE_SCATTER },
		{ "none", PLACE_NONE },
		{ "pairs", PLACE_PAIRS },
	};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (strcmp(text, named[i].name) == 0) {
			out->policy = named[i].policy;
			out->nlisted = 0;
			return 0;
		}
	}
	if (strncmp(text, "list:", 5) == 0) {
		out->policy = PLACE_LIST;
		return parse_pu_list(t, text + 5, out, err, errlen);
	}
	snprintf(err, errlen, "unknown placement '%s' (accepted: %s)", text, PLACEMENT_HELP);
	return -1;
}

void placement_format(const struct placement *p, char *buf, size_t len)
{
	static const char *const names[] = {
		[PLACE_COMPACT] = "compact", [PLACE_SCATTER] = "scatter",
		[PLACE_LIST] = "list", [PLACE_NONE] = "none", [PLACE_PAIRS] = "pairs",
	};
	size_t used = (size_t)snprintf(buf, len, "%s", names[p->policy]);
	for (int i = 0; i < p->nlisted && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%c%d", i ? ',' : ':',
					 p->listed[i]);
}

static int compact_pu(const struct topo *t, int logical)
{
	return (int)hwloc_get_obj_by_type(t->h, HWLOC_OBJ_PU, (unsigned)logical)->os_index;
}

/* hwloc_distrib spreads n sets as far apart as the tree allows; it allocates them. */
static int scatter_pus(const struct topo *t, int n, int *pus)
{
	hwloc_cpuset_t *sets = calloc((size_t)n, sizeof(*sets));
	if (!sets)
		return -1;
	hwloc_obj_t root = hwloc_get_root_obj(t->h);
	hwloc_distrib(t->h, &root, 1, sets, (unsigned)n, INT_MAX, 0);
	for (int i = 0; i < n; i++) {
		hwloc_bitmap_singlify(sets[i]);
		pus[i] = hwloc_bitmap_first(sets[i]);
		hwloc_bitmap_free(sets[i]);
	}
	free(sets);
	return 0;
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
	pus[0] = compact_pu(t, first);
	pus[1] = compact_pu(t, second >= first ? second + 1 : second);
}

int placement_resolve(const struct topo *t, const struct placement *p, int nthreads,
		      int variant, int *pus)
{
	int distinct = nthreads < t->npus ? nthreads : t->npus;

	switch (p->policy) {
	case PLACE_NONE:
		for (int i = 0; i < nthreads; i++)
			pus[i] = -1;
		return nthreads > t->npus;
	case PLACE_COMPACT:
		for (int i = 0; i < nthreads; i++)
			pus[i] = compact_pu(t, i % t->npus);
		break;
	case PLACE_SCATTER:
		if (scatter_pus(t, distinct, pus) != 0)
			return -1;
		for (int i = distinct; i < nthreads; i++)
			pus[i] = pus[i % distinct];
		break;
	case PLACE_LIST:
		for (int i = 0; i < nthreads; i++)
			pus[i] = p->listed[i % p->nlisted];
		break;
	case PLACE_PAIRS:
		pair_pus(t, variant, pus);
		break;
	}
	return some_pu_shared(pus, nthreads);
}

int topo_bind_self(const struct topo *t, int pu)
{
	hwloc_obj_t obj = hwloc_get_pu_obj_by_os_index(t->h, (unsigned)pu);
	if (!obj)
		return -1;
	return hwloc_set_cpubind(t->h, obj->cpuset, HWLOC_CPUBIND_THREAD);
}

static const char *cache_kind(hwloc_obj_cache_type_t type)
{
	switch (type) {
	case HWLOC_OBJ_CACHE_DATA:
		return "data";
	case HWLOC_OBJ_CACHE_INSTRUCTION:
		return "instruction";
	default:
		return "unified";
	}
}

static void summarize_caches(const struct topo *t, struct topo_summary *s)
{
	for (hwloc_obj_type_t type = HWLOC_OBJ_L1CACHE; type <= HWLOC_OBJ_L3ICACHE; type++) {
		int n = hwloc_get_nbobjs_by_type(t->h, type);
		if (n <= 0 || s->ncaches == (int)(sizeof(s->caches) / sizeof(s->caches[0])))
			continue;
		hwloc_obj_t c = hwloc_get_obj_by_type(t->h, type, 0);
		s->caches[s->ncaches++] = (struct topo_cache){
			.level = (int)c->attr->cache.depth,
			.kind = cache_kind(c->attr->cache.type),
			.size_bytes = c->attr->cache.size,
			.count = n,
		};
	}
}

void topo_summarize(const struct topo *t, struct topo_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->packages = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PACKAGE);
	s->cores = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_CORE);
	s->pus = t->npus;
	s->numa_nodes = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_NUMANODE);
	hwloc_obj_t pkg = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_PACKAGE, 0);
	const char *model = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
	snprintf(s->cpu_model, sizeof(s->cpu_model), "%s", model ? model : "unknown");
	summarize_caches(t, s);
	unsigned v = hwloc_get_api_version();
	snprintf(s->hwloc_version, sizeof(s->hwloc_version), "%u.%u.%u", v >> 16,
		 (v >> 8) & 0xff, v & 0xff);
}
