#include "cli.h"

#include "resultdoc.h"

#include <errno.h>
#include <fcntl.h>
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

static const char run_usage[] =
	"usage: syncbench run --bench NAME --prim LIST [options]\n"
	"\n"
	"Runs every combination of primitive x parameter values x thread count.\n"
	"Lists are comma-separated.  Without --out, only the table is printed.\n"
	"\n"
	"  --bench NAME          workload (see `syncbench list`)\n"
	"  --prim LIST           primitives, or `all` for every listed one\n"
	"  --threads LIST        thread counts (default: the number of PUs)\n"
	"  --set KEY=V[,V...]    a workload or primitive parameter; repeatable\n"
	"  --placement P         " PLACEMENT_HELP " (default compact)\n"
	"  --duration SECONDS    measured window per repetition (default 1)\n"
	"  --warmup SECONDS      unmeasured run before it (default 0.2)\n"
	"  --reps N              repetitions per configuration (default 3)\n"
	"  --events LIST         counters: default, coherence, none, or libpfm4\n"
	"                        event names (see `syncbench list events`)\n"
	"  --out FILE            write the JSON document there, atomically\n"
	"  --resume              with --out: keep the configurations FILE already holds\n"
	"                        with status ok (same duration, warmup and reps), run\n"
	"                        the rest, and write the whole document to FILE\n"
	"  --dry-run             print `run` or `kept` and each configuration's name;\n"
	"                        measure nothing\n"
	"  --progress DONE/TOTAL after each configuration measured, print on stderr how many of\n"
	"                        TOTAL are done (counting from DONE) and the time left\n"
	"  --help                this text\n"
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

