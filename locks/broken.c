/*
 * broken: a deliberately BROKEN lock, for tests only.  Never use it.
 *
 * It tests the word, pauses, then sets it with a plain store: two threads
 * can both see 0 and both enter.  The tests run it through the same
 * checks as every real lock to prove that those checks can fail.  Marked
 * LOCK_TEST_ONLY, so it is never listed or swept, only named.
 */
#include <stdatomic.h>

#include "../harness/compiler.h"
#include "lock.h"

struct broken_lock {
	atomic_uint held;
};

static int broken_init(void *lock, const int64_t *params)
{
	(void)params;
	atomic_init(&((struct broken_lock *)lock)->held, 0);
	return 0;
}

static void broken_lock(void *lock, void *self)
{
	(void)self;
	struct broken_lock *l = lock;
	while (atomic_load_explicit(&l->held, memory_order_acquire))
		cpu_relax();
	cpu_relax();	/* widen the window between the test and the set */
	atomic_store_explicit(&l->held, 1, memory_order_relaxed);
}

static void broken_unlock(void *lock, void *self)
{
	(void)self;
	struct broken_lock *l = lock;
	atomic_store_explicit(&l->held, 0, memory_order_release);
}

const struct lock_ops broken_ops = {
	.name = "broken",
	.summary = "BROKEN test-then-set lock: proves the exclusion checks can fail",
	.flags = LOCK_TEST_ONLY,
	.size = sizeof(struct broken_lock),
	.init = broken_init,
	.lock = broken_lock,
	.unlock = broken_unlock,
};
