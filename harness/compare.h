/*
 * `syncbench compare A B`, as a benchstat user expects it: per
 * configuration in both, each side's median of a figure with its spread
 * and n, the change B/A with its interval, a Mann-Whitney U test over the
 * repetitions, and the Benjamini-Hochberg correction over all the
 * configurations compared.
 *
 * The statistics work on plain arrays of values (struct comparison), so
 * that another way of pairing sides (configurations of one result set)
 * reuses the per-side figures, the ratio, the test, the correction and
 * the printing.
 */
#ifndef SYNCBENCH_COMPARE_H
#define SYNCBENCH_COMPARE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "entry_filter.h"
#include "metric.h"

/*
 * Two-sided p-value of the Mann-Whitney U test of x against y.  Exact
 * (the null distribution of U, counted) when there are no ties and both
 * samples have at most 20 values; otherwise the normal approximation with
 * the tie correction of the variance and a continuity correction.
 */
double mann_whitney_p(const double *x, size_t n, const double *y, size_t m);

/*
 * Benjamini-Hochberg adjusted p-values: q[i] = min over the p-values
 * ranked at or above p[i] of p(j) * m / j, capped at 1, where m counts the
 * finite p-values; a NaN p (no test) gets a NaN q and is not counted.
 * Rejecting every q < alpha keeps the expected share of false discoveries
 * among the rejections at most alpha (for independent or positively
 * dependent tests).
 */
void benjamini_hochberg(const double *p, size_t n, double *q);

/* One side: the median of its values with the median's own interval. */
struct compare_side {
	size_t n;
	double median;
	double lo, hi, level;	/* order-statistics interval (stats.h); NaN under 6 values */
};

enum compare_verdict {
	VERDICT_SAME,		/* q >= alpha: "~" */
	VERDICT_BETTER,		/* q < alpha, in the metric's better direction */
	VERDICT_WORSE,
	VERDICT_UNTESTED,	/* one figure a side: no p */
};

struct comparison {
	char *name;
	struct compare_side a, b;
	/* B/A of the medians; its 95% percentile-bootstrap interval; NaN if A's median is 0 */
	double ratio, ratio_lo, ratio_hi;
	double p, q;		/* raw and Benjamini-Hochberg adjusted; NaN without a test */
	enum compare_verdict verdict;
	double min_p;		/* the smallest p these sample sizes allow: 2 / C(n+m, n) */
};

struct comparison_set {
	struct comparison *items;
	size_t n, cap;
};

/*
 * Appends the comparison of b (m values) against a (n values, both > 0)
 * under name: sides, ratio, interval and p (none when either side has one
 * value only).  Returns 0, or -1 if out of memory.
 */
int comparison_set_add(struct comparison_set *set, const char *name, const double *a,
		       size_t n, const double *b, size_t m);

/* The correction over the whole set, then each verdict at alpha. */
void comparison_set_judge(struct comparison_set *set, double alpha, bool higher_is_better);

void comparison_set_free(struct comparison_set *set);

enum compare_format { COMPARE_TEXT, COMPARE_CSV, COMPARE_JSON };

/* How a set is shown: what was compared and what the reader should know. */
struct compare_report {
	const struct metric *metric;
	const char *label_a, *label_b;	/* the paths given */
	double alpha;
	enum compare_format format;
	json_t *warnings;		/* strings, also printed on stderr */
	json_t *only_a, *only_b;	/* names */
	json_t *not_compared;		/* {name, side, status} */
};

/*
 * What differs between how the sides were measured, as a new array of
 * strings: in the matched entries a and b (name -> entry), windows,
 * warmups and repetitions; in the documents, commit, host and topology
 * (compare_warn.c).
 */
json_t *compare_warnings(json_t *docs_a, json_t *docs_b, json_t *a, json_t *b);

/* Prints the set in report->format on f (compare_print.c). */
void comparison_set_print(FILE *f, const struct comparison_set *set,
			  const struct compare_report *report);

struct compare_options {
	struct metric metric;
	struct entry_filter filter;
	const char *host[2];	/* --host-a, --host-b, or NULL */
	enum compare_format format;
	double alpha;
	bool fail_on_regression;
	const char *label_a, *label_b;
};

/* The defaults: ops_per_sec, text, alpha 0.05, no filter. */
void compare_options_default(struct compare_options *o);

/*
 * Compares docs_b against docs_a (arrays of result documents; the caller
 * keeps its references) and prints the report on stdout.  by_host: match
 * configurations per host (HOST:configuration).  Returns the exit status:
 * 1 with fail_on_regression and a significant change for the worse, else 0.
 */
int compare_docs(json_t *docs_a, json_t *docs_b, int by_host, const struct compare_options *o);

/* argv[0] is "compare".  Returns the exit status: 0, 1 (see above), or 2 on bad input. */
int compare_main(int argc, char **argv);

/* --format's value into out: 0, or -1 with one line in err. */
int compare_parse_format(const char *text, enum compare_format *out, char *err, size_t len);

/* argv[0] is "--pair": `syncbench compare --pair` (compare_pair.c). */
int compare_pair_main(int argc, char **argv);

/* Its help text. */
extern const char compare_usage[];

/* The names --metric takes (for completion). */
const char *const *compare_metric_names(size_t *n);

#endif
