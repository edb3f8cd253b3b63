#include "compare.h"

#include <getopt.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resultdoc.h"
#include "stats.h"
#include "suggest.h"

#define EXACT_MAX 20		/* per sample, for the exact U distribution */
#define BOOTSTRAP_ROUNDS 2000
#define DEFAULT_ALPHA 0.05
#define MAX_VALUES 1000		/* repetitions read per side and configuration */

const char compare_usage[] =
	"usage: syncbench compare [options] A B\n"
	"\n"
	"A and B are result documents or results directories.  For every\n"
	"configuration with status ok in both, as benchstat shows it: each side's\n"
	"median of the figure (--metric; default ops/s) over its repetitions, with\n"
	"the spread of its 95% interval (order statistics, as the run's table gives\n"
	"it; none under 6 repetitions) and n; the change B/A - 1 in percent with a\n"
	"95% percentile-bootstrap interval (2000 resamples of each side's\n"
	"repetitions, fixed seed); and the two-sided p-value of a Mann-Whitney U\n"
	"test over the repetitions (exact without ties up to 20 a side, else the\n"
	"normal approximation with tie correction).  Many configurations are tested\n"
	"at once, so the p-values are corrected for it (Benjamini-Hochberg: q is the\n"
	"adjusted p; among the changes with q < alpha, the expected share of false\n"
	"ones is at most alpha).  A change shows '~' when q >= alpha: no\n"
	"significant difference.  The raw p is shown beside q.  With 3 repetitions\n"
	"a side no p can go below 0.1: sweeps use 6 (run.sh).\n"
	"\n"
	"  --metric FIGURE    what to compare: ops_per_sec (default), ns_per_op,\n"
	"                     cpu_ns_per_op, jain (fairness), max_min, handoff_fraction,\n"
	"                     ns_per_handoff, handoff_vs_floor, rate:KIND (a kind's\n"
	"                     operations/s), counter:EVENT (per operation, e.g.\n"
	"                     counter:context-switches); per repetition, so tested.\n"
	"                     p50, p90, p99, p999, max[:KIND]: acquire latency, one\n"
	"                     figure per configuration (every repetition's samples\n"
	"                     merged): its change is shown, with no interval or test\n"
	"  --bench LIST       only these workloads\n"
	"  --prim LIST        only these primitives (- for configurations without one)\n"
	"  --threads LIST     only these thread counts\n"
	"  --set KEY=V[,V]    only these parameter values (as the documents hold them:\n"
	"                     work parameters in units); repeatable\n"
	"  --host-a HOST      only host HOST's results of A (a merged data set)\n"
	"  --host-b HOST      the same for B: the same data set as A and B, a host for\n"
	"                     each, compares two machines\n"
	"  --format F         text (default), csv (one row per configuration) or json\n"
	"  --alpha A          the false discovery rate to hold (default 0.05)\n"
	"  --fail-on-regression  exit status 1 when some change is significant and\n"
	"                     for the worse (lower ops/s, higher ns/op, ...)\n"
	"  -h, --help         this text\n"
	"\n"
	"Warnings on stderr (and in --format json) say when the two sides were\n"
	"measured differently: another window (--duration), warmup or number of\n"
	"repetitions, another commit, host or topology.  When both sides hold\n"
	"several hosts (merged data sets), configurations are matched per host\n"
	"(HOST:configuration); one side with several hosts against one with a\n"
	"single host is refused.  Configurations in one side only, or not ok in\n"
	"one, are listed.\n"
	"\n"
	"--pair A=B RESULTS... compares two primitives inside one result set\n"
	"(syncbench compare --pair --help).\n"
	"\n"
	"Exit status: 0; 1 with --fail-on-regression when a regression was found;\n"
	"2 bad input; 3 the output could not be written.\n";

const char *const *compare_metric_names(size_t *n)
{
	return metric_names(n);
}

/* How many orderings of n x's and m y's have exactly u (x, y) pairs with x > y. */
static void u_counts(size_t n, size_t m, double *out)
{
	/* f[i][j][u]: counts for i x's and j y's, built up from the empty samples. */
	size_t umax = n * m, stride = umax + 1;
	double *f = calloc((n + 1) * (m + 1) * stride, sizeof(*f));
	for (size_t i = 0; i <= n; i++) {
		for (size_t j = 0; j <= m; j++) {
			double *cell = &f[(i * (m + 1) + j) * stride];
			if (i == 0 || j == 0) {
				cell[0] = 1;
				continue;
			}
			/* the largest value is an x (beating all j y's) or a y */
			const double *x_last = &f[((i - 1) * (m + 1) + j) * stride];
			const double *y_last = &f[(i * (m + 1) + j - 1) * stride];
			for (size_t u = 0; u <= umax; u++)
				cell[u] = (u >= j ? x_last[u - j] : 0) + y_last[u];
		}
	}
	memcpy(out, &f[(n * (m + 1) + m) * stride], stride * sizeof(*out));
	free(f);
}

