/*
 * `syncbench run`'s options: its help, its option table, and the reading
 * of the options into a run request; the value parsers are cli_values.c's
 * and cli_sweep.c's, `list` is cli_list.c's.
 */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_parse.h"
#include "external.h"
#include "resultdoc.h"
#include "safefile.h"
#include "suggest.h"

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

int cli_check_output(const char *path, char *err, size_t errlen)
{
	const struct cli_err e = { err, errlen };
	struct stat st;
	if (path[0] == '\0')
		return cli_fail(&e, "--out needs a file name");
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return cli_fail(&e, "--out %s is a directory; give a file name", path);
	/* The file is replaced by rename: never a device, FIFO or socket that happens to be there. */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return cli_fail(&e, "--out %s is not a regular file; give a file name", path);
	if (strlen(path) >= PATH_MAX)
		return cli_fail(&e, "--out: the file name is longer than %d bytes", PATH_MAX);
	char why[PATH_MAX + 128];
	if (safefile_check_dir(path, why, sizeof(why)) != 0)
		return cli_fail(&e, "--out: %s", why);
	return 0;
}

static int parse_mem_node(const char *text, const struct topo *t, struct run_settings *s,
			  const struct cli_err *e)
{
	long node;
	char err[256];
	if (cli_parse_count("--mem-node", text, 0, INT_MAX, &node, e) != 0)
		return -1;
	if (topo_check_mem_node(t, (int)node, err, sizeof(err)) != 0)
		return cli_fail(e, "%s", err);
	s->mem_bound = true;
	s->mem_node = (int)node;
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
	return cli_fail(e, "run: %s (see syncbench run --help)", why);
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
	case OPT_PROGRESS: return cli_parse_progress(arg, &req->output, e);
	case OPT_SHARD: return cli_parse_shard(arg, &req->output, e);
	case OPT_SWEEP_ID: return cli_parse_label("--sweep-id", arg, &req->sweep_id, e);
	case OPT_HOST: return cli_parse_label("--host", arg, &req->host, e);
	case OPT_HELP:
	case 'h': return CLI_HELP;
	case OPT_SET:
		if (raw->nsets == 2 * MAX_PARAMS)
			return cli_fail(e, "at most %d --set options are accepted", 2 * MAX_PARAMS);
		raw->sets[raw->nsets++] = (char *)arg;
		return 0;
	case OPT_DURATION:
		return cli_parse_duration("--duration", arg, 0.001, 3600, &s->duration_s, e);
	case OPT_WARMUP:
		return cli_parse_duration("--warmup", arg, 0, 3600, &s->warmup_s, e);
	case OPT_REPS:
		if (cli_parse_count("--reps", arg, 1, 1000, &reps, e) != 0)
			return -1;
		s->reps = (int)reps;
		return 0;
	case OPT_INTERLEAVE:
		return cli_parse_duration("--interleave", arg, 0, 86400, &req->sweep.interleave_s, e);
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
		return cli_fail(e, "run: unexpected argument '%s' (see syncbench run --help)",
			    argv[optind]);
	return 0;
}

/* The options read, checked and resolved against the registries and the machine. */
static int resolve(struct raw_args *raw, const struct topo *t, struct run_request *req,
		   const struct cli_err *e)
{
	struct sweep *sw = &req->sweep;
	char names[1024], err[512], hint[128];

	cli_bench_names(names, sizeof(names));
	if (!raw->bench)
		return cli_fail(e, "run: --bench is required (accepted: %s)", names);
	sw->bench = bench_find(raw->bench);
	if (!sw->bench) {
		cli_bench_hint(raw->bench, hint, sizeof(hint));
		return cli_fail(e, "unknown workload '%s' (%saccepted: %s)", raw->bench, hint, names);
	}
	if (sw->bench->needs == NEEDS_NOTHING && raw->prim)
		return cli_fail(e, "run: workload %s uses no primitive; leave out --prim",
			    sw->bench->name);
	if (sw->bench->needs != NEEDS_NOTHING && !raw->prim && !sw->bench->uses_prim) {
		cli_prim_names(sw->bench, names, sizeof(names));
		return cli_fail(e, "run: --prim is required (accepted: %s)", names);
	}
	if (raw->prim && cli_parse_prims(sw, raw->prim, e) != 0)
		return -1;
	if (raw->threads) {
		if (cli_parse_sweep_threads(sw, raw->threads, e) != 0)
			return -1;
	} else {
		sw->threads[0] = topo_pu_count(t);
		sw->nthreads = 1;
	}
	for (int i = 0; i < raw->nsets; i++)
		if (cli_parse_set(sw, raw->sets[i], e) != 0)
			return -1;
	if (sw->bench->needs != NEEDS_NOTHING && !raw->prim && cli_some_config_uses_prim(sw)) {
		cli_prim_names(sw->bench, names, sizeof(names));
		return cli_fail(e, "run: --prim is required: some configurations of %s run on a primitive "
			    "(accepted: %s)", sw->bench->name, names);
	}
	if (placement_parse(t, raw->placement ? raw->placement : "cores",
			    &req->settings.placement, err, sizeof(err)) != 0)
		return cli_fail(e, "--placement: %s", err);
	if (raw->mem_node && parse_mem_node(raw->mem_node, t, &req->settings, e) != 0)
		return -1;
	int variants = cli_check_placement(sw, t, &req->settings.placement, e);
	if (variants < 0 || cli_check_config_count(sw, variants, e) != 0)
		return -1;
	if (sweep_validate(sw, err, sizeof(err)) != 0 || external_validate(sw, err, sizeof(err)) != 0)
		return cli_fail(e, "%s", err);
	if (counters_resolve(raw->events ? raw->events : "default", &req->events, err, sizeof(err)))
		return cli_fail(e, "%s", err);
	req->settings.events = &req->events;
	if (req->resume && !req->output.path)
		return cli_fail(e, "--resume needs --out FILE");
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
