/*
 * slow: a correct mutex whose set-up, critical section and teardown take
 * as long as asked, for tests of the sweep's time limits only.
 *
 * A pthread mutex; init sleeps init_ms, every acquisition sleeps hold_ms
 * while holding it, destroy sleeps destroy_ms.  It stands for what real
 * configurations do slowly without being hung: a channel of 4 GiB to
 * allocate and free, a thousand waiters to drain after the window closes
 * (each stopping thread still finishes the operation it waits in, one
 * hold_ms after another).  None of these may be recorded as a timeout,
 * while a lock that truly hangs (`deadlock`) still is.  LOCK_TEST_ONLY:
 * never listed or swept, only named.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "lock.h"

enum { SLOW_INIT_MS, SLOW_HOLD_MS, SLOW_DESTROY_MS };

static const struct param_decl slow_params[] = {
	[SLOW_INIT_MS] = { "init_ms", PARAM_INT, 0, 0, 600000, NULL,
			   "milliseconds init sleeps (a long set-up)" },
	[SLOW_HOLD_MS] = { "hold_ms", PARAM_INT, 0, 0, 600000, NULL,
			   "milliseconds each acquisition sleeps holding the lock (a long drain)" },
	[SLOW_DESTROY_MS] = { "destroy_ms", PARAM_INT, 0, 0, 600000, NULL,
			      "milliseconds destroy sleeps (a long teardown)" },
};

struct slow_lock {
	pthread_mutex_t mutex;
	int64_t hold_ms, destroy_ms;
};

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int slow_init(void *lock, const int64_t *params)
{
	struct slow_lock *l = lock;
	sleep_ms(params[SLOW_INIT_MS]);
	l->hold_ms = params[SLOW_HOLD_MS];
	l->destroy_ms = params[SLOW_DESTROY_MS];
	return pthread_mutex_init(&l->mutex, NULL);
}

static void slow_destroy(void *lock)
{
	struct slow_lock *l = lock;
	pthread_mutex_destroy(&l->mutex);
	sleep_ms(l->destroy_ms);
}

static void slow_lock(void *lock, void *self)
{
	(void)self;
	struct slow_lock *l = lock;
	pthread_mutex_lock(&l->mutex);
	sleep_ms(l->hold_ms);
}

static void slow_unlock(void *lock, void *self)
{
	(void)self;
	pthread_mutex_unlock(&((struct slow_lock *)lock)->mutex);
}

const struct lock_ops slow_ops = {
	.name = "slow",
	.summary = "correct mutex with slow init, hold and destroy: proves slow is not taken for hung",
	.flags = LOCK_TEST_ONLY,
	.size = sizeof(struct slow_lock),
	.params = slow_params,
	.nparams = sizeof(slow_params) / sizeof(slow_params[0]),
	.init = slow_init,
	.destroy = slow_destroy,
	.lock = slow_lock,
	.unlock = slow_unlock,
};
