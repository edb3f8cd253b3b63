/* The external program's JSON result, checked and read into a repetition's figures (external_private.h). */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "external_private.h"
#include "latency.h"

/* Reading the program's JSON: each helper says what is wrong in err and returns -1. */
struct reader {
	const char *program;
	char *err;
	size_t errlen;
};

static int bad(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct reader *r, const char *fmt, ...)
{
	char what[192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s's output: %s", r->program, what);
	return -1;
}

static int get_u64(struct reader *r, json_t *obj, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return bad(r, "'%s' is not a count", key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* The program's kinds must be the workload's, in its order. */
static int check_kinds(struct reader *r, const struct bench_ops *b, json_t *kinds)
{
	int n = bench_kind_count(b);
	if (!json_is_array(kinds) || (int)json_array_size(kinds) != n)
		return bad(r, "op_kinds are not workload %s's %d kinds", b->name, n);
	for (int k = 0; k < n; k++) {
		const char *name = json_string_value(json_array_get(kinds, (size_t)k));
		if (!name || strcmp(name, bench_kind_name(b, k)) != 0)
			return bad(r, "kind %d is '%s', workload %s's is '%s'", k, name ? name : "?",
				   b->name, bench_kind_name(b, k));
	}
	return 0;
}

static int take_thread(struct reader *r, const struct config *c, json_t *t,
		       struct thread_figures *f, bool cpu_of_process)
{
	json_t *by_kind = json_object_get(t, "ops_by_kind"), *cpu = json_object_get(t, "cpu_ns");
	json_t *pu = json_object_get(t, "pu");
	uint64_t ops;
	memset(f, 0, sizeof(*f));
	if (get_u64(r, t, "ops", &ops) != 0)
		return -1;
	if (!json_is_array(by_kind) || (int)json_array_size(by_kind) != bench_kind_count(c->bench))
		return bad(r, "a thread's ops_by_kind has not one count per kind");
	for (int k = 0; k < bench_kind_count(c->bench); k++) {
		json_t *v = json_array_get(by_kind, (size_t)k);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return bad(r, "a thread's ops_by_kind holds a non-count");
		f->ops_by_kind[k] = (uint64_t)json_integer_value(v);
		f->ops += f->ops_by_kind[k];
	}
	if (f->ops != ops)
		return bad(r, "a thread's ops_by_kind adds up to %llu, not its ops %llu",
			   (unsigned long long)f->ops, (unsigned long long)ops);
	if (!cpu_of_process) {
		if (!json_is_integer(cpu) || json_integer_value(cpu) < 0)
			return bad(r, "a thread's cpu_ns is not a count");
		f->cpu_ns = (uint64_t)json_integer_value(cpu);
	}
	f->pu = json_is_integer(pu) ? (int)json_integer_value(pu) : -1;
	return 0;
}

/* Threads mode pins worker i to pus[i]: the program must say it did exactly that. */
static int check_pinned(struct reader *r, const struct config *c, const int *pus, json_t *got)
{
	bool asked = pus[0] >= 0 && external_pins_threads(c);
	if (!asked)
		return 0;
	if (!json_is_array(got) || (int)json_array_size(got) != c->threads)
		return bad(r, "it did not pin the %d threads it was asked to", c->threads);
	for (int i = 0; i < c->threads; i++)
		if (json_integer_value(json_array_get(got, (size_t)i)) != pus[i])
			return bad(r, "worker %d was pinned to PU %lld, not %d", i,
				   (long long)json_integer_value(json_array_get(got, (size_t)i)),
				   pus[i]);
	return 0;
}

/* One kind's histogram: buckets by their least value, in the harness's own ticks. */
static int take_histogram(struct reader *r, json_t *kind, struct latency_hist *h)
{
	json_t *low = json_object_get(kind, "bucket_low_ticks");
	json_t *count = json_object_get(kind, "count_per_bucket");
	uint64_t total, max;
	if (get_u64(r, kind, "count", &total) != 0 || get_u64(r, kind, "max_ticks", &max) != 0)
		return -1;
	if (!json_is_array(low) || !json_is_array(count) || json_array_size(low) != json_array_size(count))
		return bad(r, "a latency histogram's buckets and counts differ in number");
	for (size_t i = 0; i < json_array_size(low); i++) {
		json_t *v = json_array_get(low, i), *n = json_array_get(count, i);
		if (!json_is_integer(v) || !json_is_integer(n) || json_integer_value(v) < 0 ||
		    json_integer_value(n) < 0)
			return bad(r, "a latency bucket is not a count");
		h->bucket[latency_bucket((uint64_t)json_integer_value(v))] += (uint64_t)json_integer_value(n);
		h->count += (uint64_t)json_integer_value(n);
	}
	if (h->count != total)
		return bad(r, "a latency histogram holds %llu samples, not its count %llu",
			   (unsigned long long)h->count, (unsigned long long)total);
	h->max = max;
	return 0;
}

static int take_latency(struct reader *r, const struct bench_ops *b, json_t *lat,
			struct rep_figures *out)
{
	if (json_is_null(lat))
		return 0;
	json_t *kinds = json_object_get(lat, "kinds");
	if (!json_is_object(kinds) || get_u64(r, lat, "max_gap_ticks", &out->max_gap_ticks) != 0)
		return bad(r, "latency has no kinds or no max_gap_ticks");
	for (int k = 0; k < bench_kind_count(b); k++) {
		json_t *kind = json_object_get(kinds, bench_kind_name(b, k));
		if (kind && take_histogram(r, kind, &out->latency[k]) != 0)
			return -1;
	}
	return 0;
}

static int take_check(struct reader *r, json_t *check, struct rep_figures *out)
{
	const char *result = json_string_value(json_object_get(check, "result"));
	const char *detail = json_string_value(json_object_get(check, "detail"));
	if (!result || (strcmp(result, "passed") != 0 && strcmp(result, "failed") != 0))
		return bad(r, "check.result is not passed or failed");
	out->check = strcmp(result, "passed") == 0 ? CHECK_PASSED : CHECK_FAILED;
	snprintf(out->check_detail, sizeof(out->check_detail), "%s", detail ? detail : "");
	return 0;
}

static void add_stat(struct named_stats *ns, const char *name, json_t *v)
{
	if (ns->n < MAX_NAMED_STATS && json_is_number(v)) {
		snprintf(ns->item[ns->n].name, sizeof(ns->item[ns->n].name), "%s", name);
		ns->item[ns->n++].value = json_number_value(v);
	}
}

/*
 * The program's own figures, as the primitive's: how often its goroutines
 * were scheduled (each park ends with one), its garbage collections, and
 * its own calibration of the work unit, to hold against context.work_unit_ns.
 */
static void take_prim_stats(json_t *doc, struct named_stats *ns)
{
	ns->n = 0;
	add_stat(ns, "goroutines_scheduled", json_object_get(doc, "goroutines_scheduled"));
	add_stat(ns, "gc_cycles", json_object_get(doc, "gc_cycles"));
	add_stat(ns, "go_work_unit_ns", json_object_get(doc, "work_unit_ns"));
}

static int take_figures(struct reader *r, const struct config *c, const int *pus, json_t *doc,
			struct rep_figures *out)
{
	json_t *threads = json_object_get(doc, "per_thread");
	out->cpu_of_process = !json_is_null(json_object_get(doc, "per_thread_null"));
	if (get_u64(r, doc, "wall_ns", &out->wall_ns) != 0 ||
	    get_u64(r, doc, "all_ops", &out->all_ops) != 0 ||
	    get_u64(r, doc, "process_cpu_ns", &out->process_cpu_ns) != 0 ||
	    check_kinds(r, c->bench, json_object_get(doc, "op_kinds")) != 0 ||
	    check_pinned(r, c, pus, json_object_get(doc, "pus")) != 0)
		return -1;
	if (!json_is_array(threads) || (int)json_array_size(threads) != c->threads)
		return bad(r, "per_thread has not %d threads", c->threads);
	for (int i = 0; i < c->threads; i++)
		if (take_thread(r, c, json_array_get(threads, (size_t)i), &out->threads[i],
				out->cpu_of_process) != 0)
			return -1;
	memset(out->latency, 0, sizeof(out->latency));
	out->max_gap_ticks = 0;
	if (take_latency(r, c->bench, json_object_get(doc, "latency"), out) != 0 ||
	    take_check(r, json_object_get(doc, "check"), out) != 0)
		return -1;
	take_prim_stats(doc, &out->prim_stats);
	out->bench_stats.n = 0;
	return 0;
}

int external_read_result(const struct config *c, const int *pus, struct child *ch,
		       struct rep_figures *out, char *err, size_t errlen)
{
	struct reader r = { c->prim->external->program, err, errlen };
	json_error_t jerr;
	json_t *doc = json_loadb(ch->stdout_text, ch->stdout_len, 0, &jerr);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return bad(&r, "not one JSON object: %s", jerr.text);
	}
	int rc = take_figures(&r, c, pus, doc, out);
	json_decref(doc);
	return rc;
}