struct ranked {
	double v;
	int from_x;
};

static int by_value(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->v, y = ((const struct ranked *)b)->v;
	return (x > y) - (x < y);
}

double mann_whitney_p(const double *x, size_t n, const double *y, size_t m)
{
	size_t total = n + m;
	struct ranked *all = malloc(total * sizeof(*all));
	double rank_sum_x = 0, tie_term = 0;
	for (size_t i = 0; i < total; i++)
		all[i] = (struct ranked){ i < n ? x[i] : y[i - n], i < n };
	qsort(all, total, sizeof(*all), by_value);
	for (size_t i = 0; i < total;) {
		size_t j = i;
		while (j < total && all[j].v == all[i].v)
			j++;
		double midrank = (double)(i + j + 1) / 2, t = (double)(j - i);
		for (size_t k = i; k < j; k++)
			rank_sum_x += all[k].from_x ? midrank : 0;
		tie_term += t * t * t - t;
		i = j;
	}
	free(all);
	double u = rank_sum_x - (double)n * (double)(n + 1) / 2, mean = (double)n * (double)m / 2;

	if (tie_term == 0 && n <= EXACT_MAX && m <= EXACT_MAX) {
		double counts[EXACT_MAX * EXACT_MAX + 1], all_orders = 0, below = 0, above = 0;
		u_counts(n, m, counts);
		for (size_t k = 0; k <= n * m; k++) {
			all_orders += counts[k];
			below += (double)k <= u ? counts[k] : 0;
			above += (double)k >= u ? counts[k] : 0;
		}
		double p = 2 * fmin(below, above) / all_orders;
		return p < 1 ? p : 1;
	}
	double var = (double)n * (double)m / 12 *
		     ((double)(total + 1) - tie_term / ((double)total * (double)(total - 1)));
	if (var <= 0)
		return 1;	/* every value equal: no evidence of a difference */
	double z = (fabs(u - mean) - 0.5) / sqrt(var);
	return z <= 0 ? 1 : erfc(z / sqrt(2));
}

static double median(double *v, size_t n)
{
	struct summary s;
	summarize(v, n, &s);
	return s.median;
}

/* xorshift64*: a fixed seed makes the interval the same on every run. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1DULL;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * Percentile bootstrap of median(b) / median(a): each side resampled
 * apart.  A resample whose ratio is undefined (0 / 0) is left out; an
 * infinite one (A's resampled median 0) stays, as the tail it is.
 */
static void ratio_interval(const double *a, size_t n, const double *b, size_t m, double *lo,
			   double *hi)
{
	double ratios[BOOTSTRAP_ROUNDS], ra[n], rb[m];
	uint64_t state = 0x9E3779B97F4A7C15ULL;
	size_t kept = 0;
	for (int r = 0; r < BOOTSTRAP_ROUNDS; r++) {
		for (size_t i = 0; i < n; i++)
			ra[i] = a[next_random(&state) % n];
		for (size_t i = 0; i < m; i++)
			rb[i] = b[next_random(&state) % m];
		double ratio = median(rb, m) / median(ra, n);
		if (!isnan(ratio))
			ratios[kept++] = ratio;
	}
	*lo = *hi = NAN;
	if (kept < BOOTSTRAP_ROUNDS / 2)
		return;
	qsort(ratios, kept, sizeof(*ratios), by_double);
	*lo = ratios[(size_t)(0.025 * (double)kept)];
	*hi = ratios[(size_t)(0.975 * (double)kept) - 1];
}

static void side_of(const double *v, size_t n, struct compare_side *s)
{
	struct summary sum;
	summarize(v, n, &sum);
	*s = (struct compare_side){ .n = sum.n, .median = sum.median, .lo = sum.ci95_lo,
				    .hi = sum.ci95_hi, .level = sum.ci95_level };
}

/* The exact smallest two-sided p of n against m values: 2 / C(n+m, n). */
static double smallest_p(size_t n, size_t m)
{
	return 2 / exp(lgamma((double)(n + m + 1)) - lgamma((double)n + 1) - lgamma((double)m + 1));
}

