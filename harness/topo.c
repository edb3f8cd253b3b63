/*
 * The machine as hwloc sees it: loading it (this machine, a synthetic
 * description or an XML export), where a PU is, binding, NUMA-bound
 * pages, the caches.  Placements are placement_parse.c's and
 * placement.c's; the three are the only files that use hwloc.
 */
#include "topo.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "topo_private.h"


/* Takes ownership of h: loads it into a topo, or destroys it. */
static struct topo *topo_from(hwloc_topology_t h)
{
	struct topo *t = calloc(1, sizeof(*t));
	if (!t || hwloc_topology_load(h) != 0) {
		hwloc_topology_destroy(h);
		free(t);
		return NULL;
	}
	t->h = h;
	t->npus = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_PU);
	return t;
}

struct topo *topo_load(const char *synthetic)
{
	hwloc_topology_t h;
	if (hwloc_topology_init(&h) != 0)
		return NULL;
	/* Honour taskset and cgroups alike: only the PUs we may run on exist. */
	unsigned long flags = HWLOC_TOPOLOGY_FLAG_IS_THISSYSTEM |
			      HWLOC_TOPOLOGY_FLAG_RESTRICT_TO_CPUBINDING;
	if ((synthetic ? hwloc_topology_set_synthetic(h, synthetic)
		       : hwloc_topology_set_flags(h, flags)) != 0) {
		hwloc_topology_destroy(h);
		return NULL;
	}
	return topo_from(h);
}

/*
 * The PUs a synthetic description asks for, the product of its arities
 * ("pack:2 core:4" -> 8), saturating.  hwloc takes time quadratic in an
 * arity, so a description too large to be a machine is refused before
 * hwloc sees it.  hwloc remains the judge of the syntax.
 */
static long synthetic_size(const char *desc)
{
	long product = 1;
	int depth = 0; /* inside an attribute's ( ) or [ ]: its numbers are no arity */
	for (const char *p = desc; *p; p++) {
		depth += (*p == '(' || *p == '[') - (*p == ')' || *p == ']');
		/* An arity follows a colon ("core:16", also "pack:80numa:2") or stands alone ("2 4"). */
		bool starts = p == desc || p[-1] == ':' || p[-1] == ' ' || p[-1] == '\t' ||
			      p[-1] == '\n';
		if (depth > 0 || !starts || !isdigit((unsigned char)*p))
			continue;
		long arity = strtol(p, NULL, 10);
		if (arity > TOPO_MAX_DESCRIBED_PUS || arity * product > TOPO_MAX_DESCRIBED_PUS)
			return LONG_MAX;
		product *= arity > 0 ? arity : 1;
	}
	return product;
}

/* A whole regular file, at most 64 MiB (an XML export of a large machine is a few MB). */
static char *read_small_file(int fd, size_t *len)
{
	const size_t max = 64u << 20;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		errno = EFBIG;
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	size_t used = 0;
	while (buf && used < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + used, (size_t)st.st_size - used);
		if (n <= 0) {
			free(buf);
			return NULL;
		}
		used += (size_t)n;
	}
	if (buf)
		buf[used] = '\0';
	*len = used;
	return buf;
}

static struct topo *open_xml(const char *path, char *err, size_t errlen)
{
	/* Non-blocking: a FIFO or device must not hang the command. */
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	size_t len = 0;
	char *xml = fd >= 0 ? read_small_file(fd, &len) : NULL;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (!xml) {
		snprintf(err, errlen, "--topology %s: cannot read it as a topology file: %s", path,
			 saved == EFBIG ? "not a regular file of at most 64 MiB" : strerror(saved));
		return NULL;
	}
	hwloc_topology_t h;
	struct topo *t = NULL;
	if (len <= INT_MAX && hwloc_topology_init(&h) == 0) {
		if (hwloc_topology_set_xmlbuffer(h, xml, (int)len + 1) == 0)
			t = topo_from(h);
		else
			hwloc_topology_destroy(h);
	}
	free(xml);
	if (!t)
		snprintf(err, errlen, "--topology %s: not an hwloc XML topology "
			 "(export one on the machine with `lstopo --of xml FILE`)", path);
	return t;
}

