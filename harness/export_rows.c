#include "export_rows.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../benches/bench.h"
#include "resultdoc.h"
#include "export_row_values.h"
#include "stats.h"

/* --- One repetition's figures. --- */

static json_int_t integer(json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

static double ratio(double num, double den)
{
	return den > 0 && isfinite(num) ? num / den : NAN;
}

/* "[5162,7168,4105]": each thread's operations in the window, as pu_list writes its list. */
static json_t *thread_ops(json_t *threads)
{
	json_t *list = json_array(), *t;
	size_t i;
	json_array_foreach(threads, i, t)
		json_array_append_new(list, json_integer(integer(t, "ops")));
	char *text = json_dumps(list, JSON_COMPACT);
	json_t *s = json_string(text ? text : "[]");
	free(text);
	json_decref(list);
	return s;
}

static void put_fairness(json_t *row, json_t *threads)
{
	double sum = 0, squares = 0, lo = INFINITY, hi = 0;
	size_t i, n = json_array_size(threads);
	json_t *t;
	json_array_foreach(threads, i, t) {
		double x = (double)integer(t, "ops");
		sum += x;
		squares += x * x;
		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
	}
	json_object_set_new(row, "jain_index",
			    real_or_null(squares > 0 ? sum * sum / ((double)n * squares) : NAN));
	json_object_set_new(row, "max_min_ratio", real_or_null(ratio(hi, lo)));
}

/*
 * Each event: the raw count summed over threads (an integer, where every
 * thread has it), the count scaled by enabled/running for a hardware
 * event the PMU multiplexed (software events are counted whenever the
 * thread runs, and are never scaled: harness/counters.c), and the scaled
 * count per operation.  An external program's repetition (go-*) counts
 * its whole process instead of each thread: its process_counters are the
 * repetition's counts.
 */
static json_t *counter_sources(json_t *rep)
{
	json_t *process = json_object_get(rep, "process_counters");
	if (json_is_object(process))
		return json_pack("[O]", process);
	json_t *sources = json_array(), *thread;
	size_t t;
	json_array_foreach(json_object_get(rep, "threads"), t, thread)
		json_array_append(sources, json_object_get(thread, "counters"));
	return sources;
}

static void put_counters(json_t *row, json_t *ctx, json_t *rep, double ops)
{
	size_t i, t;
	json_t *ev, *counters, *sources = counter_sources(rep);
	json_array_foreach(json_object_get(json_object_get(ctx, "counters"), "events"), i, ev) {
		const char *name = json_string_value(json_object_get(ev, "name"));
		bool hardware = json_is_true(json_object_get(ev, "hardware"));
		json_int_t raw = 0;
		double scaled = 0;
		bool all = json_array_size(sources) > 0;
		if (!name)
			continue;
		json_array_foreach(sources, t, counters) {
			json_t *c = json_object_get(counters, name);
			double value = (double)integer(c, "value"), enabled = (double)integer(c, "enabled_ns");
			double running = (double)integer(c, "running_ns");
			if (!json_is_integer(json_object_get(c, "value"))) {
				all = false;
				continue;
			}
			raw += integer(c, "value");
			if (!hardware || running == enabled)
				scaled += value;
			else
				scaled += running > 0 ? value * enabled / running : NAN;
		}
		put(row, "counter_", name, "_count", all ? json_integer(raw) : json_null());
		put(row, "counter_", name, "_scaled", all ? real_or_null(scaled) : json_null());
		put(row, "counter_", name, "_per_op", real_or_null(all ? ratio(scaled, ops) : NAN));
	}
	json_decref(sources);
}

/* The workload's kinds of operation: declared, else those the entry shows. */
static json_t *kinds_of(json_t *e)
{
	const char *name = json_string_value(json_object_get(e, "bench"));
	const struct bench_ops *b = name ? bench_find(name) : NULL;
	json_t *kinds = json_array(), *v;
	const char *k;
	if (b) {
		for (int i = 0; i < bench_kind_count(b); i++)
			json_array_append_new(kinds, json_string(bench_kind_name(b, i)));
		return kinds;
	}
	json_t *rep = json_array_get(json_object_get(e, "reps"), 0);
	json_object_foreach(json_object_get(rep, "ops_by_kind"), k, v)
		json_array_append_new(kinds, json_string(k));
	if (!json_array_size(kinds))
		json_array_append_new(kinds, json_string("op"));
	return kinds;
}

/* Handoffs (kind "handoff"), for the workloads that count them. */
static void put_handoffs(json_t *row, json_t *e, json_t *rep)
{
	json_t *by_kind = json_object_get(rep, "ops_by_kind"), *v;
	const char *k;
	double all = 0, wall = (double)integer(rep, "wall_ns");
	if (!json_object_get(by_kind, "handoff"))
		return;
	json_object_foreach(by_kind, k, v)
		all += (double)json_integer_value(v);
	double handoffs = (double)integer(by_kind, "handoff"), per = ratio(wall, handoffs);
	double floor = number(json_object_get(rep, "floor_ns"));
	json_object_set_new(row, "handoff_fraction", real_or_null(ratio(handoffs, all)));
	json_object_set_new(row, "ns_per_handoff", real_or_null(per));
	json_object_set_new(row, "floor_ns", real_or_null(floor));
	bool saturated = json_is_true(json_object_get(json_object_get(e, "summary"), "saturated"));
	json_object_set_new(row, "handoff_vs_floor_ratio",
			    real_or_null(saturated ? ratio(per, floor) : NAN));
}

static void put_named_stats(json_t *row, const char *prefix, json_t *stats)
{
	const char *k;
	json_t *v;
	json_object_foreach(stats, k, v)
		put(row, prefix, k, "", as_real(v));
}

/* The configuration's latency per kind, every repetition's samples merged. */
static void put_latency(json_t *row, json_t *e, json_t *kinds)
{
	static const char *const q[] = { "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns" };
	json_t *lat = json_object_get(json_object_get(e, "summary"), "acquire_latency"), *k;
	size_t i;
	json_array_foreach(kinds, i, k) {
		const char *kind = json_string_value(k);
		json_t *figures = json_object_get(json_object_get(lat, "kinds"), kind);
		char prefix[160];
		snprintf(prefix, sizeof(prefix), "latency_%s", kind);
		put(row, "", prefix, "_samples", json_integer(integer(figures, "samples")));
		for (int j = 0; j < 5; j++) {
			char suffix[16];
			snprintf(suffix, sizeof(suffix), "_%s", q[j]);
			put(row, "", prefix, suffix, as_real(json_object_get(figures, q[j])));
		}
	}
	json_object_set_new(row, "latency_max_gap_ns", as_real(json_object_get(lat, "max_gap_ns")));
}

static json_t *rep_row(json_t *labels, json_t *ctx, json_t *e, json_t *rep, size_t index,
		       json_t *kinds)
{
	json_t *row = json_deep_copy(labels), *k;
	double ops = (double)integer(rep, "ops"), wall = (double)integer(rep, "wall_ns");
	size_t i;
	json_object_set_new(row, "rep", json_integer((json_int_t)index));
	json_object_set_new(row, "started_s", as_real(json_object_get(rep, "started_s")));
	json_object_set_new(row, "wall_ns", json_integer(integer(rep, "wall_ns")));
	json_object_set_new(row, "ops_count", json_integer(integer(rep, "ops")));
	json_object_set_new(row, "ops_per_s", real_or_null(ratio(ops * 1e9, wall)));
	json_object_set_new(row, "ns_per_op", real_or_null(ratio(wall, ops)));
	json_object_set_new(row, "cpu_ns", json_integer(integer(rep, "cpu_ns")));
	json_object_set_new(row, "cpu_ns_per_op",
			    real_or_null(ratio((double)integer(rep, "cpu_ns"), ops)));
	put_fairness(row, json_object_get(rep, "threads"));
	json_object_set_new(row, "thread_ops", thread_ops(json_object_get(rep, "threads")));
	json_object_set_new(row, "pus_at_stop", pu_list(json_object_get(rep, "threads"), "pu"));
	json_t *by_kind = json_object_get(rep, "ops_by_kind");
	if (json_object_size(by_kind)) {
		json_array_foreach(kinds, i, k) {
			const char *kind = json_string_value(k);
			json_int_t n = integer(by_kind, kind);
			put(row, "ops_", kind, "_count", json_integer(n));
			put(row, "ops_", kind, "_per_s", real_or_null(ratio((double)n * 1e9, wall)));
		}
	}
	put_handoffs(row, e, rep);
	put_counters(row, ctx, rep, ops);
	put_latency(row, e, kinds);
	/* Last: only some primitives report stats, and first appearance sets the column order. */
	put_named_stats(row, "prim_stat_", json_object_get(rep, "prim_stats"));
	put_named_stats(row, "bench_stat_", json_object_get(rep, "bench_stats"));
	return row;
}

/* --- One configuration's summary. --- */

static void put_summary(json_t *row, const char *column, json_t *s)
{
	static const char *const stats[] = { "median", "min", "max", "mean", "cv", "ci95_lo",
					      "ci95_hi", "ci95_level" };
	put(row, "", column, "_n", json_integer(integer(s, "n")));
	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
		char suffix[16];
		snprintf(suffix, sizeof(suffix), "_%s", stats[i]);
		put(row, "", column, suffix, as_real(json_object_get(s, stats[i])));
	}
}

