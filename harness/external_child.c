/*
 * The external program's process: started with the notify pipe and a
 * gate, followed through its notifications (the counters' window), its
 * output drained, reaped and judged (external_private.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "external_private.h"

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Every descriptor above the notify one: the program inherits none of ours. */
static void close_the_rest(void)
{
	if (syscall(SYS_close_range, NOTIFY_FD + 1, ~0u, 0) == 0)
		return;
	for (long fd = NOTIFY_FD + 1, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
		close((int)fd);
}

/*
 * In the forked child: wire the descriptors, wait at the gate, become the
 * program.  gate_in is the parent's end of the gate, which must be closed
 * here too for the parent's close to read as EOF.
 */
static _Noreturn void exec_program(pid_t parent, int out, int err, int notify, int gate,
				   int gate_in, char *const *argv)
{
	char go;
	close(gate_in);
	/* Gone with us: a repetition killed at its time limit must not leave the program running. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	/* dup2() onto itself would keep O_CLOEXEC: clear it on all three. */
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0 ||
	    dup2(notify, NOTIFY_FD) < 0 || fcntl(STDOUT_FILENO, F_SETFD, 0) < 0 ||
	    fcntl(STDERR_FILENO, F_SETFD, 0) < 0 || fcntl(NOTIFY_FD, F_SETFD, 0) < 0)
		_exit(127);
	/* The parent closes its end once the counters are open: EOF lets us go. */
	while (read(gate, &go, 1) < 0 && errno == EINTR)
		;
	close_the_rest();
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int make_pipe(int fds[2], char *err, size_t errlen)
{
	if (pipe2(fds, O_CLOEXEC) == 0)
		return 0;
	snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
	return -1;
}

/* Starts the program, blocked at its gate; 0 or -1 with err. */
int external_start_child(char *const *argv, struct child *ch, char *err, size_t errlen)
{
	int out[2] = { -1, -1 }, er[2] = { -1, -1 }, note[2] = { -1, -1 }, gate[2] = { -1, -1 };
	if (make_pipe(out, err, errlen) || make_pipe(er, err, errlen) ||
	    make_pipe(note, err, errlen) || make_pipe(gate, err, errlen))
		goto fail;
	pid_t parent = getpid();
	fflush(NULL);
	ch->pid = fork();
	if (ch->pid == 0)
		exec_program(parent, out[1], er[1], note[1], gate[0], gate[1], argv);
	if (ch->pid < 0) {
		snprintf(err, errlen, "cannot fork: %s", strerror(errno));
		goto fail;
	}
	close(out[1]);
	close(er[1]);
	close(note[1]);
	close(gate[0]);
	ch->out = out[0];
	ch->err = er[0];
	ch->notify = note[0];
	ch->gate = gate[1];
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		close_fd(&out[i]);
		close_fd(&er[i]);
		close_fd(&note[i]);
		close_fd(&gate[i]);
	}
	return -1;
}

