/*
 * The result document, written from what the run computed (summary.h):
 * its context, each entry's head, body and status, and the atomic write.
 * The table on stdout is report_table.c's.
 */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "external.h"
#include "floor.h"
#include "safefile.h"
#include "stats.h"
#include "work.h"

/* JSON has no NaN or infinity: a figure that does not exist is null. */
static json_t *number_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *context_topology(const struct topo_summary *t)
{
	json_t *caches = json_array();
	for (int i = 0; i < t->ncaches; i++)
		json_array_append_new(caches, json_pack("{s:i, s:s, s:I, s:i}",
			"level", t->caches[i].level, "type", t->caches[i].kind,
			"size_bytes", (json_int_t)t->caches[i].size_bytes,
			"count", t->caches[i].count));
	return json_pack("{s:i, s:i, s:i, s:i, s:o, s:s}", "packages", t->packages,
			 "cores", t->cores, "pus", t->pus, "numa_nodes", t->numa_nodes,
			 "caches", caches, "hwloc_version", t->hwloc_version);
}

static json_t *context_events(const struct event_set *set)
{
	json_t *list = json_array();
	for (int i = 0; set && i < set->n; i++) {
		const struct event_spec *e = &set->ev[i];
		json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:b, s:s, s:s?}", "name",
			e->name, "encoding", e->encoding, "hardware", e->hardware,
			"available", e->available, "scope", e->user_only ? "user" : "user+kernel",
			"reason", e->available ? NULL : e->reason));
	}
	return list;
}

/*
 * {"duration_s": 0.01, "reps": 5, "pairs": [[0, 1, 63.2, 61.0, 70.4], ...]}
 * (a, b, median, min, max); NULL when not measured.
 */
static json_t *context_floor(const struct coherence_floor *f)
{
	if (!f)
		return NULL;
	json_t *pairs = json_array();
	for (int i = 0; i < f->n; i++) {
		const struct floor_pair *p = &f->pair[i];
		json_array_append_new(pairs, json_pack("[i, i, o, o, o]", p->a, p->b,
						       number_or_null(p->ns), number_or_null(p->min_ns),
						       number_or_null(p->max_ns)));
	}
	return json_pack("{s:f, s:i, s:o}", "duration_s", f->duration_s, "reps", f->reps,
			 "pairs", pairs);
}

json_t *report_document(const struct run_context *ctx)
{
	json_t *argv = json_array();
	for (int i = 0; i < ctx->argc; i++)
		json_array_append_new(argv, json_string(ctx->argv[i]));

	json_t *context = json_pack(
		"{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o,"
		" s:{s:s, s:f, s:f}, s:{s:s, s:f, s:f}, s:f, s:f, s:{s:s, s:o, s:s, s:o}}",
		"date", ctx->date, "hostname", ctx->hostname, "cpu_model", ctx->topo.cpu_model,
		"kernel", ctx->kernel, "topology", context_topology(&ctx->topo),
		"compiler", ctx->compiler, "cflags", ctx->cflags, "git_commit", ctx->git_commit,
		"command_line", argv,
		"clock", "source", ctx->clock_source, "resolution_ns", ctx->clock_resolution_ns,
		"overhead_ns", ctx->timer_overhead_ns,
		"latency_clock", "source", ctx->latency_clock.source,
		"ticks_per_ns", ctx->latency_clock.ticks_per_ns,
		"overhead_ns", ctx->latency_clock.overhead_ns,
		"work_unit_ns", ctx->work_unit_ns, "interleave_s", ctx->interleave_s,
		"counters", "libpfm4", ctx->pfm_version,
		"pmu", ctx->pmu[0] ? json_string(ctx->pmu) : json_null(),
		"preset", ctx->events ? ctx->events->spec : "none",
		"events", context_events(ctx->events));
	json_object_set_new(json_object_get(context, "latency_clock"), "pair_ns",
			    json_real(ctx->latency_clock.pair_ns));
	json_object_set_new(context, "harness_ns_per_op", number_or_null(ctx->harness_ns_per_op));
	json_object_set_new(context, "min_ops", json_integer(RUN_MIN_OPS));
	json_object_set_new(context, "host", json_string(ctx->host));
	json_object_set_new(context, "sweep_id", ctx->sweep_id ? json_string(ctx->sweep_id) : json_null());
	json_object_set_new(context, "shard", json_pack("{s:i, s:i}", "index", ctx->shard_index,
							  "count", ctx->shard_count));
	json_t *floor = context_floor(ctx->floor);
	if (floor)
		json_object_set_new(context, "coherence_floor", floor);
	return json_pack("{s:s, s:o, s:b, s:n, s:[]}", "schema", SCHEMA_VERSION,
			 "context", context, "complete", 0, "interrupted_by", "results");
}

