/* A --placement's text into a struct placement, and back (topo.h). */
#include "topo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo_private.h"

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

void topo_describe_indices(char *buf, size_t len, const char *what, int n)
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

hwloc_obj_t topo_scope_object(const struct topo *t, const struct placement *p)
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
		hwloc_obj_t obj = index < n ? topo_scope_object(t, out) : NULL;
		topo_describe_indices(has, sizeof(has), scopes[i].what, n);
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
