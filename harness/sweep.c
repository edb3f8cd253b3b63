/*
 * A sweep's run: its configurations taken in windows, each window one
 * pass of repetitions per repetition, every repetition in a child of its
 * own (isolate.c), each window recorded and written before the next.  The
 * plan is sweep_plan.c's; --resume's checks and document are resume.c's.
 */
#include "sweep.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "compiler.h"
#include "isolate.h"
#include "report.h"
#include "resultdoc.h"
#include "resume.h"
#include "safefile.h"
#include "sweep_private.h"

static const char *const failure_status[] = {
	[ISOLATE_ERROR] = "error", [ISOLATE_CRASHED] = "crashed", [ISOLATE_TIMEOUT] = "timeout",
};

/* Runs one repetition of p in a child; returns SWEEP_INTERRUPTED or SWEEP_GO_ON. */
static int run_isolated(struct planned *p, const struct run_settings *s, double started_s)
{
	struct isolate_result res;
	struct rep_figures *r = &p->reps[p->done];
	isolate_repetition(&p->c, s, p->pus, r, &res);
	if (res.outcome == ISOLATE_INTERRUPTED)
		return SWEEP_INTERRUPTED;
	if (res.outcome == ISOLATE_MEASURED) {
		r->started_s = started_s;
		p->done++;
	} else {
		report_entry_failed(p->entry, failure_status[res.outcome], res.detail);
		p->finished = true;
	}
	return SWEEP_GO_ON;
}

/*
 * The machine's conditions, steal measured up to now, where this process's
 * context is: the document's, or for --resume its latest resumption's.
 */
static void refresh_conditions(json_t *doc, const struct run_context *ctx)
{
	json_t *context = json_object_get(doc, "context");
	json_t *resumes = json_object_get(context, "resumes");
	size_t n = json_array_size(resumes);
	json_object_update_new(n ? json_array_get(resumes, n - 1) : context,
			       conditions_json(&ctx->conditions));
}

/*
 * Rewrites a job's file; on failure, err says why.  Returns 0 or -1.  The
 * document on disk holds what this process has recorded, in sweep order,
 * and then every previous entry whose configuration it has not recorded
 * (not reached yet, or not in this sweep): a resume that is itself
 * interrupted, or that measures fewer configurations, loses nothing.
 */
static int write_document(struct job_state *js, char *err, size_t errlen)
{
	const char *name;
	json_t *e;
	refresh_conditions(js->doc, js->job->ctx);
	json_t *doc = json_copy(js->doc);
	json_t *results = json_copy(json_object_get(js->doc, "results"));
	json_object_foreach(js->previous, name, e) {
		if (!json_object_get(js->reached, name))
			json_array_append(results, e);
	}
	json_object_set_new(doc, "results", results);
	int rc = report_write_atomic(doc, js->job->output->path, err, errlen);
	json_decref(doc);
	return rc;
}

/*
 * "syncbench: 12/108 configurations done (80/648 repetitions), 1m02s
 * elapsed, about 1m30s left": a configuration counts as done once its
 * window is recorded; the time left is what the plan asks for, scaled by
 * how long the repetitions so far took against what they asked for.
 */
static void print_progress(struct sweep_state *st, bool pass_end)
{
	struct progress_plan left = { 0 };
	int configs = 0, reps_done = st->reps_measured;
	for (int i = 0; i < st->nplanned; i++) {
		const struct planned *p = &st->plan[i];
		configs += !p->kept;
		if (p->finished)
			continue;
		left.reps += reps_of(p) - p->done;
		left.window_s += (reps_of(p) - p->done) * rep_seconds(p);
		left.floor_reps += sweep_probes_floor(&p->c, p->pus) ? reps_of(p) - p->done : 0;
	}
	double elapsed = st->started_ns ? (double)(now_ns() - st->started_ns) / 1e9 : 0;
	double estimate = progress_estimate_s(&left);
	if (st->reps_measured && st->planned_done_s > 0)
		estimate = left.window_s * ((double)st->measured_ns / 1e9 / st->planned_done_s);
	int total = st->out->progress_total ? st->out->progress_total
					    : st->out->progress_done + configs;
	char line[256], took[32], eta[32];
	progress_format_duration(elapsed, took, sizeof(took));
	progress_format_duration(estimate, eta, sizeof(eta));
	snprintf(line, sizeof(line), "syncbench: %d/%d configurations done (%d/%d repetitions), "
		 "%s elapsed, about %s left", st->done, total, reps_done, reps_done + left.reps,
		 took, eta);
	progress_show(&st->progress, line, pass_end, pass_end);
}

