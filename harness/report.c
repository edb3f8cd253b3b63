#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "floor.h"
#include "safefile.h"
#include "stats.h"

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

/* {"duration_s": 0.05, "pairs": [[0, 1, 63.2], ...]}; NULL when not measured. */
static json_t *context_floor(const struct coherence_floor *f)
{
	if (!f)
		return NULL;
	json_t *pairs = json_array();
	for (int i = 0; i < f->n; i++)
		json_array_append_new(pairs, json_pack("[i, i, o]", f->pair[i].a, f->pair[i].b,
						       number_or_null(f->pair[i].ns)));
	return json_pack("{s:f, s:o}", "duration_s", f->duration_s, "pairs", pairs);
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

	json_t *pu_list = json_array();
	for (int i = 0; i < c->threads; i++)
		json_array_append_new(pu_list, pus[i] >= 0 ? json_integer(pus[i]) : json_null());

	return json_pack("{s:s, s:s?, s:i, s:o, s:{s:s, s:o, s:b}, s:f, s:f}",
			 "bench", c->bench->name, "prim", c->prim ? c->prim->name : NULL,
			 "threads", c->threads,
			 "params", params,
			 "placement", "policy", policy, "pus", pu_list, "oversubscribed", oversubscribed,
			 "duration_s", s->duration_s, "warmup_s", s->warmup_s);
}

static int kind_count(const struct bench_ops *b)
{
	int n = 0;
	while (b->op_kinds && b->op_kinds[n])
		n++;
	return n ? n : 1;
}

static const char *kind_name(const struct bench_ops *b, int k)
{
	return b->op_kinds ? b->op_kinds[k] : "op";
}

/* {"read": 12, "write": 3} for workloads with more than one kind, else NULL. */
static json_t *by_kind_json(const struct bench_ops *b, const uint64_t *counts)
{
	if (kind_count(b) == 1)
		return NULL;
	json_t *obj = json_object();
	for (int k = 0; k < kind_count(b); k++)
		json_object_set_new(obj, kind_name(b, k), json_integer((json_int_t)counts[k]));
	return obj;
}

static json_t *named_stats_json(const struct named_stats *ns)
{
	json_t *obj = json_object();
	for (int i = 0; i < ns->n; i++)
		json_object_set_new(obj, ns->item[i].name, number_or_null(ns->item[i].value));
	return obj;
}

static uint64_t rep_ops(const struct config *c, const struct rep_figures *r, uint64_t *cpu_ns)
{
	uint64_t ops = 0;
	*cpu_ns = 0;
	for (int t = 0; t < c->threads; t++) {
		ops += r->threads[t].ops;
		*cpu_ns += r->threads[t].cpu_ns;
	}
	return ops;
}

static json_t *thread_counters_json(const struct run_settings *s, const struct thread_figures *f)
{
	json_t *obj = json_object();
	for (int i = 0; i < s->events->n; i++) {
		const struct counter_reading *r = &f->counters[i];
		if (r->valid)
			json_object_set_new(obj, s->events->ev[i].name, json_pack("{s:I, s:I, s:I}",
				"value", (json_int_t)r->value, "enabled_ns", (json_int_t)r->enabled_ns,
				"running_ns", (json_int_t)r->running_ns));
	}
	return obj;
}

static json_t *rep_json(const struct config *c, const struct run_settings *s,
			const struct rep_figures *r)
{
	uint64_t cpu_ns, ops = rep_ops(c, r, &cpu_ns), by_kind[MAX_OP_KINDS] = { 0 };
	json_t *threads = json_array();
	for (int t = 0; t < c->threads; t++) {
		for (int k = 0; k < MAX_OP_KINDS; k++)
			by_kind[k] += r->threads[t].ops_by_kind[k];
		json_array_append_new(threads, json_pack("{s:I, s:o*, s:I, s:o, s:o}",
			"ops", (json_int_t)r->threads[t].ops,
			"ops_by_kind", by_kind_json(c->bench, r->threads[t].ops_by_kind),
			"cpu_ns", (json_int_t)r->threads[t].cpu_ns,
			"counters", thread_counters_json(s, &r->threads[t]),
			"pu", r->threads[t].pu >= 0 ? json_integer(r->threads[t].pu) : json_null()));
	}
	return json_pack("{s:f, s:I, s:I, s:o*, s:o, s:o, s:I, s:o, s:o, s:o}",
			 "started_s", r->started_s, "wall_ns", (json_int_t)r->wall_ns, "ops", (json_int_t)ops,
			 "ops_by_kind", by_kind_json(c->bench, by_kind),
			 "ops_per_sec", number_or_null((double)ops * 1e9 / (double)r->wall_ns),
			 "ns_per_op", number_or_null((double)r->wall_ns / (double)ops),
			 "cpu_ns", (json_int_t)cpu_ns, "threads", threads,
			 "prim_stats", named_stats_json(&r->prim_stats),
			 "bench_stats", named_stats_json(&r->bench_stats));
}

