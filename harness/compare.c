#include "compare.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resultdoc.h"
#include "stats.h"

#define EXACT_MAX 20		/* per sample, for the exact U distribution */
#define BOOTSTRAP_ROUNDS 2000
#define ALPHA 0.05

static const char compare_usage[] =
	"usage: syncbench compare [--host-a HOST] [--host-b HOST] A B\n"
	"\n"
	"A and B are result documents or results directories.  For every\n"
	"configuration with status ok in both: the median ops/s of each, with its\n"
	"own 95% interval relative to it (order statistics, as in the run's table\n"
	"and JSON; none under 6 repetitions); the ratio B/A with a 95%\n"
	"percentile-bootstrap interval (2000 resamples of the repetitions, fixed\n"
	"seed); and the two-sided p-value of a Mann-Whitney U test over the\n"
	"repetitions' ops/s (exact without ties and up to 20 repetitions a side,\n"
	"else the normal approximation with tie correction).  '*' marks p < 0.05.\n"
	"With 3 repetitions a side the smallest p the test can give is 0.1: use\n"
	"6 or more to detect changes and to have each side's interval.\n"
	"Configurations in one side only are listed.\n"
	"\n"
	"--pair A=B RESULTS... compares two primitives inside one result set\n"
	"(syncbench compare --pair --help).\n"
	"\n"
	"A merged data set (syncbench merge) holds several hosts.  --host-a and\n"
	"--host-b keep one host's results of A or B (compare two machines: the\n"
	"same data set as A and B, a host for each).  When both sides still hold\n"
	"several hosts, configurations are matched per host (HOST:configuration);\n"
	"one side with several hosts against one with a single host is refused.\n"
	"Exit status 0; 2 on bad input.\n";

/* How many orderings of n x's and m y's have exactly u (x, y) pairs with x > y. */
static void u_counts(size_t n, size_t m, double *out)
{
	/* f[i][j][u]: counts for i x's and j y's, built up from the empty samples. */
	size_t umax = n * m, stride = umax + 1;
	double *f = calloc((n + 1) * (m + 1) * stride, sizeof(*f));
	for (size_t i = 0; i <= n; i++) {
		for (size_t j = 0; j <= m; j++) {
			double *cell = &f[(i * (m + 1) + j) * stride];
			if (i == 0 || j == 0) {
				cell[0] = 1;
				continue;
			}
			/* the largest value is an x (beating all j y's) or a y */
			const double *x_last = &f[((i - 1) * (m + 1) + j) * stride];
			const double *y_last = &f[(i * (m + 1) + j - 1) * stride];
			for (size_t u = 0; u <= umax; u++)
				cell[u] = (u >= j ? x_last[u - j] : 0) + y_last[u];
		}
	}
	memcpy(out, &f[(n * (m + 1) + m) * stride], stride * sizeof(*out));
	free(f);
}

struct ranked {
	double v;
	int from_x;
};

static int by_value(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->v, y = ((const struct ranked *)b)->v;
	return (x > y) - (x < y);
}

