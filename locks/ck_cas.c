/*
 * ck-cas: Concurrency Kit's compare-and-swap spinlock, which its header
 * calls "a simple CACAS (TATAS)": the reference for `ttas`.  Wraps
 * ck_spinlock_cas_{init,lock,trylock,unlock} from <ck_spinlock.h>
 * (spinlock/cas.h), CK 0.7.1 (Debian libck-dev 0.7.1-10; see locks/ck.h).
 *
 * One unsigned word, 0 free, 1 held:
 *   lock:    CAS(word, 0 -> 1); on failure PAUSE while word == 1, then CAS
 *            again.
 *   trylock: one xchg(word, 1) (a swap, not a CAS, in CK's code).
 *   unlock:  store 0.
 * Against `ttas`, which waits for a free-looking word, swaps, and backs
 * off by a random, doubling number of PAUSEs after a lost race: CK has no
 * backoff in this variant (ck_spinlock_cas_lock_eb, not wrapped, has),
 * and it attempts with a CAS where ttas swaps (on x86 both take the line
 * exclusive, failed or not).  No bound on overtaking.
 */
#include "ck.h"
#include "lock.h"

static int ck_cas_init(void *lock, const int64_t *params)
{
	(void)params;
	ck_spinlock_cas_init(lock);
	return 0;
}

static void ck_cas_lock(void *lock, void *self)
{
	(void)self;
	ck_wrap_lock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_cas_lock(lock);
	ck_wrap_lock_end(lock, CK_WRAP_WRITE, true);
}

static bool ck_cas_trylock(void *lock, void *self)
{
	(void)self;
	ck_wrap_lock_begin(lock, CK_WRAP_TRY);
	bool taken = ck_spinlock_cas_trylock(lock);
	ck_wrap_lock_end(lock, CK_WRAP_TRY, taken);
	return taken;
}

static void ck_cas_unlock(void *lock, void *self)
{
	(void)self;
	ck_wrap_unlock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_cas_unlock(lock);
	ck_wrap_unlock_end(lock, CK_WRAP_WRITE);
}

const struct lock_ops ck_cas_ops = {
	.name = "ck-cas",
	.summary = "Concurrency Kit's compare-and-swap spinlock, TTAS without backoff (reference for ttas)",
	.flags = LOCK_UNBOUNDED_WAIT,
	.size = sizeof(ck_spinlock_cas_t),
	.init = ck_cas_init,
	.lock = ck_cas_lock,
	.trylock = ck_cas_trylock,
	.unlock = ck_cas_unlock,
};
