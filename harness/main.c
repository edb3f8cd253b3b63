/*
 * syncbench: measures lock and synchronization primitives.
 *
 *   syncbench list [--all]
 *   syncbench run --bench NAME --prim LIST [options]
 *   syncbench export | compare | merge ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "compare.h"
#include "context.h"
#include "demo.h"
#include "export.h"
#include "floor.h"
#include "merge.h"
#include "sweep.h"

static const char usage[] =
	"usage: syncbench <command> [options]\n"
	"\n"
	"commands:\n"
	"  list [--all]   workloads, primitives, parameters and placements\n"
	"                 (--all adds the deliberately broken test-only primitives)\n"
	"  list events    the counters this machine can count, and the presets\n"
	"  list --sweep   for scripts: per workload, whether sweeps include it, the\n"
	"                 primitives they measure and its --set levels, default and\n"
	"                 full (tab-separated)\n"
	"  run            measure a sweep; see `syncbench run --help`\n"
	"  export         results as CSV, JSON Lines or Google Benchmark JSON;\n"
	"                 see `syncbench export --help`\n"
	"  compare A B    per configuration, B/A of the median ops/s with a U test;\n"
	"                 see `syncbench compare --help`\n"
	"  demo catdogfish  three threads print cat, dog, fish in turn 100 times,\n"
	"                 passing the turn over unbuffered gochans\n"
	"  merge --out DIR RESULT...   one data set from many hosts' results of one\n"
	"                 sweep; see `syncbench merge --help`\n"
	"  help           this text\n";

static int cmd_list(int argc, char **argv, const struct topo *t)
{
	bool all = false;
	if (argc == 2 && strcmp(argv[1], "events") == 0) {
		counters_print_list(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--sweep") == 0) {
		cli_print_sweep_plan(stdout);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0)
			all = true;
		else if (strcmp(argv[i], "--help") == 0)
			return fputs(usage, stdout), 0;
		else
			usage_error("list: unknown argument '%s' (accepted: events, --sweep, --all, --help)", argv[i]);
	}
	cli_print_list(stdout, t, all);
	return 0;
}

/* The coherence floor, if the workload wants it: into floor, which settings and context then point at. */
static void measure_floor(struct run_request *req, struct run_context *ctx,
			  struct coherence_floor *floor)
{
	if (!(req->sweep.bench->flags & BENCH_WANTS_FLOOR))
		return;
	if (floor_measure(&req->sweep, &req->settings, floor) != 0) {
		fprintf(stderr, "syncbench: out of memory measuring the coherence floor\n");
		exit(1);
	}
	req->settings.floor = ctx->floor = floor;
}

static int cmd_run(int argc, char **argv, const struct topo *t)
{
	struct run_request req;
	struct run_context ctx;
	struct coherence_floor floor = { 0 };
	/* Parsing reorders argv and cuts its strings: keep the command as typed. */
	char **typed = calloc((size_t)argc + 2, sizeof(*typed));

	for (int i = 0; typed && i <= argc; i++)
		typed[i] = strdup(i == 0 ? "syncbench" : argv[i - 1]);
	char err[1024];
	int parsed = cli_parse_run(argc, argv, t, &req, err, sizeof(err));
	if (parsed == CLI_HELP) {
		fputs(cli_run_usage, stdout);
		exit(0);
	}
	const char *out = req.output.path;
	if (parsed != 0 || (out && cli_check_output(out, err, sizeof(err)) != 0) ||
	    (req.resume && cli_load_previous(&req.output, err, sizeof(err)) != 0))
		usage_error("%s", err);
	/* A dry run measures nothing, so it skips the calibrations too. */
	if (!req.output.dry_run) {
		context_collect(&ctx, t, req.settings.events, typed ? argc + 1 : 0, typed);
		ctx.interleave_s = req.sweep.interleave_s;
		context_set_sweep(&ctx, req.host, req.sweep_id, req.output.shard_index,
				  req.output.shard_count);
		measure_floor(&req, &ctx, &floor);
	}
	int rc = sweep_run(&req.sweep, &req.settings, req.output.dry_run ? NULL : &ctx,
			   &req.output);
	json_decref(req.output.previous);
	floor_free(&floor);
	for (int i = 0; typed && i <= argc; i++)
		free(typed[i]);
	free(typed);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage_error("a command is required (accepted: list, run, export, compare, demo, merge, help)");
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	/* These only read files: no topology needed. */
	if (strcmp(argv[1], "export") == 0)
		return export_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "compare") == 0)
		return compare_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "demo") == 0)
		return demo_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "merge") == 0)
		return merge_main(argc - 1, argv + 1);
	struct topo *t = topo_load(NULL);
	if (!t) {
		fprintf(stderr, "syncbench: cannot read this machine's topology with hwloc\n");
		return 1;
	}
	int rc;
	if (strcmp(argv[1], "list") == 0)
		rc = cmd_list(argc - 1, argv + 1, t);
	else if (strcmp(argv[1], "run") == 0)
		rc = cmd_run(argc - 1, argv + 1, t);
	else
		usage_error("unknown command '%s' (accepted: list, run, export, compare, demo, merge, help)", argv[1]);
	topo_free(t);
	return rc;
}