/* Splits a comma-separated list in place; rejects empty items. */
static int split_list(const char *option, char *text, char **items, int max)
{
	int n = 0;
	if (text[0] == '\0' || text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,"))
		usage_error("%s needs a comma-separated list without empty items", option);
	for (char *save = NULL, *p = text;; p = NULL) {
		char *item = strtok_r(p, ",", &save);
		if (!item)
			break;
		if (n == max)
			usage_error("%s lists more than %d values", option, max);
		items[n++] = item;
	}
	return n;
}

static void prim_names(char *buf, size_t len)
{
	size_t used = 0;
	for (size_t i = 0; i < lock_registry_len && used < len; i++)
		if (!(lock_registry[i]->flags & LOCK_TEST_ONLY))
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

static void add_prim(struct sweep *sw, const struct lock_ops *p)
{
	for (int i = 0; i < sw->nprims; i++)
		if (sw->prims[i] == p)
			usage_error("--prim lists %s twice", p->name);
	sw->prims[sw->nprims++] = p;
}

static void parse_prims(struct sweep *sw, char *text)
{
	char *items[SWEEP_MAX_VALUES], names[1024];
	int n = split_list("--prim", text, items, SWEEP_MAX_VALUES);
	for (int i = 0; i < n; i++) {
		if (strcmp(items[i], "all") == 0) {
			for (size_t k = 0; k < lock_registry_len; k++)
				if (!(lock_registry[k]->flags & LOCK_TEST_ONLY))
					add_prim(sw, lock_registry[k]);
			continue;
		}
		const struct lock_ops *p = lock_find(items[i]);
		if (!p) {
			prim_names(names, sizeof(names));
			usage_error("unknown primitive '%s' (accepted: %s)", items[i], names);
		}
		add_prim(sw, p);
	}
}

static long parse_count(const char *option, const char *text, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (end == text || *end || errno || v < min || v > max)
		usage_error("%s: '%s' is not a whole number in [%ld, %ld]", option, text, min, max);
	return v;
}

static void parse_threads(struct sweep *sw, char *text)
{
	char *items[SWEEP_MAX_VALUES];
	int n = split_list("--threads", text, items, SWEEP_MAX_VALUES);
	for (int i = 0; i < n; i++) {
		long v = parse_count("--threads", items[i], 1, MAX_THREADS);
		for (int k = 0; k < i; k++)
			if (sw->threads[k] == v)
				usage_error("--threads lists %ld twice", v);
		sw->threads[i] = (int)v;
	}
	sw->nthreads = n;
}

static double parse_seconds(const char *option, const char *text, double min, double max)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end || errno || !isfinite(v) || v < min || v > max)
		usage_error("%s: '%s' is not a number of seconds in [%g, %g]", option, text, min, max);
	return v;
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

static void parse_set(struct sweep *sw, char *text)
{
	char *eq = strchr(text, '=');
	char keys[1024], err[512];
	if (!eq || eq == text)
		usage_error("--set '%s' is not KEY=V[,V...]", text);
	*eq = '\0';
	const struct param_decl *d = find_decl(sw, text);
	if (!d) {
		declared_keys(sw, keys, sizeof(keys));
		usage_error("--set %s: no such parameter of workload %s or the chosen primitives (accepted: %s)",
			    text, sw->bench->name, keys);
	}
	for (int k = 0; k < sw->nsets; k++)
		if (strcmp(sw->sets[k].name, d->name) == 0)
			usage_error("--set %s is given twice; list its values in one --set", d->name);

	struct param_sweep *ps = &sw->sets[sw->nsets++];
	char *items[SWEEP_MAX_VALUES];
	ps->name = d->name;
	ps->nvalues = split_list("--set", eq + 1, items, SWEEP_MAX_VALUES);
	for (int i = 0; i < ps->nvalues; i++) {
		if (param_parse(d, items[i], &ps->values[i], err, sizeof(err)) != 0)
			usage_error("--set %s", err);
		for (int k = 0; k < i; k++)
			if (ps->values[k] == ps->values[i])
				usage_error("--set %s lists %s twice", d->name, items[i]);
	}
}

/* Fails now, not after an hour of measuring, if the result cannot be written. */
static void check_writable(const char *path)
{
	struct stat st;
	if (path[0] == '\0')
		usage_error("--out needs a file name");
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		usage_error("--out %s is a directory; give a file name", path);
	char probe[PATH_MAX + 32];
	if (strlen(path) >= PATH_MAX)
		usage_error("--out: the file name is longer than %d bytes", PATH_MAX);
	snprintf(probe, sizeof(probe), "%s.tmp.%ld", path, (long)getpid());
	int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		usage_error("cannot write --out %s: %s", path, strerror(errno));
	close(fd);
	unlink(probe);
}

static void check_config_count(const struct sweep *sw)
{
	double n = (double)sw->nprims * sw->nthreads;
	for (int k = 0; k < sw->nsets; k++)
		n *= sw->sets[k].nvalues;
	if (n > MAX_CONFIGS)
		usage_error("the sweep has %.0f configurations; at most %d are accepted", n,
			    MAX_CONFIGS);
}

static void parse_progress(const char *text, struct sweep_output *out)
{
	char *slash = strchr(text, '/');
	char done[32];
	if (!slash || (size_t)(slash - text) >= sizeof(done))
		usage_error("--progress: '%s' is not DONE/TOTAL", text);
	memcpy(done, text, (size_t)(slash - text));
	done[slash - text] = '\0';
	out->progress_total = (int)parse_count("--progress TOTAL", slash + 1, 1, INT_MAX);
	out->progress_done = (int)parse_count("--progress DONE", done, 0, out->progress_total);
}

/* --resume: the document already at --out, if any; a file that is not one is bad input. */
static void load_previous(struct sweep_output *out)
{
	char err[512];
	if (!out->path)
		usage_error("--resume needs --out FILE");
	if (access(out->path, F_OK) != 0)
		return;
	out->previous = resultdoc_load(out->path, err, sizeof(err));
	if (!out->previous)
		usage_error("--resume: %s", err);
}

enum { OPT_BENCH = 256, OPT_PRIM, OPT_THREADS, OPT_SET, OPT_PLACEMENT, OPT_DURATION,
       OPT_WARMUP, OPT_REPS, OPT_EVENTS, OPT_OUT, OPT_RESUME, OPT_DRY_RUN, OPT_PROGRESS,
       OPT_HELP };

static const struct option run_options[] = {
	{ "bench", required_argument, NULL, OPT_BENCH },
	{ "prim", required_argument, NULL, OPT_PRIM },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "set", required_argument, NULL, OPT_SET },
	{ "placement", required_argument, NULL, OPT_PLACEMENT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "reps", required_argument, NULL, OPT_REPS },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

struct raw_args {
	char *bench, *prim, *threads, *placement, *events;
	int resume;
	int nsets;
	char *sets[2 * MAX_PARAMS];
};

static void read_options(int argc, char **argv, struct raw_args *raw, struct run_request *req)
{
	opterr = 0;
	optind = 1;
	for (;;) {
		int c = getopt_long(argc, argv, "", run_options, NULL);
		if (c == -1)
			break;
		switch (c) {
		case OPT_BENCH: raw->bench = optarg; break;
		case OPT_PRIM: raw->prim = optarg; break;
		case OPT_THREADS: raw->threads = optarg; break;
		case OPT_PLACEMENT: raw->placement = optarg; break;
		case OPT_EVENTS: raw->events = optarg; break;
		case OPT_SET:
			if (raw->nsets == 2 * MAX_PARAMS)
				usage_error("at most %d --set options are accepted", 2 * MAX_PARAMS);
			raw->sets[raw->nsets++] = optarg;
			break;
		case OPT_DURATION:
			req->settings.duration_s = parse_seconds("--duration", optarg, 0.001, 3600);
			break;
		case OPT_WARMUP:
			req->settings.warmup_s = parse_seconds("--warmup", optarg, 0, 3600);
			break;
		case OPT_REPS:
			req->settings.reps = (int)parse_count("--reps", optarg, 1, 1000);
			break;
		case OPT_OUT: req->output.path = optarg; break;
		case OPT_RESUME: raw->resume = 1; break;
		case OPT_DRY_RUN: req->output.dry_run = 1; break;
		case OPT_PROGRESS: parse_progress(optarg, &req->output); break;
		case OPT_HELP:
			fputs(run_usage, stdout);
			exit(0);
		default:
			usage_error("run: unknown or incomplete option '%s' (see syncbench run --help)",
				    argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("run: unexpected argument '%s' (see syncbench run --help)", argv[optind]);
}

void cli_parse_run(int argc, char **argv, const struct topo *t, struct run_request *req)
{
	struct raw_args raw = { 0 };
	char names[1024], err[512];

	memset(req, 0, sizeof(*req));
	req->settings = (struct run_settings){ .topo = t, .duration_s = 1, .warmup_s = 0.2,
					       .reps = 3 };
	read_options(argc, argv, &raw, req);

	struct sweep *sw = &req->sweep;
	bench_names(names, sizeof(names));
	if (!raw.bench)
		usage_error("run: --bench is required (accepted: %s)", names);
	sw->bench = bench_find(raw.bench);
	if (!sw->bench)
		usage_error("unknown workload '%s' (accepted: %s)", raw.bench, names);
	if (!raw.prim) {
		prim_names(names, sizeof(names));
		usage_error("run: --prim is required (accepted: %s)", names);
	}
	parse_prims(sw, raw.prim);
	if (raw.threads) {
		parse_threads(sw, raw.threads);
	} else {
		sw->threads[0] = topo_pu_count(t);
		sw->nthreads = 1;
	}
	for (int i = 0; i < raw.nsets; i++)
		parse_set(sw, raw.sets[i]);
	if (placement_parse(t, raw.placement ? raw.placement : "compact",
			    &req->settings.placement, err, sizeof(err)) != 0)
		usage_error("--placement: %s", err);
	check_config_count(sw);
	if (counters_resolve(raw.events ? raw.events : "default", &req->events, err, sizeof(err)))
		usage_error("%s", err);
	req->settings.events = &req->events;
	if (req->output.path)
		check_writable(req->output.path);
	if (raw.resume)
		load_previous(&req->output);
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

void cli_print_list(FILE *f, const struct topo *t, bool include_test_only)
{
	fprintf(f, "workloads (--bench), with their parameters (--set KEY=V,...):\n");
	for (size_t i = 0; i < bench_registry_len; i++) {
		const struct bench_ops *b = bench_registry[i];
		fprintf(f, "  %-16s %s\n", b->name, b->summary);
		print_params(f, b->params, b->nparams);
	}
	fprintf(f, "\nprimitives (--prim), with their parameters:\n");
	for (size_t i = 0; i < lock_registry_len; i++) {
		const struct lock_ops *p = lock_registry[i];
		if ((p->flags & LOCK_TEST_ONLY) && !include_test_only)
			continue;
		fprintf(f, "  %-16s %s%s%s\n", p->name, p->summary,
			p->rlock ? " [reader-writer]" : "",
			p->flags & LOCK_NO_EXCLUSION ? " [no exclusion]" : "");
		print_params(f, p->params, p->nparams);
	}
	fprintf(f, "\nplacements (--placement): %s\n", PLACEMENT_HELP);
	fprintf(f, "this machine: %d PUs available to this process\n", topo_pu_count(t));
}

/* The primitives a sweep of b measures: real locks it can run on, no test-only ones. */
static void print_sweep_prims(FILE *f, const struct bench_ops *b)
{
	int n = 0;
	for (size_t i = 0; i < lock_registry_len; i++) {
		const struct lock_ops *p = lock_registry[i];
		if (bench_accepts(b, p) && !(p->flags & (LOCK_TEST_ONLY | LOCK_NO_EXCLUSION)))
			fprintf(f, "%s%s", n++ ? "," : "", p->name);
	}
}

void cli_print_sweep_plan(FILE *f)
{
	for (size_t i = 0; i < bench_registry_len; i++) {
		const struct bench_ops *b = bench_registry[i];
		fprintf(f, "%s\t%s\t", b->name, b->flags & BENCH_CHECK_ONLY ? "check" : "sweep");
		print_sweep_prims(f, b);
		fprintf(f, "\t%s\t%s\n", b->sweep_sets ? b->sweep_sets : "",
			b->sweep_sets_full ? b->sweep_sets_full : b->sweep_sets ? b->sweep_sets : "");
	}
}
