/* What external.c, external_child.c and external_result.c share. */
#ifndef SYNCBENCH_EXTERNAL_PRIVATE_H
#define SYNCBENCH_EXTERNAL_PRIVATE_H

#include <stddef.h>
#include <sys/types.h>

#include "external.h"

/* The descriptor to which the program writes its notifications ('r', 'm', 's'). */
#define NOTIFY_FD 3

/* What the program wrote, and how it ended. */
struct child {
	pid_t pid;
	int out, err, notify, gate;	/* the parent's ends; -1 once closed */
	char *stdout_text;
	size_t stdout_len, stdout_cap;
	char stderr_text[1024];
	size_t stderr_len;
	int status;
};


/* Starts argv[0] with its output, stderr and notifications piped to ch, held at its gate: 0 or -1 with err. */
int external_start_child(char *const *argv, struct child *ch, char *err, size_t errlen);

/*
 * Lets the program go, then reads its output and notifications until it
 * has closed them all, and reaps it.  The counters are read at 's'; if the
 * window never closed, they are closed unread and marked invalid.
 */
int external_follow_child(const char *program, struct child *ch, const struct event_set *events,
			  struct counter_reading *readings, const struct rep_hooks *hooks, char *err,
			  size_t errlen);

/* The program's status and last stderr line, as an error; 0 if it exited 0 with output. */
int external_judge_exit(const char *program, struct child *ch, char *err, size_t errlen);

/* The program's stdout (ch) as c's figures on pus: 0, or -1 with what is wrong in err. */
int external_read_result(const struct config *c, const int *pus, struct child *ch,
			 struct rep_figures *out, char *err, size_t errlen);

#endif
