/*
 * Performance counters: the only code that knows libpfm4.
 *
 * libpfm4 turns an event name into a perf_event_attr; the kernel counts.
 * An event counts as available only if perf_event_open() accepts it here:
 * libpfm4 encodes hardware events even where no PMU can count them (most
 * VMs), and those are reported as null with the reason, never as zero.
 */
#ifndef SYNCBENCH_COUNTERS_H
#define SYNCBENCH_COUNTERS_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define MAX_EVENTS 16

struct event_spec {
	char name[128];			/* as asked for, or the preset's name for it */
	char encoding[256];		/* libpfm4's fully qualified event string */
	struct perf_event_attr attr;
	int hardware;			/* counted by a PMU, not by the kernel */
	int available;			/* perf_event_open() accepted it here */
	int user_only;			/* kernel time excluded: perf_event_paranoid forbade it */
	char reason[160];		/* why not, when not */
};

struct event_set {
	char spec[64];			/* "default", "coherence", "none" or "list" */
	int n;
	struct event_spec ev[MAX_EVENTS];
};

/* Accepted --events spellings, for messages. */
#define EVENTS_HELP "default|coherence|none|EVENT[,EVENT...] (libpfm4 names; see `syncbench list events`)"

/*
 * Initialises libpfm4 and writes its version and the core PMU it detects
 * ("" when none).  Returns 0, or -1 if libpfm4 cannot be initialised.
 */
int counters_describe(char *version, size_t vlen, char *pmu, size_t pmulen);

/*
 * Resolves text (a preset or a list of event names) into set, probing each
 * event.  Returns 0; or -1 with a one-line reason in err for a name libpfm4
 * does not know or cannot encode: that is bad input.
 */
int counters_resolve(const char *text, struct event_set *set, char *err, size_t errlen);

/* One thread's open counters, and what they read. */
struct thread_counters {
	int fd[MAX_EVENTS];
	int group[MAX_EVENTS];		/* the fd of each event's group leader */
};

struct counter_reading {
	uint64_t value;			/* raw count */
	uint64_t enabled_ns, running_ns;	/* running < enabled: multiplexed */
	int valid;			/* 0: unavailable, or the read failed */
};

/* In the worker, after pinning: opens the available events, disabled. */
void counters_open(const struct event_set *set, struct thread_counters *tc);
/*
 * Opens the available events, disabled, on process pid and every thread it
 * will create (an external program, before it starts): each reads as the
 * total over all of them.  Enable, finish as a thread's.
 */
void counters_open_process(const struct event_set *set, pid_t pid, struct thread_counters *tc);
void counters_enable(const struct event_set *set, struct thread_counters *tc);
/* Disables, reads and closes. */
void counters_finish(const struct event_set *set, struct thread_counters *tc,
		     struct counter_reading *out);

/* The count scaled up for multiplexing (raw when the event ran all along). */
double counter_scaled(const struct event_spec *e, const struct counter_reading *r);

/* `syncbench list events`: what this machine can count, and the presets. */
void counters_print_list(FILE *f);

#endif
