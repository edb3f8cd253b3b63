/*
 * null: no synchronization at all.
 *
 * Measures what the harness itself costs per operation (the indirect
 * calls, the loop, the stop-flag check), so that every other figure can
 * be read against it.  It excludes nothing: the harness skips exclusion
 * checks for it and says so in the result.
 */
#include "lock.h"

static int null_init(void *lock, const int64_t *params)
{
	(void)lock;
	(void)params;
	return 0;
}

static void null_lock(void *lock, void *self)
{
	(void)lock;
	(void)self;
}

static bool null_trylock(void *lock, void *self)
{
	(void)lock;
	(void)self;
	return true;
}

const struct lock_ops null_ops = {
	.name = "null",
	.summary = "no synchronization: the harness's own cost per operation",
	.flags = LOCK_NO_EXCLUSION,
	.size = 1,
	.init = null_init,
	.lock = null_lock,
	.trylock = null_trylock,
	.unlock = null_lock,
};
