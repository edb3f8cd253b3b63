/*
 * What a sweep reports while it runs, and what a dry run says it would
 * take: the progress line on stderr and the time estimate.
 */
#ifndef SYNCBENCH_PROGRESS_H
#define SYNCBENCH_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sweep.h"

/*
 * The cost of a repetition beyond its warmup and window, measured on this
 * project's 2-PU KVM guest with 1 ms windows (100 repetitions each): its
 * child process, creating and pinning the threads, joining them and the
 * teardown took 5 to 12 ms (atomic 8, lock on one thread 5, chan-pingpong
 * 12); a workload that measures the coherence floor before every
 * repetition on 2 or more PUs (lock) spent about 27 ms more on that probe.
 * Each workload's start-up (the work unit's calibration, the harness's own
 * cost, the run's floor) took 0.15 to 0.3 s.
 */
#define PROGRESS_REP_OVERHEAD_S 0.008
#define PROGRESS_FLOOR_PROBE_S 0.027
#define PROGRESS_WORKLOAD_SETUP_S 0.3

/* What is left to run, as the plan sees it. */
struct progress_plan {
	int configs;		/* configurations to measure (kept ones excluded) */
	int kept;		/* kept from the resumed file (--resume) */
	int reps;		/* repetitions to run */
	int floor_reps;		/* of which measure a coherence floor first */
	double window_s;	/* the warmups and windows they ask for, in seconds */
	int workloads;		/* workloads that start up (calibrations) */
};

/* The time the plan would take, in seconds, from the constants above. */
double progress_estimate_s(const struct progress_plan *p);

/* "1h02m", "3m05s", "12s" or "0.4s". */
void progress_format_duration(double s, char *buf, size_t len);

/* The dry run's summary line, on stderr. */
void progress_print_plan(const struct progress_plan *p);

/* The progress line's state: the mode resolved for this stderr. */
struct progress {
	bool in_place;		/* a terminal: one line rewritten */
	bool plain;		/* a line per pass */
	bool drawn;		/* the in-place line is on the screen */
	uint64_t last_ns;	/* when it was last drawn */
};

void progress_init(struct progress *p, enum progress_mode mode);

/*
 * Shows line: on a terminal in place, at most every 0.2 s unless force;
 * plain only when pass_end (after a pass of repetitions or a window).
 */
void progress_show(struct progress *p, const char *line, bool pass_end, bool force);

/* Takes the in-place line off the screen, before other output. */
void progress_clear(struct progress *p);

#endif
