/*
 * `syncbench compare A B`: the command, its options, and the matching of
 * A's configurations against B's; the statistics are compare_stats.c's,
 * the warnings compare_warn.c's, the printing compare_print.c's.
 */
#include "compare.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resultdoc.h"
#include "suggest.h"

#define DEFAULT_ALPHA 0.05
#define MAX_VALUES 1000		/* repetitions read per side and configuration */

const char compare_usage[] =
	"usage: syncbench compare [options] A B\n"
	"\n"
	"A and B are result documents or results directories.  For every\n"
	"configuration with status ok in both, as benchstat shows it: each side's\n"
	"median of the figure (--metric; default ops/s) over its repetitions, with\n"
	"the spread of its 95% interval (order statistics, as the run's table gives\n"
	"it; none under 6 repetitions) and n; the change B/A - 1 in percent with a\n"
	"95% percentile-bootstrap interval (2000 resamples of each side's\n"
	"repetitions, fixed seed); and the two-sided p-value of a Mann-Whitney U\n"
	"test over the repetitions (exact without ties up to 20 a side, else the\n"
	"normal approximation with tie correction).  Many configurations are tested\n"
	"at once, so the p-values are corrected for it (Benjamini-Hochberg: q is the\n"
	"adjusted p; among the changes with q < alpha, the expected share of false\n"
	"ones is at most alpha).  A change shows '~' when q >= alpha: no\n"
	"significant difference.  The raw p is shown beside q.  With 3 repetitions\n"
	"a side no p can go below 0.1: sweeps use 6 (run.sh).\n"
	"\n"
	"  --metric FIGURE    what to compare: ops_per_sec (default), ns_per_op,\n"
	"                     cpu_ns_per_op, jain (fairness), max_min, handoff_fraction,\n"
	"                     ns_per_handoff, handoff_vs_floor, rate:KIND (a kind's\n"
	"                     operations/s), counter:EVENT (per operation, e.g.\n"
	"                     counter:context-switches); per repetition, so tested.\n"
	"                     p50, p90, p99, p999, max[:KIND]: acquire latency, one\n"
	"                     figure per configuration (every repetition's samples\n"
	"                     merged): its change is shown, with no interval or test\n"
	"  --bench LIST       only these workloads\n"
	"  --prim LIST        only these primitives (- for configurations without one)\n"
	"  --threads LIST     only these thread counts\n"
	"  --set KEY=V[,V]    only these parameter values (as the documents hold them:\n"
	"                     work parameters in units); repeatable\n"
	"  --host-a HOST      only host HOST's results of A (a merged data set)\n"
	"  --host-b HOST      the same for B: the same data set as A and B, a host for\n"
	"                     each, compares two machines\n"
	"  --format F         text (default), csv (one row per configuration) or json\n"
	"  --alpha A          the false discovery rate to hold (default 0.05)\n"
	"  --fail-on-regression  exit status 1 when some change is significant and\n"
	"                     for the worse (lower ops/s, higher ns/op, ...)\n"
	"  -h, --help         this text\n"
	"\n"
	"Warnings on stderr (and in --format json) say when the two sides were\n"
	"measured differently: another window (--duration), warmup or number of\n"
	"repetitions, another commit, host or topology.  When both sides hold\n"
	"several hosts (merged data sets), configurations are matched per host\n"
	"(HOST:configuration); one side with several hosts against one with a\n"
	"single host is refused.  Configurations in one side only, or not ok in\n"
	"one, are listed.\n"
	"\n"
	"--pair A=B RESULTS... compares two primitives inside one result set\n"
	"(syncbench compare --pair --help).\n"
	"\n"
	"Exit status: 0; 1 with --fail-on-regression when a regression was found;\n"
	"2 bad input; 3 the output could not be written.\n";

const char *const *compare_metric_names(size_t *n)
{
	return metric_names(n);
}

/* --- Matching A against B. --- */

/*
 * name -> entry, for entries that pass the filter, with status ok and
 * something measured; first one wins.  The others go to not_ok as name ->
 * status.  With by_host, the name is HOST:configuration.
 */