int comparison_set_add(struct comparison_set *set, const char *name, const double *a,
		       size_t n, const double *b, size_t m)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 64;
		struct comparison *grown = realloc(set->items, cap * sizeof(*grown));
		if (!grown)
			return -1;
		set->items = grown;
		set->cap = cap;
	}
	struct comparison *c = &set->items[set->n];
	*c = (struct comparison){ .name = strdup(name), .p = NAN, .q = NAN, .min_p = NAN,
				  .ratio_lo = NAN, .ratio_hi = NAN };
	if (!c->name)
		return -1;
	side_of(a, n, &c->a);
	side_of(b, m, &c->b);
	c->ratio = c->a.median != 0 ? c->b.median / c->a.median : NAN;
	if (n > 1 && m > 1) {
		c->p = mann_whitney_p(a, n, b, m);
		c->min_p = smallest_p(n, m);
		if (c->a.median != 0)
			ratio_interval(a, n, b, m, &c->ratio_lo, &c->ratio_hi);
	}
	set->n++;
	return 0;
}

struct ranked_p {
	double p;
	size_t index;
};

static int by_p(const void *x, const void *y)
{
	double a = ((const struct ranked_p *)x)->p, b = ((const struct ranked_p *)y)->p;
	return (a > b) - (a < b);
}

void benjamini_hochberg(const double *p, size_t n, double *q)
{
	struct ranked_p *r = malloc((n ? n : 1) * sizeof(*r));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		q[i] = NAN;
		if (r && !isnan(p[i]))
			r[m++] = (struct ranked_p){ p[i], i };
	}
	if (!r)
		return;
	qsort(r, m, sizeof(*r), by_p);
	/* From the largest p down: each q is the smallest p(j) * m / j at or above its rank. */
	double running = 1;
	for (size_t k = m; k-- > 0;) {
		double adjusted = r[k].p * (double)m / (double)(k + 1);
		running = adjusted < running ? adjusted : running;
		q[r[k].index] = running;
	}
	free(r);
}

void comparison_set_judge(struct comparison_set *set, double alpha, bool higher_is_better)
{
	double *p = malloc((set->n ? set->n : 1) * sizeof(*p));
	double *q = malloc((set->n ? set->n : 1) * sizeof(*q));
	if (!p || !q) {
		free(p);
		free(q);
		return;
	}
	for (size_t i = 0; i < set->n; i++)
		p[i] = set->items[i].p;
	benjamini_hochberg(p, set->n, q);
	for (size_t i = 0; i < set->n; i++) {
		struct comparison *c = &set->items[i];
		c->q = q[i];
		if (isnan(c->p))
			c->verdict = VERDICT_UNTESTED;
		else if (c->q >= alpha || isnan(c->ratio) || c->ratio == 1)
			c->verdict = VERDICT_SAME;
		else
			c->verdict = (c->ratio > 1) == higher_is_better ? VERDICT_BETTER : VERDICT_WORSE;
	}
	free(p);
	free(q);
}

void comparison_set_free(struct comparison_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->items[i].name);
	free(set->items);
	*set = (struct comparison_set){ 0 };
}

/* --- Printing a set: text (aligned), CSV, JSON. --- */

/* 16.83M, 434.7, 2.300G: four significant digits and an SI suffix from 1000 on. */
static void format_figure(double v, char *buf, size_t len)
{
	static const char suffix[] = { 'k', 'M', 'G', 'T' };
	double a = fabs(v);
	int s = -1;
	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	while (a >= 999.95 && s < 3) {
		a /= 1e3;
		v /= 1e3;
		s++;
	}
	if (s < 0)
		snprintf(buf, len, "%#.4g", v);
	else
		snprintf(buf, len, "%#.4g%c", v, suffix[s]);
}

/* "± 3%": the farther end of the median's interval, relative to it (benchstat's). */
static void format_spread(const struct compare_side *s, char *buf, size_t len)
{
	double d = fmax(s->hi - s->median, s->median - s->lo) / fabs(s->median) * 100;
	if (isnan(s->lo) || !isfinite(d))
		snprintf(buf, len, "± -");
	else
		snprintf(buf, len, d < 10 ? "± %.1f%%" : "± %.0f%%", d);
}

static void format_percent(double ratio, char *buf, size_t len)
{
	if (isfinite(ratio))
		snprintf(buf, len, "%+.1f%%", 100 * (ratio - 1));
	else
		snprintf(buf, len, "-");
}

static void format_p(double p, char *buf, size_t len)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, p < 0.0001 ? "%.1e" : "%.4f", p);
}

enum { COL_NAME, COL_A, COL_A_SPREAD, COL_A_N, COL_B, COL_B_SPREAD, COL_B_N, COL_CHANGE,
       COL_INTERVAL, COL_P, COL_Q, NCOLS };

