/*
 * deadlock: a deliberately BROKEN lock that never releases, for tests only.
 *
 * Lock word: 0 = free, 1 = held.
 *   lock:   cas 0 -> 1; while that fails, park on the futex until woken.
 *   unlock: does nothing (the bug): the word stays 1 for ever.
 *
 * The first acquisition succeeds and every later one parks for good, so
 * a run on it hangs and its configuration must be killed at the sweep's
 * time limit and recorded as `timeout`.  Parking, not spinning, makes the
 * hang cost no CPU while it waits to be killed.  LOCK_TEST_ONLY: never
 * listed or swept, only named.
 */
#include <stdatomic.h>

#include "futex.h"
#include "lock.h"

struct deadlock_lock {
	atomic_uint held;
};

static int deadlock_init(void *lock, const int64_t *params)
{
	(void)params;
	atomic_init(&((struct deadlock_lock *)lock)->held, 0);
	return 0;
}

static void deadlock_lock(void *lock, void *self)
{
	(void)self;
	struct deadlock_lock *l = lock;
	unsigned expected = 0;
	/* acquire: would pair with a release in unlock, which never comes */
	while (!atomic_compare_exchange_strong_explicit(&l->held, &expected, 1,
							memory_order_acquire,
							memory_order_relaxed)) {
		futex_wait(&l->held, 1);
		expected = 0;
	}
}

static void deadlock_unlock(void *lock, void *self)
{
	(void)lock;
	(void)self;	/* the bug: the word is never cleared, nobody is woken */
}

const struct lock_ops deadlock_ops = {
	.name = "deadlock",
	.summary = "BROKEN lock that never releases: proves a hang is caught as a timeout",
	.flags = LOCK_TEST_ONLY,
	.size = sizeof(struct deadlock_lock),
	.init = deadlock_init,
	.lock = deadlock_lock,
	.unlock = deadlock_unlock,
};
