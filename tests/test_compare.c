/* Known answers for the Mann-Whitney U test that `syncbench compare` uses. */
#include <math.h>

#include "../harness/compare.h"
#include "check.h"

int main(void)
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
	return check_exit();
}
