#include "isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "floor.h"

/*
 * After the measured window closes, the threads still finish the operation
 * they are in: with a thousand waiters queued on a fair lock that drain
 * takes a while.  A child whose threads keep exiting is not hung: its
 * limit is pushed back to this long after the last one did.
 */
#define DRAIN_GRACE_S 3.0
#define DRAIN_POLL_MS 100

static volatile sig_atomic_t stop_signal;
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
static bool caught[sizeof(stop_signals) / sizeof(stop_signals[0])];

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

void isolate_catch_stop_signals(void)
{
	/*
	 * SA_RESTART keeps writes to stdout and to files from failing with
	 * EINTR; poll(), which the wait for a child sleeps in, returns EINTR
	 * whatever the flag (signal(7)), so the run still stops at once.
	 */
	struct sigaction sa = { .sa_handler = on_stop_signal, .sa_flags = SA_RESTART }, old;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		if (sigaction(stop_signals[i], &sa, &old) != 0)
			continue;
		caught[i] = old.sa_handler != SIG_IGN || caught[i];
		if (!caught[i])
			sigaction(stop_signals[i], &old, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
}

int isolate_stop_signal(void)
{
	return stop_signal;
}

const char *isolate_signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "SIGTERM";
}

/*
 * The child's own measured time is warmup + its window for its one
 * repetition (the duration, extended for a slow configuration:
 * run_max_window_s()), whatever the primitive does, since the loop is
 * stopped by the clock: 5 times that absorbs a loaded or oversubscribed machine and a
 * sanitizer's slowdown.  The fixed part covers what remains between the
 * gate and the figures (stopping and joining the threads, reading the
 * counters, the check), which takes milliseconds; 3 s leaves a wide margin
 * while keeping a deliberately hung short run cheap to detect.
 */
double isolate_measure_limit_s(const struct run_settings *s)
{
	return 5 * (s->warmup_s + run_max_window_s(s)) + 3;
}

/* What the child sends, each message after a one-byte tag. */
enum {
	TAG_READY = 'R',	/* set up; nothing follows */
	TAG_FIGURES = 'F',	/* a rep_message, then config->threads thread_figures */
	TAG_ERROR = 'E',	/* a rep_message with error set */
};

#define ERROR_LEN 256

/* The figures as they are in memory (parent and child are the same program). */
struct rep_message {
	char error[ERROR_LEN];
	struct rep_figures rep;
};

static int write_all(int fd, const void *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* The child's end: the pipe and what goes through it. */
struct child_link {
	int fd;
	int threads;
	struct rep_message *msg;
	bool failed;		/* a write to the parent failed: it is gone */
};

static void send_message(struct child_link *l, char tag)
{
	size_t thread_bytes = tag == TAG_FIGURES ? (size_t)l->threads * sizeof(struct thread_figures) : 0;
	if (write_all(l->fd, &tag, 1) != 0 ||
	    (tag != TAG_READY && (write_all(l->fd, l->msg, sizeof(*l->msg)) != 0 ||
				  write_all(l->fd, l->msg->rep.threads, thread_bytes) != 0)))
		l->failed = true;
}

static void child_ready(void *arg)
{
	send_message(arg, TAG_READY);
}

static void child_measured(void *arg)
{
	send_message(arg, TAG_FIGURES);
}

/* In the child: run one repetition, reporting on fd; never returns. */
static _Noreturn void child_main(const struct config *c, const struct run_settings *s,
				 const int *pus, int fd, pid_t parent)
{
	static struct rep_message msg;	/* static: a rep_figures holds ~160 KB of histograms */

	/*
	 * Die with the parent, even one killed by SIGKILL, which no handler
	 * sees; if it died before this line, the death signal never comes, so
	 * look again.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(1);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (caught[i])
			signal(stop_signals[i], SIG_DFL);

	struct child_link link = { .fd = fd, .threads = c->threads, .msg = &msg };
	const struct rep_hooks hooks = { child_ready, child_measured, &link };
	msg.rep.threads = calloc((size_t)c->threads, sizeof(*msg.rep.threads));
	if (!msg.rep.threads) {
		snprintf(msg.error, sizeof(msg.error), "out of memory");
		send_message(&link, TAG_ERROR);
	} else {
		/* Its own floor, on its own PUs, a moment before its window. */
		msg.rep.floor_ns = c->bench->flags & BENCH_WANTS_FLOOR
				   ? floor_of_repetition(s, pus, c->threads) : NAN;
		if (run_repetition(c, s, pus, &msg.rep, msg.error, sizeof(msg.error), &hooks) != 0) {
			if (!msg.error[0])
				snprintf(msg.error, sizeof(msg.error), "the repetition failed");
			send_message(&link, TAG_ERROR);
		}
	}
	_exit(link.failed ? 1 : 0);
}

