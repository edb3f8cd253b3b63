#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void welford_add(struct welford *w, double x)
{
	w->n++;
	double delta = x - w->mean;
	w->mean += delta / (double)w->n;
	w->m2 += delta * (x - w->mean);
}

double welford_variance(const struct welford *w)
{
	return w->n > 1 ? w->m2 / (double)(w->n - 1) : 0.0;
}

/* P(Bin(n, 1/2) <= k), summed in log space: exact enough for any n a sweep has. */
static double binomial_half_cdf(size_t n, size_t k)
{
	double sum = 0, log_half_n = (double)n * log(0.5);
	for (size_t i = 0; i <= k && i <= n; i++)
		sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
			   lgamma((double)(n - i) + 1) + log_half_n);
	return sum;
}

size_t median_interval_rank(size_t n, double *level)
{
	size_t best = 0;
	double best_level = NAN;
	/* Coverage falls as k grows: the first k that misses ends the search. */
	for (size_t k = 1; 2 * k <= n + 1; k++) {
		double coverage = 1 - 2 * binomial_half_cdf(n, k - 1);
		if (coverage < CI_LEVEL)
			break;
		best = k;
		best_level = coverage;
	}
	if (level)
		*level = best_level;
	return best;
}

size_t median_interval_min_n(void)
{
	size_t n = 1;
	while (median_interval_rank(n, NULL) == 0)
		n++;
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void summarize(const double *x, size_t n, struct summary *out)
{
	double *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	struct welford w = { 0 };
	size_t m = 0;

	*out = (struct summary){ 0, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
	if (!sorted)
		return;
	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i]))
			continue;
		sorted[m++] = x[i];
		welford_add(&w, x[i]);
	}
	if (m == 0) {
		free(sorted);
		return;
	}
	qsort(sorted, m, sizeof(*sorted), cmp_double);
	out->n = m;
	out->min = sorted[0];
	out->max = sorted[m - 1];
	out->mean = w.mean;
	out->median = m % 2 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
	out->cv = m > 1 && w.mean != 0 ? sqrt(welford_variance(&w)) / fabs(w.mean) : NAN;
	size_t k = median_interval_rank(m, &out->ci95_level);
	if (k) {
		out->ci95_lo = sorted[k - 1];
		out->ci95_hi = sorted[m - k];
	}
	free(sorted);
}

double jain_index(const uint64_t *x, size_t n)
{
	double sum = 0, sum_sq = 0;
	for (size_t i = 0; i < n; i++) {
		sum += (double)x[i];
		sum_sq += (double)x[i] * (double)x[i];
	}
	return sum_sq > 0 ? sum * sum / ((double)n * sum_sq) : NAN;
}

double max_min_ratio(const uint64_t *x, size_t n)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < n; i++) {
		lo = x[i] < lo ? x[i] : lo;
		hi = x[i] > hi ? x[i] : hi;
	}
	if (n == 0)
		return NAN;
	return lo ? (double)hi / (double)lo : INFINITY;
}
