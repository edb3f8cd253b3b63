#include "cli.h"

#include "external.h"
#include "resultdoc.h"
#include "safefile.h"
#include "suggest.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_THREADS 1024
#define MAX_CONFIGS 100000

const char cli_run_usage[] =
	"usage: syncbench run --bench NAME [--prim LIST] [options] [--then --bench NAME ...]...\n"
	"\n"
	"Runs every combination of primitive x parameter values x thread count.\n"
	"Lists are comma-separated.  Without --out, only the table is printed.\n"
	"--then starts another workload's options: the workloads run as one sweep,\n"
	"their repetitions interleaved, each into its own --out; --interleave,\n"
	"--progress and --dry-run apply to the whole run (give them first).\n"
	"\n"
	"  --bench NAME          workload (see `syncbench list`)\n"
	"  --prim LIST           primitives, or `all` for every listed one; required,\n"
	"                        except for workloads that use none (refused there)\n"
	"  --threads LIST        thread counts (default: the number of PUs)\n"
	"  --set KEY=V[,V...]    a workload or primitive parameter; repeatable\n"
	"  --placement P         where the threads run (default cores; `syncbench plan`\n"
	"                        shows any placement): cores, compact or scatter, each\n"
	"                        optionally confined with @package:N or @numa:N (logical\n"
	"                        index); list:CPUS (OS PU numbers, ranges as taskset:\n"
	"                        0-7,16-23 or 0-15:2); none; pairs (2 threads: every\n"
	"                        ordered pair of PUs)\n"
	"  --mem-node N          bind the lock and the workload's shared data to NUMA node N\n"
	"                        (logical index); default: wherever the kernel puts them\n"
	"  --duration TIME       measured window per repetition (default 1s); TIME is a\n"
	"                        number with a unit (1s, 500ms, 20us) or plain seconds\n"
	"  --warmup TIME         unmeasured run before it (default 200ms)\n"
	"  --reps N              repetitions per configuration (default 3; 6 or more give\n"
	"                        each median its 95% interval)\n"
	"  --interleave TIME     repetitions of the configurations within about TIME of\n"
	"                        planned measuring run round-robin, one child process each,\n"
	"                        in a shuffled order, so that their spread includes the\n"
	"                        machine's drift; 0: back to back (default 60)\n"
	"  --events LIST         counters: default, coherence, none, or libpfm4\n"
	"                        event names (see `syncbench list events`)\n"
	"  --out FILE            write the JSON document there, atomically\n"
	"  --resume              with --out: keep the configurations FILE already holds\n"
	"                        with status ok (same duration, warmup and reps), run\n"
	"                        the rest, and write the whole document to FILE\n"
	"  --dry-run             print `run` or `kept` and each configuration's name, and\n"
	"                        on stderr how many there are and the time they would\n"
	"                        take; measure nothing\n"
	"  --progress MODE       on stderr, the configurations and repetitions done and\n"
	"                        the time left: auto (the default: a line updated in place\n"
	"                        when stderr is a terminal, nothing otherwise), plain (a\n"
	"                        line after each pass of repetitions, for logs), none;\n"
	"                        DONE/TOTAL: plain, counting from DONE of TOTAL\n"
	"  --shard I/N           only every N-th configuration in sweep order, from the\n"
	"                        I-th: N runs with I = 1..N cover the sweep exactly once\n"
	"  --sweep-id ID         name the sweep this run belongs to (context.sweep_id), so\n"
	"                        `syncbench merge` can put the runs of many hosts together\n"
	"  --host NAME           the machine's name in merged results (default: the\n"
	"                        hostname; a Kubernetes pod passes its node's name)\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit status: 0 all passed; 1 a configuration failed, crashed or timed out;\n"
	"2 bad input; 3 the output could not be written; 4 interrupted.\n";

_Noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("syncbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Where the parser's one line goes; the caller decides to exit. */
struct cli_err {
	char *buf;
	size_t len;
};

static int __attribute__((format(printf, 2, 3))) fail(const struct cli_err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->buf, e->len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Splits a comma-separated list in place; rejects empty items.  Returns the count or -1. */
static int split_list(const char *option, char *text, char **items, int max,
		      const struct cli_err *e)
{
	int n = 0;
	if (text[0] == '\0' || text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,"))
		return fail(e, "%s needs a comma-separated list without empty items", option);
	for (char *save = NULL, *p = text;; p = NULL) {
		char *item = strtok_r(p, ",", &save);
		if (!item)
			break;
		if (n == max)
			return fail(e, "%s lists more than %d values", option, max);
		items[n++] = item;
	}
	return n;
}

/* What `all` and the sweeps take: listed, accepted, and (if external) its program there. */
static bool in_all(const struct bench_ops *b, const struct lock_ops *p)
{
	return bench_offers(b, p) && external_available(p);
}

/* The primitives workload b can run on, for messages. */
static void prim_names(const struct bench_ops *b, char *buf, size_t len)
{
	size_t used = 0;
	for (size_t i = 0; i < lock_registry_len && used < len; i++)
		if (bench_offers(b, lock_registry[i]))
			used += (size_t)snprintf(buf + used, len - used, "%s, ",
						 lock_registry[i]->name);
	snprintf(buf + (used < len ? used : len - 1), len - (used < len ? used : len - 1), "all");
}

static void bench_names(char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < bench_registry_len && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 bench_registry[i]->name);
}

/* "did you mean 'lock'? " for a mistyped workload, or "". */
static void bench_hint(const char *word, char *hint, size_t len)
{
	const char *names[bench_registry_len];
	for (size_t i = 0; i < bench_registry_len; i++)
		names[i] = bench_registry[i]->name;
	suggest_phrase(word, names, bench_registry_len, hint, len);
}

/* The same for a primitive that workload b can run on ("" for word: no hint). */
static void prim_hint(const struct bench_ops *b, const char *word, char *hint, size_t len)
{
	const char *names[lock_registry_len];
	size_t n = 0;
	for (size_t i = 0; i < lock_registry_len; i++)
		if (bench_offers(b, lock_registry[i]))
			names[n++] = lock_registry[i]->name;
	suggest_phrase(word, names, n, hint, len);
}

static int add_prim(struct sweep *sw, const struct lock_ops *p, const struct cli_err *e)
{
	for (int i = 0; i < sw->nprims; i++)
		if (sw->prims[i] == p)
			return fail(e, "--prim lists %s twice", p->name);
	sw->prims[sw->nprims++] = p;
	return 0;
}

static int parse_prims(struct sweep *sw, char *text, const struct cli_err *e)
{
	char *items[SWEEP_MAX_VALUES], names[1024], hint[128];
	int n = split_list("--prim", text, items, SWEEP_MAX_VALUES, e);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (strcmp(items[i], "all") == 0) {
			for (size_t k = 0; k < lock_registry_len; k++)
				if (in_all(sw->bench, lock_registry[k]) &&
				    add_prim(sw, lock_registry[k], e) != 0)
					return -1;
			continue;
		}
		const struct lock_ops *p = lock_find(items[i]);
		if (!p || !bench_accepts(sw->bench, p)) {
			prim_names(sw->bench, names, sizeof(names));
			prim_hint(sw->bench, p ? "" : items[i], hint, sizeof(hint));
			return fail(e, "%s%s primitive '%s' for workload %s (%saccepted: %s)",
				    p ? bench_refusal(sw->bench, p) : "unknown", p ? ":" : "", items[i],
				    sw->bench->name, hint, names);
		}
		if (add_prim(sw, p, e) != 0)
			return -1;
	}
	return 0;
}

static int parse_count(const char *option, const char *text, long min, long max, long *out,
		       const struct cli_err *e)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (end == text || *end || errno || v < min || v > max)
		return fail(e, "%s: '%s' is not a whole number in [%ld, %ld]", option, text, min,
			    max);
	*out = v;
	return 0;
}

