/* What differs between the two sides' measurements: compare's warnings (compare.h). */
#include "compare.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "resultdoc.h"

static void warn(json_t *warnings, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(json_t *warnings, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	json_array_append_new(warnings, json_string(text));
}

/* A field of matched entries that differs: counted, with the first example. */
static void warn_entry_field(json_t *warnings, json_t *a, json_t *b, const char *field,
			     const char *what, const char *why)
{
	const char *name, *first = NULL;
	json_t *ea;
	double va = 0, vb = 0;
	size_t differ = 0, matched = 0;
	json_object_foreach(a, name, ea) {
		json_t *eb = json_object_get(b, name);
		if (!eb)
			continue;
		matched++;
		double x = field ? resultdoc_number(ea, field) :
			   (double)json_array_size(json_object_get(ea, "reps"));
		double y = field ? resultdoc_number(eb, field) :
			   (double)json_array_size(json_object_get(eb, "reps"));
		if (x == y || (isnan(x) && isnan(y)))
			continue;
		if (!differ++) {
			first = name;
			va = x;
			vb = y;
		}
	}
	if (differ)
		warn(warnings, "%s differ in %zu of %zu configurations compared (A %g, B %g in %s): %s",
		     what, differ, matched, va, vb, first, why);
}

/* "packages 1, cores 2, PUs 2, NUMA nodes 1; L1 data 32 KiB x2, ...": what warnings compare. */
static void topology_text(json_t *t, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB" };
	size_t used = (size_t)snprintf(buf, len, "packages %lld, cores %lld, PUs %lld, NUMA nodes %lld",
		(long long)json_integer_value(json_object_get(t, "packages")),
		(long long)json_integer_value(json_object_get(t, "cores")),
		(long long)json_integer_value(json_object_get(t, "pus")),
		(long long)json_integer_value(json_object_get(t, "numa_nodes")));
	json_t *c;
	size_t i;
	json_array_foreach(json_object_get(t, "caches"), i, c) {
		double size = (double)json_integer_value(json_object_get(c, "size_bytes"));
		int u = 0;
		while (size >= 1024 && u < 3) {
			size /= 1024;
			u++;
		}
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s L%lld %s %g %s x%lld",
				i ? "," : ";", (long long)json_integer_value(json_object_get(c, "level")),
				json_is_string(json_object_get(c, "type")) ?
					json_string_value(json_object_get(c, "type")) : "?",
				size, units[u], (long long)json_integer_value(json_object_get(c, "count")));
	}
}

/* The distinct values of a context field over the documents, "a, b". */
static size_t context_values(json_t *docs, const char *field, char *buf, size_t len)
{
	json_t *seen = json_object(), *doc, *v;
	size_t i, used = 0;
	const char *key;
	json_array_foreach(docs, i, doc) {
		char text[512];
		json_t *x = json_object_get(json_object_get(doc, "context"), field);
		if (strcmp(field, "host") == 0)
			snprintf(text, sizeof(text), "%s", resultdoc_host(doc));
		else if (strcmp(field, "topology") == 0)
			topology_text(x, text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%s", json_is_string(x) ? json_string_value(x) : "?");
		json_object_set_new(seen, text, json_true());
	}
	buf[0] = '\0';
	json_object_foreach(seen, key, v)
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", key);
	size_t n = json_object_size(seen);
	json_decref(seen);
	return n;
}

static void warn_context(json_t *warnings, json_t *docs_a, json_t *docs_b, const char *field,
			 const char *what, const char *why)
{
	char a[512], b[512];
	context_values(docs_a, field, a, sizeof(a));
	context_values(docs_b, field, b, sizeof(b));
	if (strcmp(a, b) != 0)
		warn(warnings, "%s differ: A %s, B %s: %s", what, a, b, why);
}

json_t *compare_warnings(json_t *docs_a, json_t *docs_b, json_t *a, json_t *b)
{
	json_t *w = json_array();
	warn_entry_field(w, a, b, "duration_s", "the windows (--duration, s)",
			 "a window's length changes what it measures (start-up, preemption and "
			 "migration per window); compare runs of one duration");
	warn_entry_field(w, a, b, "warmup_s", "the warmups (--warmup, s)",
			 "a shorter warmup can leave caches and frequency unsettled");
	warn_entry_field(w, a, b, NULL, "the repetitions (--reps)",
			 "the sides' intervals and the test's power differ");
	warn_context(w, docs_a, docs_b, "git_commit", "the commits built",
		     "the code measured may differ (-dirty: uncommitted edits)");
	warn_context(w, docs_a, docs_b, "host", "the hosts",
		     "machines differ in more than the code (compare hosts on purpose with "
		     "--host-a and --host-b)");
	warn_context(w, docs_a, docs_b, "topology", "the topologies",
		     "thread counts mean different placements and oversubscription");
	return w;
}