void report_append(json_t *doc, json_t *entry)
{
	json_array_append(json_object_get(doc, "results"), entry);
}

void report_set_complete(json_t *doc, int complete, const char *interrupted_by)
{
	json_object_set_new(doc, "complete", json_boolean(complete));
	json_object_set_new(doc, "interrupted_by",
			    interrupted_by ? json_string(interrupted_by) : json_null());
}

static void add_params(json_t *obj, const struct param_decl *decls, size_t n,
		       const int64_t *values)
{
	for (size_t i = 0; i < n; i++) {
		if (decls[i].type == PARAM_CHOICE)
			json_object_set_new(obj, decls[i].name,
					    json_string(decls[i].choices[values[i]]));
		else
			json_object_set_new(obj, decls[i].name, json_integer(values[i]));
	}
}

static json_t *work_ns_json(const struct config *c)
{
	json_t *obj = json_object();
	const struct param_decl *decls[2] = { c->bench->params, c->prim ? c->prim->params : NULL };
	const size_t counts[2] = { c->bench->nparams, c->prim ? c->prim->nparams : 0 };
	const int64_t *values[2] = { c->bench_params, c->prim_params };
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < counts[k]; i++)
			if (decls[k][i].type == PARAM_WORK)
				json_object_set_new(obj, decls[k][i].name,
						    json_real((double)values[k][i] * work_unit_ns()));
	return obj;
}

/* The work parameters given as times, by the time asked: what names the configuration. */
static json_t *work_asked_json(const struct config *c)
{
	json_t *obj = json_object();
	const struct param_decl *decls[2] = { c->bench->params, c->prim ? c->prim->params : NULL };
	const size_t counts[2] = { c->bench->nparams, c->prim ? c->prim->nparams : 0 };
	const double *asked[2] = { c->bench_asked_ns, c->prim_asked_ns };
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < counts[k]; i++)
			if (asked[k][i] > 0)
				json_object_set_new(obj, decls[k][i].name, json_real(asked[k][i]));
	return obj;
}

json_t *report_entry_head(const struct config *c, const struct run_settings *s,
			  const int *pus, int oversubscribed)
{
	char policy[64];
	struct placement only_policy = s->placement;
	only_policy.nlisted = 0;
	placement_format(&only_policy, policy, sizeof(policy));

	json_t *params = json_object();
	add_params(params, c->bench->params, c->bench->nparams, c->bench_params);
	if (c->prim)
		add_params(params, c->prim->params, c->prim->nparams, c->prim_params);

	/*
	 * An external program that does not pin its workers one by one
	 * (go-* mode=goroutines) confines its process to the set instead:
	 * no thread is pinned, and the set is named apart.
	 */
	bool pinned = external_pins_threads(c);
	json_t *pu_list = json_array(), *confined = json_array();
	for (int i = 0; i < c->threads; i++) {
		json_array_append_new(pu_list, pinned && pus[i] >= 0 ? json_integer(pus[i]) : json_null());
		if (!pinned && pus[i] >= 0)
			json_array_append_new(confined, json_integer(pus[i]));
	}
	json_t *entry = json_pack("{s:s, s:s?, s:i, s:o, s:o, s:{s:s, s:o, s:b}, s:f, s:f}",
			 "bench", c->bench->name, "prim", c->prim ? c->prim->name : NULL,
			 "threads", c->threads,
			 "params", params, "work_ns", work_ns_json(c),
			 "placement", "policy", policy, "pus", pu_list, "oversubscribed", oversubscribed,
			 "duration_s", s->duration_s, "warmup_s", s->warmup_s);
	json_t *asked = work_asked_json(c);
	if (json_object_size(asked))
		json_object_set(entry, "work_asked_ns", asked);
	json_decref(asked);
	if (json_array_size(confined))
		json_object_set(json_object_get(entry, "placement"), "confined_to", confined);
	json_decref(confined);
	return entry;
}

/* {"read": 12, "write": 3} for workloads with more than one kind, else NULL. */
static json_t *by_kind_json(const struct bench_ops *b, const uint64_t *counts)
{
	if (bench_kind_count(b) == 1)
		return NULL;
	json_t *obj = json_object();
	for (int k = 0; k < bench_kind_count(b); k++)
		json_object_set_new(obj, bench_kind_name(b, k), json_integer((json_int_t)counts[k]));
	return obj;
}

static json_t *named_stats_json(const struct named_stats *ns)
{
	json_t *obj = json_object();
	for (int i = 0; i < ns->n; i++)
		json_object_set_new(obj, ns->item[i].name, number_or_null(ns->item[i].value));
	return obj;
}