static int parse_thread_list(char *text, int *threads, const struct cli_err *e)
{
	char *items[SWEEP_MAX_VALUES];
	int n = split_list("--threads", text, items, SWEEP_MAX_VALUES, e);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		long v;
		if (parse_count("--threads", items[i], 1, MAX_THREADS, &v, e) != 0)
			return -1;
		for (int k = 0; k < i; k++)
			if (threads[k] == v)
				return fail(e, "--threads lists %ld twice", v);
		threads[i] = (int)v;
	}
	return n;
}

int cli_parse_threads(char *text, int *threads, char *err, size_t errlen)
{
	const struct cli_err e = { err, errlen };
	return parse_thread_list(text, threads, &e);
}

static int parse_threads(struct sweep *sw, char *text, const struct cli_err *e)
{
	sw->nthreads = parse_thread_list(text, sw->threads, e);
	return sw->nthreads < 0 ? -1 : 0;
}

/*
 * A duration: a number with a unit (1s, 500ms, 20us, 40ns: parse_time_ns)
 * or a plain number of seconds, as before units were accepted.
 */
static int parse_duration(const char *option, const char *text, double min, double max,
			  double *out, const struct cli_err *e)
{
	char *end;
	double ns, v;
	errno = 0;
	if (parse_time_ns(text, &ns) == 0) {
		v = ns / 1e9;
	} else {
		v = strtod(text, &end);
		if (end == text || *end || errno)
			v = NAN;
	}
	if (!isfinite(v) || v < min || v > max)
		return fail(e, "%s: '%s' is not a duration in [%g s, %g s] (accepted: a number "
			    "with a unit, as 1s, 500ms, 20us, or plain seconds)", option, text, min,
			    max);
	*out = v;
	return 0;
}

/* The declaration of key among the workload's and the chosen primitives'. */
static const struct param_decl *find_decl(const struct sweep *sw, const char *key)
{
	int i = param_find(sw->bench->params, sw->bench->nparams, key);
	if (i >= 0)
		return &sw->bench->params[i];
	for (int p = 0; p < sw->nprims; p++) {
		i = param_find(sw->prims[p]->params, sw->prims[p]->nparams, key);
		if (i >= 0)
			return &sw->prims[p]->params[i];
	}
	return NULL;
}

static void declared_keys(const struct sweep *sw, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sw->bench->nparams && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 sw->bench->params[i].name);
	for (int p = 0; p < sw->nprims; p++)
		for (size_t i = 0; i < sw->prims[p]->nparams && used < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
						 sw->prims[p]->params[i].name);
	if (!buf[0])
		snprintf(buf, len, "none");
}

static void param_hint(const struct sweep *sw, const char *word, char *hint, size_t len)
{
	const char *names[MAX_PARAMS * (SWEEP_MAX_VALUES + 1)];
	size_t n = 0;
	for (size_t i = 0; i < sw->bench->nparams; i++)
		names[n++] = sw->bench->params[i].name;
	for (int p = 0; p < sw->nprims; p++)
		for (size_t i = 0; i < sw->prims[p]->nparams; i++)
			names[n++] = sw->prims[p]->params[i].name;
	suggest_phrase(word, names, n, hint, len);
}

