/*
 * ck-rwlock: Concurrency Kit's reader-writer spinlock, a spinning
 * reference beside `gorwmutex` and `pthread-rwlock`, which park.  Wraps
 * ck_rwlock_{init,write_lock,write_trylock,write_unlock,read_lock,
 * read_unlock} from <ck_rwlock.h>, CK 0.7.1 (Debian libck-dev 0.7.1-10;
 * see locks/ck.h).
 *
 * Two unsigned words on one line, `writer` (0 or 1) and `n_readers`:
 *   write lock:   PAUSE until xchg(writer, 1) == 0; then PAUSE until
 *                 n_readers == 0.
 *   write unlock: writer = 0.
 *   trylock:      xchg(writer, 1) == 0 and n_readers == 0, else undo.
 *   read lock:    PAUSE while writer; n_readers++; if writer was set
 *                 meanwhile, n_readers-- and start over.
 *   read unlock:  n_readers--.
 * A writer that has set `writer` keeps new readers out while the readers
 * inside drain: writers are preferred.  Writers race each other by swap,
 * with no bound on overtaking; and every reader writes the shared line
 * twice per read section, so readers do not scale as with a per-reader
 * lock.  Never parks: not for more runnable threads than CPUs.
 */
#include "ck.h"
#include "lock.h"

static int ck_rwlock_init_lock(void *lock, const int64_t *params)
{
	(void)params;
	ck_rwlock_init(lock);
	return 0;
}

static void ck_rwlock_acquire(void *lock, void *self)
{
	(void)self;
	ck_wrap_lock_begin(lock, CK_WRAP_WRITE);
	ck_rwlock_write_lock(lock);
	ck_wrap_lock_end(lock, CK_WRAP_WRITE, true);
}

static bool ck_rwlock_try(void *lock, void *self)
{
	(void)self;
	ck_wrap_lock_begin(lock, CK_WRAP_TRY);
	bool taken = ck_rwlock_write_trylock(lock);
	ck_wrap_lock_end(lock, CK_WRAP_TRY, taken);
	return taken;
}

static void ck_rwlock_release(void *lock, void *self)
{
	(void)self;
	ck_wrap_unlock_begin(lock, CK_WRAP_WRITE);
	ck_rwlock_write_unlock(lock);
	ck_wrap_unlock_end(lock, CK_WRAP_WRITE);
}

static void ck_rwlock_acquire_read(void *lock, void *self)
{
	(void)self;
	ck_wrap_lock_begin(lock, CK_WRAP_READ);
	ck_rwlock_read_lock(lock);
	ck_wrap_lock_end(lock, CK_WRAP_READ, true);
}

static void ck_rwlock_release_read(void *lock, void *self)
{
	(void)self;
	ck_wrap_unlock_begin(lock, CK_WRAP_READ);
	ck_rwlock_read_unlock(lock);
	ck_wrap_unlock_end(lock, CK_WRAP_READ);
}

const struct lock_ops ck_rwlock_ops = {
	.name = "ck-rwlock",
	.summary = "Concurrency Kit's reader-writer spinlock (writers preferred, never parks)",
	.flags = LOCK_UNBOUNDED_WAIT,
	.size = sizeof(ck_rwlock_t),
	.init = ck_rwlock_init_lock,
	.lock = ck_rwlock_acquire,
	.trylock = ck_rwlock_try,
	.unlock = ck_rwlock_release,
	.rlock = ck_rwlock_acquire_read,
	.runlock = ck_rwlock_release_read,
};
