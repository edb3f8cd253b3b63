/* Statistics against known answers. */
#include <math.h>
#include <stdint.h>

#include "../harness/stats.h"
#include "check.h"

static void test_welford(void)
{
	struct welford w = { 0 };
	const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	for (size_t i = 0; i < 8; i++)
		welford_add(&w, x[i]);
	CHECK_NEAR(w.mean, 5.0, 1e-12);
	CHECK_NEAR(welford_variance(&w), 32.0 / 7.0, 1e-12);

	/* Large offset: the naive sum-of-squares formula loses everything here. */
	struct welford big = { 0 };
	for (int i = 0; i < 4; i++)
		welford_add(&big, 1e9 + (double)i);
	CHECK_NEAR(welford_variance(&big), 5.0 / 3.0, 1e-6);
}

static void test_summary(void)
{
	struct summary s;
	const double odd[] = { 3, 1, 2 };
	summarize(odd, 3, &s);
	CHECK(s.n == 3, "n %zu", s.n);
	CHECK_NEAR(s.median, 2, 0);
	CHECK_NEAR(s.min, 1, 0);
	CHECK_NEAR(s.max, 3, 0);
	CHECK_NEAR(s.mean, 2, 1e-12);
	CHECK_NEAR(s.cv, 0.5, 1e-12);	/* sd 1 over mean 2 */
	CHECK(isnan(s.ci95_lo) && isnan(s.ci95_hi) && isnan(s.ci95_level),
	      "3 values have no 95%% interval of the median");

	const double even[] = { 10, 40, 20, 30 };
	summarize(even, 4, &s);
	CHECK_NEAR(s.median, 25, 0);

	const double one[] = { 7 };
	summarize(one, 1, &s);
	CHECK_NEAR(s.median, 7, 0);
	CHECK(isnan(s.ci95_lo) && isnan(s.ci95_hi) && isnan(s.cv), "one value has no interval");

	/* A figure a repetition could not give never enters the median. */
	const double holes[] = { NAN, 5, 1, NAN, 3 };
	summarize(holes, 5, &s);
	CHECK(s.n == 3 && s.median == 3 && s.min == 1 && s.max == 5, "NaN left out: n %zu median %g",
	      s.n, s.median);
	const double none[] = { NAN, NAN };
	summarize(none, 2, &s);
	CHECK(s.n == 0 && isnan(s.median), "no value, no median");
}

/*
 * The binomial ranks, known answers: for n the interval [x(k), x(n+1-k)]
 * covers the median with probability 1 - 2 P(Bin(n, 1/2) <= k-1).
 */
static void test_median_interval_ranks(void)
{
	double level;
	CHECK(median_interval_rank(5, &level) == 0, "n=5 cannot reach 95%% (best 0.9375)");
	CHECK(median_interval_min_n() == 6, "6 repetitions are the fewest for 95%%");
	CHECK(median_interval_rank(6, &level) == 1, "n=6: [x1, x6]");
	CHECK_NEAR(level, 1 - 2.0 / 64, 1e-12);
	CHECK(median_interval_rank(8, &level) == 1, "n=8: k=2 would be 0.9297");
	CHECK(median_interval_rank(9, &level) == 2, "n=9: [x2, x8]");
	CHECK_NEAR(level, 1 - 2 * 10.0 / 512, 1e-12);
	CHECK(median_interval_rank(10, &level) == 2, "n=10: [x2, x9]");
	CHECK_NEAR(level, 1 - 2 * 11.0 / 1024, 1e-12);
	/* benchstat's table for larger n: k = 6 at n = 20 (0.9586), 40 at n = 100 */
	CHECK(median_interval_rank(20, &level) == 6, "n=20: k %zu", median_interval_rank(20, NULL));
	CHECK(median_interval_rank(100, &level) == 40, "n=100: k %zu",
	      median_interval_rank(100, NULL));
	CHECK(level >= CI_LEVEL, "the chosen rank reaches the level");

	struct summary s;
	const double x[] = { 9, 1, 8, 2, 7, 3, 6, 4, 5 };
	summarize(x, 9, &s);
	CHECK(s.ci95_lo == 2 && s.ci95_hi == 8, "n=9: [x2, x8] = [2, 8], got [%g, %g]", s.ci95_lo,
	      s.ci95_hi);
}

/* xorshift64*, so the property tests see the same samples on every run. */
static double uniform(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return (double)((*state * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

/*
 * Properties over many random samples: the interval always holds its
 * own median, and it covers the true median at least 95% of the time,
 * whatever the distribution, including the bimodal repetitions this VM
 * produces, where the t-interval of the mean did not.
 */
static void test_median_interval_properties(void)
{
	uint64_t state = 0x1234567;
	const int trials = 4000;
	for (size_t n = 6; n <= 30; n += 4) {
		int covered = 0;
		for (int trial = 0; trial < trials; trial++) {
			double x[30];
			/* 60% around 16, 40% around 6: true median at the upper mode's 1/6 quantile */
			for (size_t i = 0; i < n; i++) {
				double u = uniform(&state), v = uniform(&state);
				x[i] = u < 0.4 ? 5.5 + v : 15.5 + v;
			}
			struct summary s;
			summarize(x, n, &s);
			CHECK(s.ci95_lo <= s.median && s.median <= s.ci95_hi,
			      "n=%zu: [%g, %g] misses its median %g", n, s.ci95_lo, s.ci95_hi, s.median);
			double true_median = 15.5 + (0.5 - 0.4) / 0.6;
			covered += s.ci95_lo <= true_median && true_median <= s.ci95_hi;
		}
		/* 4000 trials: the binomial sd of a 95% rate is 0.34%; allow 3 of them */
		CHECK((double)covered / trials >= CI_LEVEL - 0.01, "n=%zu: covers %.3f of the time", n,
		      (double)covered / trials);
	}
}
static void test_fairness(void)
{
	const uint64_t equal[] = { 5, 5, 5, 5 };
	CHECK_NEAR(jain_index(equal, 4), 1.0, 1e-12);
	CHECK_NEAR(max_min_ratio(equal, 4), 1.0, 0);

	const uint64_t hog[] = { 100, 0, 0, 0 };
	CHECK_NEAR(jain_index(hog, 4), 0.25, 1e-12);
	CHECK(isinf(max_min_ratio(hog, 4)), "a starved thread makes the ratio infinite");

	/* (1+2+3)^2 / (3 * (1+4+9)) = 36/42 */
	const uint64_t mixed[] = { 1, 2, 3 };
	CHECK_NEAR(jain_index(mixed, 3), 36.0 / 42.0, 1e-12);
	CHECK_NEAR(max_min_ratio(mixed, 3), 3.0, 0);
}

int main(void)
{
	test_welford();
	test_summary();
	test_median_interval_ranks();
	test_median_interval_properties();
	test_fairness();
	return check_exit();
}