/* The valid readings, per event (readings[i] is s->events->ev[i]'s). */
static json_t *readings_json(const struct run_settings *s, const struct counter_reading *readings)
{
	json_t *obj = json_object();
	for (int i = 0; i < s->events->n; i++) {
		const struct counter_reading *r = &readings[i];
		if (r->valid)
			json_object_set_new(obj, s->events->ev[i].name, json_pack("{s:I, s:I, s:I}",
				"value", (json_int_t)r->value, "enabled_ns", (json_int_t)r->enabled_ns,
				"running_ns", (json_int_t)r->running_ns));
	}
	return obj;
}

static json_t *rep_json(const struct config *c, const struct run_settings *s,
			const struct rep_figures *r, const struct rep_summary *rs)
{
	json_t *threads = json_array();
	for (int t = 0; t < c->threads; t++)
		json_array_append_new(threads, json_pack("{s:I, s:o*, s:o, s:o, s:o}",
			"ops", (json_int_t)r->threads[t].ops,
			"ops_by_kind", by_kind_json(c->bench, r->threads[t].ops_by_kind),
			"cpu_ns", r->cpu_of_process ? json_null() : json_integer((json_int_t)r->threads[t].cpu_ns),
			"counters", r->counters_of_process ? json_object()
							   : readings_json(s, r->threads[t].counters),
			"pu", r->threads[t].pu >= 0 ? json_integer(r->threads[t].pu) : json_null()));
	json_t *rep = json_pack("{s:f, s:I, s:I, s:o*, s:o, s:o, s:I, s:o, s:o, s:o}",
			 "started_s", r->started_s, "wall_ns", (json_int_t)r->wall_ns,
			 "ops", (json_int_t)rs->ops, "ops_by_kind", by_kind_json(c->bench, rs->ops_by_kind),
			 "ops_per_sec", number_or_null(rs->ops_per_sec),
			 "ns_per_op", number_or_null(rs->ns_per_op),
			 "cpu_ns", (json_int_t)rs->cpu_ns, "threads", threads,
			 "prim_stats", named_stats_json(&r->prim_stats),
			 "bench_stats", named_stats_json(&r->bench_stats));
	if (r->counters_of_process)
		json_object_set_new(rep, "process_counters", readings_json(s, r->process_counters));
	if (c->bench->flags & BENCH_WANTS_FLOOR)
		json_object_set_new(rep, "floor_ns", number_or_null(r->floor_ns));
	return rep;
}

static json_t *summary_json(const struct summary *s)
{
	json_t *obj = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"n", (json_int_t)s->n, "median", number_or_null(s->median),
		"min", number_or_null(s->min), "max", number_or_null(s->max),
		"mean", number_or_null(s->mean), "cv", number_or_null(s->cv),
		"ci95_lo", number_or_null(s->ci95_lo), "ci95_hi", number_or_null(s->ci95_hi),
		"ci95_level", number_or_null(s->ci95_level));
	if (isnan(s->ci95_lo)) {
		char why[96];
		snprintf(why, sizeof(why), "%zu repetitions: %zu or more are needed for a %g%% interval",
			 s->n, median_interval_min_n(), 100 * CI_LEVEL);
		json_object_set_new(obj, "ci95_reason", json_string(why));
	}
	return obj;
}

static json_t *histogram_json(const struct latency_hist *h)
{
	json_t *low = json_array(), *count = json_array();
	for (unsigned i = 0; i < LATENCY_BUCKETS; i++) {
		if (!h->bucket[i])
			continue;
		json_array_append_new(low, json_real(ticks_to_ns((double)latency_bucket_low(i))));
		json_array_append_new(count, json_integer((json_int_t)h->bucket[i]));
	}
	return json_pack("{s:o, s:o}", "bucket_low_ns", low, "count", count);
}

static json_t *latency_kind_json(const struct latency_summary *l, const struct latency_hist *h)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:o}", "samples", (json_int_t)l->samples,
			 "p50_ns", l->p50_ns, "p90_ns", l->p90_ns, "p99_ns", l->p99_ns,
			 "p999_ns", l->p999_ns, "max_ns", l->max_ns, "histogram", histogram_json(h));
}

/* Acquire latency over every repetition, per kind; null if nothing was sampled. */
static json_t *latency_json(const struct config *c, const struct config_summary *cs)
{
	if (!cs->sampled)
		return json_null();
	json_t *kinds = json_object();
	for (int k = 0; k < bench_kind_count(c->bench); k++)
		if (cs->latency[k].samples)
			json_object_set_new(kinds, bench_kind_name(c->bench, k),
					    latency_kind_json(&cs->latency[k], &cs->hist[k]));
	return json_pack("{s:f, s:o}", "max_gap_ns", cs->max_gap_ns, "kinds", kinds);
}

