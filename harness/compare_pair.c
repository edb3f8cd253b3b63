/*
 * `syncbench compare --pair A=B[,A=B...] RESULTS...`: two primitives
 * inside one result set, configuration by configuration: the entries of A
 * and of B with the same workload, threads, placement and workload
 * parameters (host too, in a merged set), whatever each primitive's own
 * parameters are; each such (A, B) is a row, labelled with the own
 * parameters that differ from their defaults (so go-mutex mode=goroutines
 * and go-mutex are two rows).  The row has each side's median ops/s with
 * its own interval, B/A with its bootstrap interval, the U test's p and the
 * correction over all rows, as `compare A B` computes and prints them
 * (compare.c).  `--pair ports` pairs every
 * primitive that names its original (lock_ops.original) with it, original
 * as A: B/A is then the port's throughput relative to the original's.
 */
#include "compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../locks/lock.h"
#include "resultdoc.h"

static const char pair_usage[] =
	"usage: syncbench compare --pair A=B[,A=B...] [--metric FIGURE] [--format F] RESULTS...\n"
	"       syncbench compare --pair ports [--metric FIGURE] [--format F] RESULTS...\n"
	"\n"
	"Compares primitive B with primitive A inside one result set (documents or\n"
	"results directories, measured together): for each configuration that both\n"
	"ran with status ok -- the same workload, threads, placement and workload\n"
	"parameters -- one row per pair of entries, whatever each primitive's own\n"
	"parameters (each side is labelled with those it sets away from their\n"
	"defaults).  Rows are named 'A | B | workload threads parameters' and show\n"
	"what `syncbench compare` shows (see its --help): each side's median with its\n"
	"95% interval and n, the change B/A - 1 with a bootstrap interval, the U\n"
	"test's p and the Benjamini-Hochberg q over all the rows; --metric and\n"
	"--format (text, csv, json) as there.  `ports` pairs every primitive that\n"
	"ports an original (gomutex: go-mutex; ticket: ck-ticket; ...) with it, the\n"
	"original as A: the change is the port's relative to its original's.  The\n"
	"text ends with the fidelity line: how many rows have B/A outside [0.9, 1.1]\n"
	"with an interval that excludes 1.\n"
	"Exit status 0; 2 on bad input.\n";

#define MAX_PAIRS 64
#define MAX_VALUES 1000		/* repetitions read per side */
#define FIDELITY_LO 0.9
#define FIDELITY_HI 1.1

struct pair {
	const struct lock_ops *a, *b;
};

