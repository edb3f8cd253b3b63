/*
 * `syncbench run`: its arguments cut at each --then into one segment per
 * workload, each parsed, its output claimed (and for --resume read and
 * checked), its context collected, then all of them run as one sweep.
 */
#include "run_command.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "conditions.h"
#include "context.h"
#include "floor.h"
#include "isolate.h"
#include "outlock.h"
#include "resume.h"
#include "sweep.h"

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

#define MAX_SEGMENTS 64

/* One workload's part of `syncbench run`, up to a --then. */
struct segment {
	struct run_request req;
	struct run_context ctx;
	struct coherence_floor floor;
	int argc;
	char **argv;		/* "run" and the segment's arguments */
	char **typed;		/* the same as typed, for the context: parsing cuts argv */
};

/* Splits argv ("run" ...) at each --then into segments; returns how many. */
static int split_segments(int argc, char **argv, struct segment *seg)
{
	int n = 0, start = 1;
	for (int i = 1; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], "--then") != 0)
			continue;
		if (n == MAX_SEGMENTS)
			usage_error("run: at most %d workloads joined by --then", MAX_SEGMENTS);
		seg[n].argc = i - start + 1;
		seg[n].argv = calloc((size_t)seg[n].argc + 1, sizeof(char *));
		seg[n].typed = calloc((size_t)seg[n].argc + 2, sizeof(char *));
		if (!seg[n].argv || !seg[n].typed)
			usage_error("out of memory");
		seg[n].argv[0] = argv[0];
		seg[n].typed[0] = strdup("syncbench");
		seg[n].typed[1] = strdup(argv[0]);
		for (int k = start; k < i; k++) {
			seg[n].argv[k - start + 1] = argv[k];
			seg[n].typed[k - start + 2] = strdup(argv[k]);
		}
		n++;
		start = i + 1;
	}
	return n;
}

/*
 * A later segment may repeat the run-wide options (--interleave,
 * --progress, --dry-run) with the first one's values or leave them out;
 * the first one's apply.
 */
static void take_run_wide_options(const struct segment *first, struct segment *seg)
{
	const struct run_request *a = &first->req;
	struct run_request *b = &seg->req;
	if ((b->sweep.interleave_s != CLI_DEFAULT_INTERLEAVE_S &&
	     b->sweep.interleave_s != a->sweep.interleave_s) ||
	    (b->output.dry_run && !a->output.dry_run) ||
	    (b->output.progress != PROGRESS_AUTO && (b->output.progress != a->output.progress ||
						     b->output.progress_total != a->output.progress_total ||
						     b->output.progress_done != a->output.progress_done)))
		usage_error("run: --interleave, --progress and --dry-run apply to the whole run: "
			    "give them in the first workload's options");
	b->sweep.interleave_s = a->sweep.interleave_s;
	b->output.dry_run = a->output.dry_run;
}

static void parse_segment(struct segment *seg, const struct topo *t)
{
	char err[1024];
	int parsed = cli_parse_run(seg->argc, seg->argv, t, &seg->req, err, sizeof(err));
	if (parsed == CLI_HELP) {
		fputs(cli_run_usage, stdout);
		exit(0);
	}
	const char *out = seg->req.output.path;
	if (parsed != 0 || (out && cli_check_output(out, err, sizeof(err)) != 0))
		usage_error("%s", err);
}

/* By the file each names, not by spelling: a.json and ./a.json are one. */
static void check_distinct_outputs(const struct segment *seg, int n)
{
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < i; k++) {
			const char *a = seg[k].req.output.path, *b = seg[i].req.output.path;
			if (a && b && outlock_same_output(a, b))
				usage_error("run: two workloads write %s%s%s (each --then needs its own --out)",
					    a, strcmp(a, b) ? ", also as " : "", strcmp(a, b) ? b : "");
		}
	}
}

/*
 * Each output locked for the rest of the run (a dry run writes nothing),
 * then, for --resume, the document already there read and checked against
 * this run's settings: locked first, so that no other run rewrites it
 * between the reading and the end of this one.
 */
static void claim_outputs(struct segment *seg, int n)
{
	char err[1024];
	for (int i = 0; i < n; i++) {
		struct run_request *req = &seg[i].req;
		if (!req->output.path)
			continue;
		if (!req->output.dry_run && outlock_take(req->output.path, err, sizeof(err)) != 0)
			usage_error("%s", err);
		if (req->resume && (cli_load_previous(&req->output, err, sizeof(err)) != 0 ||
				    (req->output.previous &&
				     resume_check(req->output.previous, req->output.path, &req->sweep,
						  &req->settings, err, sizeof(err)) != 0)))
			usage_error("%s", err);
	}
}

/* The context of a segment's document, and its coherence floor if it wants one. */
static void collect_context(struct segment *seg, const struct topo *t)
{
	struct run_request *req = &seg->req;
	context_collect(&seg->ctx, t, req->settings.events, seg->argc + 1, seg->typed);
	seg->ctx.interleave_s = req->sweep.interleave_s;
	context_set_sweep(&seg->ctx, req->host, req->sweep_id, req->output.shard_index,
			  req->output.shard_count);
	measure_floor(req, &seg->ctx, &seg->floor);
}

static void free_segment(struct segment *seg)
{
	json_decref(seg->req.output.previous);
	floor_free(&seg->floor);
	for (int i = 0; i <= seg->argc; i++)
		free(seg->typed[i]);
	free(seg->typed);
	free(seg->argv);
}

static int run_with(int argc, char **argv, const struct topo *t)
{
	struct segment *seg = calloc(MAX_SEGMENTS, sizeof(*seg));
	struct sweep_job jobs[MAX_SEGMENTS];
	if (!seg)
		usage_error("out of memory");
	int n = split_segments(argc, argv, seg);
	for (int i = 0; i < n; i++) {
		parse_segment(&seg[i], t);
		if (i > 0)
			take_run_wide_options(&seg[0], &seg[i]);
	}
	check_distinct_outputs(seg, n);
	claim_outputs(seg, n);
	for (int i = 0; i < n; i++) {
		/* A dry run measures nothing, so it skips the calibrations too. */
		if (!seg[i].req.output.dry_run)
			collect_context(&seg[i], t);
		if (isolate_stop_signal()) {
			fprintf(stderr, "syncbench: interrupted by %s before any configuration ran; "
				"nothing written\n", isolate_signal_name(isolate_stop_signal()));
			exit(SWEEP_INTERRUPTED);
		}
		jobs[i] = (struct sweep_job){ &seg[i].req.sweep, &seg[i].req.settings,
					      seg[i].req.output.dry_run ? NULL : &seg[i].ctx,
					      &seg[i].req.output };
	}
	bool measures = !seg[0].req.output.dry_run;
	if (measures)
		conditions_warn(stderr, &seg[0].ctx.conditions, false);
	int rc = sweep_run(jobs, n);
	if (measures)
		conditions_warn(stderr, &seg[0].ctx.conditions, true);
	for (int i = 0; i < n; i++)
		free_segment(&seg[i]);
	free(seg);
	return rc;
}

int run_main(int argc, char **argv)
{
	/*
	 * Before anything else a run does (reading the topology takes a while):
	 * a stop signal from the first moment ends it with status 4.
	 */
	isolate_catch_stop_signals();
	struct topo *t = topo_load(NULL);
	if (!t) {
		fprintf(stderr, "syncbench: cannot read this machine's topology with hwloc\n");
		return 1;
	}
	int rc = run_with(argc, argv, t);
	topo_free(t);
	return rc;
}