static json_t *summary_json(const struct summary *s)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "median", number_or_null(s->median),
			 "min", number_or_null(s->min), "max", number_or_null(s->max),
			 "ci95_lo", number_or_null(s->ci95_lo), "ci95_hi", number_or_null(s->ci95_hi));
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

static json_t *latency_kind_json(const struct latency_hist *h)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:o}", "samples", (json_int_t)h->count,
			 "p50_ns", ticks_to_ns(latency_hist_quantile(h, 0.50)),
			 "p90_ns", ticks_to_ns(latency_hist_quantile(h, 0.90)),
			 "p99_ns", ticks_to_ns(latency_hist_quantile(h, 0.99)),
			 "p999_ns", ticks_to_ns(latency_hist_quantile(h, 0.999)),
			 "max_ns", ticks_to_ns((double)h->max), "histogram", histogram_json(h));
}

/* Acquire latency over every repetition, per kind; NULL if nothing was sampled. */
static json_t *latency_json(const struct config *c, const struct rep_figures *reps, int n)
{
	struct latency_hist *merged = calloc(MAX_OP_KINDS, sizeof(*merged));
	uint64_t samples = 0, max_gap = 0;

	if (!merged)
		return NULL;
	for (int r = 0; r < n; r++) {
		for (int k = 0; k < MAX_OP_KINDS; k++)
			latency_hist_merge(&merged[k], &reps[r].latency[k]);
		max_gap = reps[r].max_gap_ticks > max_gap ? reps[r].max_gap_ticks : max_gap;
	}
	json_t *kinds = json_object();
	for (int k = 0; k < kind_count(c->bench); k++) {
		samples += merged[k].count;
		if (merged[k].count)
			json_object_set_new(kinds, kind_name(c->bench, k), latency_kind_json(&merged[k]));
	}
	free(merged);
	if (!samples) {
		json_decref(kinds);
		return NULL;
	}
	return json_pack("{s:f, s:o}", "max_gap_ns", ticks_to_ns((double)max_gap), "kinds", kinds);
}

/* Ops/s of each kind, summarized over repetitions; NULL for one-kind workloads. */
static json_t *kind_rates_json(const struct config *c, const struct rep_figures *reps, int n)
{
	if (kind_count(c->bench) == 1)
		return NULL;
	json_t *obj = json_object();
	for (int k = 0; k < kind_count(c->bench); k++) {
		double rate[n];
		for (int r = 0; r < n; r++) {
			uint64_t ops = 0;
			for (int t = 0; t < c->threads; t++)
				ops += reps[r].threads[t].ops_by_kind[k];
			rate[r] = (double)ops * 1e9 / (double)reps[r].wall_ns;
		}
		struct summary s;
		summarize(rate, (size_t)n, &s);
		json_object_set_new(obj, kind_name(c->bench, k), summary_json(&s));
	}
	return obj;
}

static double median_of(const double *x, int n)
{
	struct summary s;
	summarize(x, (size_t)n, &s);
	return s.median;
}

/* One event over the repetitions: totals scaled for multiplexing, and per operation. */
static json_t *event_summary(const struct config *c, const struct event_spec *e, int index,
			     const struct rep_figures *reps, int n)
{
	double total[n], per_op[n];
	int multiplexed = 0, valid = 1;

	if (!e->available)
		return json_pack("{s:n, s:n, s:b, s:s}", "total", "per_op", "multiplexed", 0,
				 "reason", e->reason);
	for (int r = 0; r < n; r++) {
		uint64_t cpu_ns, ops = rep_ops(c, &reps[r], &cpu_ns);
		total[r] = 0;
		for (int t = 0; t < c->threads; t++) {
			const struct counter_reading *cr = &reps[r].threads[t].counters[index];
			valid &= cr->valid;
			multiplexed |= e->hardware && cr->running_ns < cr->enabled_ns;
			total[r] += counter_scaled(e, cr);
		}
		per_op[r] = total[r] / (double)ops;
	}
	if (!valid)
		return json_pack("{s:n, s:n, s:b, s:s}", "total", "per_op", "multiplexed", 0,
				 "reason", "a thread could not open or read it");
	return json_pack("{s:o, s:o, s:b}", "total", number_or_null(median_of(total, n)),
			 "per_op", number_or_null(median_of(per_op, n)), "multiplexed", multiplexed);
}

