/*
 * A sweep: every combination of primitive x parameter values x thread
 * count.  Each repetition runs in a child process of its own
 * (harness/isolate.h), so that a crash or a hang costs one configuration
 * only, and the repetitions of neighbouring configurations interleave (see
 * struct sweep), so that a configuration's spread includes what changes on
 * the machine over time and from one process to the next, not only within
 * one process.
 */
#ifndef SYNCBENCH_SWEEP_H
#define SYNCBENCH_SWEEP_H

#include "context.h"
#include "runner.h"

#define SWEEP_MAX_VALUES 64

struct param_sweep {
	const char *name;
	int nvalues;
	int64_t values[SWEEP_MAX_VALUES];
	/* A work parameter's value given as a time: that time; 0 when given in units. */
	double asked_ns[SWEEP_MAX_VALUES];
};

struct sweep {
	const struct bench_ops *bench;
	int nprims;
	const struct lock_ops *prims[SWEEP_MAX_VALUES];
	int nthreads;
	int threads[SWEEP_MAX_VALUES];
	int nsets;
	struct param_sweep sets[2 * MAX_PARAMS];
	/*
	 * The configurations are taken in windows of about this many seconds
	 * of planned measuring; each window runs one repetition of each of
	 * its configurations per pass, in a shuffled order, and is recorded
	 * once its last pass is done.  0: one configuration per window.
	 */
	double interleave_s;
};

/* Exit status of a sweep. */
enum {
	SWEEP_OK = 0,		/* every configuration ran and passed its check */
	SWEEP_FAILED = 1,	/* some configuration failed, crashed or timed out */
	SWEEP_WRITE_ERROR = 3,	/* the output file could not be written */
	SWEEP_INTERRUPTED = 4,	/* SIGINT, SIGTERM or SIGHUP; what finished is on disk */
};

struct json_t;

/* --progress: how the run reports what is done and the time left, on stderr. */
enum progress_mode {
	PROGRESS_AUTO,		/* updated in place when stderr is a terminal; else nothing */
	PROGRESS_PLAIN,		/* one line after each pass of repetitions */
	PROGRESS_NONE,
};

/* Where a sweep's results go, and how it reports its progress. */
struct sweep_output {
	const char *path;		/* NULL: the table only, no file */
	/*
	 * --resume: the document already at path (NULL if there was none),
	 * which resume_check has found measured the way this run measures.
	 * A configuration it holds with status ok is kept instead of run
	 * again; its other valid entries stay until replaced (harness/resume.h).
	 */
	struct json_t *previous;
	int dry_run;			/* list what would run or be kept; run nothing */
	enum progress_mode progress;
	/* --progress DONE/TOTAL: count from DONE of TOTAL (0: this run's own total) */
	int progress_done, progress_total;
	/*
	 * --shard INDEX/COUNT (1-based; count 0: no sharding): this run takes
	 * the configurations whose position in the sweep order is INDEX - 1
	 * modulo COUNT, so COUNT runs together cover the sweep exactly once.
	 */
	int shard_index, shard_count;
};

/* One workload's sweep within a run, and where its results go. */
struct sweep_job {
	const struct sweep *sweep;
	const struct run_settings *settings;
	const struct run_context *ctx;		/* NULL for a dry run */
	const struct sweep_output *output;
};

/*
 * Runs the jobs' sweeps as one: their configurations, job after job, are
 * taken in windows of jobs[0].sweep->interleave_s, so that repetitions of
 * different workloads interleave too.  Prints a table row per
 * configuration on stdout and, for each job with an output path, rewrites
 * its file atomically after each window that adds to it: an interruption
 * loses at most the window in progress.  Dry run and progress are
 * jobs[0].output's.  The caller has called isolate_catch_stop_signals():
 * a stop signal ends the run with SWEEP_INTERRUPTED, writing nothing if
 * no window was recorded.
 */
int sweep_run(const struct sweep_job *jobs, int njobs);

/*
 * 0, or -1 with the reason in why when some configuration of the sweep
 * cannot run (the workload's validate hook says so).
 */
int sweep_validate(const struct sweep *sw, char *why, size_t whylen);

#endif
