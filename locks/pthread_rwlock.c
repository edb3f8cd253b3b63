/*
 * pthread-rwlock: glibc's pthread_rwlock_t with default attributes, the
 * baseline for gorwmutex.
 *
 * glibc's default kind is PTHREAD_RWLOCK_PREFER_READER_NP: a reader gets
 * in whenever no writer holds the lock, even if writers wait, so a steady
 * stream of overlapping readers can starve a writer (gorwmutex prefers
 * writers instead).  Contended waiters park on futexes.
 */
#include <pthread.h>

#include "lock.h"

static int pthread_rwlock_init_lock(void *lock, const int64_t *params)
{
	(void)params;
	return pthread_rwlock_init(lock, NULL);
}

static void pthread_rwlock_destroy_lock(void *lock)
{
	pthread_rwlock_destroy(lock);
}

static void pthread_rwlock_acquire(void *lock, void *self)
{
	(void)self;
	pthread_rwlock_wrlock(lock);
}

static bool pthread_rwlock_try(void *lock, void *self)
{
	(void)self;
	return pthread_rwlock_trywrlock(lock) == 0;
}

static void pthread_rwlock_release(void *lock, void *self)
{
	(void)self;
	pthread_rwlock_unlock(lock);
}

static void pthread_rwlock_acquire_read(void *lock, void *self)
{
	(void)self;
	pthread_rwlock_rdlock(lock);
}

const struct lock_ops pthread_rwlock_ops = {
	.name = "pthread-rwlock",
	.summary = "glibc pthread_rwlock_t (default: readers preferred)",
	.size = sizeof(pthread_rwlock_t),
	.init = pthread_rwlock_init_lock,
	.destroy = pthread_rwlock_destroy_lock,
	.lock = pthread_rwlock_acquire,
	.trylock = pthread_rwlock_try,
	.unlock = pthread_rwlock_release,
	.rlock = pthread_rwlock_acquire_read,
	.runlock = pthread_rwlock_release,
};