/*
 * Configurations whose repetitions run round-robin hold them all in
 * memory (a rep_figures carries ~160 KB of latency histograms): a window
 * holds at most this many repetitions, some 80 MB.
 */
#define WINDOW_MAX_REPS 512

/*
 * The end of the window that starts at first: the configurations, up to
 * about interleave_s of planned measuring, whose repetitions interleave.
 */
static int window_end(const struct sweep_state *st, int first)
{
	double planned_s = 0;
	int end = first, held = 0;
	while (end < st->nplanned) {
		const struct planned *p = &st->plan[end];
		if (!p->finished) {
			if (held > 0 && (planned_s >= st->interleave_s ||
					 held + reps_of(p) > WINDOW_MAX_REPS))
				break;
			planned_s += reps_of(p) * rep_seconds(p);
			held += reps_of(p);
		}
		end++;
	}
	return end;
}

/* The whole entry of a configuration whose every repetition was measured: summarized, then written. */
static void complete_entry(struct planned *p)
{
	const struct run_settings *s = p->job->job->settings;
	p->finished = true;
	p->summary = malloc(sizeof(*p->summary));
	if (!p->summary || config_summarize(&p->c, s, p->pus, p->reps, p->done, p->summary) != 0) {
		free(p->summary);
		p->summary = NULL;
		report_entry_failed(p->entry, "error", "out of memory summarizing the repetitions");
		return;
	}
	json_t *body = report_entry_body(&p->c, s, p->reps, p->summary);
	json_object_update(p->entry, body);
	json_decref(body);
}

static void drop_summary(struct planned *p)
{
	if (p->summary)
		config_summary_free(p->summary);
	free(p->summary);
	p->summary = NULL;
}

/* The table row of an entry: its figures if measured here, its status and why. */
static void print_row(struct planned *p)
{
	const char *status = json_string_value(json_object_get(p->entry, "status"));
	const char *detail = json_string_value(json_object_get(p->entry, "status_detail"));
	if (p->kept) {
		report_table_row(stdout, &p->c, "kept", "measured before, in the resumed file", NULL);
		return;
	}
	if (!detail && p->summary && p->summary->check == CHECK_SKIPPED)
		detail = "check skipped";
	report_table_row(stdout, &p->c, status, detail, p->summary);
	drop_summary(p);
}

/*
 * One pass: a repetition of every configuration of the window still
 * running, in an order shuffled afresh each pass, so that a drift of the
 * machine during the pass does not always fall on the same ones.
 * Returns SWEEP_INTERRUPTED or SWEEP_GO_ON.
 */