static void format_row(const struct comparison *c, char cells[NCOLS][96])
{
	char lo[32], hi[32];
	snprintf(cells[COL_NAME], 96, "%s", "");
	format_figure(c->a.median, cells[COL_A], 96);
	format_spread(&c->a, cells[COL_A_SPREAD], 96);
	snprintf(cells[COL_A_N], 96, "%zu", c->a.n);
	format_figure(c->b.median, cells[COL_B], 96);
	format_spread(&c->b, cells[COL_B_SPREAD], 96);
	snprintf(cells[COL_B_N], 96, "%zu", c->b.n);
	if (c->verdict == VERDICT_SAME)
		snprintf(cells[COL_CHANGE], 96, "~");
	else
		format_percent(c->ratio, cells[COL_CHANGE], 96);
	format_percent(c->ratio_lo, lo, sizeof(lo));
	format_percent(c->ratio_hi, hi, sizeof(hi));
	if (isnan(c->ratio_lo))
		snprintf(cells[COL_INTERVAL], 96, "[-]");
	else
		snprintf(cells[COL_INTERVAL], 96, "[%s, %s]", lo, hi);
	format_p(c->p, cells[COL_P], 96);
	format_p(c->q, cells[COL_Q], 96);
}

/* Display width: UTF-8 continuation bytes take no column ("±" is one). */
static int width_of(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void print_cell(FILE *f, const char *text, int width, bool left)
{
	int pad = width - width_of(text);
	if (!left)
		fprintf(f, "%*s", pad > 0 ? pad : 0, "");
	fputs(text, f);
	if (left)
		fprintf(f, "%*s", pad > 0 ? pad : 0, "");
}

static void print_text_row(FILE *f, const char *name, char cells[NCOLS][96], const int *width)
{
	print_cell(f, name, width[COL_NAME], true);
	for (int k = 1; k < NCOLS; k++) {
		fputs(k == COL_A_SPREAD || k == COL_B_SPREAD ? " " : "  ", f);
		print_cell(f, cells[k], width[k], k == COL_INTERVAL || k == COL_A_SPREAD ||
						     k == COL_B_SPREAD);
	}
	fputc('\n', f);
}

struct tally {
	size_t compared, tested, better, worse, raw_below, low_power, alone_blocked;
	double min_p;		/* the smallest of the configurations' smallest possible p */
	size_t ratios;
	double log_sum;
};

static struct tally count(const struct comparison_set *set, double alpha)
{
	struct tally t = { .compared = set->n, .min_p = 1 };
	for (size_t i = 0; i < set->n; i++) {
		const struct comparison *x = &set->items[i];
		t.tested += !isnan(x->p);
	}
	for (size_t i = 0; i < set->n; i++) {
		const struct comparison *c = &set->items[i];
		t.better += c->verdict == VERDICT_BETTER;
		t.worse += c->verdict == VERDICT_WORSE;
		t.raw_below += !isnan(c->p) && c->p < alpha;
		t.low_power += c->min_p >= alpha;
		/* Benjamini-Hochberg lets a change found alone through only at p <= alpha / tests. */
		t.alone_blocked += c->min_p > alpha / (double)t.tested;
		t.min_p = c->min_p < t.min_p ? c->min_p : t.min_p;
		if (isfinite(c->ratio) && c->ratio > 0) {
			t.log_sum += log(c->ratio);
			t.ratios++;
		}
	}
	return t;
}

static double geomean(const struct tally *t)
{
	return t->ratios ? exp(t->log_sum / (double)t->ratios) : NAN;
}

static void print_lists(FILE *f, const struct compare_report *r)
{
	size_t i;
	json_t *v;
	json_array_foreach(r->only_a, i, v)
		fprintf(f, "only in A: %s\n", json_string_value(v));
	json_array_foreach(r->only_b, i, v)
		fprintf(f, "only in B: %s\n", json_string_value(v));
	json_array_foreach(r->not_compared, i, v)
		fprintf(f, "not compared, %s in %s: %s\n",
			json_string_value(json_object_get(v, "status")),
			json_string_value(json_object_get(v, "side")),
			json_string_value(json_object_get(v, "name")));
}

static void print_text(FILE *f, const struct comparison_set *set, const struct compare_report *r)
{
	static const char *const heads[NCOLS] = { "configuration", "A", "", "n", "B", "", "n",
						   "change", "[95% CI]", "p", "q" };
	char (*cells)[NCOLS][96] = calloc(set->n ? set->n : 1, sizeof(*cells));
	int width[NCOLS];
	const struct metric *m = r->metric;
	if (!cells)
		return;
	for (int k = 0; k < NCOLS; k++)
		width[k] = width_of(heads[k]);
	for (size_t i = 0; i < set->n; i++) {
		format_row(&set->items[i], cells[i]);
		int w = width_of(set->items[i].name);
		width[COL_NAME] = w > width[COL_NAME] ? w : width[COL_NAME];
		for (int k = 1; k < NCOLS; k++)
			width[k] = width_of(cells[i][k]) > width[k] ? width_of(cells[i][k]) : width[k];
	}
	fprintf(f, "A: %s\nB: %s\n"
		"%s (%s, %s is better): the median of the repetitions ± the farther end of its 95%% "
		"interval, over n\n"
		"change: B/A - 1 with a 95%% bootstrap interval; p: Mann-Whitney U; q: p corrected for "
		"%zu tests (Benjamini-Hochberg); ~: q >= %g\n\n", r->label_a, r->label_b, m->name,
		m->unit, m->higher_is_better ? "higher" : "lower", count(set, r->alpha).tested,
		r->alpha);
	char head[NCOLS][96];
	for (int k = 0; k < NCOLS; k++)
		snprintf(head[k], 96, "%s", heads[k]);
	print_text_row(f, heads[COL_NAME], head, width);
	for (size_t i = 0; i < set->n; i++)
		print_text_row(f, set->items[i].name, cells[i], width);
	free(cells);
	print_lists(f, r);
	struct tally t = count(set, r->alpha);
	fprintf(f, "summary: %zu configurations compared; %zu changed at a false discovery rate "
		"of %g (%zu better, %zu worse); %zu had a raw p below %g; geometric mean of B/A "
		"%.4f\n", t.compared, t.better + t.worse, r->alpha, t.better, t.worse, t.raw_below,
		r->alpha, geomean(&t));
	if (t.low_power)
		fprintf(f, "note: %zu configurations have too few repetitions for any p below %g\n",
			t.low_power, r->alpha);
	else if (t.alone_blocked)
		fprintf(f, "note: over %zu tests a change found alone is significant only with p <= "
			"%.2g, and the repetitions of %zu configurations cannot give a p below %.2g: "
			"many changes together can still pass; for one, give more repetitions or compare "
			"fewer configurations (--bench, --prim, --threads, --set)\n", t.tested,
			r->alpha / (double)t.tested, t.alone_blocked, t.min_p);
	if (!m->per_rep)
		fprintf(f, "note: %s is one figure per configuration (every repetition's samples "
			"merged): no interval and no test\n", m->name);
}

static const char *verdict_name(enum compare_verdict v)
{
	static const char *const names[] = { [VERDICT_SAME] = "same", [VERDICT_BETTER] = "better",
					     [VERDICT_WORSE] = "worse", [VERDICT_UNTESTED] = "untested" };
	return names[v];
}

static void csv_number(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.10g", v);
	else
		fputc(',', f);
}

static void csv_text(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void print_csv(FILE *f, const struct comparison_set *set, const struct compare_report *r)
{
	fputs("configuration,metric,unit,a_median,a_ci95_lo,a_ci95_hi,a_n,b_median,b_ci95_lo,"
	      "b_ci95_hi,b_n,ratio,ratio_ci95_lo,ratio_ci95_hi,change_pct,change_ci95_lo_pct,"
	      "change_ci95_hi_pct,p,q,verdict\n", f);
	for (size_t i = 0; i < set->n; i++) {
		const struct comparison *c = &set->items[i];
		csv_text(f, c->name);
		fputc(',', f);
		csv_text(f, r->metric->name);
		fputc(',', f);
		csv_text(f, r->metric->unit);
		csv_number(f, c->a.median);
		csv_number(f, c->a.lo);
		csv_number(f, c->a.hi);
		fprintf(f, ",%zu", c->a.n);
		csv_number(f, c->b.median);
		csv_number(f, c->b.lo);
		csv_number(f, c->b.hi);
		fprintf(f, ",%zu", c->b.n);
		csv_number(f, c->ratio);
		csv_number(f, c->ratio_lo);
		csv_number(f, c->ratio_hi);
		csv_number(f, 100 * (c->ratio - 1));
		csv_number(f, 100 * (c->ratio_lo - 1));
		csv_number(f, 100 * (c->ratio_hi - 1));
		csv_number(f, c->p);
		csv_number(f, c->q);
		fprintf(f, ",%s\n", verdict_name(c->verdict));
	}
}

static json_t *number_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *side_json(const struct compare_side *s)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o}", "n", (json_int_t)s->n, "median",
			 number_or_null(s->median), "ci95_lo", number_or_null(s->lo), "ci95_hi",
			 number_or_null(s->hi), "ci95_level", number_or_null(s->level));
}

