/*
 * The machine's conditions that decide whether its figures can be
 * trusted: frequency scaling and turbo, SMT, and time stolen by a
 * hypervisor over the run.  Read from sysfs and /proc/stat under a root
 * directory ("" for this machine; tests pass a fake tree).
 */
#ifndef SYNCBENCH_CONDITIONS_H
#define SYNCBENCH_CONDITIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Steal above this fraction of all CPUs' time over a run gets a warning:
 * 2% is half of the whole-machine drift (about 4%) that two back-to-back
 * sweeps showed here (README, "What a star is worth"), so steal beyond it
 * can by itself account for a change that `compare` would flag.
 */
#define STEAL_WARN_FRACTION 0.02
/*
 * ... and only when at least this much was stolen: /proc/stat counts in
 * 10 ms ticks, so the steal of a run is known to within one tick, and a
 * single tick in a 0.1 s run on 2 CPUs would read as 5%.  From 5 ticks
 * on, that error is at most a fifth of the figure.
 */
#define STEAL_WARN_MIN_S 0.05

/* The aggregate "cpu" line of /proc/stat, in USER_HZ ticks. */
struct cpu_ticks {
	bool valid;
	uint64_t total, steal;
};

struct run_conditions {
	char root[256];
	bool cpufreq;			/* some policy under .../cpu/cpufreq */
	char governor[64];		/* every policy's, or "mixed" */
	char driver[64];		/* "" when unknown */
	int turbo;			/* 1 on, 0 off, -1 unknown */
	char turbo_from[96];		/* the file turbo was read from */
	int smt_active;			/* 1, 0, -1 unknown */
	char smt_control[32];		/* "on", "off", "notsupported", ...; "" unknown */
	int threads_per_core;		/* from the topology, 0 if it has no cores */
	struct cpu_ticks start;		/* at collection, for steal over the run */
	uint64_t start_ns;		/* CLOCK_MONOTONIC then */
};

/* Reads the conditions under root ("" for this machine). */
void conditions_collect(struct run_conditions *c, const char *root, int threads_per_core);

/* Steal since collection, as a fraction of all CPUs' time; NAN when unreadable. */
double conditions_steal_fraction(const struct run_conditions *c, double *steal_s, double *over_s);

/*
 * {"conditions": {"cpufreq", "smt", "steal"}, "warnings": [...]}, with
 * steal measured from collection to now: merged into a document's
 * context each time the document is written.
 */
json_t *conditions_json(const struct run_conditions *c);

/*
 * Prints each warning as one "syncbench: warning: ..." line; steal only
 * when at_end (it is measured over the run).
 */
void conditions_warn(FILE *f, const struct run_conditions *c, bool at_end);

#endif