static json_t *counters_summary(const struct config *c, const struct run_settings *s,
				const struct rep_figures *reps, int n)
{
	json_t *obj = json_object();
	for (int i = 0; i < s->events->n; i++)
		json_object_set_new(obj, s->events->ev[i].name,
				    event_summary(c, &s->events->ev[i], i, reps, n));
	return obj;
}

/*
 * ns/op over the coherence floor of the PUs the threads were on, for a
 * workload that wants it; NULL (left out) for any other.
 */
static json_t *handoff_vs_floor(const struct config *c, const struct run_settings *s,
				const int *pus, double ns_per_op)
{
	if (!(c->bench->flags & BENCH_WANTS_FLOOR))
		return NULL;
	return number_or_null(ns_per_op / floor_mean_ns(s->floor, pus, c->threads));
}

static json_t *summary_over_reps(const struct config *c, const struct run_settings *s,
				 const int *pus, const struct rep_figures *reps, int n)
{
	double ops_per_sec[n], ns_per_op[n], cpu_per_op[n], jain[n], ratio[n];
	uint64_t per_thread[c->threads];

	for (int r = 0; r < n; r++) {
		uint64_t cpu_ns, ops = rep_ops(c, &reps[r], &cpu_ns);
		ops_per_sec[r] = (double)ops * 1e9 / (double)reps[r].wall_ns;
		ns_per_op[r] = (double)reps[r].wall_ns / (double)ops;
		cpu_per_op[r] = (double)cpu_ns / (double)ops;
		for (int t = 0; t < c->threads; t++)
			per_thread[t] = reps[r].threads[t].ops;
		jain[r] = jain_index(per_thread, (size_t)c->threads);
		ratio[r] = max_min_ratio(per_thread, (size_t)c->threads);
	}
	struct summary ops_s, ns_s;
	summarize(ops_per_sec, (size_t)n, &ops_s);
	summarize(ns_per_op, (size_t)n, &ns_s);
	json_t *latency = latency_json(c, reps, n);
	return json_pack("{s:o, s:o*, s:o, s:o*, s:{s:o, s:o}, s:o, s:o, s:o}",
			 "ops_per_sec", summary_json(&ops_s),
			 "ops_per_sec_by_kind", kind_rates_json(c, reps, n),
			 "ns_per_op", summary_json(&ns_s),
			 "handoff_vs_floor", handoff_vs_floor(c, s, pus, ns_s.median),
			 "fairness", "jain", number_or_null(median_of(jain, n)),
			 "max_min_ratio", number_or_null(median_of(ratio, n)),
			 "cpu_ns_per_op", number_or_null(median_of(cpu_per_op, n)),
			 "acquire_latency", latency ? latency : json_null(),
			 "counters", counters_summary(c, s, reps, n));
}

static const char *const check_names[] = {
	[CHECK_PASSED] = "passed", [CHECK_FAILED] = "failed", [CHECK_SKIPPED] = "skipped",
};

/* The worst repetition speaks for all: one failure fails the configuration. */
static const struct rep_figures *worst_check(const struct rep_figures *reps, int n)
{
	const struct rep_figures *worst = &reps[0];
	for (int r = 0; r < n; r++)
		if (reps[r].check == CHECK_FAILED)
			return &reps[r];
	return worst;
}

json_t *report_entry_body(const struct config *c, const struct run_settings *s, const int *pus,
			  const struct rep_figures *reps, int nreps, const char *error)
{
	if (error)
		return json_pack("{s:s, s:s, s:n, s:[], s:n}", "status", "error",
				 "status_detail", error, "check", "reps", "summary");

	const struct rep_figures *w = worst_check(reps, nreps);
	json_t *rep_list = json_array();
	for (int r = 0; r < nreps; r++)
		json_array_append_new(rep_list, rep_json(c, s, &reps[r]));

	const char *failure = w->check == CHECK_FAILED ? w->check_detail : NULL;
	return json_pack("{s:s, s:s?, s:{s:s, s:s?}, s:o, s:o}",
			 "status", failure ? "failed" : "ok", "status_detail", failure,
			 "check", "result", check_names[w->check],
			 "detail", w->check_detail[0] ? w->check_detail : NULL,
			 "reps", rep_list, "summary", summary_over_reps(c, s, pus, reps, nreps));
}