static void print_json(FILE *f, const struct comparison_set *set, const struct compare_report *r)
{
	json_t *list = json_array();
	for (size_t i = 0; i < set->n; i++) {
		const struct comparison *c = &set->items[i];
		json_array_append_new(list, json_pack(
			"{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "configuration", c->name,
			"a", side_json(&c->a), "b", side_json(&c->b), "ratio", number_or_null(c->ratio),
			"ratio_ci95_lo", number_or_null(c->ratio_lo), "ratio_ci95_hi",
			number_or_null(c->ratio_hi), "p", number_or_null(c->p), "q",
			number_or_null(c->q), "verdict", verdict_name(c->verdict)));
	}
	struct tally t = count(set, r->alpha);
	json_t *doc = json_pack(
		"{s:s, s:s, s:{s:s, s:s, s:b, s:b}, s:f, s:s, s:O, s:o, s:O, s:O, s:O, "
		"s:{s:I, s:I, s:I, s:I, s:I, s:o}}",
		"a", r->label_a, "b", r->label_b, "metric", "name", r->metric->name, "unit",
		r->metric->unit, "higher_is_better", r->metric->higher_is_better, "per_repetition",
		r->metric->per_rep, "alpha", r->alpha, "correction", "benjamini-hochberg",
		"warnings", r->warnings, "comparisons", list, "only_in_a", r->only_a, "only_in_b",
		r->only_b, "not_compared", r->not_compared, "summary", "compared",
		(json_int_t)t.compared, "tested", (json_int_t)t.tested, "better",
		(json_int_t)t.better, "worse", (json_int_t)t.worse, "raw_p_below_alpha",
		(json_int_t)t.raw_below, "geomean_ratio", number_or_null(geomean(&t)));
	json_dumpf(doc, f, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	fputc('\n', f);
	json_decref(doc);
}

void comparison_set_print(FILE *f, const struct comparison_set *set,
			  const struct compare_report *report)
{
	if (report->format == COMPARE_CSV)
		print_csv(f, set, report);
	else if (report->format == COMPARE_JSON)
		print_json(f, set, report);
	else
		print_text(f, set, report);
}

/* --- Matching A against B. --- */

/*
 * name -> entry, for entries that pass the filter, with status ok and
 * something measured; first one wins.  The others go to not_ok as name ->
 * status.  With by_host, the name is HOST:configuration.
 */
static json_t *index_ok(json_t *docs, json_t *not_ok, int by_host, const struct entry_filter *f)
{
	json_t *by_name = json_object(), *doc, *e;
	size_t d, i;
	char name[1024];
	json_array_foreach(docs, d, doc) {
		int used = by_host ? snprintf(name, sizeof(name), "%s:", resultdoc_host(doc)) : 0;
		if (used < 0 || (size_t)used >= sizeof(name))
			continue;
		json_array_foreach(json_object_get(doc, "results"), i, e) {
			const char *status = json_string_value(json_object_get(e, "status"));
			if (!entry_filter_match(f, e) ||
			    resultdoc_config_name(e, name + used, sizeof(name) - (size_t)used) != 0 ||
			    json_object_get(by_name, name) || json_object_get(not_ok, name))
				continue;
			if (status && strcmp(status, "ok") == 0 && json_array_size(json_object_get(e, "reps")))
				json_object_set(by_name, name, e);
			else
				json_object_set_new(not_ok, name, json_string(status ? status : "?"));
		}
	}
	return by_name;
}

static void list_only(json_t *mine, json_t *theirs, json_t *out)
{
	const char *name;
	json_t *v;
	json_object_foreach(mine, name, v)
		if (!json_object_get(theirs, name))
			json_array_append_new(out, json_string(name));
}

static void list_not_ok(const char *side, json_t *not_ok, json_t *out)
{
	const char *name;
	json_t *v;
	json_object_foreach(not_ok, name, v)
		json_array_append_new(out, json_pack("{s:s, s:s, s:O}", "name", name, "side", side,
						     "status", v));
}

/* --- What differs between the sides' measurements: warnings. --- */

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

static json_t *collect_warnings(json_t *docs_a, json_t *docs_b, json_t *a, json_t *b)
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

/* --- The command. --- */

void compare_options_default(struct compare_options *o)
{
	*o = (struct compare_options){ .format = COMPARE_TEXT, .alpha = DEFAULT_ALPHA,
				       .label_a = "A", .label_b = "B" };
	metric_parse("ops_per_sec", &o->metric, NULL, 0);
}

static int add_comparisons(struct comparison_set *set, json_t *a, json_t *b,
			   const struct metric *m)
{
	static double va[MAX_VALUES], vb[MAX_VALUES];
	const char *name;
	json_t *ea;
	json_object_foreach(a, name, ea) {
		json_t *eb = json_object_get(b, name);
		if (!eb)
			continue;
		size_t n = metric_values(m, ea, va, MAX_VALUES), k = metric_values(m, eb, vb, MAX_VALUES);
		if (n && k && comparison_set_add(set, name, va, n, vb, k) != 0)
			return -1;
	}
	return 0;
}

int compare_docs(json_t *docs_a, json_t *docs_b, int by_host, const struct compare_options *o)
{
	json_t *not_ok_a = json_object(), *not_ok_b = json_object();
	json_t *a = index_ok(docs_a, not_ok_a, by_host, &o->filter);
	json_t *b = index_ok(docs_b, not_ok_b, by_host, &o->filter);
	struct comparison_set set = { 0 };
	struct compare_report r = { .metric = &o->metric, .label_a = o->label_a,
				    .label_b = o->label_b, .alpha = o->alpha, .format = o->format,
				    .warnings = collect_warnings(docs_a, docs_b, a, b),
				    .only_a = json_array(), .only_b = json_array(),
				    .not_compared = json_array() };
	int rc = 0;
	if (add_comparisons(&set, a, b, &o->metric) != 0) {
		fprintf(stderr, "syncbench: compare: out of memory\n");
		rc = 1;
	}
	comparison_set_judge(&set, o->alpha, o->metric.higher_is_better);
	list_only(a, b, r.only_a);
	list_only(b, a, r.only_b);
	list_not_ok("A", not_ok_a, r.not_compared);
	list_not_ok("B", not_ok_b, r.not_compared);
	size_t i;
	json_t *w;
	json_array_foreach(r.warnings, i, w)
		fprintf(stderr, "syncbench: compare: warning: %s\n", json_string_value(w));
	comparison_set_print(stdout, &set, &r);
	for (i = 0; i < set.n; i++)
		rc |= o->fail_on_regression && set.items[i].verdict == VERDICT_WORSE;
	comparison_set_free(&set);
	json_decref(r.warnings);
	json_decref(r.only_a);
	json_decref(r.only_b);
	json_decref(r.not_compared);
	json_decref(a);
	json_decref(b);
	json_decref(not_ok_a);
	json_decref(not_ok_b);
	return rc;
}

/* The hosts that docs hold, comma-separated, into buf; returns how many. */
static size_t host_names(json_t *docs, char *buf, size_t len)
{
	json_t *hosts = json_object(), *doc, *v;
	const char *host;
	size_t i, used = 0;
	json_array_foreach(docs, i, doc)
		json_object_set_new(hosts, resultdoc_host(doc), json_true());
	buf[0] = '\0';
	json_object_foreach(hosts, host, v) {
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", host);
	}
	size_t n = json_object_size(hosts);
	json_decref(hosts);
	return n;
}

/* Keeps the documents of host (NULL: all) in docs; 0, or -1 with err if none is left. */
static int keep_host(json_t *docs, const char *host, const char *side, char *err, size_t len)
{
	char names[512];
	if (!host)
		return 0;
	host_names(docs, names, sizeof(names));
	for (size_t i = json_array_size(docs); i-- > 0;)
		if (strcmp(resultdoc_host(json_array_get(docs, i)), host) != 0)
			json_array_remove(docs, i);
	if (json_array_size(docs) == 0) {
		snprintf(err, len, "%s holds no results of host %s (its hosts: %s)", side, host, names);
		return -1;
	}
	return 0;
}

/*
 * Match per host when both sides hold several; 0 or 1, or -1 with err when
 * only one does: its hosts cannot all be matched against the other's one.
 */
static int match_by_host(json_t *docs_a, json_t *docs_b, char *err, size_t len)
{
	char names_a[512], names_b[512];
	size_t na = host_names(docs_a, names_a, sizeof(names_a));
	size_t nb = host_names(docs_b, names_b, sizeof(names_b));
	if ((na > 1) == (nb > 1))
		return na > 1;
	snprintf(err, len, "%s holds results of %zu hosts (%s), %s of one: choose one with --host-%s "
		 "HOST", na > 1 ? "A" : "B", na > 1 ? na : nb, na > 1 ? names_a : names_b,
		 na > 1 ? "B" : "A", na > 1 ? "a" : "b");
	return -1;
}

/* Whether some entry of docs passes the filter. */
static bool any_passes(json_t *docs, const struct entry_filter *f)
{
	json_t *doc, *e;
	size_t d, i;
	json_array_foreach(docs, d, doc)
		json_array_foreach(json_object_get(doc, "results"), i, e)
			if (entry_filter_match(f, e))
				return true;
	return false;
}

enum { OPT_HOST_A = 256, OPT_HOST_B, OPT_METRIC, OPT_BENCH, OPT_PRIM, OPT_THREADS, OPT_SET,
       OPT_FORMAT, OPT_ALPHA, OPT_FAIL, OPT_HELP };

static const struct option option_table[] = {
	{ "host-a", required_argument, NULL, OPT_HOST_A },
	{ "host-b", required_argument, NULL, OPT_HOST_B },
	{ "metric", required_argument, NULL, OPT_METRIC },
	{ "bench", required_argument, NULL, OPT_BENCH },
	{ "prim", required_argument, NULL, OPT_PRIM },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "set", required_argument, NULL, OPT_SET },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "fail-on-regression", no_argument, NULL, OPT_FAIL },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