/* The median over the repetitions of each named stat. */
static void put_stat_medians(json_t *row, const char *prefix, json_t *reps, const char *field)
{
	json_t *first = json_object_get(json_array_get(reps, 0), field), *v, *rep;
	const char *name;
	size_t i;
	json_object_foreach(first, name, v) {
		double values[1024];
		size_t n = 0;
		json_array_foreach(reps, i, rep)
			if (n < 1024)
				values[n++] = number(json_object_get(json_object_get(rep, field), name));
		struct summary s;
		summarize(values, n, &s);
		put(row, prefix, name, "_median", real_or_null(s.median));
	}
}

static json_t *config_row(json_t *labels, json_t *ctx, json_t *e, json_t *kinds)
{
	json_t *row = json_deep_copy(labels), *s = json_object_get(e, "summary"), *k, *ev;
	size_t i;
	json_t *reps = json_object_get(e, "reps");
	json_object_set_new(row, "reps_count", json_integer((json_int_t)json_array_size(reps)));
	json_object_set_new(row, "status_detail", as_string(json_object_get(e, "status_detail"), "-"));
	put_summary(row, "ops_per_s", json_object_get(s, "ops_per_sec"));
	put_summary(row, "ns_per_op", json_object_get(s, "ns_per_op"));
	json_object_set_new(row, "cpu_ns_per_op_median", as_real(json_object_get(s, "cpu_ns_per_op")));
	json_t *fairness = json_object_get(s, "fairness");
	json_object_set_new(row, "jain_index_median", as_real(json_object_get(fairness, "jain")));
	json_object_set_new(row, "max_min_ratio_median",
			    as_real(json_object_get(fairness, "max_min_ratio")));
	if (json_array_size(kinds) > 1) {
		json_array_foreach(kinds, i, k) {
			char column[160];
			snprintf(column, sizeof(column), "ops_%s_per_s", json_string_value(k));
			put_summary(row, column, json_object_get(json_object_get(s, "ops_per_sec_by_kind"),
							   json_string_value(k)));
		}
	}
	const char *bench = json_string_value(json_object_get(e, "bench"));
	const struct bench_ops *b = bench ? bench_find(bench) : NULL;
	if ((b && (b->flags & BENCH_WANTS_FLOOR)) || json_object_get(s, "handoff_fraction")) {
		json_object_set_new(row, "handoff_fraction_median", as_real(json_object_get(s, "handoff_fraction")));
		json_object_set_new(row, "ns_per_handoff_median", as_real(json_object_get(s, "ns_per_handoff")));
		json_object_set_new(row, "floor_ns_median", as_real(json_object_get(s, "floor_ns")));
		json_object_set_new(row, "handoff_vs_floor_ratio_median",
				    as_real(json_object_get(s, "handoff_vs_floor")));
		if (json_is_boolean(json_object_get(s, "saturated")))
			json_object_set(row, "saturated", json_object_get(s, "saturated"));
	}
	json_array_foreach(json_object_get(json_object_get(ctx, "counters"), "events"), i, ev) {
		const char *name = json_string_value(json_object_get(ev, "name"));
		json_t *c = json_object_get(json_object_get(s, "counters"), name ? name : "");
		if (!name)
			continue;
		put(row, "counter_", name, "_scaled_median", as_real(json_object_get(c, "total")));
		put(row, "counter_", name, "_per_op_median", as_real(json_object_get(c, "per_op")));
	}
	put_latency(row, e, kinds);
	put_stat_medians(row, "prim_stat_", reps, "prim_stats");
	put_stat_medians(row, "bench_stat_", reps, "bench_stats");
	return row;
}

void export_rows(json_t *docs, json_t *sources, enum export_level level,
		 const struct entry_filter *filter, json_t *rows, int *unmeasured)
{
	json_t *doc, *e, *rep;
	size_t d, i, r;
	json_array_foreach(docs, d, doc) {
		const char *source = json_string_value(json_array_get(sources, d));
		json_t *ctx = json_object_get(doc, "context");
		json_array_foreach(json_object_get(doc, "results"), i, e) {
			if (!entry_filter_match(filter, e))
				continue;
			json_t *labels = json_object(), *kinds = kinds_of(e);
			export_put_labels(labels, source ? source : "-", doc, e);
			if (level == EXPORT_CONFIG)
				json_array_append_new(rows, config_row(labels, ctx, e, kinds));
			json_array_foreach(json_object_get(e, "reps"), r, rep)
				if (level == EXPORT_REP)
					json_array_append_new(rows, rep_row(labels, ctx, e, rep, r, kinds));
			*unmeasured += level == EXPORT_REP && json_array_size(json_object_get(e, "reps")) == 0;
			json_decref(kinds);
			json_decref(labels);
		}
	}
}