enum child_phase { SETTING_UP, MEASURING, TEARING_DOWN };

/* The parent's view of one child. */
struct watch {
	pid_t pid;
	int fd;
	int threads;
	enum child_phase phase;
	char *buf;		/* everything the child sent */
	size_t len, cap;
	size_t result_at;	/* where the figures' or the error's tag is in buf */
	double measure_limit_s, window_s;
	uint64_t started_ns, ready_ns, deadline_ns;
	int threads_seen;	/* the child's thread count when last looked at */
	uint64_t last_exit_ns;	/* when it last went down; 0: not yet */
};

static uint64_t s_to_ns(double s)
{
	return (uint64_t)(s * 1e9);
}

static int read_some(struct watch *w)
{
	if (w->cap - w->len < 65536) {
		size_t cap = w->cap * 2 + 65536;
		char *p = realloc(w->buf, cap);
		if (!p)
			return -1;
		w->buf = p;
		w->cap = cap;
	}
	ssize_t n = read(w->fd, w->buf + w->len, w->cap - w->len);
	if (n > 0)
		w->len += (size_t)n;
	return n > 0 ? 1 : (n == 0 ? 0 : (errno == EINTR ? 1 : -1));
}

/* Bytes a complete message with tag takes after the tag; 0 for an unknown tag. */
static size_t message_bytes(const struct watch *w, char tag)
{
	if (tag == TAG_FIGURES)
		return sizeof(struct rep_message) + (size_t)w->threads * sizeof(struct thread_figures);
	return tag == TAG_ERROR ? sizeof(struct rep_message) : 0;
}

static bool result_complete(const struct watch *w)
{
	if (w->len <= w->result_at)
		return false;
	size_t need = message_bytes(w, w->buf[w->result_at]);
	return need && w->len - w->result_at - 1 >= need;
}

/* Moves to the phase that what the child sent so far puts it in. */
static void advance(struct watch *w, uint64_t now)
{
	if (w->phase == SETTING_UP && w->len > 0 && w->buf[0] == TAG_READY) {
		w->phase = MEASURING;
		w->result_at = 1;
		w->ready_ns = now;
		w->deadline_ns = now + s_to_ns(w->measure_limit_s);
	}
	if (w->phase != TEARING_DOWN && result_complete(w)) {
		w->phase = TEARING_DOWN;
		w->deadline_ns = now + s_to_ns(ISOLATE_TEARDOWN_LIMIT_S);
	}
}

