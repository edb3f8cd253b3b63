/*
 * `syncbench compare --pair A=B[,A=B...] RESULTS...`: two primitives
 * inside one result set, configuration by configuration: the entries of A
 * and of B with the same workload, threads, placement and workload
 * parameters (host too, in a merged set), whatever each primitive's own
 * parameters are; each such (A, B) is a row, labelled with the own
 * parameters that differ from their defaults (so go-mutex mode=goroutines
 * and go-mutex are two rows).  The row has each side's median ops/s with
 * its own interval, B/A with its bootstrap interval and the U test's p, as
 * `compare A B` computes them (compare.c).  `--pair ports` pairs every
 * primitive that names its original (lock_ops.original) with it, original
 * as A: B/A is then the port's throughput relative to the original's.
 */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../locks/lock.h"
#include "resultdoc.h"
#include "stats.h"

static const char pair_usage[] =
	"usage: syncbench compare --pair A=B[,A=B...] RESULTS...\n"
	"       syncbench compare --pair ports RESULTS...\n"
	"\n"
	"Compares primitive B with primitive A inside one result set (documents or\n"
	"results directories, measured together): for each configuration that both\n"
	"ran with status ok -- the same workload, threads, placement and workload\n"
	"parameters -- one row per pair of entries, whatever each primitive's own\n"
	"parameters (each side is labelled with those it sets away from their\n"
	"defaults).  A row has each side's median ops/s with its own 95% interval,\n"
	"the ratio B/A with a 95% percentile-bootstrap interval, and the two-sided\n"
	"p of a Mann-Whitney U test over the repetitions, as `syncbench compare`\n"
	"computes them; '*' marks p < 0.05, and '!' a ratio outside [0.9, 1.1]\n"
	"whose interval excludes 1.  `ports` pairs every primitive that ports an\n"
	"original (gomutex: go-mutex; ticket: ck-ticket; ...) with it, the original\n"
	"as A: B/A is the port's throughput relative to its original's.\n"
	"Exit status 0; 2 on bad input.\n";

#define MAX_PAIRS 64
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

struct pair_tally {
	int rows, outside;
	double log_sum;
};

static void print_row(const char *label_a, const char *label_b, json_t *ea, json_t *eb,
		      const char *params, struct pair_tally *t)
{
	double a[1000], b[1000], lo, hi;
	size_t n = rep_rates(ea, a, 1000), m = rep_rates(eb, b, 1000);
	struct summary sa, sb;
	char ia[32], ib[32], config[640];
	summarize(a, n, &sa);
	summarize(b, m, &sb);
	double ratio = sb.median / sa.median, p = mann_whitney_p(a, n, b, m);
	ratio_interval(a, n, b, m, &lo, &hi);
	side_interval(&sa, ia, sizeof(ia));
	side_interval(&sb, ib, sizeof(ib));
	bool outside = (ratio < FIDELITY_LO || ratio > FIDELITY_HI) && (lo > 1 || hi < 1);
	snprintf(config, sizeof(config), "%s %lld %s", json_string_value(json_object_get(ea, "bench")),
		 (long long)json_integer_value(json_object_get(ea, "threads")), params);
	printf("%-26s %-26s %-44s %10.4g %-17s %10.4g %-17s %7.3f [%6.3f, %6.3f] %7.4f %s%s\n",
	       label_a, label_b, config, sa.median, ia, sb.median, ib, ratio, lo, hi, p,
	       p < 0.05 ? "*" : "", outside ? "!" : "");
	t->rows++;
	t->outside += outside;
	t->log_sum += log(ratio);
}

/* Every row of one pair; returns how many. */
static int compare_pair(json_t *docs, const struct pair *pr, struct pair_tally *t)
{
	json_t *as = entries_of(docs, pr->a), *bs = entries_of(docs, pr->b), *x, *y;
	size_t i, j;
	int rows = t->rows;
	json_array_foreach(as, i, x) {
		char key_a[1024], key_b[1024], params[512], other[512], label_a[128], label_b[128];
		json_t *ea = json_array_get(x, 1);
		config_key(json_array_get(x, 0), ea, pr->a, key_a, sizeof(key_a), params, sizeof(params));
		side_label(ea, pr->a, label_a, sizeof(label_a));
		json_array_foreach(bs, j, y) {
			json_t *eb = json_array_get(y, 1);
			config_key(json_array_get(y, 0), eb, pr->b, key_b, sizeof(key_b), other,
				   sizeof(other));
			if (strcmp(key_a, key_b) != 0)
				continue;
			side_label(eb, pr->b, label_b, sizeof(label_b));
			print_row(label_a, label_b, ea, eb, params, t);
		}
	}
	json_decref(as);
	json_decref(bs);
	return t->rows - rows;
}

int compare_pair_main(int argc, char **argv)
{
	struct pair pairs[MAX_PAIRS];
	char err[1024];
	int npairs;
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		return fputs(pair_usage, stdout), 0;
	if (argc < 3) {
		fprintf(stderr, "syncbench: compare --pair needs A=B[,A=B...] (or ports) and one or more "
			"results (see syncbench compare --pair --help)\n");
		return 2;
	}
	if (parse_pairs(argv[1], pairs, &npairs, err, sizeof(err)) != 0) {
		fprintf(stderr, "syncbench: compare %s\n", err);
		return 2;
	}
	json_t *docs = resultdoc_load_all(&argv[2], argc - 2, NULL, err, sizeof(err));
	if (!docs) {
		fprintf(stderr, "syncbench: compare: %s\n", err);
		return 2;
	}
	struct pair_tally t = { 0 };
	printf("%-26s %-26s %-44s %10s %-17s %10s %-17s %7s %-16s %7s\n", "A", "B",
	       "workload threads params", "A ops/s", "A 95% CI", "B ops/s", "B 95% CI", "B/A",
	       "[95% CI]", "p");
	for (int i = 0; i < npairs; i++)
		if (compare_pair(docs, &pairs[i], &t) == 0)
			printf("no configuration has both %s and %s\n", pairs[i].a->name, pairs[i].b->name);
	printf("summary: %d rows; %d outside [%.1f, %.1f] with an interval that excludes 1; geometric "
	       "mean of B/A %.4f\n", t.rows, t.outside, FIDELITY_LO, FIDELITY_HI,
	       t.rows ? exp(t.log_sum / t.rows) : NAN);
	json_decref(docs);
	return 0;
}