static int parse_set(struct sweep *sw, char *text, const struct cli_err *e)
{
	char *eq = strchr(text, '=');
	char keys[1024], err[512], hint[128];
	if (!eq || eq == text)
		return fail(e, "--set '%s' is not KEY=V[,V...]", text);
	*eq = '\0';
	const struct param_decl *d = find_decl(sw, text);
	if (!d) {
		declared_keys(sw, keys, sizeof(keys));
		param_hint(sw, text, hint, sizeof(hint));
		return fail(e, "--set %s: no such parameter of workload %s or the chosen primitives "
			    "(%saccepted: %s)", text, sw->bench->name, hint, keys);
	}
	for (int k = 0; k < sw->nsets; k++)
		if (strcmp(sw->sets[k].name, d->name) == 0)
			return fail(e, "--set %s is given twice; list its values in one --set",
				    d->name);

	struct param_sweep *ps = &sw->sets[sw->nsets++];
	char *items[SWEEP_MAX_VALUES];
	ps->name = d->name;
	ps->nvalues = split_list("--set", eq + 1, items, SWEEP_MAX_VALUES, e);
	if (ps->nvalues < 0)
		return -1;
	for (int i = 0; i < ps->nvalues; i++) {
		if (param_parse(d, items[i], &ps->values[i], err, sizeof(err)) != 0)
			return fail(e, "--set %s", err);
		double ns;
		ps->asked_ns[i] = d->type == PARAM_WORK && parse_time_ns(items[i], &ns) == 0 ? ns : 0;
		for (int k = 0; k < i; k++)
			if (ps->values[k] == ps->values[i])
				return fail(e, "--set %s: %s and %s are the same value here (%lld)", d->name,
					    items[k], items[i], (long long)ps->values[i]);
	}
	return 0;
}

/*
 * Without --prim, whether some combination of the workload's --set values
 * uses a primitive (bench_uses_prim()); every --set is then the workload's.
 */
static bool some_config_uses_prim(const struct sweep *sw)
{
	int digit[2 * MAX_PARAMS] = { 0 };
	int64_t params[MAX_PARAMS];
	for (;;) {
		param_defaults(sw->bench->params, sw->bench->nparams, params);
		for (int k = 0; k < sw->nsets; k++)
			params[param_find(sw->bench->params, sw->bench->nparams, sw->sets[k].name)] =
				sw->sets[k].values[digit[k]];
		if (bench_uses_prim(sw->bench, params))
			return true;
		int k = sw->nsets - 1;
		while (k >= 0 && ++digit[k] == sw->sets[k].nvalues)
			digit[k--] = 0;
		if (k < 0)
			return false;
	}
}

int cli_check_output(const char *path, char *err, size_t errlen)
{
	const struct cli_err e = { err, errlen };
	struct stat st;
	if (path[0] == '\0')
		return fail(&e, "--out needs a file name");
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return fail(&e, "--out %s is a directory; give a file name", path);
	/* The file is replaced by rename: never a device, FIFO or socket that happens to be there. */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return fail(&e, "--out %s is not a regular file; give a file name", path);
	if (strlen(path) >= PATH_MAX)
		return fail(&e, "--out: the file name is longer than %d bytes", PATH_MAX);
	char why[PATH_MAX + 128];
	if (safefile_check_dir(path, why, sizeof(why)) != 0)
		return fail(&e, "--out: %s", why);
	return 0;
}

static int parse_mem_node(const char *text, const struct topo *t, struct run_settings *s,
			  const struct cli_err *e)
{
	long node;
	char err[256];
	if (parse_count("--mem-node", text, 0, INT_MAX, &node, e) != 0)
		return -1;
	if (topo_check_mem_node(t, (int)node, err, sizeof(err)) != 0)
		return fail(e, "%s", err);
	s->mem_bound = true;
	s->mem_node = (int)node;
	return 0;
}

/* Every thread count must get a PU assignment; returns the most any one gets. */
static int check_placement(const struct sweep *sw, const struct topo *t,
			   const struct placement *p, const struct cli_err *e)
{
	int most = 1;
	for (int i = 0; i < sw->nthreads; i++) {
		int n = placement_variants(t, p, sw->threads[i]);
		if (n == 0)
			return fail(e, "--placement pairs runs exactly 2 threads on 2 distinct PUs, "
				    "not %d threads on %d PUs (accepted: --threads 2)",
				    sw->threads[i], topo_pu_count(t));
		most = n > most ? n : most;
	}
	return most;
}

static int check_config_count(const struct sweep *sw, int variants, const struct cli_err *e)
{
	/* A workload without a primitive runs each combination once. */
	double n = (double)(sw->nprims ? sw->nprims : 1) * sw->nthreads * variants;
	for (int k = 0; k < sw->nsets; k++)
		n *= sw->sets[k].nvalues;
	if (n > MAX_CONFIGS)
		return fail(e, "the sweep has %.0f configurations; at most %d are accepted", n,
			    MAX_CONFIGS);
	return 0;
}

