/*
 * pthread-mutex: glibc's default mutex, the baseline users know.
 *
 * glibc's PTHREAD_MUTEX_NORMAL is a futex word: an uncontended lock is
 * one CAS, a contended one parks in the kernel at once (no spinning), and
 * unlock wakes one waiter.  Waking a parked thread costs a futex syscall
 * plus the scheduler's wake latency, which dominates under contention.
 */
#include <pthread.h>

#include "lock.h"

static int pthread_mutex_init_lock(void *lock, const int64_t *params)
{
	(void)params;
	return pthread_mutex_init(lock, NULL);
}

static void pthread_mutex_destroy_lock(void *lock)
{
	pthread_mutex_destroy(lock);
}

static void pthread_mutex_acquire(void *lock, void *self)
{
	(void)self;
	pthread_mutex_lock(lock);
}

static bool pthread_mutex_try(void *lock, void *self)
{
	(void)self;
	return pthread_mutex_trylock(lock) == 0;
}

static void pthread_mutex_release(void *lock, void *self)
{
	(void)self;
	pthread_mutex_unlock(lock);
}

const struct lock_ops pthread_mutex_ops = {
	.name = "pthread-mutex",
	.summary = "glibc pthread_mutex_t (futex; parks at once when contended)",
	.size = sizeof(pthread_mutex_t),
	.init = pthread_mutex_init_lock,
	.destroy = pthread_mutex_destroy_lock,
	.lock = pthread_mutex_acquire,
	.trylock = pthread_mutex_try,
	.unlock = pthread_mutex_release,
};
