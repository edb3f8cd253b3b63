/*
 * External references: a primitive whose lock_ops has `external` set
 * (locks/lock.h struct external_ref) is another program, syncbench-go, that
 * runs the whole repetition.  run_repetition() hands such a repetition to
 * external_run_repetition(), in the repetition's own child process, as
 * any repetition runs (harness/sweep.c), so the program's repetitions
 * interleave with the C primitives' and land in the same documents.
 *
 * The protocol (benches/go/main.go has the program's side in full):
 *   argv   -workload NAME -threads N [-prim P] (the external_workload's),
 *          -NAME VALUE per primitive parameter (-mode threads), -warmup S
 *          -duration S -min-ops N -max-window S (the run's window rule),
 *          -clock tsc|monotonic [-ticks-per-ns F] -pair-ticks N (the
 *          harness's latency clock and the cost of its pair, which the
 *          program takes off each sample as the harness does), -pus LIST
 *          (when every thread has a PU), -notify-fd 3, and NAME=VALUE per
 *          workload parameter (choices by name).
 *   fd 3   one byte when the workers are pinned and waiting ('r'), when the
 *          window opens ('m') and when it closes ('s'): the harness ends
 *          the set-up there (rep_hooks.ready), and enables and reads its
 *          counters over the window.
 *   stdout one JSON object, exit status 0 (a failed check included);
 *          anything else is an error, with the program's stderr as the
 *          reason.
 *
 * Counters: the program's threads are its own, so the harness opens each
 * event on the program's process before it starts, inherited by every
 * thread it will create, and counts between 'm' and 's': each event is a
 * total over the whole process (the Go runtime's own threads included),
 * in the repetition's process_counters, not per thread.  CPU time is per
 * worker thread where the program has one per worker (mode threads), else
 * the process's (goroutines).  Latencies arrive in the harness's own
 * ticks and buckets and merge unchanged.
 */
#ifndef SYNCBENCH_EXTERNAL_H
#define SYNCBENCH_EXTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "runner.h"
#include "sweep.h"

/*
 * One repetition of c, run by c->prim's program; as run_repetition(),
 * hooks included: ready when the program's workers are pinned and
 * waiting, measured once its figures are in out.
 */
int external_run_repetition(const struct config *c, const struct run_settings *s,
			    const int *pus, struct rep_figures *out, char *err, size_t errlen,
			    const struct rep_hooks *hooks);

/*
 * The program's path, next to this binary (/proc/self/exe): 0, or -1 with
 * a one-line reason (it is missing) in why, naming the package.
 */
int external_program(const struct external_ref *x, char *path, size_t len, char *why,
		     size_t whylen);

/* Whether p is not external, or its program is there. */
bool external_available(const struct lock_ops *p);

/*
 * For a sweep about to run: every external primitive's program is there,
 * and takes every value the sweep gives each workload parameter.  0, or
 * -1 with a one-line reason in why.
 */
int external_validate(const struct sweep *sw, char *why, size_t whylen);

/* Whether c's workers are each pinned to their PU (false: confined together to the set). */
bool external_pins_threads(const struct config *c);

#endif