static int parse_progress(const char *text, struct sweep_output *out, const struct cli_err *e)
{
	static const char *const modes[] = { "auto", "plain", "none" };
	const char *slash = strchr(text, '/');
	char done[32], hint[64];
	long total, finished;
	for (int m = 0; m < 3; m++) {
		if (strcmp(text, modes[m]) == 0) {
			out->progress = (enum progress_mode)m;
			return 0;
		}
	}
	if (!slash || (size_t)(slash - text) >= sizeof(done)) {
		suggest_phrase(text, modes, 3, hint, sizeof(hint));
		return fail(e, "--progress: '%s' is not a mode or DONE/TOTAL (%saccepted: auto, "
			    "plain, none, DONE/TOTAL)", text, hint);
	}
	memcpy(done, text, (size_t)(slash - text));
	done[slash - text] = '\0';
	if (parse_count("--progress TOTAL", slash + 1, 1, INT_MAX, &total, e) != 0 ||
	    parse_count("--progress DONE", done, 0, total, &finished, e) != 0)
		return -1;
	out->progress = PROGRESS_PLAIN;
	out->progress_total = (int)total;
	out->progress_done = (int)finished;
	return 0;
}

static int parse_shard(const char *text, struct sweep_output *out, const struct cli_err *e)
{
	char index[32];
	long count, i;
	const char *slash = strchr(text, '/');
	if (!slash || (size_t)(slash - text) >= sizeof(index))
		return fail(e, "--shard: '%s' is not I/N (e.g. 2/4: the second of 4 shards)", text);
	memcpy(index, text, (size_t)(slash - text));
	index[slash - text] = '\0';
	if (parse_count("--shard N", slash + 1, 1, MAX_CONFIGS, &count, e) != 0 ||
	    parse_count("--shard I", index, 1, count, &i, e) != 0)
		return -1;
	out->shard_index = (int)i;
	out->shard_count = (int)count;
	return 0;
}

/* A sweep id or a host name ends up in file names (merge writes HOST.WORKLOAD.json). */
static int parse_label(const char *option, const char *text, const char **out,
		       const struct cli_err *e)
{
	if (!resultdoc_label_ok(text))
		return fail(e, "%s: '%s' is not 1 to 128 letters, digits, '.', '_' or '-' "
			    "(not starting with '.')", option, text);
	*out = text;
	return 0;
}

int cli_load_previous(struct sweep_output *out, char *err, size_t errlen)
{
	char why[512];
	if (access(out->path, F_OK) != 0)
		return 0;
	out->previous = resultdoc_load(out->path, why, sizeof(why));
	if (!out->previous)
		snprintf(err, errlen, "--resume: %s", why);
	return out->previous ? 0 : -1;
}

enum { OPT_BENCH = 256, OPT_PRIM, OPT_THREADS, OPT_SET, OPT_PLACEMENT, OPT_DURATION,
       OPT_WARMUP, OPT_REPS, OPT_INTERLEAVE, OPT_EVENTS, OPT_OUT, OPT_RESUME, OPT_DRY_RUN,
       OPT_PROGRESS, OPT_SHARD, OPT_SWEEP_ID, OPT_HOST, OPT_MEM_NODE, OPT_HELP };

static const struct option run_options[] = {
	{ "bench", required_argument, NULL, OPT_BENCH },
	{ "prim", required_argument, NULL, OPT_PRIM },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "set", required_argument, NULL, OPT_SET },
	{ "placement", required_argument, NULL, OPT_PLACEMENT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "reps", required_argument, NULL, OPT_REPS },
	{ "interleave", required_argument, NULL, OPT_INTERLEAVE },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "sweep-id", required_argument, NULL, OPT_SWEEP_ID },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "mem-node", required_argument, NULL, OPT_MEM_NODE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* An option getopt did not take: unknown (the closest is suggested), or missing its value. */