/* Appends what fd has to the child's stdout or stderr text; closes it at EOF. */
static int drain(struct child *ch, int *fd)
{
	char buf[65536];
	ssize_t n = read(*fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	if (n == 0) {
		close_fd(fd);
		return 0;
	}
	if (fd == &ch->err) {
		size_t keep = sizeof(ch->stderr_text) - 1 - ch->stderr_len;
		keep = (size_t)n < keep ? (size_t)n : keep;
		memcpy(ch->stderr_text + ch->stderr_len, buf, keep);
		ch->stderr_len += keep;
		ch->stderr_text[ch->stderr_len] = '\0';
		return 0;
	}
	if (ch->stdout_cap - ch->stdout_len < (size_t)n + 1) {
		size_t cap = 2 * ch->stdout_cap + (size_t)n + 1;
		char *p = realloc(ch->stdout_text, cap);
		if (!p)
			return -1;
		ch->stdout_text = p;
		ch->stdout_cap = cap;
	}
	memcpy(ch->stdout_text + ch->stdout_len, buf, (size_t)n);
	ch->stdout_len += (size_t)n;
	ch->stdout_text[ch->stdout_len] = '\0';
	return 0;
}

/* Where the counted window stands, by the program's notifications. */
enum window { WINDOW_BEFORE, WINDOW_OPEN, WINDOW_READ };

/*
 * One notification: 'r' ends the set-up, 'm' opens the counting window,
 * 's' closes and reads it.
 */
static void take_notice(struct child *ch, const struct event_set *events,
			struct thread_counters *tc, enum window *w, struct counter_reading *out,
			const struct rep_hooks *hooks)
{
	char what;
	ssize_t n = read(ch->notify, &what, 1);
	if (n == 0 || (n < 0 && errno != EINTR)) {
		close_fd(&ch->notify);
	} else if (n == 1 && what == 'r') {
		if (hooks && hooks->ready)
			hooks->ready(hooks->arg);
	} else if (n == 1 && what == 'm' && *w == WINDOW_BEFORE) {
		counters_enable(events, tc);
		*w = WINDOW_OPEN;
	} else if (n == 1 && what == 's' && *w == WINDOW_OPEN) {
		counters_finish(events, tc, out);
		*w = WINDOW_READ;
	}
}

/*
 * Lets the program go, then reads its output and notifications until it
 * has closed them all, and reaps it.  The counters are read at 's'; if the
 * window never closed, they are closed unread and marked invalid.
 */
int external_follow_child(const char *program, struct child *ch, const struct event_set *events,
			struct counter_reading *readings, const struct rep_hooks *hooks, char *err,
			size_t errlen)
{
	struct thread_counters tc;
	enum window w = WINDOW_BEFORE;
	counters_open_process(events, ch->pid, &tc);
	close_fd(&ch->gate);
	while (ch->out >= 0 || ch->err >= 0 || ch->notify >= 0) {
		struct pollfd p[3] = { { .fd = ch->out, .events = POLLIN },
				       { .fd = ch->err, .events = POLLIN },
				       { .fd = ch->notify, .events = POLLIN } };
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "cannot wait for %s: %s", program, strerror(errno));
			kill(ch->pid, SIGKILL);
			break;
		}
		if (p[2].revents)
			take_notice(ch, events, &tc, &w, readings, hooks);
		if ((p[0].revents && drain(ch, &ch->out) != 0) ||
		    (p[1].revents && drain(ch, &ch->err) != 0)) {
			snprintf(err, errlen, "cannot read %s's output: %s", program, strerror(errno));
			kill(ch->pid, SIGKILL);
			break;
		}
	}
	if (w != WINDOW_READ) {
		counters_finish(events, &tc, readings);
		for (int i = 0; i < events->n; i++)
			readings[i].valid = 0;
	}
	close_fd(&ch->out);
	close_fd(&ch->err);
	close_fd(&ch->notify);
	while (waitpid(ch->pid, &ch->status, 0) < 0 && errno == EINTR)
		;
	return err[0] ? -1 : 0;
}

/* The program's status and last stderr line, as an error; 0 if it exited 0 with output. */
int external_judge_exit(const char *program, struct child *ch, char *err, size_t errlen)
{
	if (WIFEXITED(ch->status) && WEXITSTATUS(ch->status) == 0 && ch->stdout_len)
		return 0;
	char *line = ch->stderr_text;
	line[strcspn(line, "\n")] = '\0';
	if (WIFSIGNALED(ch->status))
		snprintf(err, errlen, "%s killed by signal %d (%s)%s%s", program, WTERMSIG(ch->status),
			 strsignal(WTERMSIG(ch->status)), line[0] ? ": " : "", line);
	else
		snprintf(err, errlen, "%s exited with status %d%s%s", program,
			 WEXITSTATUS(ch->status), line[0] ? ": " : "", line[0] ? line : " and no result");
	return -1;
}