static json_t *index_ok(json_t *docs, json_t *not_ok, int by_host, const struct entry_filter *f)
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
			if (!entry_filter_match(f, e) ||
			    resultdoc_config_name(e, name + used, sizeof(name) - (size_t)used) != 0 ||
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

static void list_only(json_t *mine, json_t *theirs, json_t *out)
{
	const char *name;
	json_t *v;
	json_object_foreach(mine, name, v)
		if (!json_object_get(theirs, name))
			json_array_append_new(out, json_string(name));
}

static void list_not_ok(const char *side, json_t *not_ok, json_t *out)
{
	const char *name;
	json_t *v;
	json_object_foreach(not_ok, name, v)
		json_array_append_new(out, json_pack("{s:s, s:s, s:O}", "name", name, "side", side,
						     "status", v));
}

/* --- The command. --- */

void compare_options_default(struct compare_options *o)
{
	*o = (struct compare_options){ .format = COMPARE_TEXT, .alpha = DEFAULT_ALPHA,
				       .label_a = "A", .label_b = "B" };
	metric_parse("ops_per_sec", &o->metric, NULL, 0);
}

static int add_comparisons(struct comparison_set *set, json_t *a, json_t *b,
			   const struct metric *m)
{
	static double va[MAX_VALUES], vb[MAX_VALUES];
	const char *name;
	json_t *ea;
	json_object_foreach(a, name, ea) {
		json_t *eb = json_object_get(b, name);
		if (!eb)
			continue;
		size_t n = metric_values(m, ea, va, MAX_VALUES), k = metric_values(m, eb, vb, MAX_VALUES);
		if (n && k && comparison_set_add(set, name, va, n, vb, k) != 0)
			return -1;
	}
	return 0;
}

int compare_docs(json_t *docs_a, json_t *docs_b, int by_host, const struct compare_options *o)
{
	json_t *not_ok_a = json_object(), *not_ok_b = json_object();
	json_t *a = index_ok(docs_a, not_ok_a, by_host, &o->filter);
	json_t *b = index_ok(docs_b, not_ok_b, by_host, &o->filter);
	struct comparison_set set = { 0 };
	struct compare_report r = { .metric = &o->metric, .label_a = o->label_a,
				    .label_b = o->label_b, .alpha = o->alpha, .format = o->format,
				    .warnings = compare_warnings(docs_a, docs_b, a, b),
				    .only_a = json_array(), .only_b = json_array(),
				    .not_compared = json_array() };
	int rc = 0;
	if (add_comparisons(&set, a, b, &o->metric) != 0) {
		fprintf(stderr, "syncbench: compare: out of memory\n");
		rc = 1;
	}
	comparison_set_judge(&set, o->alpha, o->metric.higher_is_better);
	list_only(a, b, r.only_a);
	list_only(b, a, r.only_b);
	list_not_ok("A", not_ok_a, r.not_compared);
	list_not_ok("B", not_ok_b, r.not_compared);
	size_t i;
	json_t *w;
	json_array_foreach(r.warnings, i, w)
		fprintf(stderr, "syncbench: compare: warning: %s\n", json_string_value(w));
	comparison_set_print(stdout, &set, &r);
	for (i = 0; i < set.n; i++)
		rc |= o->fail_on_regression && set.items[i].verdict == VERDICT_WORSE;
	comparison_set_free(&set);
	json_decref(r.warnings);
	json_decref(r.only_a);
	json_decref(r.only_b);
	json_decref(r.not_compared);
	json_decref(a);
	json_decref(b);
	json_decref(not_ok_a);
	json_decref(not_ok_b);
	return rc;
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

/* Whether some entry of docs passes the filter. */
static bool any_passes(json_t *docs, const struct entry_filter *f)
{
	json_t *doc, *e;
	size_t d, i;
	json_array_foreach(docs, d, doc)
		json_array_foreach(json_object_get(doc, "results"), i, e)
			if (entry_filter_match(f, e))
				return true;
	return false;
}

enum { OPT_HOST_A = 256, OPT_HOST_B, OPT_METRIC, OPT_BENCH, OPT_PRIM, OPT_THREADS, OPT_SET,
       OPT_FORMAT, OPT_ALPHA, OPT_FAIL, OPT_HELP };

static const struct option option_table[] = {
	{ "host-a", required_argument, NULL, OPT_HOST_A },
	{ "host-b", required_argument, NULL, OPT_HOST_B },
	{ "metric", required_argument, NULL, OPT_METRIC },
	{ "bench", required_argument, NULL, OPT_BENCH },
	{ "prim", required_argument, NULL, OPT_PRIM },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "set", required_argument, NULL, OPT_SET },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "fail-on-regression", no_argument, NULL, OPT_FAIL },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

int compare_parse_format(const char *text, enum compare_format *out, char *err, size_t len)
{
	static const char *const names[] = { "text", "csv", "json" };
	char hint[64];
	for (int i = 0; i < 3; i++) {
		if (strcmp(text, names[i]) == 0) {
			*out = (enum compare_format)i;
			return 0;
		}
	}
	suggest_phrase(text, names, 3, hint, sizeof(hint));
	snprintf(err, len, "--format: unknown format '%s' (%saccepted: text, csv, json)", text, hint);
	return -1;
}

static int parse_alpha(const char *text, double *out, char *err, size_t len)
{
	char *end;
	double v = strtod(text, &end);
	if (end == text || *end || !(v > 0 && v < 1)) {
		snprintf(err, len, "--alpha: '%s' is not a rate between 0 and 1 (e.g. 0.05)", text);
		return -1;
	}
	*out = v;
	return 0;
}

static int unknown_option(const char *typed, char *err, size_t len)
{
	char why[256];
	suggest_option_error(typed, option_table, why, sizeof(why));
	snprintf(err, len, "%s (see syncbench compare --help)", why);
	return -1;
}

/* Options into o; returns the index of A, -1 with err, or 0 for --help. */
static int parse_compare(int argc, char **argv, struct compare_options *o, char *err, size_t len)
{
	opterr = 0;
	optind = 0;
	for (;;) {
		int c = getopt_long(argc, argv, "h", option_table, NULL);
		int rc = 0;
		switch (c) {
		case -1:
			if (argc - optind != 2) {
				snprintf(err, len, "two results are needed, A and B, after the "
					 "options (see syncbench compare --help)");
				return -1;
			}
			return optind;
		case OPT_HOST_A: o->host[0] = optarg; break;
		case OPT_HOST_B: o->host[1] = optarg; break;
		case OPT_METRIC: rc = metric_parse(optarg, &o->metric, err, len); break;
		case OPT_BENCH: rc = entry_filter_add(&o->filter, "--bench", optarg, err, len); break;
		case OPT_PRIM: rc = entry_filter_add(&o->filter, "--prim", optarg, err, len); break;
		case OPT_THREADS: rc = entry_filter_add(&o->filter, "--threads", optarg, err, len); break;
		case OPT_SET: rc = entry_filter_add(&o->filter, "--set", optarg, err, len); break;
		case OPT_FORMAT: rc = compare_parse_format(optarg, &o->format, err, len); break;
		case OPT_ALPHA: rc = parse_alpha(optarg, &o->alpha, err, len); break;
		case OPT_FAIL: o->fail_on_regression = true; break;
		case OPT_HELP:
		case 'h': return 0;
		default: return unknown_option(argv[optind - 1], err, len);
		}
		if (rc != 0)
			return -1;
	}
}

static int bad_input(const char *err)
{
	fprintf(stderr, "syncbench: compare: %s\n", err);
	return 2;
}

int compare_main(int argc, char **argv)
{
	struct compare_options o;
	char err[1024];
	compare_options_default(&o);
	if (argc > 1 && strcmp(argv[1], "--pair") == 0)
		return compare_pair_main(argc - 1, argv + 1);
	int first = parse_compare(argc, argv, &o, err, sizeof(err));
	if (first == 0)
		return fputs(compare_usage, stdout) < 0;
	if (first < 0)
		return bad_input(err);
	o.label_a = argv[first];
	o.label_b = argv[first + 1];
	json_t *docs_a = resultdoc_load_all(&argv[first], 1, NULL, err, sizeof(err));
	json_t *docs_b = docs_a ? resultdoc_load_all(&argv[first + 1], 1, NULL, err, sizeof(err)) : NULL;
	int by_host = -1;
	if (docs_b && keep_host(docs_a, o.host[0], "A", err, sizeof(err)) == 0 &&
	    keep_host(docs_b, o.host[1], "B", err, sizeof(err)) == 0)
		by_host = match_by_host(docs_a, docs_b, err, sizeof(err));
	if (by_host >= 0 && !any_passes(docs_a, &o.filter) && !any_passes(docs_b, &o.filter)) {
		snprintf(err, sizeof(err), "no configuration of A or B passes the filters "
			 "(--bench, --prim, --threads, --set)");
		by_host = -1;
	}
	int rc = by_host < 0 ? bad_input(err) : compare_docs(docs_a, docs_b, by_host, &o);
	json_decref(docs_a);
	json_decref(docs_b);
	return rc;
}