int compare_parse_format(const char *text, enum compare_format *out, char *err, size_t len)
{
	static const char *const names[] = { "text", "csv", "json" };
	char hint[64];
	for (int i = 0; i < 3; i++) {
		if (strcmp(text, names[i]) == 0) {
			*out = (enum compare_format)i;
			return 0;
		}
	}
	suggest_phrase(text, names, 3, hint, sizeof(hint));
	snprintf(err, len, "--format: unknown format '%s' (%saccepted: text, csv, json)", text, hint);
	return -1;
}

static int parse_alpha(const char *text, double *out, char *err, size_t len)
{
	char *end;
	double v = strtod(text, &end);
	if (end == text || *end || !(v > 0 && v < 1)) {
		snprintf(err, len, "--alpha: '%s' is not a rate between 0 and 1 (e.g. 0.05)", text);
		return -1;
	}
	*out = v;
	return 0;
}

static int unknown_option(const char *typed, char *err, size_t len)
{
	char why[256];
	suggest_option_error(typed, option_table, why, sizeof(why));
	snprintf(err, len, "%s (see syncbench compare --help)", why);
	return -1;
}

/* Options into o; returns the index of A, -1 with err, or 0 for --help. */
static int parse_compare(int argc, char **argv, struct compare_options *o, char *err, size_t len)
{
	opterr = 0;
	optind = 0;
	for (;;) {
		int c = getopt_long(argc, argv, "h", option_table, NULL);
		int rc = 0;
		switch (c) {
		case -1:
			if (argc - optind != 2) {
				snprintf(err, len, "two results are needed, A and B, after the "
					 "options (see syncbench compare --help)");
				return -1;
			}
			return optind;
		case OPT_HOST_A: o->host[0] = optarg; break;
		case OPT_HOST_B: o->host[1] = optarg; break;
		case OPT_METRIC: rc = metric_parse(optarg, &o->metric, err, len); break;
		case OPT_BENCH: rc = entry_filter_add(&o->filter, "--bench", optarg, err, len); break;
		case OPT_PRIM: rc = entry_filter_add(&o->filter, "--prim", optarg, err, len); break;
		case OPT_THREADS: rc = entry_filter_add(&o->filter, "--threads", optarg, err, len); break;
		case OPT_SET: rc = entry_filter_add(&o->filter, "--set", optarg, err, len); break;
		case OPT_FORMAT: rc = compare_parse_format(optarg, &o->format, err, len); break;
		case OPT_ALPHA: rc = parse_alpha(optarg, &o->alpha, err, len); break;
		case OPT_FAIL: o->fail_on_regression = true; break;
		case OPT_HELP:
		case 'h': return 0;
		default: return unknown_option(argv[optind - 1], err, len);
		}
		if (rc != 0)
			return -1;
	}
}

