/*
 * What sweep.c (windows and passes) and sweep_plan.c (the plan) share:
 * the state of one run of sweep_run().
 */
#ifndef SYNCBENCH_SWEEP_PRIVATE_H
#define SYNCBENCH_SWEEP_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "progress.h"
#include "summary.h"
#include "sweep.h"

/*
 * A step of the run that did not stop it: the run goes on.  Every other
 * result of a step is a SWEEP_* stop code, which ends it.
 */
#define SWEEP_GO_ON (-1)

/* One configuration of the run, planned before anything runs. */
struct planned {
	struct job_state *job;	/* the workload sweep it belongs to */
	struct config c;
	int *pus;		/* the PU of each thread; -1: not pinned */
	json_t *entry;		/* its head; whole once measured or kept */
	bool kept;		/* entry is a previous result (--resume) */
	bool finished;		/* kept, failed, or every repetition measured */
	int done;		/* repetitions measured */
	struct rep_figures *reps;	/* settings->reps of them, while its window runs */
	struct config_summary *summary;	/* once measured, until its row is printed */
};

/* One workload's sweep within the run: its document and file. */
struct job_state {
	const struct sweep_job *job;
	json_t *doc;
	json_t *previous;	/* --resume: the previous entries by name (resume_entries) */
	json_t *reached;	/* names of the configurations recorded: name -> true */
	int position;		/* configurations reached so far, in sweep order */
	bool touched;		/* entries added since the file was last written */
};

struct sweep_state {
	struct job_state *jobs;
	int njobs;
	double interleave_s;
	const struct sweep_output *out;	/* the first job's: dry run and progress */
	struct planned *plan;	/* every configuration of every job, in sweep order */
	int nplanned, capacity;
	int failures;
	int done;		/* configurations measured, progress_done included */
	uint64_t started_ns;	/* when the first repetition started */
	bool recorded;		/* some window's entries are in the documents */
	int reps_measured;	/* repetitions run by this process */
	uint64_t measured_ns;	/* and the wall time they took */
	double planned_done_s;	/* and the warmups and windows they asked for */
	struct progress progress;
	struct progress_plan dry;	/* --dry-run: what the plan holds */
};

static inline int reps_of(const struct planned *p)
{
	return p->job->job->settings->reps;
}

static inline double rep_seconds(const struct planned *p)
{
	const struct run_settings *s = p->job->job->settings;
	return s->warmup_s + s->duration_s;
}

/* Whether the repetitions of a configuration on pus probe the coherence floor first: on 2 or more distinct PUs. */
bool sweep_probes_floor(const struct config *c, const int *pus);

/*
 * Plans every configuration of every job, job by job: in each, those
 * without a primitive first, then each primitive's; a dry run lists them
 * instead.  0, or -1 if out of memory.
 */
int sweep_plan_run(struct sweep_state *st);

#endif
