/*
 * Known answers for what `syncbench compare` computes: the Mann-Whitney U
 * test, the Benjamini-Hochberg correction, each side's median and
 * interval, the change and the verdicts; and the edit distance behind
 * "did you mean".
 */
#include <math.h>
#include <string.h>

#include "../harness/compare.h"
#include "../harness/suggest.h"
#include "check.h"

static void check_u_test(void)
{
	const double low3[] = { 1, 2, 3 }, high3[] = { 4, 5, 6 };
	const double low5[] = { 1, 2, 3, 4, 5 }, high5[] = { 6, 7, 8, 9, 10 };
	const double mixed5[] = { 1, 6, 3, 8, 5 }, other5[] = { 2, 7, 4, 9, 10 };
	const double tied_a[] = { 1, 1, 1 }, tied_b[] = { 1, 1, 1 };

	/* Complete separation: 2 orderings of C(n+m, n) are as extreme. */
	CHECK_NEAR(mann_whitney_p(low3, 3, high3, 3), 2.0 / 20, 1e-12);
	CHECK_NEAR(mann_whitney_p(high3, 3, low3, 3), 2.0 / 20, 1e-12);
	CHECK_NEAR(mann_whitney_p(low5, 5, high5, 5), 2.0 / 252, 1e-12);
	/*
	 * mixed5 beats other5 in U = 8 pairs of 25.  P(U <= 8) counts the
	 * partitions of 0..8 that fit a 5 x 5 box: 1+1+2+3+5+7+9+11+14 = 53 of 252.
	 */
	CHECK_NEAR(mann_whitney_p(mixed5, 5, other5, 5), 2 * 53.0 / 252, 1e-12);
	/* All values equal: no evidence at all. */
	CHECK_NEAR(mann_whitney_p(tied_a, 3, tied_b, 3), 1, 0);
}

/*
 * The textbook example (Benjamini and Hochberg 1995 style, by hand): m = 5
 * p-values 0.01, 0.04, 0.03, 0.005, 0.5.  Sorted 0.005, 0.01, 0.03, 0.04,
 * 0.5; p(k) * m / k = 0.025, 0.025, 0.05, 0.05, 0.5; running minimum from
 * the top gives the same.  A NaN takes no rank and gets a NaN.
 */
static void check_benjamini_hochberg(void)
{
	const double p[] = { 0.01, 0.04, NAN, 0.03, 0.005, 0.5 };
	const double want[] = { 0.025, 0.05, NAN, 0.05, 0.025, 0.5 };
	double q[6];
	benjamini_hochberg(p, 6, q);
	for (int i = 0; i < 6; i++) {
		if (isnan(want[i]))
			CHECK(isnan(q[i]), "q[%d] = %g for a NaN p", i, q[i]);
		else
			CHECK_NEAR(q[i], want[i], 1e-12);
	}
	/* Monotone: a larger p never gets a smaller q; and q is never below p or above 1. */
	const double p2[] = { 0.9, 0.02, 0.021, 0.5 };
	double q2[4];
	benjamini_hochberg(p2, 4, q2);
	CHECK(q2[1] <= q2[2] && q2[2] <= q2[3] && q2[3] <= q2[0], "not monotone");
	for (int i = 0; i < 4; i++)
		CHECK(q2[i] >= p2[i] && q2[i] <= 1, "q[%d] = %g for p %g", i, q2[i], p2[i]);
}

static void check_comparisons(void)
{
	/* No ties: the exact U distribution applies. */
	const double a[] = { 100, 101, 99, 103, 102, 98 }, fast[] = { 200, 202, 198, 206, 204, 196 };
	const double same[] = { 100.5, 99.5, 101.5, 98.5, 102.5, 97.5 }, one[] = { 50 };
	struct comparison_set set = { 0 };
	CHECK(comparison_set_add(&set, "faster", a, 6, fast, 6) == 0, "add");
	CHECK(comparison_set_add(&set, "same", a, 6, same, 6) == 0, "add");
	CHECK(comparison_set_add(&set, "untested", one, 1, one, 1) == 0, "add");
	comparison_set_judge(&set, 0.05, true);

	const struct comparison *c = &set.items[0];
	CHECK_NEAR(c->a.median, 100.5, 0);
	CHECK_NEAR(c->b.median, 201, 0);
	CHECK(c->a.n == 6 && !isnan(c->a.lo), "6 values have an interval: n %zu", c->a.n);
	CHECK_NEAR(c->a.lo, 98, 0);	/* 6 values: [x(1), x(6)] */
	CHECK_NEAR(c->a.hi, 103, 0);
	CHECK_NEAR(c->ratio, 2, 1e-12);
	CHECK(c->ratio_lo <= 2 && c->ratio_hi >= 2 && c->ratio_lo > 1.9, "interval [%g, %g]",
	      c->ratio_lo, c->ratio_hi);
	CHECK_NEAR(c->p, 2.0 / 924, 1e-12);	/* complete separation of 6 and 6 */
	CHECK_NEAR(c->q, c->p * 2, 1e-12);	/* the smaller of 2 tests */
	CHECK(c->verdict == VERDICT_BETTER, "verdict %d", c->verdict);
	CHECK(set.items[1].verdict == VERDICT_SAME, "unchanged: verdict %d", set.items[1].verdict);
	CHECK(set.items[2].verdict == VERDICT_UNTESTED && isnan(set.items[2].p) && isnan(set.items[2].q),
	      "one value a side: no test");

	/* Lower is better: the same change is a regression. */
	comparison_set_judge(&set, 0.05, false);
	CHECK(set.items[0].verdict == VERDICT_WORSE, "verdict %d", set.items[0].verdict);
	comparison_set_free(&set);
}

static void check_suggest(void)
{
	static const char *const names[] = { "lock", "rw", "pingpong", "chan-pingpong", "ring" };
	CHECK(suggest_closest("lokc", names, 5) && !strcmp(suggest_closest("lokc", names, 5), "lock"),
	      "a swap is one edit");
	CHECK(suggest_closest("chan-pinpong", names, 5) &&
	      !strcmp(suggest_closest("chan-pinpong", names, 5), "chan-pingpong"), "a deletion");
	CHECK(suggest_closest("LOCK", names, 5) && !strcmp(suggest_closest("LOCK", names, 5), "lock"),
	      "case is ignored");
	CHECK(!suggest_closest("mutex", names, 5), "nothing close");
	CHECK(!suggest_closest("", names, 5), "no word, no suggestion");
	/* "rig" is one edit from both "rw"? no: two; from "ring" one. */
	CHECK(suggest_closest("rig", names, 5) && !strcmp(suggest_closest("rig", names, 5), "ring"),
	      "an insertion");
}

int main(void)
{
	check_u_test();
	check_benjamini_hochberg();
	check_comparisons();
	check_suggest();
	return check_exit();
}