static int unknown_option(const char *typed, const struct cli_err *e)
{
	char why[256];
	suggest_option_error(typed, run_options, why, sizeof(why));
	return fail(e, "run: %s (see syncbench run --help)", why);
}

struct raw_args {
	char *bench, *prim, *threads, *placement, *events, *mem_node;
	int nsets;
	char *sets[2 * MAX_PARAMS];
};

/* One option as getopt_long returned it (typed: as written); returns 0, CLI_HELP or -1. */
static int take_option(int c, const char *arg, const char *typed, struct raw_args *raw,
		       struct run_request *req, const struct cli_err *e)
{
	struct run_settings *s = &req->settings;
	long reps;

	switch (c) {
	case OPT_BENCH: raw->bench = (char *)arg; return 0;
	case OPT_PRIM: raw->prim = (char *)arg; return 0;
	case OPT_THREADS: raw->threads = (char *)arg; return 0;
	case OPT_PLACEMENT: raw->placement = (char *)arg; return 0;
	case OPT_EVENTS: raw->events = (char *)arg; return 0;
	case OPT_MEM_NODE: raw->mem_node = (char *)arg; return 0;
	case OPT_OUT: req->output.path = arg; return 0;
	case OPT_RESUME: req->resume = 1; return 0;
	case OPT_DRY_RUN: req->output.dry_run = 1; return 0;
	case OPT_PROGRESS: return parse_progress(arg, &req->output, e);
	case OPT_SHARD: return parse_shard(arg, &req->output, e);
	case OPT_SWEEP_ID: return parse_label("--sweep-id", arg, &req->sweep_id, e);
	case OPT_HOST: return parse_label("--host", arg, &req->host, e);
	case OPT_HELP:
	case 'h': return CLI_HELP;
	case OPT_SET:
		if (raw->nsets == 2 * MAX_PARAMS)
			return fail(e, "at most %d --set options are accepted", 2 * MAX_PARAMS);
		raw->sets[raw->nsets++] = (char *)arg;
		return 0;
	case OPT_DURATION:
		return parse_duration("--duration", arg, 0.001, 3600, &s->duration_s, e);
	case OPT_WARMUP:
		return parse_duration("--warmup", arg, 0, 3600, &s->warmup_s, e);
	case OPT_REPS:
		if (parse_count("--reps", arg, 1, 1000, &reps, e) != 0)
			return -1;
		s->reps = (int)reps;
		return 0;
	case OPT_INTERLEAVE:
		return parse_duration("--interleave", arg, 0, 86400, &req->sweep.interleave_s, e);
	default:
		return unknown_option(typed, e);
	}
}

static int read_options(int argc, char **argv, struct raw_args *raw, struct run_request *req,
			const struct cli_err *e)
{
	opterr = 0;
	/* 0, not 1: also resets getopt's state inside a half-read argument. */
	optind = 0;
	for (;;) {
		int c = getopt_long(argc, argv, "h", run_options, NULL);
		if (c == -1)
			break;
		int r = take_option(c, optarg, argv[optind - 1], raw, req, e);
		if (r != 0)
			return r;
	}
	if (optind < argc)
		return fail(e, "run: unexpected argument '%s' (see syncbench run --help)",
			    argv[optind]);
	return 0;
}

