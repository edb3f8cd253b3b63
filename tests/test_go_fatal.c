/*
 * Go's fatal errors and unrecovered panics: unlocking an unlocked gomutex
 * (every variant), an unbalanced RUnlock or Unlock of gorwmutex, a select
 * of more than 65536 cases, and a gochan select's send on a closed
 * channel (found closed, or closed while the select waits; by selectgo
 * and by the one-case rewrite) must print Go's message on stderr and
 * abort.  Each misuse runs in a forked child, and this process starts no
 * thread, so the fork is safe under the sanitizers too.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../locks/gochan.h"
#include "lockkit.h"

struct misuse {
	const char *prim;
	const char *what;
	void (*run)(struct instance *in);
	const char *message;
};

static void unlock_unlocked(struct instance *in)
{
	in->ops->unlock(in->lock, in->self[0]);
}

static void unlock_twice(struct instance *in)
{
	in->ops->lock(in->lock, in->self[0]);
	in->ops->unlock(in->lock, in->self[0]);
	in->ops->unlock(in->lock, in->self[0]);
}

static void runlock_unlocked(struct instance *in)
{
	in->ops->runlock(in->lock, in->self[0]);
}

static void runlock_under_writer(struct instance *in)
{
	in->ops->lock(in->lock, in->self[0]);
	in->ops->runlock(in->lock, in->self[0]);
}

static void unlock_under_reader(struct instance *in)
{
	in->ops->rlock(in->lock, in->self[0]);
	in->ops->unlock(in->lock, in->self[0]);
}

/* A gochan misuse: the instance is unused (channels are made here). */
static struct gochan *new_chan(size_t cap)
{
	struct gochan *c = gochan_new(sizeof(int), cap, 0);
	if (!c)
		_exit(4);
	return c;
}

static void select_send_on_closed(struct instance *in)
{
	(void)in;
	struct gochan *a = new_chan(0), *c = new_chan(1), *b = new_chan(0);
	int va, v = 1, vb;
	struct chan_case cases[3] = { { a, CHAN_RECV, &va }, { c, CHAN_SEND, &v },
				      { b, CHAN_RECV, &vb } };
	gochan_close(c);
	gochan_select(cases, 3, false, NULL);
}

static void one_case_send_on_closed(struct instance *in)
{
	(void)in;
	struct gochan *c = new_chan(1);
	int v = 1;
	struct chan_case send = { c, CHAN_SEND, &v };
	gochan_close(c);
	gochan_select(&send, 1, true, NULL);
}

static void *close_later(void *c)
{
	sleep_us(20000);
	gochan_close(c);
	return NULL;
}

static void select_send_then_closed(struct instance *in)
{
	(void)in;
	struct gochan *a = new_chan(0), *c = new_chan(0);
	int va, v = 1;
	struct chan_case cases[2] = { { a, CHAN_RECV, &va }, { c, CHAN_SEND, &v } };
	pthread_t t;
	pthread_create(&t, NULL, close_later, c);
	gochan_select(cases, 2, true, NULL);
}

static void select_too_many_cases(struct instance *in)
{
	(void)in;
	struct chan_case *cases = calloc(GOCHAN_SELECT_MAX_CASES + 1, sizeof(*cases));
	if (cases)
		gochan_select(cases, GOCHAN_SELECT_MAX_CASES + 1, false, NULL);
}

#define MUTEX_MSG "fatal error: sync: unlock of unlocked mutex\n"
#define RUNLOCK_MSG "fatal error: sync: RUnlock of unlocked RWMutex\n"
#define UNLOCK_MSG "fatal error: sync: Unlock of unlocked RWMutex\n"
#define CLOSED_MSG "panic: send on closed channel\n"
#define CASES_MSG "fatal error: select: more cases than 65536"

static const struct misuse misuses[] = {
	{ "gomutex", "unlock of a new mutex", unlock_unlocked, MUTEX_MSG },
	{ "gomutex", "second unlock", unlock_twice, MUTEX_MSG },
	{ "gomutex-normal", "unlock of a new mutex", unlock_unlocked, MUTEX_MSG },
	{ "gomutex-fifo", "unlock of a new mutex", unlock_unlocked, MUTEX_MSG },
	{ "gorwmutex", "RUnlock of a new lock", runlock_unlocked, RUNLOCK_MSG },
	{ "gorwmutex", "RUnlock under a writer", runlock_under_writer, RUNLOCK_MSG },
	{ "gorwmutex", "Unlock of a new lock", unlock_unlocked, UNLOCK_MSG },
	{ "gorwmutex", "Unlock under a reader", unlock_under_reader, UNLOCK_MSG },
	{ "gochan", "select's send on a closed channel", select_send_on_closed, CLOSED_MSG },
	{ "gochan", "one-case select's send on a closed one", one_case_send_on_closed, CLOSED_MSG },
	{ "gochan", "select's send, then close", select_send_then_closed, CLOSED_MSG },
	{ "gochan", "select of 65537 cases", select_too_many_cases, CASES_MSG },
};

/* In the child: stderr into the pipe, no core file, a deadline, the misuse. */
static _Noreturn void commit_misuse(const struct misuse *m, int err_fd)
{
	struct rlimit no_core = { 0, 0 };

	setrlimit(RLIMIT_CORE, &no_core);
	dup2(err_fd, STDERR_FILENO);
	alarm(10);	/* a misuse that blocks dies by SIGALRM, not by hanging */
	const struct lock_ops *p = lock_find(m->prim);
	struct instance in = { .ops = p };
	if (!p->chan)
		in = instance_new(p);
	m->run(&in);
	_exit(0);	/* survived: the parent reports it */
}

static void check_misuse(const struct misuse *m)
{
	char err[512] = "";
	size_t len = 0;
	ssize_t got;
	int fd[2], status = 0;

	fflush(NULL);
	if (pipe(fd) != 0) {
		CHECK(0, "pipe");
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(fd[0]);
		commit_misuse(m, fd[1]);
	}
	close(fd[1]);
	while (len < sizeof(err) - 1 && (got = read(fd[0], err + len, sizeof(err) - 1 - len)) > 0)
		len += (size_t)got;
	err[len] = '\0';
	close(fd[0]);
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "%s: fork or wait failed", m->prim);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	      "%s, %s: not aborted (wait status %#x)", m->prim, m->what, status);
	CHECK(strstr(err, m->message) != NULL, "%s, %s: stderr was \"%s\"", m->prim, m->what, err);
}

int main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(misuses); i++)
		check_misuse(&misuses[i]);
	printf("%zu misuses checked for abort() and Go's message\n", ARRAY_SIZE(misuses));
	return check_exit();
}
