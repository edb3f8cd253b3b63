#include "topo.h"

#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct topo {
	hwloc_topology_t h;
	int npus;
};

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
	for (const char *p = desc; *p;) {
		size_t len = strcspn(p, " \t\n");
		const char *colon = memchr(p, ':', len);
		if (colon && p[0] != '[' && p[0] != '(') {
			long arity = strtol(colon + 1, NULL, 10);
			if (arity > TOPO_MAX_DESCRIBED_PUS || arity * product > TOPO_MAX_DESCRIBED_PUS)
				return LONG_MAX;
			product *= arity > 0 ? arity : 1;
		}
		p += len;
		p += strspn(p, " \t\n");
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

static int list_error(const char *list, const char *why, char *err, size_t errlen)
{
	snprintf(err, errlen, "placement list:%.200s: %s (accepted: %s)", list, why, PLACEMENT_HELP);
	return -1;
}

static int parse_number(const char *p, char **end, long *out)
{
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	*out = strtol(p, end, 10);
	return errno || *out > INT_MAX ? -1 : 0;
}

/* One item of a list: N, A-B or A-B:STEP, as taskset reads them; appended to out. */
static int parse_list_item(const char *list, const char **pos, struct placement *out,
			   char *err, size_t errlen)
{
	char *end;
	long first, last, step = 1;
	if (parse_number(*pos, &end, &first) != 0)
		return list_error(list, "not a list of PU numbers or ranges", err, errlen);
	last = first;
	if (*end == '-' && (parse_number(end + 1, &end, &last) != 0 || last < first))
		return list_error(list, "a range is A-B with A <= B", err, errlen);
	if (*end == ':' && (parse_number(end + 1, &end, &step) != 0 || step < 1))
		return list_error(list, "a range's step is a positive number", err, errlen);
	if (*end != ',' && *end != '\0')
		return list_error(list, "not a list of PU numbers or ranges", err, errlen);
	for (long v = first; v <= last; v += step) {
		if (out->nlisted == PLACEMENT_MAX_LIST) {
			snprintf(err, errlen, "placement list:%.200s names more than %d PUs", list,
				 PLACEMENT_MAX_LIST);
			return -1;
		}
		out->listed[out->nlisted++] = (int)v;
	}
	*pos = end;
	return 0;
}

static int parse_pu_list(const struct topo *t, const char *list, struct placement *out,
			 char *err, size_t errlen)
{
	const char *p = list;
	out->nlisted = 0;
	for (;;) {
		if (parse_list_item(list, &p, out, err, errlen) != 0)
			return -1;
		if (*p == '\0')
			break;
		p++;
	}
	for (int i = 0; i < out->nlisted; i++) {
		if (!hwloc_get_pu_obj_by_os_index(t->h, (unsigned)out->listed[i])) {
			snprintf(err, errlen, "placement list:%.200s names PU %d, which this process "
				 "cannot use (%d PUs available)", list, out->listed[i], t->npus);
			return -1;
		}
	}
	return 0;
}

/* "NUMA nodes 0 .. 3", "only NUMA node 0": what a machine has, for messages. */
static void describe_indices(char *buf, size_t len, const char *what, int n)
{
	if (n == 1)
		snprintf(buf, len, "only %s 0", what);
	else if (n > 1)
		snprintf(buf, len, "%ss 0 .. %d", what, n - 1);
	else
		snprintf(buf, len, "no %s", what);
}

static const struct {
	const char *name;
	const char *what;
	enum placement_scope scope;
	hwloc_obj_type_t type;
} scopes[] = {
	{ "package", "package", SCOPE_PACKAGE, HWLOC_OBJ_PACKAGE },
	{ "pack", "package", SCOPE_PACKAGE, HWLOC_OBJ_PACKAGE },
	{ "numa", "NUMA node", SCOPE_NUMA, HWLOC_OBJ_NUMANODE },
};

static hwloc_obj_t scope_object(const struct topo *t, const struct placement *p)
{
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (scopes[i].scope == p->within)
			return hwloc_get_obj_by_type(t->h, scopes[i].type, (unsigned)p->within_index);
	return hwloc_get_root_obj(t->h);
}

/* "@package:1": the package or NUMA node, by logical index, that confines the policy. */
static int parse_scope(const struct topo *t, const char *text, const char *scope,
		       struct placement *out, char *err, size_t errlen)
{
	size_t len = strcspn(scope, ":");
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		char *end, has[64];
		long index;
		if (strlen(scopes[i].name) != len || strncmp(scope, scopes[i].name, len) != 0)
			continue;
		int n = hwloc_get_nbobjs_by_type(t->h, scopes[i].type);
		if (scope[len] != ':' || parse_number(scope + len + 1, &end, &index) != 0 || *end) {
			snprintf(err, errlen, "placement '%.200s': @%s needs a logical index "
				 "(@%s:0 .. @%s:%d)", text, scopes[i].name, scopes[i].name,
				 scopes[i].name, n - 1);
			return -1;
		}
		out->within = scopes[i].scope;
		out->within_index = (int)index;
		hwloc_obj_t obj = index < n ? scope_object(t, out) : NULL;
		describe_indices(has, sizeof(has), scopes[i].what, n);
		if (!obj) {
			snprintf(err, errlen, "placement '%.200s': this machine has %s (logical "
				 "indices, as `lstopo -l` shows them)", text, has);
			return -1;
		}
		if (hwloc_bitmap_iszero(obj->cpuset)) {
			snprintf(err, errlen, "placement '%.200s': that %s has no PU this process "
				 "may use", text, scopes[i].what);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "placement '%.200s': confine to @package:N or @numa:N (accepted: %s)",
		 text, PLACEMENT_HELP);
	return -1;
}

int placement_parse(const struct topo *t, const char *text, struct placement *out,
		    char *err, size_t errlen)
{
	static const struct { const char *name; enum placement_policy policy; } named[] = {
		{ "compact", PLACE_COMPACT },
		{ "cores", PLACE_CORES },
		{ "scatter", PLACE_SCATTER },
		{ "none", PLACE_NONE },
		{ "pairs", PLACE_PAIRS },
	};
	memset(out, 0, offsetof(struct placement, listed));
	if (strncmp(text, "list:", 5) == 0) {
		out->policy = PLACE_LIST;
		return parse_pu_list(t, text + 5, out, err, errlen);
	}
	size_t len = strcspn(text, "@");
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (strlen(named[i].name) != len || strncmp(text, named[i].name, len) != 0)
			continue;
		out->policy = named[i].policy;
		if (text[len] == '\0')
			return 0;
		if (out->policy == PLACE_NONE || out->policy == PLACE_PAIRS) {
			snprintf(err, errlen, "placement '%.200s': only cores, compact and scatter "
				 "can be confined with @", text);
			return -1;
		}
		return parse_scope(t, text, text + len + 1, out, err, errlen);
	}
	snprintf(err, errlen, "unknown placement '%.200s' (accepted: %s)", text, PLACEMENT_HELP);
	return -1;
}