/* Ops/s of each kind, summarized over repetitions; NULL for one-kind workloads. */
static json_t *kind_rates_json(const struct config *c, const struct config_summary *cs)
{
	if (cs->nkinds == 1)
		return NULL;
	json_t *obj = json_object();
	for (int k = 0; k < cs->nkinds; k++)
		json_object_set_new(obj, bench_kind_name(c->bench, k),
				    summary_json(&cs->kind_ops_per_sec[k]));
	return obj;
}

static json_t *counters_json(const struct run_settings *s, const struct config_summary *cs)
{
	json_t *obj = json_object();
	for (int i = 0; i < cs->nevents; i++) {
		const struct event_summary *e = &cs->events[i];
		json_t *v = e->reason
			? json_pack("{s:n, s:n, s:b, s:s}", "total", "per_op", "multiplexed", 0,
				    "reason", e->reason)
			: json_pack("{s:o, s:o, s:b}", "total", number_or_null(e->total),
				    "per_op", number_or_null(e->per_op), "multiplexed", e->multiplexed);
		json_object_set_new(obj, s->events->ev[i].name, v);
	}
	return obj;
}

static json_t *summary_object(const struct config *c, const struct run_settings *s,
			      const struct config_summary *cs)
{
	json_t *obj = json_pack("{s:o, s:o*, s:o, s:{s:o, s:o}, s:o, s:o, s:o}",
			 "ops_per_sec", summary_json(&cs->ops_per_sec),
			 "ops_per_sec_by_kind", kind_rates_json(c, cs),
			 "ns_per_op", summary_json(&cs->ns_per_op),
			 "fairness", "jain", number_or_null(cs->jain),
			 "max_min_ratio", number_or_null(cs->max_min_ratio),
			 "cpu_ns_per_op", number_or_null(cs->cpu_ns_per_op.median),
			 "acquire_latency", latency_json(c, cs),
			 "counters", counters_json(s, cs));
	if (cs->wants_floor) {
		json_object_set_new(obj, "handoff_fraction", number_or_null(cs->handoff_fraction));
		json_object_set_new(obj, "ns_per_handoff", number_or_null(cs->ns_per_handoff));
		json_object_set_new(obj, "floor_ns", number_or_null(cs->floor_ns));
		json_object_set_new(obj, "saturated", json_boolean(cs->saturated));
		json_object_set_new(obj, "handoff_vs_floor", number_or_null(cs->handoff_vs_floor));
	}
	return obj;
}

/* {"few_ops": "why"}: the figures are real, but worth less than they seem. */
static json_t *flags_json(const struct config_summary *cs)
{
	json_t *obj = json_object();
	char why[160];
	if (cs->flags & FLAG_FEW_OPS) {
		snprintf(why, sizeof(why), "%d of %d repetitions counted fewer than %d operations "
			 "(fewest: %llu), even with the window extended", cs->few_ops_reps, cs->nreps,
			 RUN_MIN_OPS, (unsigned long long)cs->fewest_ops);
		json_object_set_new(obj, "few_ops", json_string(why));
	}
	return obj;
}

static const char *const check_names[] = {
	[CHECK_PASSED] = "passed", [CHECK_FAILED] = "failed", [CHECK_SKIPPED] = "skipped",
};

json_t *report_entry_body(const struct config *c, const struct run_settings *s,
			  const struct rep_figures *reps, const struct config_summary *cs)
{
	json_t *rep_list = json_array();
	for (int r = 0; r < cs->nreps; r++)
		json_array_append_new(rep_list, rep_json(c, s, &reps[r], &cs->rep[r]));

	const char *failure = cs->check == CHECK_FAILED ? cs->check_detail : NULL;
	return json_pack("{s:s, s:s?, s:{s:s, s:s?}, s:o, s:o, s:o}",
			 "status", failure ? "failed" : "ok", "status_detail", failure,
			 "check", "result", check_names[cs->check],
			 "detail", cs->check_detail[0] ? cs->check_detail : NULL,
			 "flags", flags_json(cs), "reps", rep_list,
			 "summary", summary_object(c, s, cs));
}

void report_entry_failed(json_t *entry, const char *status, const char *detail)
{
	json_t *body = json_pack("{s:s, s:s, s:n, s:{}, s:[], s:n}", "status", status,
				 "status_detail", detail, "check", "flags", "reps", "summary");
	json_object_update(entry, body);
	json_decref(body);
}

int report_write_atomic(json_t *doc, const char *path, char *err, size_t errlen)
{
	struct safefile sf;
	if (safefile_open(&sf, path, err, errlen) != 0)
		return -1;
	if (json_dumpf(doc, sf.f, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) != 0 ||
	    fputc('\n', sf.f) == EOF) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
		safefile_abort(&sf);
		return -1;
	}
	return safefile_commit(&sf, err, errlen);
}
