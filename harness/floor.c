#include "floor.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "stats.h"

/*
 * Thousands of transfers per repetition even on a loaded machine (and
 * extended until it holds FLOOR_MIN_BATCHES batches); short enough that a
 * lock's repetition pays little for measuring its own floor, and that a
 * 64-PU machine's 2016 pairs take about a minute before the sweep.
 */
#define FLOOR_DURATION_S 0.005
#define FLOOR_WARMUP_S 0.002

static const struct floor_pair *find_pair(const struct coherence_floor *f, int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;
	for (int i = 0; i < f->n; i++)
		if (f->pair[i].a == lo && f->pair[i].b == hi)
			return &f->pair[i];
	return NULL;
}

/* Adds the pair (a, b) unless it is there already; -1 if out of memory. */
static int add_pair(struct coherence_floor *f, int a, int b)
{
	if (a < 0 || b < 0 || a == b || find_pair(f, a, b))
		return 0;
	struct floor_pair *grown = realloc(f->pair, (size_t)(f->n + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	f->pair = grown;
	f->pair[f->n++] = (struct floor_pair){ a < b ? a : b, a < b ? b : a, NAN, NAN, NAN, 0 };
	return 0;
}

/* Every pair of distinct PUs among the threads of every configuration of sw. */
static int collect_pairs(const struct sweep *sw, const struct run_settings *s,
			 struct coherence_floor *f)
{
	for (int t = 0; t < sw->nthreads; t++) {
		int n = sw->threads[t], pus[n];
		int variants = placement_variants(s->topo, &s->placement, n);
		for (int v = 0; v < variants; v++) {
			if (placement_resolve(s->topo, &s->placement, n, v, pus) < 0)
				return -1;
			for (int i = 0; i < n; i++)
				for (int j = i + 1; j < n; j++)
					if (add_pair(f, pus[i], pus[j]) != 0)
						return -1;
		}
	}
	return 0;
}

static const struct bench_ops *floor_probe(void)
{
	for (size_t i = 0; i < bench_registry_len; i++)
		if (bench_registry[i]->flags & BENCH_FLOOR_PROBE)
			return bench_registry[i];
	return NULL;
}

/* The probe's parameters: batches of FLOOR_BATCH round trips, back to back. */
#define FLOOR_BATCH 256
#define FLOOR_MIN_BATCHES 16
#define FLOOR_TRIES 3

static void set_param(const struct bench_ops *b, int64_t *values, const char *name, int64_t v)
{
	int i = param_find(b->params, b->nparams, name);
	if (i >= 0)
		values[i] = v;
}

/*
 * One repetition of the probe on PUs a and b, of duration_s: the median
 * over its batches of ns per transfer, or NAN.
 */
static double probe_pair(const struct bench_ops *probe, const struct run_settings *s, int a, int b,
			 double duration_s)
{
	/* No counters: the probe only needs the clock. */
	static const struct event_set no_events = { .spec = "none" };
	/* Extended, on a loaded machine, until it holds FLOOR_MIN_BATCHES batches. */
	struct run_settings ps = { .topo = s->topo,
				   .duration_s = duration_s,
				   .warmup_s = FLOOR_WARMUP_S,
				   .reps = 1,
				   .events = &no_events,
				   .min_ops = 2 * FLOOR_BATCH * FLOOR_MIN_BATCHES };
	struct config c = { .bench = probe, .threads = 2 };
	struct thread_figures threads[2];
	struct rep_figures rep = { .threads = threads };
	int pus[2] = { a, b };
	char err[256];

	param_defaults(probe->params, probe->nparams, c.bench_params);
	set_param(probe, c.bench_params, "batch", FLOOR_BATCH);
	set_param(probe, c.bench_params, "sample_every", FLOOR_BATCH);
	if (run_repetition(&c, &ps, pus, &rep, err, sizeof(err), NULL) != 0) {
		fprintf(stderr, "syncbench: coherence floor of PUs %d,%d: %s\n", a, b, err);
		return NAN;
	}
	const struct latency_hist *h = &rep.latency[0];
	return h->count && rep.check == CHECK_PASSED ? ticks_to_ns(latency_hist_quantile(h, 0.5))
						     : NAN;
}

/* The distinct pairs among pus[0..n) into out (up to max); returns how many, or max + 1. */
static int distinct_pairs(const int *pus, int n, int (*out)[2], int max)
{
	int count = 0;
	for (int i = 0; i < n; i++) {
		for (int j = i + 1; j < n; j++) {
			int a = pus[i] < pus[j] ? pus[i] : pus[j], b = pus[i] < pus[j] ? pus[j] : pus[i];
			bool seen = a < 0 || a == b;
			for (int k = 0; k < count && !seen; k++)
				seen = out[k][0] == a && out[k][1] == b;
			if (seen)
				continue;
			if (count == max)
				return max + 1;
			out[count][0] = a;
			out[count][1] = b;
			count++;
		}
	}
	return count;
}

double floor_of_repetition(const struct run_settings *s, const int *pus, int n)
{
	const struct bench_ops *probe = floor_probe();
	int pairs[FLOOR_MAX_REP_PAIRS][2];
	int count = distinct_pairs(pus, n, pairs, FLOOR_MAX_REP_PAIRS);
	if (!probe || count == 0 || count > FLOOR_MAX_REP_PAIRS)
		return NAN;
	double sum = 0;
	for (int i = 0; i < count; i++) {
		/*
		 * A vCPU the hypervisor holds for the whole window stalls a
		 * probe, and a slow build (a sanitizer's) may not finish a batch
		 * in it: try again, each time 4 times longer.
		 */
		double ns = NAN, duration_s = FLOOR_DURATION_S;
		for (int try = 0; try < FLOOR_TRIES && isnan(ns); try++, duration_s *= 4)
			ns = probe_pair(probe, s, pairs[i][0], pairs[i][1], duration_s);
		sum += ns;	/* a NAN makes the mean NAN, as it should */
	}
	return sum / count;
}

int floor_measure(const struct sweep *sw, const struct run_settings *s,
		  struct coherence_floor *out)
{
	const struct bench_ops *probe = floor_probe();
	*out = (struct coherence_floor){ .duration_s = FLOOR_DURATION_S, .reps = FLOOR_REPS };
	if (collect_pairs(sw, s, out) != 0) {
		floor_free(out);
		return -1;
	}
	double *ns = malloc((size_t)(out->n ? out->n : 1) * FLOOR_REPS * sizeof(*ns));
	if (!ns) {
		floor_free(out);
		return -1;
	}
	for (int r = 0; r < FLOOR_REPS; r++)
		for (int i = 0; i < out->n; i++)
			ns[i * FLOOR_REPS + r] = probe ? probe_pair(probe, s, out->pair[i].a,
								    out->pair[i].b,
								    FLOOR_DURATION_S)
						       : NAN;
	for (int i = 0; i < out->n; i++) {
		struct summary sum;
		summarize(&ns[i * FLOOR_REPS], FLOOR_REPS, &sum);
		struct floor_pair *p = &out->pair[i];
		p->ns = sum.median;
		p->min_ns = sum.min;
		p->max_ns = sum.max;
		p->reps = (int)sum.n;
	}
	free(ns);
	return 0;
}

double floor_mean_ns(const struct coherence_floor *f, const int *pus, int n)
{
	double sum = 0;
	int pairs = 0;
	for (int i = 0; f && i < n; i++) {
		for (int j = i + 1; j < n; j++) {
			if (pus[i] < 0 || pus[j] < 0 || pus[i] == pus[j])
				continue;
			const struct floor_pair *p = find_pair(f, pus[i], pus[j]);
			if (!p)
				return NAN;
			sum += p->ns;	/* a NAN here makes the mean NAN, as it should */
			pairs++;
		}
	}
	return pairs ? sum / pairs : NAN;
}

void floor_free(struct coherence_floor *f)
{
	free(f->pair);
	*f = (struct coherence_floor){ 0 };
}