double mann_whitney_p(const double *x, size_t n, const double *y, size_t m)
{
	size_t total = n + m;
	struct ranked *all = malloc(total * sizeof(*all));
	double rank_sum_x = 0, tie_term = 0;
	for (size_t i = 0; i < total; i++)
		all[i] = (struct ranked){ i < n ? x[i] : y[i - n], i < n };
	qsort(all, total, sizeof(*all), by_value);
	for (size_t i = 0; i < total;) {
		size_t j = i;
		while (j < total && all[j].v == all[i].v)
			j++;
		double midrank = (double)(i + j + 1) / 2, t = (double)(j - i);
		for (size_t k = i; k < j; k++)
			rank_sum_x += all[k].from_x ? midrank : 0;
		tie_term += t * t * t - t;
		i = j;
	}
	free(all);
	double u = rank_sum_x - (double)n * (double)(n + 1) / 2, mean = (double)n * (double)m / 2;

	if (tie_term == 0 && n <= EXACT_MAX && m <= EXACT_MAX) {
		double counts[EXACT_MAX * EXACT_MAX + 1], all_orders = 0, below = 0, above = 0;
		u_counts(n, m, counts);
		for (size_t k = 0; k <= n * m; k++) {
			all_orders += counts[k];
			below += (double)k <= u ? counts[k] : 0;
			above += (double)k >= u ? counts[k] : 0;
		}
		double p = 2 * fmin(below, above) / all_orders;
		return p < 1 ? p : 1;
	}
	double var = (double)n * (double)m / 12 *
		     ((double)(total + 1) - tie_term / ((double)total * (double)(total - 1)));
	if (var <= 0)
		return 1;	/* every value equal: no evidence of a difference */
	double z = (fabs(u - mean) - 0.5) / sqrt(var);
	return z <= 0 ? 1 : erfc(z / sqrt(2));
}

static double median(double *v, size_t n)
{
	struct summary s;
	summarize(v, n, &s);
	return s.median;
}

/* xorshift64*: a fixed seed makes the interval the same on every run. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1DULL;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Percentile bootstrap of median(b) / median(a): each side resampled apart. */
void ratio_interval(const double *a, size_t n, const double *b, size_t m, double *lo,
		    double *hi)
{
	static double ratios[BOOTSTRAP_ROUNDS];
	double ra[n], rb[m];
	uint64_t state = 0x9E3779B97F4A7C15ULL;
	for (int r = 0; r < BOOTSTRAP_ROUNDS; r++) {
		for (size_t i = 0; i < n; i++)
			ra[i] = a[next_random(&state) % n];
		for (size_t i = 0; i < m; i++)
			rb[i] = b[next_random(&state) % m];
		ratios[r] = median(rb, m) / median(ra, n);
	}
	qsort(ratios, BOOTSTRAP_ROUNDS, sizeof(*ratios), by_double);
	*lo = ratios[(int)(0.025 * BOOTSTRAP_ROUNDS)];
	*hi = ratios[(int)(0.975 * BOOTSTRAP_ROUNDS) - 1];
}

/*
 * A side's own 95% interval of its median, relative to the median
 * ("[-2.1%, +3.0%]"), as the run's table and JSON give it; "[-]" with too
 * few repetitions for one.
 */
void side_interval(const struct summary *s, char *buf, size_t len)
{
	if (isnan(s->ci95_lo))
		snprintf(buf, len, "[-]");
	else
		snprintf(buf, len, "[%+.1f%%, %+.1f%%]", 100 * (s->ci95_lo / s->median - 1),
			 100 * (s->ci95_hi / s->median - 1));
}

/* The repetitions' ops/s, at most max; returns how many. */
size_t rep_rates(json_t *entry, double *out, size_t max)
{
	size_t i, n = 0;
	json_t *rep;
	json_array_foreach(json_object_get(entry, "reps"), i, rep) {
		json_t *v = json_object_get(rep, "ops_per_sec");
		if (json_is_number(v) && n < max)
			out[n++] = json_number_value(v);
	}
	return n;
}

/*
 * name -> entry, for entries with status ok that measured something; first
 * one wins.  With by_host, the name is HOST:configuration.
 */
static json_t *index_ok(json_t *docs, json_t *not_ok, int by_host)
{
	json_t *by_name = json_object(), *doc, *e;
	size_t d, i;
	char name[1024];
	json_array_foreach(docs, d, doc) {
		int used = by_host ? snprintf(name, sizeof(name), "%s:", resultdoc_host(doc)) : 0;
		if (used < 0 || (size_t)used >= sizeof(name))
			continue;
		json_array_foreach(json_object_get(doc, "results"), i, e) {
			const char *status = json_string_value(json_object_get(e, "status"));
			if (resultdoc_config_name(e, name + used, sizeof(name) - (size_t)used) != 0 ||
			    json_object_get(by_name, name) || json_object_get(not_ok, name))
				continue;
			if (status && strcmp(status, "ok") == 0 && json_array_size(json_object_get(e, "reps")))
				json_object_set(by_name, name, e);
			else
				json_object_set_new(not_ok, name, json_string(status ? status : "?"));
		}
	}
	return by_name;
}

