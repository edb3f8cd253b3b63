/* Statistics against known answers. */
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
	CHECK_NEAR(s.median, 2, 0);
	CHECK_NEAR(s.min, 1, 0);
	CHECK_NEAR(s.max, 3, 0);
	/* mean 2, sd 1, n 3: half-width t(2) * 1/sqrt(3) = 4.303 / 1.7320508 */
	CHECK_NEAR(s.ci95_lo, 2 - 4.303 / sqrt(3), 1e-9);
	CHECK_NEAR(s.ci95_hi, 2 + 4.303 / sqrt(3), 1e-9);

	const double even[] = { 10, 40, 20, 30 };
	summarize(even, 4, &s);
	CHECK_NEAR(s.median, 25, 0);

	const double one[] = { 7 };
	summarize(one, 1, &s);
	CHECK_NEAR(s.median, 7, 0);
	CHECK(isnan(s.ci95_lo) && isnan(s.ci95_hi), "one value has no interval");
}

static void test_student_t(void)
{
	CHECK_NEAR(student_t95(1), 12.706, 0);
	CHECK_NEAR(student_t95(10), 2.228, 0);
	CHECK_NEAR(student_t95(30), 2.042, 0);
	CHECK_NEAR(student_t95(1000), 1.960, 0);
	CHECK(student_t95(40) >= student_t95(100), "t must not grow with df");
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
	test_student_t();
	test_fairness();
	return check_exit();
}