/* Parses SPEC into pairs; 0, or -1 with err. */
static int parse_pairs(char *spec, struct pair *pairs, int *n, char *err, size_t errlen)
{
	*n = 0;
	if (strcmp(spec, "ports") == 0) {
		for (size_t i = 0; i < lock_registry_len && *n < MAX_PAIRS; i++)
			if (lock_registry[i]->original)
				pairs[(*n)++] = (struct pair){ lock_find(lock_registry[i]->original),
							       lock_registry[i] };
		return 0;
	}
	for (char *save = NULL, *item = strtok_r(spec, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (!eq || *n == MAX_PAIRS) {
			snprintf(err, errlen, "--pair: '%s' is not A=B (primitive names; at most %d pairs)",
				 item, MAX_PAIRS);
			return -1;
		}
		*eq = '\0';
		const struct lock_ops *a = lock_find(item), *b = lock_find(eq + 1);
		if (!a || !b || a == b) {
			snprintf(err, errlen, "--pair: '%s=%s' does not name two primitives (see "
				 "syncbench list)", item, eq + 1);
			return -1;
		}
		pairs[(*n)++] = (struct pair){ a, b };
	}
	if (*n)
		return 0;
	snprintf(err, errlen, "--pair needs A=B[,A=B...] or ports");
	return -1;
}

static bool is_own(const struct lock_ops *p, const char *key)
{
	return param_find(p->params, p->nparams, key) >= 0;
}

/* A JSON parameter value as text. */
static void value_text(json_t *v, char *buf, size_t len)
{
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else
		snprintf(buf, len, "%s", json_is_string(v) ? json_string_value(v) : "?");
}

/*
 * What A's and B's entries must share: host, workload, threads, placement
 * and every parameter that is not p's own.  Also writes the workload
 * parameters alone, for the row.
 */
static void config_key(json_t *doc, json_t *e, const struct lock_ops *p, char *key, size_t keylen,
		       char *params, size_t plen)
{
	const char *k;
	json_t *v;
	size_t used = 0;
	params[0] = '\0';
	json_object_foreach(json_object_get(e, "params"), k, v) {
		char text[64];
		if (is_own(p, k) || used >= plen)
			continue;
		value_text(v, text, sizeof(text));
		used += (size_t)snprintf(params + used, plen - used, "%s%s=%s", used ? " " : "", k, text);
	}
	json_t *placement = json_object_get(e, "placement");
	const char *policy = json_string_value(json_object_get(placement, "policy"));
	/* With pairs, each ordered pair of PUs is a configuration of its own. */
	char *pus = policy && strcmp(policy, "pairs") == 0
		? json_dumps(json_object_get(placement, "pus"), JSON_COMPACT) : NULL;
	snprintf(key, keylen, "%s|%s|%lld|%s%s|%s", resultdoc_host(doc),
		 json_string_value(json_object_get(e, "bench")),
		 (long long)json_integer_value(json_object_get(e, "threads")), policy ? policy : "?",
		 pus ? pus : "", params);
	free(pus);
}

/* p's name and the own parameters this entry sets away from their defaults. */
static void side_label(json_t *e, const struct lock_ops *p, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s", p->name);
	for (size_t i = 0; i < p->nparams && used < len; i++) {
		char text[64], def[64];
		value_text(json_object_get(json_object_get(e, "params"), p->params[i].name), text,
			   sizeof(text));
		param_format(&p->params[i], p->params[i].def, def, sizeof(def));
		if (strcmp(text, def) != 0)
			used += (size_t)snprintf(buf + used, len - used, " %s=%s", p->params[i].name, text);
	}
}

/* Entries of primitive p with status ok that measured something: [doc, entry] pairs. */
static json_t *entries_of(json_t *docs, const struct lock_ops *p)
{
	json_t *out = json_array(), *doc, *e;
	size_t d, i;
	json_array_foreach(docs, d, doc) {
		json_array_foreach(json_object_get(doc, "results"), i, e) {
			const char *prim = json_string_value(json_object_get(e, "prim"));
			const char *status = json_string_value(json_object_get(e, "status"));
			if (prim && strcmp(prim, p->name) == 0 && status && strcmp(status, "ok") == 0 &&
			    json_array_size(json_object_get(e, "reps")))
				json_array_append_new(out, json_pack("[O, O]", doc, e));
		}
	}
	return out;
}

struct pairing {
	struct comparison_set set;
	const struct metric *metric;
};

/* One row: "A-label | B-label | workload threads params", both sides' values of the metric. */
static int add_row(struct pairing *pg, const char *label_a, const char *label_b, json_t *ea,
		   json_t *eb, const char *params)
{
	static double a[MAX_VALUES], b[MAX_VALUES];
	char name[1024];
	size_t n = metric_values(pg->metric, ea, a, MAX_VALUES);
	size_t m = metric_values(pg->metric, eb, b, MAX_VALUES);
	snprintf(name, sizeof(name), "%s | %s | %s %lld %s", label_a, label_b,
		 json_string_value(json_object_get(ea, "bench")),
		 (long long)json_integer_value(json_object_get(ea, "threads")), params);
	return n && m ? comparison_set_add(&pg->set, name, a, n, b, m) : 0;
}

/* Every row of one pair; returns how many, or -1 if out of memory. */
static int compare_pair(json_t *docs, const struct pair *pr, struct pairing *pg)
{
	json_t *as = entries_of(docs, pr->a), *bs = entries_of(docs, pr->b), *x, *y;
	size_t i, j, before = pg->set.n;
	int rc = 0;
	json_array_foreach(as, i, x) {
		char key_a[1024], key_b[1024], params[512], other[512], label_a[128], label_b[128];
		json_t *ea = json_array_get(x, 1);
		config_key(json_array_get(x, 0), ea, pr->a, key_a, sizeof(key_a), params, sizeof(params));
		side_label(ea, pr->a, label_a, sizeof(label_a));
		json_array_foreach(bs, j, y) {
			json_t *eb = json_array_get(y, 1);
			config_key(json_array_get(y, 0), eb, pr->b, key_b, sizeof(key_b), other,
				   sizeof(other));
			if (rc == 0 && strcmp(key_a, key_b) == 0) {
				side_label(eb, pr->b, label_b, sizeof(label_b));
				rc = add_row(pg, label_a, label_b, ea, eb, params);
			}
		}
	}
	json_decref(as);
	json_decref(bs);
	return rc ? -1 : (int)(pg->set.n - before);
}

/* The ports' verdict: how many rows differ by more than the fidelity band, surely. */
static void print_fidelity(const struct comparison_set *set)
{
	size_t outside = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct comparison *c = &set->items[i];
		outside += (c->ratio < FIDELITY_LO || c->ratio > FIDELITY_HI) &&
			   (c->ratio_lo > 1 || c->ratio_hi < 1);
	}
	printf("fidelity: %zu of %zu rows have B/A outside [%.1f, %.1f] with a bootstrap interval "
	       "that excludes 1\n", outside, set->n, FIDELITY_LO, FIDELITY_HI);
}