/* The options read, checked and resolved against the registries and the machine. */
static int resolve(struct raw_args *raw, const struct topo *t, struct run_request *req,
		   const struct cli_err *e)
{
	struct sweep *sw = &req->sweep;
	char names[1024], err[512], hint[128];

	bench_names(names, sizeof(names));
	if (!raw->bench)
		return fail(e, "run: --bench is required (accepted: %s)", names);
	sw->bench = bench_find(raw->bench);
	if (!sw->bench) {
		bench_hint(raw->bench, hint, sizeof(hint));
		return fail(e, "unknown workload '%s' (%saccepted: %s)", raw->bench, hint, names);
	}
	if (sw->bench->needs == NEEDS_NOTHING && raw->prim)
		return fail(e, "run: workload %s uses no primitive; leave out --prim",
			    sw->bench->name);
	if (sw->bench->needs != NEEDS_NOTHING && !raw->prim && !sw->bench->uses_prim) {
		prim_names(sw->bench, names, sizeof(names));
		return fail(e, "run: --prim is required (accepted: %s)", names);
	}
	if (raw->prim && parse_prims(sw, raw->prim, e) != 0)
		return -1;
	if (raw->threads) {
		if (parse_threads(sw, raw->threads, e) != 0)
			return -1;
	} else {
		sw->threads[0] = topo_pu_count(t);
		sw->nthreads = 1;
	}
	for (int i = 0; i < raw->nsets; i++)
		if (parse_set(sw, raw->sets[i], e) != 0)
			return -1;
	if (sw->bench->needs != NEEDS_NOTHING && !raw->prim && some_config_uses_prim(sw)) {
		prim_names(sw->bench, names, sizeof(names));
		return fail(e, "run: --prim is required: some configurations of %s run on a primitive "
			    "(accepted: %s)", sw->bench->name, names);
	}
	if (placement_parse(t, raw->placement ? raw->placement : "cores",
			    &req->settings.placement, err, sizeof(err)) != 0)
		return fail(e, "--placement: %s", err);
	if (raw->mem_node && parse_mem_node(raw->mem_node, t, &req->settings, e) != 0)
		return -1;
	int variants = check_placement(sw, t, &req->settings.placement, e);
	if (variants < 0 || check_config_count(sw, variants, e) != 0)
		return -1;
	if (sweep_validate(sw, err, sizeof(err)) != 0 || external_validate(sw, err, sizeof(err)) != 0)
		return fail(e, "%s", err);
	if (counters_resolve(raw->events ? raw->events : "default", &req->events, err, sizeof(err)))
		return fail(e, "%s", err);
	req->settings.events = &req->events;
	if (req->resume && !req->output.path)
		return fail(e, "--resume needs --out FILE");
	return 0;
}

int cli_parse_run(int argc, char **argv, const struct topo *t, struct run_request *req,
		  char *err, size_t errlen)
{
	const struct cli_err e = { err, errlen };
	struct raw_args raw = { 0 };

	memset(req, 0, sizeof(*req));
	req->settings = (struct run_settings){ .topo = t, .duration_s = 1, .warmup_s = 0.2,
					       .min_ops = RUN_MIN_OPS,
					       .reps = 3 };
	req->sweep.interleave_s = CLI_DEFAULT_INTERLEAVE_S;
	int r = read_options(argc, argv, &raw, req, &e);
	return r != 0 ? r : resolve(&raw, t, req, &e);
}

static void print_params(FILE *f, const struct param_decl *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char def[64], range[256];
		param_format(&d[i], d[i].def, def, sizeof(def));
		param_describe_range(&d[i], range, sizeof(range));
		fprintf(f, "      %-14s default %-8s accepted %-18s %s\n", d[i].name, def, range,
			d[i].help);
	}
}

/* The workloads an external reference runs. */
static void print_external(FILE *f, const struct external_ref *x)
{
	fprintf(f, "      run by %s, under", x->program);
	for (const struct external_workload *w = x->workloads; w->bench; w++)
		fprintf(f, "%s %s", w == x->workloads ? "" : ",", w->bench);
	fputc('\n', f);
}

