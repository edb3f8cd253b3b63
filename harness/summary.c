#include "summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "floor.h"

static double ratio_or_nan(double num, double den)
{
	return den > 0 ? num / den : NAN;
}

static void summarize_rep(const struct config *c, const struct rep_figures *r,
			  struct rep_summary *out)
{
	unsigned counted = bench_counted_kinds(c->bench);
	*out = (struct rep_summary){ 0 };
	for (int t = 0; t < c->threads; t++) {
		out->cpu_ns += r->cpu_of_process ? 0 : r->threads[t].cpu_ns;
		for (int k = 0; k < MAX_OP_KINDS; k++) {
			out->ops_by_kind[k] += r->threads[t].ops_by_kind[k];
			out->ops += counted & (1u << k) ? r->threads[t].ops_by_kind[k] : 0;
		}
	}
	if (r->cpu_of_process)
		out->cpu_ns = r->process_cpu_ns;
	out->ops_per_sec = ratio_or_nan((double)out->ops * 1e9, (double)r->wall_ns);
	out->ns_per_op = ratio_or_nan((double)r->wall_ns, (double)out->ops);
	out->cpu_ns_per_op = ratio_or_nan((double)out->cpu_ns, (double)out->ops);
}

static double median_of(const double *x, int n)
{
	struct summary s;
	summarize(x, (size_t)n, &s);
	return s.median;
}

static void summarize_rates(const struct config *c, const struct rep_figures *reps, int n,
			    struct config_summary *cs)
{
	double ops_per_sec[n], ns_per_op[n], cpu_per_op[n], jain[n], ratio[n];
	uint64_t per_thread[c->threads];

	for (int r = 0; r < n; r++) {
		ops_per_sec[r] = cs->rep[r].ops_per_sec;
		ns_per_op[r] = cs->rep[r].ns_per_op;
		cpu_per_op[r] = cs->rep[r].cpu_ns_per_op;
		for (int t = 0; t < c->threads; t++)
			per_thread[t] = reps[r].threads[t].ops;
		jain[r] = jain_index(per_thread, (size_t)c->threads);
		ratio[r] = max_min_ratio(per_thread, (size_t)c->threads);
	}
	summarize(ops_per_sec, (size_t)n, &cs->ops_per_sec);
	summarize(ns_per_op, (size_t)n, &cs->ns_per_op);
	summarize(cpu_per_op, (size_t)n, &cs->cpu_ns_per_op);
	cs->jain = median_of(jain, n);
	cs->max_min_ratio = median_of(ratio, n);

	cs->nkinds = bench_kind_count(c->bench);
	for (int k = 0; cs->nkinds > 1 && k < cs->nkinds; k++) {
		double rate[n];
		for (int r = 0; r < n; r++)
			rate[r] = ratio_or_nan((double)cs->rep[r].ops_by_kind[k] * 1e9,
					       (double)reps[r].wall_ns);
		summarize(rate, (size_t)n, &cs->kind_ops_per_sec[k]);
	}
}

static int summarize_latency(const struct config *c, const struct rep_figures *reps, int n,
			     struct config_summary *cs)
{
	uint64_t max_gap = 0;
	cs->hist = calloc(MAX_OP_KINDS, sizeof(*cs->hist));
	if (!cs->hist)
		return -1;
	for (int r = 0; r < n; r++) {
		for (int k = 0; k < MAX_OP_KINDS; k++)
			latency_hist_merge(&cs->hist[k], &reps[r].latency[k]);
		max_gap = reps[r].max_gap_ticks > max_gap ? reps[r].max_gap_ticks : max_gap;
	}
	for (int k = 0; k < bench_kind_count(c->bench); k++) {
		const struct latency_hist *h = &cs->hist[k];
		cs->sampled |= h->count > 0;
		cs->latency[k] = (struct latency_summary){
			.samples = h->count,
			.p50_ns = ticks_to_ns(latency_hist_quantile(h, 0.50)),
			.p90_ns = ticks_to_ns(latency_hist_quantile(h, 0.90)),
			.p99_ns = ticks_to_ns(latency_hist_quantile(h, 0.99)),
			.p999_ns = ticks_to_ns(latency_hist_quantile(h, 0.999)),
			.max_ns = ticks_to_ns((double)h->max),
		};
	}
	cs->max_gap_ns = ticks_to_ns((double)max_gap);
	return 0;
}

/*
 * The repetition's count of event index, summed over its threads or the
 * process's: 0, or -1 with the reason when some reading is missing.
 */
static int event_total(const struct config *c, const struct event_spec *e, int index,
		       const struct rep_figures *r, double *total, bool *multiplexed,
		       const char **reason)
{
	int n = r->counters_of_process ? 1 : c->threads;
	*total = 0;
	for (int t = 0; t < n; t++) {
		const struct counter_reading *cr = r->counters_of_process
			? &r->process_counters[index] : &r->threads[t].counters[index];
		if (!cr->valid) {
			*reason = r->counters_of_process ? "the process's counter could not be opened or read"
							 : "a thread could not open or read it";
			return -1;
		}
		*multiplexed |= e->hardware && cr->running_ns < cr->enabled_ns;
		*total += counter_scaled(e, cr);
	}
	return 0;
}

