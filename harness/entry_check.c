/*
 * The shape of a result entry, checked field by field before any reader
 * trusts it: results/schema.json's entry, as far as resume, export,
 * compare and merge rely on it (types, required fields, the fields that
 * go with each status, counts that cannot be negative).  A reader that
 * skipped this would print rows such as "?/?/threads:0" for a damaged
 * file, or keep an "ok" entry that holds no figures.
 */
#include "resultdoc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_CHECKED_THREADS (1 << 20)

/* Where the first problem is described: "reps[1].threads[0].ops is not a count". */
struct why {
	char *buf;
	size_t len;
};

static int __attribute__((format(printf, 2, 3))) bad(const struct why *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->buf, w->len, fmt, ap);
	va_end(ap);
	return -1;
}

static int is_count(json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

static int is_number_or_null(json_t *v)
{
	return json_is_null(v) || (json_is_number(v) && isfinite(json_number_value(v)));
}

static int is_nonneg_or_null(json_t *v)
{
	return is_number_or_null(v) && (json_is_null(v) || json_number_value(v) >= 0);
}

static int is_string_or_null(json_t *v)
{
	return json_is_string(v) || json_is_null(v);
}

static int one_of(json_t *v, const char *const *names)
{
	const char *s = json_string_value(v);
	for (int i = 0; s && names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return 1;
	return 0;
}

/* Every member of obj (an object) passes ok; where names the object. */
static int members(json_t *obj, int (*ok)(json_t *), const char *where, const char *what,
		   const struct why *w)
{
	const char *key;
	json_t *v;
	if (!json_is_object(obj))
		return bad(w, "%s is not an object", where);
	json_object_foreach(obj, key, v) {
		if (!ok(v))
			return bad(w, "%s.%s is not %s", where, key, what);
	}
	return 0;
}

static int is_param_value(json_t *v)
{
	return json_is_integer(v) || json_is_string(v);
}

static int is_counter_reading(json_t *v)
{
	return json_is_object(v) && is_count(json_object_get(v, "value")) &&
	       is_count(json_object_get(v, "enabled_ns")) && is_count(json_object_get(v, "running_ns"));
}

static int is_spread(json_t *v)
{
	static const char *const fields[] = { "median", "min", "max", "ci95_lo", "ci95_hi" };
	if (!json_is_object(v))
		return 0;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!is_number_or_null(json_object_get(v, fields[i])))
			return 0;
	return 1;
}

static int is_event_summary(json_t *v)
{
	return json_is_object(v) && is_nonneg_or_null(json_object_get(v, "total")) &&
	       is_nonneg_or_null(json_object_get(v, "per_op")) &&
	       json_is_boolean(json_object_get(v, "multiplexed"));
}

/* cores, compact or scatter, maybe confined (@package:N, @numa:N); list, none or pairs. */
static int is_policy(json_t *v)
{
	static const char *const alone[] = { "list", "none", "pairs", NULL };
	static const char *const fill[] = { "cores", "compact", "scatter" };
	static const char *const levels[] = { "@package:", "@numa:" };
	const char *s = json_string_value(v);
	if (!s)
		return 0;
	if (one_of(v, alone))
		return 1;
	for (size_t i = 0; i < sizeof(fill) / sizeof(fill[0]); i++) {
		size_t n = strlen(fill[i]);
		if (strncmp(s, fill[i], n) != 0)
			continue;
		if (s[n] == '\0')
			return 1;
		for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
			size_t m = strlen(levels[l]);
			const char *index = s + n + m;
			if (strncmp(s + n, levels[l], m) == 0 && *index &&
			    strspn(index, "0123456789") == strlen(index))
				return 1;
		}
	}
	return 0;
}

static int check_placement(json_t *p, json_int_t threads, const struct why *w)
{
	size_t i;
	json_t *pu;
	if (!json_is_object(p))
		return bad(w, "placement is not an object");
	if (!is_policy(json_object_get(p, "policy")))
		return bad(w, "placement.policy is not cores, compact or scatter (maybe @package:N or "
			   "@numa:N), list, none or pairs");
	if (!json_is_boolean(json_object_get(p, "oversubscribed")))
		return bad(w, "placement.oversubscribed is not true or false");
	json_t *pus = json_object_get(p, "pus");
	if (!json_is_array(pus) || (json_int_t)json_array_size(pus) != threads)
		return bad(w, "placement.pus is not an array of one PU per thread");
	json_array_foreach(pus, i, pu) {
		if (!json_is_null(pu) && !is_count(pu))
			return bad(w, "placement.pus[%zu] is neither a PU number nor null", i);
	}
	return 0;
}

