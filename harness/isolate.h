/*
 * One repetition in a child process of its own, so that a crash or a hang
 * costs that repetition only; and the parent's side of it: the signals
 * that stop a run, the child's time limits, and what the child sent back.
 *
 * The child tells the parent when it is ready (threads created, pinned and
 * waiting at the start gate) and sends its figures before it tears the
 * workload and the primitive down, so that set-up (a 4 GiB channel, a
 * thousand threads), the measured part and teardown each have a limit of
 * their own: a slow set-up is not taken for a deadlock, and a deadlock is
 * still caught within the measured part's limit.  The child dies with the
 * parent (PR_SET_PDEATHSIG), even when the parent is killed by SIGKILL.
 */
#ifndef SYNCBENCH_ISOLATE_H
#define SYNCBENCH_ISOLATE_H

#include "runner.h"

/*
 * From here on SIGINT, SIGTERM and SIGHUP stop the run (isolate_stop_signal
 * says which came), except a signal that this process was started with
 * ignored (nohup, a background job of a script), which stays ignored.
 * SIGPIPE is ignored: a closed stdout is a failed write, never a death
 * before the results are on disk.
 */
void isolate_catch_stop_signals(void);

/* The stop signal received (SIGINT, SIGTERM or SIGHUP), or 0. */
int isolate_stop_signal(void);

/* "SIGINT", "SIGTERM" or "SIGHUP", as the document's interrupted_by names sig. */
const char *isolate_signal_name(int sig);

/*
 * The time limit of the measured part of a repetition, from the child's
 * ready to its figures: generous, never infinite.  Set-up and teardown
 * have ISOLATE_SETUP_LIMIT_S and ISOLATE_TEARDOWN_LIMIT_S.
 */
double isolate_measure_limit_s(const struct run_settings *s);

#define ISOLATE_SETUP_LIMIT_S 120.0
#define ISOLATE_TEARDOWN_LIMIT_S 120.0

enum isolate_outcome {
	ISOLATE_MEASURED,	/* the figures are in out */
	ISOLATE_ERROR,		/* the repetition could not run: detail says why */
	ISOLATE_CRASHED,	/* killed by a signal, or exited without a result */
	ISOLATE_TIMEOUT,	/* a time limit passed: detail says which */
	ISOLATE_INTERRUPTED,	/* a stop signal came; the child is gone */
};

struct isolate_result {
	enum isolate_outcome outcome;
	char detail[256];
};

/*
 * Runs one repetition of c on pus in a child process and waits for it.
 * On ISOLATE_MEASURED, out holds its figures, out->threads c->threads of
 * them in memory of its own for the caller to free.  The child is always
 * gone when this returns.
 */
void isolate_repetition(const struct config *c, const struct run_settings *s, const int *pus,
			struct rep_figures *out, struct isolate_result *res);

#endif