void report_entry_failed(json_t *entry, const char *status, const char *detail)
{
	json_t *body = json_pack("{s:s, s:s, s:n, s:[], s:n}", "status", status,
				 "status_detail", detail, "check", "reps", "summary");
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

/* 12345678 -> "12.35M": enough digits to compare, few enough to scan. */
static void format_si(double v, char *buf, size_t len)
{
	static const char *const suffix[] = { "", "k", "M", "G", "T" };
	int i = 0;
	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, "%.2f%s", v, suffix[i]);
}

static double summary_field(json_t *entry, const char *group, const char *field)
{
	json_t *summary = json_object_get(entry, "summary");
	json_t *g = group ? json_object_get(summary, group) : summary;
	json_t *v = json_object_get(g, field);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void format_params(const struct config *c, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	const struct param_decl *decls[2] = { c->bench->params, c->prim ? c->prim->params : NULL };
	const size_t counts[2] = { c->bench->nparams, c->prim ? c->prim->nparams : 0 };
	const int64_t *values[2] = { c->bench_params, c->prim_params };
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < counts[k] && used < len; i++) {
			char v[64];
			if (k == 1 && values[k][i] == decls[k][i].def)
				continue;	/* a primitive's defaults would only crowd the row */
			param_format(&decls[k][i], values[k][i], v, sizeof(v));
			used += (size_t)snprintf(buf + used, len - used, "%s%s=%s",
						 used ? " " : "", decls[k][i].name, v);
		}
	}
}

/* The largest p99 acquire latency over the kinds ("-" if none was sampled). */
static void worst_p99(json_t *entry, char *buf, size_t len)
{
	json_t *kinds = json_object_get(json_object_get(json_object_get(entry, "summary"),
							 "acquire_latency"), "kinds");
	double worst = NAN;
	const char *key;
	json_t *kind;
	json_object_foreach(kinds, key, kind) {
		double p99 = json_number_value(json_object_get(kind, "p99_ns"));
		worst = isnan(worst) || p99 > worst ? p99 : worst;
	}
	if (isnan(worst))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f", worst);
}

void report_table_header(FILE *f)
{
	fprintf(f, "%-8s %-14s %4s  %-24s %9s %10s %-21s %6s %8s %10s %10s  %s\n", "bench",
		"prim", "thr", "params", "ops/s", "ns/op", "[95% CI]", "jain", "max/min",
		"cpu ns/op", "p99 acq ns", "status");
}

void report_table_row(FILE *f, const struct config *c, json_t *entry)
{
	char params[256], ops[32], ci[48], p99[32];
	format_params(c, params, sizeof(params));
	worst_p99(entry, p99, sizeof(p99));
	format_si(summary_field(entry, "ops_per_sec", "median"), ops, sizeof(ops));
	double lo = summary_field(entry, "ns_per_op", "ci95_lo");
	double hi = summary_field(entry, "ns_per_op", "ci95_hi");
	if (isfinite(lo))
		snprintf(ci, sizeof(ci), "[%.1f, %.1f]", lo, hi);
	else
		snprintf(ci, sizeof(ci), "[-]");

	json_t *detail = json_object_get(entry, "status_detail");
	json_t *check = json_object_get(entry, "check");
	const char *result = json_string_value(json_object_get(check, "result"));
	const char *why = json_is_string(detail) ? json_string_value(detail)
			  : result && strcmp(result, "failed") == 0
				? json_string_value(json_object_get(check, "detail"))
			  : result && strcmp(result, "skipped") == 0 ? "check skipped" : "";
	fprintf(f, "%-8s %-14s %4d  %-24s %9s %10.1f %-21s %6.3f %8.2f %10.1f %10s  %s%s%s\n",
		c->bench->name, c->prim ? c->prim->name : "-", c->threads, params, ops,
		summary_field(entry, "ns_per_op", "median"), ci,
		summary_field(entry, "fairness", "jain"),
		summary_field(entry, "fairness", "max_min_ratio"),
		summary_field(entry, NULL, "cpu_ns_per_op"), p99,
		json_string_value(json_object_get(entry, "status")), why[0] ? ": " : "", why);
	fflush(f);
}