struct tally {
	int both, faster, slower, low_power;
	double log_sum;
};

static void compare_one(const char *name, json_t *ea, json_t *eb, struct tally *t)
{
	double a[1000], b[1000], lo, hi;
	size_t n = rep_rates(ea, a, 1000), m = rep_rates(eb, b, 1000);
	if (!n || !m)
		return;
	struct summary sa, sb;
	char ia[32], ib[32];
	summarize(a, n, &sa);
	summarize(b, m, &sb);
	double ma = sa.median, mb = sb.median, ratio = mb / ma;
	double p = mann_whitney_p(a, n, b, m);
	ratio_interval(a, n, b, m, &lo, &hi);
	int significant = p < ALPHA;
	side_interval(&sa, ia, sizeof(ia));
	side_interval(&sb, ib, sizeof(ib));
	printf("%-64s %12.4g %-17s %12.4g %-17s %7.3f [%6.3f, %6.3f] %7.4f %s\n", name, ma, ia, mb, ib,
	       ratio, lo, hi, p, significant ? "*" : "");
	t->both++;
	t->log_sum += log(ratio);
	t->faster += significant && ratio > 1;
	t->slower += significant && ratio < 1;
	/* exact smallest two-sided p: 2 / C(n+m, n) */
	t->low_power += 2 / exp(lgamma((double)(n + m + 1)) - lgamma((double)n + 1) -
				lgamma((double)m + 1)) >= ALPHA;
}

static void list_only(const char *label, json_t *mine, json_t *theirs)
{
	const char *name;
	json_t *v;
	json_object_foreach(mine, name, v)
		if (!json_object_get(theirs, name))
			printf("only in %s: %s\n", label, name);
}

static void list_not_ok(const char *label, json_t *not_ok)
{
	const char *name;
	json_t *v;
	json_object_foreach(not_ok, name, v)
		printf("not compared, %s in %s: %s\n", json_string_value(v), label, name);
}

static void report(json_t *a, json_t *b, json_t *not_ok_a, json_t *not_ok_b)
{
	struct tally t = { 0 };
	const char *name;
	json_t *ea;
	printf("%-64s %12s %-17s %12s %-17s %7s %-16s %7s\n", "configuration", "A ops/s", "A 95% CI",
	       "B ops/s", "B 95% CI", "B/A", "[95% CI]", "p");
	json_object_foreach(a, name, ea) {
		json_t *eb = json_object_get(b, name);
		if (eb)
			compare_one(name, ea, eb, &t);
	}
	list_only("A", a, b);
	list_only("B", b, a);
	list_not_ok("A", not_ok_a);
	list_not_ok("B", not_ok_b);
	printf("summary: %d configurations in both; %d differ significantly at p < %.2f (%d faster in B, "
	       "%d slower); geometric mean of B/A %.4f\n", t.both, t.faster + t.slower, ALPHA,
	       t.faster, t.slower, t.both ? exp(t.log_sum / t.both) : NAN);
	if (t.low_power)
		printf("note: %d configurations have too few repetitions for any p below %.2f\n",
		       t.low_power, ALPHA);
}

void compare_docs(json_t *docs_a, json_t *docs_b, int by_host)
{
	json_t *not_ok_a = json_object(), *not_ok_b = json_object();
	json_t *a = index_ok(docs_a, not_ok_a, by_host), *b = index_ok(docs_b, not_ok_b, by_host);
	report(a, b, not_ok_a, not_ok_b);
	json_decref(a);
	json_decref(b);
	json_decref(not_ok_a);
	json_decref(not_ok_b);
}

