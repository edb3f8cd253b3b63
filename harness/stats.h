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

/* The confidence the median's interval must reach. */
#define CI_LEVEL 0.95

/*
 * One figure over repetitions.  NaN values (a figure a repetition could
 * not give) are left out: n counts the others, and with n == 0 every
 * field is NaN.
 */
struct summary {
	size_t n;
	double median, min, max, mean;
	double cv;		/* sample standard deviation / mean; NaN for n < 2 */
	/*
	 * A distribution-free interval of the median: the order statistics
	 * x(k) and x(n+1-k) with the largest k whose coverage, under any
	 * continuous distribution, is at least CI_LEVEL (the binomial
	 * interval benchstat uses).  NaN with n < 6, where no k reaches it.
	 */
	double ci95_lo, ci95_hi;
	double ci95_level;	/* that coverage, exactly: 1 - 2 P(Bin(n, 1/2) < k) */
};

void summarize(const double *x, size_t n, struct summary *out);

/*
 * For n samples, the rank k (1-based) of the median interval's lower end
 * [x(k), x(n+1-k)], and its coverage in *level; 0 when no interval
 * reaches CI_LEVEL.
 */
size_t median_interval_rank(size_t n, double *level);

/* The fewest samples for which a median interval exists (6 at 95%). */
size_t median_interval_min_n(void);

/*
 * Jain's fairness index (sum x)^2 / (n * sum x^2): 1 when every thread
 * did the same work, 1/n when one thread did all of it.
 */
double jain_index(const uint64_t *x, size_t n);

/* max(x) / min(x); INFINITY when some thread made no progress. */
double max_min_ratio(const uint64_t *x, size_t n);

#endif