/*
 * One event over the repetitions: totals scaled for multiplexing, and per
 * operation.  A repetition whose count is unknown (a hardware event that
 * never got the PMU) gives no figure: it is left out of the medians, and
 * with no repetition left the event has none.
 */
static void summarize_event(const struct config *c, const struct event_spec *e, int index,
			    const struct rep_figures *reps, int n, const struct config_summary *cs,
			    struct event_summary *out)
{
	double total[n], per_op[n];
	*out = (struct event_summary){ .total = NAN, .per_op = NAN };
	if (!e->available) {
		out->reason = e->reason;
		return;
	}
	for (int r = 0; r < n; r++) {
		if (event_total(c, e, index, &reps[r], &total[r], &out->multiplexed, &out->reason) != 0)
			return;
		per_op[r] = ratio_or_nan(total[r], (double)cs->rep[r].ops);
	}
	out->total = median_of(total, n);
	out->per_op = median_of(per_op, n);
	if (isnan(out->total))
		out->reason = "it never ran on the PMU (multiplexed out in every repetition)";
}

/*
 * Handoffs are the workload's kind 0.  A handoff moves the primitive's
 * line (and the data's) to another core, so the time between two of them
 * cannot be below the floor; where the primitive is never idle, that time
 * is the handoff's cost.
 */
static void summarize_handoffs(const struct config *c, const struct run_settings *s,
			       const int *pus, const struct rep_figures *reps, int n,
			       struct config_summary *out)
{
	double fraction[n], per_handoff[n], floor[n], vs_floor[n];
	double run_floor = floor_mean_ns(s->floor, pus, c->threads);
	out->wants_floor = c->bench->flags & BENCH_WANTS_FLOOR;
	out->handoff_fraction = out->ns_per_handoff = out->handoff_vs_floor = out->floor_ns = NAN;
	if (!out->wants_floor)
		return;
	for (int r = 0; r < n; r++) {
		uint64_t handoffs = out->rep[r].ops_by_kind[0], all = 0;
		for (int k = 0; k < MAX_OP_KINDS; k++)
			all += out->rep[r].ops_by_kind[k];
		fraction[r] = ratio_or_nan((double)handoffs, (double)all);
		per_handoff[r] = ratio_or_nan((double)reps[r].wall_ns, (double)handoffs);
		/* Its own floor, else the run's (too many PUs to probe each time). */
		floor[r] = isnan(reps[r].floor_ns) ? run_floor : reps[r].floor_ns;
		vs_floor[r] = per_handoff[r] / floor[r];
	}
	out->handoff_fraction = median_of(fraction, n);
	out->ns_per_handoff = median_of(per_handoff, n);
	out->floor_ns = median_of(floor, n);
	out->saturated = c->bench->saturated && c->bench->saturated(c->bench_params, c->threads);
	if (out->saturated)
		out->handoff_vs_floor = median_of(vs_floor, n);
}

/* The worst repetition speaks for all: one failure fails the configuration. */
static const struct rep_figures *worst_check(const struct rep_figures *reps, int n)
{
	for (int r = 0; r < n; r++)
		if (reps[r].check == CHECK_FAILED)
			return &reps[r];
	return &reps[0];
}

static void summarize_validity(int n, struct config_summary *cs)
{
	cs->fewest_ops = UINT64_MAX;
	for (int r = 0; r < n; r++) {
		cs->fewest_ops = cs->rep[r].ops < cs->fewest_ops ? cs->rep[r].ops : cs->fewest_ops;
		cs->few_ops_reps += cs->rep[r].ops < RUN_MIN_OPS;
	}
	if (cs->few_ops_reps)
		cs->flags |= FLAG_FEW_OPS;
}

int config_summarize(const struct config *c, const struct run_settings *s, const int *pus,
		     const struct rep_figures *reps, int n, struct config_summary *out)
{
	*out = (struct config_summary){ .nreps = n };
	out->rep = calloc((size_t)n, sizeof(*out->rep));
	if (!out->rep || summarize_latency(c, reps, n, out) != 0) {
		config_summary_free(out);
		return -1;
	}
	for (int r = 0; r < n; r++)
		summarize_rep(c, &reps[r], &out->rep[r]);
	summarize_rates(c, reps, n, out);
	summarize_handoffs(c, s, pus, reps, n, out);
	out->nevents = s->events ? s->events->n : 0;
	for (int i = 0; i < out->nevents; i++)
		summarize_event(c, &s->events->ev[i], i, reps, n, out, &out->events[i]);
	const struct rep_figures *w = worst_check(reps, n);
	out->check = w->check;
	out->check_detail = w->check_detail;
	summarize_validity(n, out);
	return 0;
}

void config_summary_free(struct config_summary *cs)
{
	free(cs->rep);
	free(cs->hist);
	cs->rep = NULL;
	cs->hist = NULL;
}
