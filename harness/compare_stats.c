/*
 * compare's statistics on plain arrays of values (compare.h): the
 * Mann-Whitney U test, the bootstrap interval of the ratio of medians,
 * Benjamini-Hochberg, and the set of comparisons they fill.
 */
#include "compare.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define EXACT_MAX 20		/* per sample, for the exact U distribution */
#define BOOTSTRAP_ROUNDS 2000

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