static int check_thread(json_t *t, size_t r, size_t i, const struct why *w)
{
	char where[96];
	snprintf(where, sizeof(where), "reps[%zu].threads[%zu]", r, i);
	if (!json_is_object(t))
		return bad(w, "%s is not an object", where);
	/* cpu_ns is null for a worker with no thread of its own (a Go reference's goroutines). */
	json_t *cpu = json_object_get(t, "cpu_ns");
	if (!is_count(json_object_get(t, "ops")) || (!json_is_null(cpu) && !is_count(cpu)))
		return bad(w, "%s: ops is not a count, or cpu_ns neither a count nor null", where);
	json_t *pu = json_object_get(t, "pu");
	if (!json_is_null(pu) && !is_count(pu))
		return bad(w, "%s.pu is neither a PU number nor null", where);
	json_t *kinds = json_object_get(t, "ops_by_kind");
	if (kinds && members(kinds, is_count, where, "a count", w) != 0)
		return -1;
	snprintf(where, sizeof(where), "reps[%zu].threads[%zu].counters", r, i);
	return members(json_object_get(t, "counters"), is_counter_reading, where,
		       "a reading {value, enabled_ns, running_ns}", w);
}

static int check_rep(json_t *rep, size_t r, json_int_t threads, const struct why *w)
{
	char where[48], stats[96];
	size_t i;
	json_t *t;
	snprintf(where, sizeof(where), "reps[%zu]", r);
	if (!json_is_object(rep))
		return bad(w, "%s is not an object", where);
	json_t *wall = json_object_get(rep, "wall_ns"), *started = json_object_get(rep, "started_s");
	if (!is_count(wall) || json_integer_value(wall) < 1)
		return bad(w, "%s.wall_ns is not a positive count", where);
	if (!is_count(json_object_get(rep, "ops")) || !is_count(json_object_get(rep, "cpu_ns")))
		return bad(w, "%s: ops and cpu_ns are not counts", where);
	if (!is_nonneg_or_null(json_object_get(rep, "ops_per_sec")) ||
	    !is_nonneg_or_null(json_object_get(rep, "ns_per_op")))
		return bad(w, "%s: ops_per_sec and ns_per_op are not numbers or null", where);
	if (started && (!json_is_number(started) || !(json_number_value(started) >= 0)))
		return bad(w, "%s.started_s is not a number of seconds", where);
	json_t *kinds = json_object_get(rep, "ops_by_kind");
	if (kinds && members(kinds, is_count, where, "a count", w) != 0)
		return -1;
	json_t *list = json_object_get(rep, "threads");
	if (!json_is_array(list) || (json_int_t)json_array_size(list) != threads)
		return bad(w, "%s.threads is not an array of one record per thread", where);
	json_array_foreach(list, i, t) {
		if (check_thread(t, r, i, w) != 0)
			return -1;
	}
	snprintf(stats, sizeof(stats), "%s.prim_stats", where);
	if (members(json_object_get(rep, "prim_stats"), is_number_or_null, stats, "a number", w) != 0)
		return -1;
	snprintf(stats, sizeof(stats), "%s.bench_stats", where);
	return members(json_object_get(rep, "bench_stats"), is_number_or_null, stats, "a number", w);
}

static int check_latency(json_t *lat, const struct why *w)
{
	static const char *const quantiles[] = { "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns" };
	const char *kind;
	json_t *k;
	if (json_is_null(lat))
		return 0;
	if (!json_is_object(lat) || !is_nonneg_or_null(json_object_get(lat, "max_gap_ns")) ||
	    !json_is_object(json_object_get(lat, "kinds")))
		return bad(w, "summary.acquire_latency is neither null nor {max_gap_ns, kinds}");
	json_object_foreach(json_object_get(lat, "kinds"), kind, k) {
		json_t *h = json_object_get(k, "histogram");
		int ok = json_is_object(k) && is_count(json_object_get(k, "samples")) &&
			 json_is_object(h) && json_is_array(json_object_get(h, "bucket_low_ns")) &&
			 json_is_array(json_object_get(h, "count"));
		for (size_t i = 0; ok && i < sizeof(quantiles) / sizeof(quantiles[0]); i++)
			ok = is_nonneg_or_null(json_object_get(k, quantiles[i]));
		if (!ok)
			return bad(w, "summary.acquire_latency.kinds.%s is not a latency summary", kind);
	}
	return 0;
}

static int check_summary(json_t *s, const struct why *w)
{
	json_t *fair = json_object_get(s, "fairness"), *floor = json_object_get(s, "handoff_vs_floor");
	json_t *by_kind = json_object_get(s, "ops_per_sec_by_kind");
	if (!json_is_object(s))
		return bad(w, "summary is not an object (an ok or failed entry has one)");
	if (!is_spread(json_object_get(s, "ops_per_sec")) || !is_spread(json_object_get(s, "ns_per_op")))
		return bad(w, "summary: ops_per_sec and ns_per_op are not {median, min, max, ci95_lo, ci95_hi}");
	if (!json_is_object(fair) || !is_nonneg_or_null(json_object_get(fair, "jain")) ||
	    !is_nonneg_or_null(json_object_get(fair, "max_min_ratio")))
		return bad(w, "summary.fairness is not {jain, max_min_ratio}");
	if (!is_nonneg_or_null(json_object_get(s, "cpu_ns_per_op")))
		return bad(w, "summary.cpu_ns_per_op is neither a number nor null");
	if (floor && !is_nonneg_or_null(floor))
		return bad(w, "summary.handoff_vs_floor is neither a number nor null");
	if (by_kind && members(by_kind, is_spread, "summary.ops_per_sec_by_kind", "a spread", w) != 0)
		return -1;
	if (check_latency(json_object_get(s, "acquire_latency"), w) != 0)
		return -1;
	return members(json_object_get(s, "counters"), is_event_summary, "summary.counters",
		       "{total, per_op, multiplexed}", w);
}

