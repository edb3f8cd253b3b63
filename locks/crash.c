/*
 * crash: a deliberately BROKEN lock that aborts the process, for tests only.
 *
 * A correct test-and-set lock (0 = free, 1 = held; xchg 0 -> 1 to lock,
 * store 1 -> 0 to unlock) that calls abort() on its `crash_after`th
 * acquisition.  abort() rather than a wild store: SIGABRT reaches the
 * sweep the same way in every build, whereas AddressSanitizer would turn a
 * SIGSEGV into its own report first.  The configuration must be recorded
 * as `crashed` with the signal, and the sweep must go on.  LOCK_TEST_ONLY:
 * never listed or swept, only named.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "../harness/compiler.h"
#include "lock.h"

enum { CRASH_AFTER };

static const struct param_decl crash_params[] = {
	[CRASH_AFTER] = { "crash_after", PARAM_INT, 1000, 1, 1000000000, NULL,
			  "acquisitions before the process aborts" },
};

struct crash_lock {
	atomic_uint held;
	int64_t left;		/* acquisitions before abort(); guarded by the lock */
};

static int crash_init(void *lock, const int64_t *params)
{
	struct crash_lock *l = lock;
	atomic_init(&l->held, 0);
	l->left = params[CRASH_AFTER];
	return 0;
}

static void crash_lock(void *lock, void *self)
{
	(void)self;
	struct crash_lock *l = lock;
	/* acquire: pairs with the release in crash_unlock() */
	while (atomic_exchange_explicit(&l->held, 1, memory_order_acquire) != 0)
		cpu_relax();
	if (--l->left == 0)
		abort();
}

static void crash_unlock(void *lock, void *self)
{
	(void)self;
	struct crash_lock *l = lock;
	/* release: publishes the critical section, `left` included */
	atomic_store_explicit(&l->held, 0, memory_order_release);
}

const struct lock_ops crash_ops = {
	.name = "crash",
	.summary = "BROKEN lock that aborts after crash_after acquisitions: proves a crash is recorded",
	.flags = LOCK_TEST_ONLY,
	.size = sizeof(struct crash_lock),
	.params = crash_params,
	.nparams = ARRAY_SIZE(crash_params),
	.init = crash_init,
	.lock = crash_lock,
	.unlock = crash_unlock,
};
