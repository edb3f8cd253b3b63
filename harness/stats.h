/*
 * Statistics over repetitions and threads.  Pure functions, tested
 * against known answers in tests/test_stats.c.
 */
#ifndef SYNCBENCH_STATS_H
#define SYNCBENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Welford's running mean and variance: one pass, numerically stable. */
struct welford {
	size_t n;
	double mean, m2;
};

void welford_add(struct welford *w, double x);
double welford_variance(const struct welford *w);	/* sample (n-1) */

/* Median, min, max and a 95% confidence interval of the mean. */
struct summary {
	double median, min, max;
	/* Student's t interval; NaN when n < 2 (reported as null). */
	double ci95_lo, ci95_hi;
};

void summarize(const double *x, size_t n, struct summary *out);

/* Two-sided 95% quantile of Student's t with df degrees of freedom. */
double student_t95(size_t df);

/*
 * Jain's fairness index (sum x)^2 / (n * sum x^2): 1 when every thread
 * did the same work, 1/n when one thread did all of it.
 */
double jain_index(const uint64_t *x, size_t n);

/* max(x) / min(x); INFINITY when some thread made no progress. */
double max_min_ratio(const uint64_t *x, size_t n);

#endif