/* ok and failed: a check, the repetitions and their summary. */
static int check_measured(json_t *e, json_int_t threads, int ok, const struct why *w)
{
	static const char *const results[] = { "passed", "failed", "skipped", NULL };
	json_t *check = json_object_get(e, "check"), *reps = json_object_get(e, "reps"), *rep;
	size_t r;
	if (ok ? !json_is_null(json_object_get(e, "status_detail"))
	       : !json_is_string(json_object_get(e, "status_detail")))
		return bad(w, "status_detail is %s for status %s", ok ? "not null" : "not a string",
			   ok ? "ok" : "failed");
	if (!json_is_object(check) || !one_of(json_object_get(check, "result"), results) ||
	    !is_string_or_null(json_object_get(check, "detail")))
		return bad(w, "check is not {result: passed, failed or skipped, detail}");
	if (!json_is_array(reps) || json_array_size(reps) == 0)
		return bad(w, "reps is not a non-empty array (an ok or failed entry has its repetitions)");
	json_array_foreach(reps, r, rep) {
		if (check_rep(rep, r, threads, w) != 0)
			return -1;
	}
	return check_summary(json_object_get(e, "summary"), w);
}

/* error, crashed and timeout: a reason, and nothing measured. */
static int check_unmeasured(json_t *e, const struct why *w)
{
	json_t *reps = json_object_get(e, "reps");
	if (!json_is_string(json_object_get(e, "status_detail")))
		return bad(w, "status_detail is not a string (the reason nothing was measured)");
	if (!json_is_null(json_object_get(e, "check")) || !json_is_null(json_object_get(e, "summary")) ||
	    !json_is_array(reps) || json_array_size(reps) != 0)
		return bad(w, "check and summary are not null or reps is not [] (nothing was measured)");
	return 0;
}

int resultdoc_check_entry(json_t *e, char *why, size_t whylen)
{
	static const char *const statuses[] = { "ok", "failed", "error", "crashed", "timeout", NULL };
	const struct why w = { why, whylen };
	if (!json_is_object(e))
		return bad(&w, "not an object");
	const char *bench = json_string_value(json_object_get(e, "bench"));
	json_t *prim = json_object_get(e, "prim"), *threads = json_object_get(e, "threads");
	json_t *duration = json_object_get(e, "duration_s"), *warmup = json_object_get(e, "warmup_s");
	if (!bench || !resultdoc_label_ok(bench))
		return bad(&w, "bench is not a workload name");
	if (!json_is_null(prim) && !(json_is_string(prim) && resultdoc_label_ok(json_string_value(prim))))
		return bad(&w, "prim is neither null nor a primitive name");
	if (!json_is_integer(threads) || json_integer_value(threads) < 1 ||
	    json_integer_value(threads) > MAX_CHECKED_THREADS)
		return bad(&w, "threads is not a whole number from 1 to %d", MAX_CHECKED_THREADS);
	if (members(json_object_get(e, "params"), is_param_value, "params", "an integer or a string",
		    &w) != 0)
		return -1;
	if (check_placement(json_object_get(e, "placement"), json_integer_value(threads), &w) != 0)
		return -1;
	if (!json_is_number(duration) || !(json_number_value(duration) > 0) ||
	    !isfinite(json_number_value(duration)) || !json_is_number(warmup) ||
	    !(json_number_value(warmup) >= 0) || !isfinite(json_number_value(warmup)))
		return bad(&w, "duration_s and warmup_s are not numbers of seconds");
	json_t *status = json_object_get(e, "status");
	if (!one_of(status, statuses))
		return bad(&w, "status is not one of ok, failed, error, crashed, timeout");
	const char *s = json_string_value(status);
	if (strcmp(s, "ok") == 0 || strcmp(s, "failed") == 0)
		return check_measured(e, json_integer_value(threads), s[0] == 'o', &w);
	return check_unmeasured(e, &w);
}

int resultdoc_check_entries(json_t *doc, const char *source, char *err, size_t errlen)
{
	char why[256];
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(doc, "results"), i, e) {
		if (resultdoc_check_entry(e, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s: results[%zu] is not a valid syncbench/1 entry: %s",
				 source, i, why);
			return -1;
		}
	}
	return 0;
}
