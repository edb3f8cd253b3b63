/* A minimal assertion helper for the C unit tests: count, report, go on. */
#ifndef SYNCBENCH_TEST_CHECK_H
#define SYNCBENCH_TEST_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_failures;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			check_failures++;                                       \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__,  \
				__LINE__, #cond);                               \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
		}                                                               \
	} while (0)

#define CHECK_NEAR(got, want, tol)                                              \
	CHECK(fabs((double)(got) - (double)(want)) <= (tol), "got %.9g, want %.9g", \
	      (double)(got), (double)(want))

static inline int check_exit(void)
{
	return check_failures ? 1 : 0;
}

#endif