/* The child's thread count (/proc/PID/status), or -1. */
static int thread_count(pid_t pid)
{
	char path[64], line[128];
	int n = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

/* After the window: notes when another of the child's threads has exited. */
static void watch_drain(struct watch *w, uint64_t now)
{
	if (w->phase != MEASURING || now < w->ready_ns + s_to_ns(w->window_s))
		return;
	int n = thread_count(w->pid);
	if (n >= 0 && w->threads_seen > 0 && n < w->threads_seen)
		w->last_exit_ns = now;
	if (n >= 0)
		w->threads_seen = n;
}

static bool past_limit(const struct watch *w, uint64_t now)
{
	bool draining = w->phase == MEASURING && w->last_exit_ns &&
			now < w->last_exit_ns + s_to_ns(DRAIN_GRACE_S);
	return now >= w->deadline_ns && !draining;
}

enum wait_end { CHILD_EXITED, CHILD_TIMEOUT, CHILD_INTERRUPTED, CHILD_UNREADABLE };

/* Reads what the child sends until it exits, a limit passes, or a stop signal comes. */
static enum wait_end watch_child(struct watch *w)
{
	for (;;) {
		if (stop_signal)
			return CHILD_INTERRUPTED;
		uint64_t now = now_ns();
		watch_drain(w, now);
		if (past_limit(w, now))
			return CHILD_TIMEOUT;
		int ms = now < w->deadline_ns ? (int)((w->deadline_ns - now) / 1000000) + 1 : 0;
		if (w->phase == MEASURING && (ms > DRAIN_POLL_MS || ms == 0))
			ms = DRAIN_POLL_MS;
		struct pollfd p = { .fd = w->fd, .events = POLLIN };
		if (poll(&p, 1, ms) > 0) {
			int r = read_some(w);
			if (r <= 0)
				return r == 0 ? CHILD_EXITED : CHILD_UNREADABLE;
			advance(w, now_ns());
		}
	}
}

static void timeout_detail(const struct watch *w, struct isolate_result *res)
{
	if (w->phase == SETTING_UP)
		snprintf(res->detail, sizeof(res->detail), "set-up did not finish within the %.3g s "
			 "set-up limit", ISOLATE_SETUP_LIMIT_S);
	else if (w->phase == MEASURING)
		snprintf(res->detail, sizeof(res->detail), "no result within the %.3g s time limit "
			 "after set-up (which took %.3g s)", w->measure_limit_s,
			 (double)(w->ready_ns - w->started_ns) / 1e9);
	else
		snprintf(res->detail, sizeof(res->detail), "teardown did not finish within the %.3g s "
			 "teardown limit, after the figures were sent", ISOLATE_TEARDOWN_LIMIT_S);
}

/* What a child that exited with status left: figures in out, an error, or a crash. */
static void take_result(const struct watch *w, int status, struct rep_figures *out,
			struct isolate_result *res)
{
	bool complete = result_complete(w);
	char tag = complete ? w->buf[w->result_at] : 0;
	/* Bytes, not a struct pointer: the message starts after its tag, unaligned. */
	const char *body = w->buf + w->result_at + 1;
	size_t thread_bytes = (size_t)w->threads * sizeof(struct thread_figures);

	res->outcome = ISOLATE_CRASHED;
	if (WIFSIGNALED(status)) {
		snprintf(res->detail, sizeof(res->detail), "killed by signal %d (%s)%s", WTERMSIG(status),
			 strsignal(WTERMSIG(status)), tag == TAG_FIGURES ? " in teardown" : "");
	} else if (WEXITSTATUS(status) != 0 || !complete) {
		snprintf(res->detail, sizeof(res->detail), "exited with status %d without a result",
			 WEXITSTATUS(status));
	} else if (tag == TAG_ERROR) {
		res->outcome = ISOLATE_ERROR;
		snprintf(res->detail, sizeof(res->detail), "%.*s", ERROR_LEN - 1,
			 body + offsetof(struct rep_message, error));
	} else {
		struct thread_figures *threads = malloc(thread_bytes);
		if (!threads) {
			res->outcome = ISOLATE_ERROR;
			snprintf(res->detail, sizeof(res->detail), "out of memory");
			return;
		}
		memcpy(out, body + offsetof(struct rep_message, rep), sizeof(*out));
		memcpy(threads, body + sizeof(struct rep_message), thread_bytes);
		out->threads = threads;
		res->outcome = ISOLATE_MEASURED;
	}
}

void isolate_repetition(const struct config *c, const struct run_settings *s, const int *pus,
			struct rep_figures *out, struct isolate_result *res)
{
	int fds[2];
	*res = (struct isolate_result){ .outcome = ISOLATE_ERROR };
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(res->detail, sizeof(res->detail), "cannot create a pipe: %s", strerror(errno));
		return;
	}
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child_main(c, s, pus, fds[1], parent);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		snprintf(res->detail, sizeof(res->detail), "cannot fork: %s", strerror(errno));
		return;
	}

	uint64_t start = now_ns();
	struct watch w = { .pid = pid, .fd = fds[0], .threads = c->threads, .started_ns = start,
			   .measure_limit_s = isolate_measure_limit_s(s),
			   .window_s = s->warmup_s + run_max_window_s(s),
			   .deadline_ns = start + s_to_ns(ISOLATE_SETUP_LIMIT_S) };
	enum wait_end end = watch_child(&w);
	int read_errno = errno;
	if (end != CHILD_EXITED)
		kill(pid, SIGKILL);
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (end == CHILD_INTERRUPTED) {
		res->outcome = ISOLATE_INTERRUPTED;
	} else if (end == CHILD_TIMEOUT) {
		res->outcome = ISOLATE_TIMEOUT;
		timeout_detail(&w, res);
	} else if (end == CHILD_UNREADABLE) {
		snprintf(res->detail, sizeof(res->detail), "cannot read the child's result: %s",
			 strerror(read_errno));
	} else {
		take_result(&w, status, out, res);
	}
	free(w.buf);
}
