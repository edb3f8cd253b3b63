/*
 * `syncbench compare A B`: per configuration in both, the ratio B/A of the
 * median throughput, its confidence interval, and a Mann-Whitney U test
 * over the repetitions.
 */
#ifndef SYNCBENCH_COMPARE_H
#define SYNCBENCH_COMPARE_H

#include <jansson.h>
#include <stddef.h>

/*
 * Two-sided p-value of the Mann-Whitney U test of x against y.  Exact
 * (the null distribution of U, counted) when there are no ties and both
 * samples have at most 20 values; otherwise the normal approximation with
 * the tie correction of the variance and a continuity correction.
 */
double mann_whitney_p(const double *x, size_t n, const double *y, size_t m);

/*
 * The comparison table of docs_b against docs_a (arrays of result
 * documents) on stdout; the caller keeps its references.  by_host: match
 * configurations per host (HOST:configuration), for two multi-host sets.
 */
void compare_docs(json_t *docs_a, json_t *docs_b, int by_host);

/* argv[0] is "compare".  Returns the exit status: 0, or 2 on bad input. */
int compare_main(int argc, char **argv);

#endif