static int bad_input(const char *err)
{
	fprintf(stderr, "syncbench: compare: %s\n", err);
	return 2;
}

int compare_main(int argc, char **argv)
{
	struct compare_options o;
	char err[1024];
	compare_options_default(&o);
	if (argc > 1 && strcmp(argv[1], "--pair") == 0)
		return compare_pair_main(argc - 1, argv + 1);
	int first = parse_compare(argc, argv, &o, err, sizeof(err));
	if (first == 0)
		return fputs(compare_usage, stdout) < 0;
	if (first < 0)
		return bad_input(err);
	o.label_a = argv[first];
	o.label_b = argv[first + 1];
	json_t *docs_a = resultdoc_load_all(&argv[first], 1, NULL, err, sizeof(err));
	json_t *docs_b = docs_a ? resultdoc_load_all(&argv[first + 1], 1, NULL, err, sizeof(err)) : NULL;
	int by_host = -1;
	if (docs_b && keep_host(docs_a, o.host[0], "A", err, sizeof(err)) == 0 &&
	    keep_host(docs_b, o.host[1], "B", err, sizeof(err)) == 0)
		by_host = match_by_host(docs_a, docs_b, err, sizeof(err));
	if (by_host >= 0 && !any_passes(docs_a, &o.filter) && !any_passes(docs_b, &o.filter)) {
		snprintf(err, sizeof(err), "no configuration of A or B passes the filters "
			 "(--bench, --prim, --threads, --set)");
		by_host = -1;
	}
	int rc = by_host < 0 ? bad_input(err) : compare_docs(docs_a, docs_b, by_host, &o);
	json_decref(docs_a);
	json_decref(docs_b);
	return rc;
}