/* The length of the run of values a fixed positive step apart that starts at pus[i]. */
static int run_length(const int *pus, int n, int i)
{
	if (i + 1 >= n || pus[i + 1] <= pus[i])
		return 1;
	int step = pus[i + 1] - pus[i], len = 2;
	while (i + len < n && pus[i + len] - pus[i + len - 1] == step)
		len++;
	return len;
}

void format_pu_list(const int *pus, int n, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && used < len;) {
		int run = run_length(pus, n, i);
		const char *sep = i ? "," : "";
		if (run < 3) {
			used += (size_t)snprintf(buf + used, len - used, "%s%d", sep, pus[i]);
			i++;
			continue;
		}
		int step = pus[i + 1] - pus[i], last = pus[i + run - 1];
		if (step == 1)
			used += (size_t)snprintf(buf + used, len - used, "%s%d-%d", sep, pus[i], last);
		else
			used += (size_t)snprintf(buf + used, len - used, "%s%d-%d:%d", sep, pus[i],
						 last, step);
		i += run;
	}
}

void placement_format(const struct placement *p, char *buf, size_t len)
{
	static const char *const names[] = {
		[PLACE_COMPACT] = "compact", [PLACE_CORES] = "cores", [PLACE_SCATTER] = "scatter",
		[PLACE_LIST] = "list", [PLACE_NONE] = "none", [PLACE_PAIRS] = "pairs",
	};
	size_t used = (size_t)snprintf(buf, len, "%s", names[p->policy]);
	if (used < len && p->within != SCOPE_MACHINE)
		used += (size_t)snprintf(buf + used, len - used, "@%s:%d",
					 p->within == SCOPE_PACKAGE ? "package" : "numa",
					 p->within_index);
	if (used + 1 < len && p->nlisted) {
		buf[used++] = ':';
		format_pu_list(p->listed, p->nlisted, buf + used, len - used);
	}
}

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
	hwloc_const_cpuset_t within = scope_object(t, p)->cpuset;
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
	describe_indices(has, sizeof(has), "NUMA node", n);
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
