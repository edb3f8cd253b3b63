/*
 * pthread-spin: glibc's pthread_spinlock_t.
 *
 * On x86-64 glibc implements it as a test-and-test-and-set on an int
 * with PAUSE in the wait loop and no backoff.  Waiters never sleep, so
 * when threads outnumber cores a waiter can burn a whole time slice
 * while the holder is preempted.
 */
#include <pthread.h>

#include "lock.h"

static int pthread_spin_init_lock(void *lock, const int64_t *params)
{
	(void)params;
	return pthread_spin_init(lock, PTHREAD_PROCESS_PRIVATE);
}

static void pthread_spin_destroy_lock(void *lock)
{
	pthread_spin_destroy(lock);
}

static void pthread_spin_acquire(void *lock, void *self)
{
	(void)self;
	pthread_spin_lock(lock);
}

static bool pthread_spin_try(void *lock, void *self)
{
	(void)self;
	return pthread_spin_trylock(lock) == 0;
}

static void pthread_spin_release(void *lock, void *self)
{
	(void)self;
	pthread_spin_unlock(lock);
}

const struct lock_ops pthread_spin_ops = {
	.name = "pthread-spin",
	.summary = "glibc pthread_spinlock_t (TTAS with PAUSE, never sleeps)",
	.flags = LOCK_UNBOUNDED_WAIT,
	.size = sizeof(pthread_spinlock_t),
	.init = pthread_spin_init_lock,
	.destroy = pthread_spin_destroy_lock,
	.lock = pthread_spin_acquire,
	.trylock = pthread_spin_try,
	.unlock = pthread_spin_release,
};
