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

double student_t95(size_t df)
{
	static const double table[] = {
		NAN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
		2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093,
		2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045,
		2.042,
	};
	if (df < sizeof(table) / sizeof(table[0]))
		return table[df];
	if (df < 60)
		return 2.021;	/* df = 40, conservative up to 59 */
	if (df < 120)
		return 2.000;	/* df = 60 */
	return 1.960;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void summarize(const double *x, size_t n, struct summary *out)
{
	double *sorted = malloc(n * sizeof(*sorted));
	struct welford w = { 0 };

	if (n == 0 || !sorted) {
		free(sorted);
		*out = (struct summary){ NAN, NAN, NAN, NAN, NAN };
		return;
	}
	memcpy(sorted, x, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	for (size_t i = 0; i < n; i++)
		welford_add(&w, x[i]);

	out->min = sorted[0];
	out->max = sorted[n - 1];
	out->median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	double half = n > 1 ? student_t95(n - 1) * sqrt(welford_variance(&w) / (double)n) : NAN;
	out->ci95_lo = w.mean - half;
	out->ci95_hi = w.mean + half;
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