struct topo *topo_open(const char *desc, char *err, size_t errlen)
{
	struct stat st;
	if (stat(desc, &st) == 0)
		return open_xml(desc, err, errlen);
	/* No synthetic description has a '/' or ends in .xml: a file that is not there. */
	size_t n = strlen(desc);
	if (strchr(desc, '/') || (n > 4 && strcmp(desc + n - 4, ".xml") == 0)) {
		snprintf(err, errlen, "--topology %.200s: %s (accepted: an XML file from `lstopo --of "
			 "xml FILE`, or a synthetic description such as \"pack:2 core:16 pu:2\")", desc,
			 strerror(errno));
		return NULL;
	}
	struct topo *t = NULL;
	if (synthetic_size(desc) > TOPO_MAX_DESCRIBED_PUS) {
		snprintf(err, errlen, "--topology '%.200s' describes more than %d PUs", desc,
			 TOPO_MAX_DESCRIBED_PUS);
		return NULL;
	}
	if (desc[0] != '\0')
		t = topo_load(desc);
	if (!t)
		snprintf(err, errlen, "--topology '%.200s' is neither a file nor an hwloc synthetic "
			 "description (accepted: e.g. \"pack:2 numa:2 core:16 pu:2\", or an XML file "
			 "from `lstopo --of xml`)", desc);
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

int topo_numa_count(const struct topo *t)
{
	return hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_NUMANODE);
}

/* The NUMA node nearest obj: the first one among the memory children of its nearest ancestor that has any. */
static hwloc_obj_t local_numa(hwloc_obj_t obj)
{
	for (; obj; obj = obj->parent) {
		/* A memory-side cache sits between an object and its NUMA nodes. */
		hwloc_obj_t m = obj->memory_first_child;
		while (m && m->type != HWLOC_OBJ_NUMANODE)
			m = m->memory_first_child;
		if (m)
			return m;
	}
	return NULL;
}

static int logical_or_none(hwloc_obj_t obj)
{
	return obj ? (int)obj->logical_index : -1;
}

void topo_locate(const struct topo *t, int pu, struct pu_location *loc)
{
	hwloc_obj_t obj = pu >= 0 ? hwloc_get_pu_obj_by_os_index(t->h, (unsigned)pu) : NULL;
	*loc = (struct pu_location){ -1, -1, -1 };
	if (!obj)
		return;
	loc->core = logical_or_none(hwloc_get_ancestor_obj_by_type(t->h, HWLOC_OBJ_CORE, obj));
	loc->package = logical_or_none(hwloc_get_ancestor_obj_by_type(t->h, HWLOC_OBJ_PACKAGE, obj));
	loc->numa = logical_or_none(local_numa(obj));
}

int topo_bind_self(const struct topo *t, int pu)
{
	hwloc_obj_t obj = hwloc_get_pu_obj_by_os_index(t->h, (unsigned)pu);
	if (!obj)
		return -1;
	return hwloc_set_cpubind(t->h, obj->cpuset, HWLOC_CPUBIND_THREAD);
}

int topo_check_mem_node(const struct topo *t, int node, char *err, size_t errlen)
{
	const struct hwloc_topology_support *s = hwloc_topology_get_support(t->h);
	int n = topo_numa_count(t);
	char has[64];
	topo_describe_indices(has, sizeof(has), "NUMA node", n);
	if (node < 0 || node >= n) {
		snprintf(err, errlen, "--mem-node %d: this machine has %s (logical indices, as "
			 "`lstopo -l` shows them)", node, has);
		return -1;
	}
	if (!s->membind->set_area_membind) {
		snprintf(err, errlen, "--mem-node %d: hwloc cannot bind memory on this system", node);
		return -1;
	}
	return 0;
}

void *topo_alloc_pages(const struct topo *t, size_t size, bool bind, int node)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = (size + page - 1) / page * page;
	void *p = aligned_alloc(page, len);
	if (!p)
		return NULL;
	hwloc_obj_t numa = bind ? hwloc_get_obj_by_type(t->h, HWLOC_OBJ_NUMANODE, (unsigned)node) : NULL;
	/*
	 * Strict: a page left elsewhere would make the placement a lie.
	 * Migrate: the allocator may hand back pages already touched.
	 */
	if (bind && (!numa || hwloc_set_area_membind(t->h, p, len, numa->nodeset, HWLOC_MEMBIND_BIND,
						      HWLOC_MEMBIND_BYNODESET | HWLOC_MEMBIND_STRICT |
						      HWLOC_MEMBIND_MIGRATE) != 0)) {
		int saved = numa ? errno : EINVAL;
		free(p);
		errno = saved;
		return NULL;
	}
	memset(p, 0, len);
	return p;
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