/* The hosts that docs hold, comma-separated, into buf; returns how many. */
static size_t host_names(json_t *docs, char *buf, size_t len)
{
	json_t *hosts = json_object(), *doc, *v;
	const char *host;
	size_t i, used = 0;
	json_array_foreach(docs, i, doc)
		json_object_set_new(hosts, resultdoc_host(doc), json_true());
	buf[0] = '\0';
	json_object_foreach(hosts, host, v) {
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", host);
	}
	size_t n = json_object_size(hosts);
	json_decref(hosts);
	return n;
}

/* Keeps the documents of host (NULL: all) in docs; 0, or -1 with err if none is left. */
static int keep_host(json_t *docs, const char *host, const char *side, char *err, size_t len)
{
	char names[512];
	if (!host)
		return 0;
	host_names(docs, names, sizeof(names));
	for (size_t i = json_array_size(docs); i-- > 0;)
		if (strcmp(resultdoc_host(json_array_get(docs, i)), host) != 0)
			json_array_remove(docs, i);
	if (json_array_size(docs) == 0) {
		snprintf(err, len, "%s holds no results of host %s (its hosts: %s)", side, host, names);
		return -1;
	}
	return 0;
}

/*
 * Match per host when both sides hold several; 0 or 1, or -1 with err when
 * only one does: its hosts cannot all be matched against the other's one.
 */
static int match_by_host(json_t *docs_a, json_t *docs_b, char *err, size_t len)
{
	char names_a[512], names_b[512];
	size_t na = host_names(docs_a, names_a, sizeof(names_a));
	size_t nb = host_names(docs_b, names_b, sizeof(names_b));
	if ((na > 1) == (nb > 1))
		return na > 1;
	snprintf(err, len, "%s holds results of %zu hosts (%s), %s of one: choose one with --host-%s "
		 "HOST", na > 1 ? "A" : "B", na > 1 ? na : nb, na > 1 ? names_a : names_b,
		 na > 1 ? "B" : "A", na > 1 ? "a" : "b");
	return -1;
}

int compare_main(int argc, char **argv)
{
	char err[1024];
	const char *host[2] = { NULL, NULL };
	int first = 1;
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		return fputs(compare_usage, stdout), 0;
	if (argc > 1 && strcmp(argv[1], "--pair") == 0)
		return compare_pair_main(argc - 1, argv + 1);
	while (first + 1 < argc && (strcmp(argv[first], "--host-a") == 0 ||
				    strcmp(argv[first], "--host-b") == 0)) {
		host[argv[first][7] == 'b'] = argv[first + 1];
		first += 2;
	}
	if (argc - first != 2 || argv[first][0] == '-' || argv[first + 1][0] == '-') {
		fprintf(stderr, "syncbench: compare needs two results, A and B, after --host-a HOST and "
			"--host-b HOST if any (see syncbench compare --help)\n");
		return 2;
	}
	json_t *docs_a = resultdoc_load_all(&argv[first], 1, NULL, err, sizeof(err));
	json_t *docs_b = docs_a ? resultdoc_load_all(&argv[first + 1], 1, NULL, err, sizeof(err)) : NULL;
	int by_host = -1;
	if (docs_b && keep_host(docs_a, host[0], "A", err, sizeof(err)) == 0 &&
	    keep_host(docs_b, host[1], "B", err, sizeof(err)) == 0)
		by_host = match_by_host(docs_a, docs_b, err, sizeof(err));
	if (by_host < 0) {
		fprintf(stderr, "syncbench: compare: %s\n", err);
		json_decref(docs_a);
		json_decref(docs_b);
		return 2;
	}
	compare_docs(docs_a, docs_b, by_host);
	json_decref(docs_a);
	json_decref(docs_b);
	return 0;
}