static int run_pass(struct sweep_state *st, struct planned *window, int n, uint64_t *rng)
{
	int order[n], count = 0;
	for (int i = 0; i < n; i++)
		if (!window[i].finished)
			order[count++] = i;
	for (int i = count - 1; i > 0; i--) {
		int j = (int)(rng_next(rng) % (uint64_t)(i + 1));
		int t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (int i = 0; i < count; i++) {
		struct planned *p = &window[order[i]];
		uint64_t start = now_ns();
		double started_s = (double)(start - st->started_ns) / 1e9;
		if (run_isolated(p, p->job->job->settings, started_s) == SWEEP_INTERRUPTED)
			return SWEEP_INTERRUPTED;
		st->reps_measured++;
		st->measured_ns += now_ns() - start;
		st->planned_done_s += rep_seconds(p);
		if (!p->finished && p->done == reps_of(p))
			complete_entry(p);
		print_progress(st, false);
	}
	return SWEEP_GO_ON;
}

/*
 * Appends and counts the window's entries, in sweep order, writes the
 * files, then prints the rows: a closed or full stdout costs the table,
 * never the results.  Returns SWEEP_WRITE_ERROR or SWEEP_GO_ON.
 */
static int record_window(struct sweep_state *st, struct planned *window, int n)
{
	char name[1024];
	for (int i = 0; i < n; i++) {
		struct planned *p = &window[i];
		if (resultdoc_config_name(p->entry, name, sizeof(name)) == 0)
			json_object_set_new(p->job->reached, name, json_true());
		if (!p->kept)
			st->done++;
		st->failures += strcmp(json_string_value(json_object_get(p->entry, "status")), "ok") != 0;
		report_append(p->job->doc, p->entry);
		p->job->touched = true;
	}
	st->recorded = true;
	progress_clear(&st->progress);
	for (int j = 0; j < st->njobs; j++) {
		struct job_state *js = &st->jobs[j];
		char err[512];
		if (!js->touched || !js->job->output->path)
			continue;
		js->touched = false;
		if (write_document(js, err, sizeof(err)) != 0) {
			fprintf(stderr, "syncbench: %s; the configurations finished before it are intact\n",
				err);
			return SWEEP_WRITE_ERROR;
		}
	}
	for (int i = 0; i < n; i++)
		print_row(&window[i]);
	safefile_flush_stdout();	/* a failure is reported at exit, as status 3 */
	return SWEEP_GO_ON;
}

static void free_reps(struct planned *p)
{
	for (int r = 0; p->reps && r < p->done; r++)
		free(p->reps[r].threads);
	free(p->reps);
	p->reps = NULL;
}

/*
 * Measures the window's configurations, one pass per repetition (as many
 * as the most any of them has), then records them.  Returns a SWEEP_*
 * stop code or SWEEP_GO_ON.
 */
static int run_window(struct sweep_state *st, struct planned *window, int n, uint64_t *rng)
{
	int stop = SWEEP_GO_ON, passes = 0;
	for (int i = 0; i < n; i++) {
		if (window[i].finished)
			continue;
		passes = reps_of(&window[i]) > passes ? reps_of(&window[i]) : passes;
		window[i].reps = calloc((size_t)reps_of(&window[i]), sizeof(struct rep_figures));
		if (!window[i].reps) {
			report_entry_failed(window[i].entry, "error", "out of memory");
			window[i].finished = true;
		}
	}
	for (int pass = 0; pass < passes && stop == SWEEP_GO_ON; pass++) {
		stop = run_pass(st, window, n, rng);
		if (stop == SWEEP_GO_ON && pass < passes - 1)
			print_progress(st, true);
	}
	if (stop == SWEEP_GO_ON)
		stop = record_window(st, window, n);
	if (stop == SWEEP_GO_ON)
		print_progress(st, true);
	for (int i = 0; i < n; i++)
		free_reps(&window[i]);
	return stop;
}

static int run_windows(struct sweep_state *st)
{
	/* A fixed seed: the same sweep runs its repetitions in the same order. */
	uint64_t rng = 0x5eedULL;
	for (int first = 0; first < st->nplanned;) {
		int end = window_end(st, first);
		int stop = run_window(st, st->plan + first, end - first, &rng);
		if (stop != SWEEP_GO_ON)
			return stop;
		first = end;
	}
	return SWEEP_GO_ON;
}

static void free_state(struct sweep_state *st)
{
	for (int i = 0; i < st->nplanned; i++) {
		free(st->plan[i].pus);
		json_decref(st->plan[i].entry);
		drop_summary(&st->plan[i]);	/* a window that ended in a write error printed none */
	}
	free(st->plan);
	for (int j = 0; st->jobs && j < st->njobs; j++) {
		json_decref(st->jobs[j].previous);
		json_decref(st->jobs[j].reached);
		json_decref(st->jobs[j].doc);
	}
	free(st->jobs);
}

static int set_up_jobs(struct sweep_state *st, const struct sweep_job *jobs)
{
	st->jobs = calloc((size_t)st->njobs, sizeof(*st->jobs));
	if (!st->jobs)
		return -1;
	for (int j = 0; j < st->njobs; j++) {
		const struct sweep_job *job = &jobs[j];
		struct job_state *js = &st->jobs[j];
		js->job = job;
		js->reached = json_object();
		js->previous = job->output->previous ? resume_entries(job->output->previous,
								      job->output->path, stderr)
						     : json_object();
		if (!job->output->dry_run)
			js->doc = job->output->previous ? resume_document(job->ctx, job->output->previous)
							: report_document(job->ctx);
	}
	return 0;
}

/*
 * The end of the run in every job's document and file; returns the run's
 * stop code.  Interrupted before anything was recorded, it writes nothing:
 * the files stay as they were, or absent.
 */
static int finish_jobs(struct sweep_state *st, int stop)
{
	if (stop == SWEEP_INTERRUPTED && !st->recorded)
		return stop;
	for (int j = 0; j < st->njobs; j++) {
		struct job_state *js = &st->jobs[j];
		char err[512];
		if (stop == SWEEP_INTERRUPTED)
			report_set_complete(js->doc, 0, isolate_signal_name(isolate_stop_signal()));
		else if (stop == SWEEP_GO_ON)
			report_set_complete(js->doc, 1, NULL);
		if (stop != SWEEP_WRITE_ERROR && js->job->output->path &&
		    write_document(js, err, sizeof(err)) != 0) {
			fprintf(stderr, "syncbench: %s\n", err);
			stop = SWEEP_WRITE_ERROR;
		}
	}
	return stop;
}

static size_t entries_kept(const struct sweep_state *st)
{
	size_t n = 0;
	for (int j = 0; j < st->njobs; j++)
		n += json_array_size(json_object_get(st->jobs[j].doc, "results"));
	return n;
}

static void say_interrupted(const struct sweep_state *st)
{
	if (st->recorded)
		fprintf(stderr, "syncbench: interrupted by %s; %zu finished configurations kept\n",
			isolate_signal_name(isolate_stop_signal()), entries_kept(st));
	else
		fprintf(stderr, "syncbench: interrupted by %s before any configuration finished; "
			"nothing written\n", isolate_signal_name(isolate_stop_signal()));
}

int sweep_run(const struct sweep_job *jobs, int njobs)
{
	struct sweep_state st = { .njobs = njobs, .interleave_s = jobs[0].sweep->interleave_s,
				  .out = jobs[0].output, .done = jobs[0].output->progress_done };

	if (set_up_jobs(&st, jobs) != 0 || sweep_plan_run(&st) != 0) {
		fprintf(stderr, "syncbench: out of memory planning the sweep\n");
		free_state(&st);
		return SWEEP_FAILED;
	}
	if (st.out->dry_run) {
		st.dry.workloads = njobs;
		progress_print_plan(&st.dry);
		free_state(&st);
		return SWEEP_OK;
	}
	progress_init(&st.progress, st.out->progress);
	report_table_header(stdout);
	safefile_flush_stdout();
	st.started_ns = now_ns();
	int stop = isolate_stop_signal() ? SWEEP_INTERRUPTED : run_windows(&st);
	progress_clear(&st.progress);
	if (stop == SWEEP_GO_ON)
		report_table_footer(stdout);
	if (stop == SWEEP_INTERRUPTED)
		say_interrupted(&st);
	stop = finish_jobs(&st, stop);
	free_state(&st);
	return stop != SWEEP_GO_ON ? stop : (st.failures ? SWEEP_FAILED : SWEEP_OK);
}
