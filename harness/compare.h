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

/*
 * The machinery compare_pair.c shares: the percentile-bootstrap 95%
 * interval of median(b) / median(a) (2000 resamples, fixed seed); a
 * side's own interval of its median, relative to it ("[-2.1%, +3.0%]");
 * an entry's repetitions' ops/s, at most max, returning how many.
 */
struct summary;
void ratio_interval(const double *a, size_t n, const double *b, size_t m, double *lo, double *hi);
void side_interval(const struct summary *s, char *buf, size_t len);
size_t rep_rates(json_t *entry, double *out, size_t max);

/* argv[0] is "--pair": `syncbench compare --pair` (compare_pair.c). */
int compare_pair_main(int argc, char **argv);

#endif