void cli_print_list(FILE *f, const struct topo *t, bool include_test_only)
{
	fprintf(f, "workloads (--bench), with their parameters (--set KEY=V,...):\n");
	for (size_t i = 0; i < bench_registry_len; i++) {
		const struct bench_ops *b = bench_registry[i];
		fprintf(f, "  %-16s %s%s\n", b->name, b->summary,
			b->needs == NEEDS_NOTHING ? " [no primitive: no --prim]" :
			b->needs == NEEDS_CHAN ? " [channel primitives]" :
			b->needs == NEEDS_CHAN_SELECT ? " [channel primitives with select]" : "");
		print_params(f, b->params, b->nparams);
	}
	fprintf(f, "\nprimitives (--prim), with their parameters:\n");
	for (size_t i = 0; i < lock_registry_len; i++) {
		const struct lock_ops *p = lock_registry[i];
		if (!lock_listed(p) && !include_test_only)
			continue;
		fprintf(f, "  %-16s %s%s%s%s%s%s%s\n", p->name, p->summary,
			p->chan ? " [channel]" : "",
			p->rlock ? " [reader-writer]" : "",
			p->flags & LOCK_NO_EXCLUSION ? " [no exclusion]" : "",
			p->flags & LOCK_UNBOUNDED_WAIT ? " [unbounded wait]" : "",
			p->external ? " [external]" : "",
			external_available(p) ? "" : " [missing: not built]");
		if (p->external)
			print_external(f, p->external);
		print_params(f, p->params, p->nparams);
	}
	fprintf(f, "\nplacements (--placement): %s\n", PLACEMENT_HELP);
	fprintf(f, "this machine: %d PUs available to this process\n", topo_pu_count(t));
}

/* Whether name is one of the comma-separated names in list. */
static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

/*
 * Whether a sweep of b measures p: a real lock or channel it can run on,
 * no test-only one, an external one only if its program is there; of
 * those, one of the workload's sweep_prims if it names some.
 */
static bool swept_prim(const struct bench_ops *b, const struct lock_ops *p)
{
	return in_all(b, p) && !(p->flags & LOCK_NO_EXCLUSION) &&
	       (!b->sweep_prims || listed(b->sweep_prims, p->name));
}

static void print_sweep_prims(FILE *f, const struct bench_ops *b)
{
	int n = 0;
	if (b->needs == NEEDS_NOTHING) {
		fputc('-', f);
		return;
	}
	for (size_t i = 0; i < lock_registry_len; i++) {
		const struct lock_ops *p = lock_registry[i];
		if (swept_prim(b, p))
			fprintf(f, "%s%s", n++ ? "," : "", p->name);
	}
}

/* Whether the workload, or a primitive its sweep measures, declares the parameter. */
static bool swept_param(const struct bench_ops *b, const char *name, size_t len)
{
	char key[64];
	snprintf(key, sizeof(key), "%.*s", (int)len, name);
	if (param_find(b->params, b->nparams, key) >= 0)
		return true;
	for (size_t i = 0; b->needs != NEEDS_NOTHING && i < lock_registry_len; i++)
		if (swept_prim(b, lock_registry[i]) &&
		    param_find(lock_registry[i]->params, lock_registry[i]->nparams, key) >= 0)
			return true;
	return false;
}

/*
 * The sweep's sets, less those naming a parameter of no primitive it
 * measures (mode, when the Go references are not built): "-" if none.
 */
static void print_sweep_sets(FILE *f, const struct bench_ops *b, const char *sets)
{
	int n = 0;
	for (const char *w = sets; w && *w;) {
		size_t len = strcspn(w, " ");
		if (swept_param(b, w, strcspn(w, "=")))
			fprintf(f, "%s%.*s", n++ ? " " : "", (int)len, w);
		w += len + strspn(w + len, " ");
	}
	if (!n)
		fputc('-', f);
}

void cli_print_sweep_plan(FILE *f)
{
	for (size_t i = 0; i < bench_registry_len; i++) {
		const struct bench_ops *b = bench_registry[i];
		fprintf(f, "%s\t%s\t", b->name, b->flags & BENCH_CHECK_ONLY ? "check" : "sweep");
		print_sweep_prims(f, b);
		const char *full = b->sweep_sets_full ? b->sweep_sets_full : b->sweep_sets;
		/* "-" for an empty field: shells collapse runs of tabs when splitting. */
		fputc('\t', f);
		print_sweep_sets(f, b, b->sweep_sets);
		fputc('\t', f);
		print_sweep_sets(f, b, full);
		fprintf(f, "\t%s\n", b->sweep_threads ? b->sweep_threads : "-");
	}
}