/* Options between the pairs and the results; returns the index of the first result, or -1. */
static int parse_pair_options(int argc, char **argv, struct metric *metric,
			      enum compare_format *format, char *err, size_t len)
{
	int i = 2;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		int rc = -1;
		if (i + 1 == argc)
			snprintf(err, len, "%s needs a value (see syncbench compare --pair --help)", argv[i]);
		else if (strcmp(argv[i], "--metric") == 0)
			rc = metric_parse(argv[i + 1], metric, err, len);
		else if (strcmp(argv[i], "--format") == 0)
			rc = compare_parse_format(argv[i + 1], format, err, len);
		else
			snprintf(err, len, "unknown option %s (accepted: --metric, --format)", argv[i]);
		if (rc != 0)
			return -1;
	}
	if (i == argc) {
		snprintf(err, len, "no results to read after the pairs and options");
		return -1;
	}
	return i;
}

static int bad_pair_input(const char *err)
{
	fprintf(stderr, "syncbench: compare --pair: %s\n", err);
	return 2;
}

int compare_pair_main(int argc, char **argv)
{
	struct pair pairs[MAX_PAIRS];
	char err[1024];
	int npairs;
	struct metric metric;
	enum compare_format format = COMPARE_TEXT;
	metric_parse("ops_per_sec", &metric, NULL, 0);
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		return fputs(pair_usage, stdout) < 0;
	if (argc < 3)
		return bad_pair_input("needs A=B[,A=B...] (or ports) and one or more results "
				      "(see syncbench compare --pair --help)");
	int first = parse_pair_options(argc, argv, &metric, &format, err, sizeof(err));
	if (first < 0 || parse_pairs(argv[1], pairs, &npairs, err, sizeof(err)) != 0)
		return bad_pair_input(err);
	json_t *docs = resultdoc_load_all(&argv[first], argc - first, NULL, err, sizeof(err));
	if (!docs)
		return bad_pair_input(err);
	struct pairing pg = { .metric = &metric };
	struct compare_report r = { .metric = &metric, .label_a = "the first primitive of each row",
				    .label_b = "the second", .alpha = 0.05, .format = format,
				    .warnings = json_array(), .only_a = json_array(),
				    .only_b = json_array(), .not_compared = json_array() };
	int rc = 0;
	for (int i = 0; i < npairs && rc == 0; i++) {
		int rows = compare_pair(docs, &pairs[i], &pg);
		if (rows == 0)
			json_array_append_new(r.warnings, json_sprintf("no configuration has both %s and %s",
					      pairs[i].a->name, pairs[i].b->name));
		rc = rows < 0;
	}
	size_t i;
	json_t *w;
	json_array_foreach(r.warnings, i, w)
		fprintf(stderr, "syncbench: compare --pair: %s\n", json_string_value(w));
	comparison_set_judge(&pg.set, r.alpha, metric.higher_is_better);
	comparison_set_print(stdout, &pg.set, &r);
	if (format == COMPARE_TEXT)
		print_fidelity(&pg.set);
	comparison_set_free(&pg.set);
	json_decref(r.warnings);
	json_decref(r.only_a);
	json_decref(r.only_b);
	json_decref(r.not_compared);
	json_decref(docs);
	return rc;
}
