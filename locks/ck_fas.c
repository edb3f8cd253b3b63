/*
 * ck-fas: Concurrency Kit's fetch-and-store spinlock, CK's default
 * ck_spinlock_t (its header says FAS "proved to have lowest latency in
 * fast path testing" on the machines CK tested), the nearest CK lock to
 * `tas`.
 * Wraps ck_spinlock_fas_{init,lock,trylock,unlock} from <ck_spinlock.h>
 * (spinlock/fas.h), CK 0.7.1 (Debian libck-dev 0.7.1-10; see locks/ck.h).
 *
 * One unsigned word, 0 free, 1 held:
 *   lock:    xchg(word, 1) == 0 takes it; else PAUSE while word == 1, and
 *            swap again (a read-spin between swaps, so TTAS in effect).
 *   trylock: one xchg.
 *   unlock:  store 0.
 * Against `tas`, which swaps on every attempt: CK reads while the lock is
 * held and swaps only when it looks free, as `ttas` does, but without
 * ttas's backoff (CK's backoff variant, ck_spinlock_fas_lock_eb, is not
 * wrapped).  No bound on overtaking: whoever's swap lands first wins.
 */
#include "ck.h"
#include "lock.h"

static int ck_fas_init(void *lock, const int64_t *params)
{
	(void)params;
	ck_spinlock_fas_init(lock);
	return 0;
}

static void ck_fas_lock(void *lock, void *self)
{
	(void)self;
	ck_wrap_lock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_fas_lock(lock);
	ck_wrap_lock_end(lock, CK_WRAP_WRITE, true);
}

static bool ck_fas_trylock(void *lock, void *self)
{
	(void)self;
	ck_wrap_lock_begin(lock, CK_WRAP_TRY);
	bool taken = ck_spinlock_fas_trylock(lock);
	ck_wrap_lock_end(lock, CK_WRAP_TRY, taken);
	return taken;
}

static void ck_fas_unlock(void *lock, void *self)
{
	(void)self;
	ck_wrap_unlock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_fas_unlock(lock);
	ck_wrap_unlock_end(lock, CK_WRAP_WRITE);
}

const struct lock_ops ck_fas_ops = {
	.name = "ck-fas",
	.summary = "Concurrency Kit's fetch-and-store spinlock, read-spin between swaps (CK's default)",
	.flags = LOCK_UNBOUNDED_WAIT,
	.size = sizeof(ck_spinlock_fas_t),
	.init = ck_fas_init,
	.lock = ck_fas_lock,
	.trylock = ck_fas_trylock,
	.unlock = ck_fas_unlock,
};
