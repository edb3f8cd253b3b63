/*
 * gorwmutex: Go's sync.RWMutex (Go 1.19 src/sync/rwmutex.go; the newer
 * version is the same algorithm) on gomutex and two gosema semaphores.
 *
 * Words (see gorwmutex.h), with MAX = 1<<30:
 *   reader_count  >= 0: that many readers in, no writer.
 *                 <  0: a writer has announced itself; reader_count + MAX
 *                 readers are in (leaving) or blocked (waiting for it).
 *   reader_wait   readers the announced writer still waits for, counted
 *                 down by them; it may go negative first, when readers
 *                 leave before the writer adds their number.
 *
 * Changes:
 *   RLock     reader_count += 1; a negative result: wait on reader_sem.
 *   RUnlock   reader_count -= 1; a negative result: reader_wait -= 1, and
 *             the one that brings it to 0 releases writer_sem.
 *   Lock      w.Lock(); r = (reader_count -= MAX) + MAX readers are in;
 *             if r != 0 and (reader_wait += r) != 0: wait on writer_sem.
 *   Unlock    r = (reader_count += MAX); release reader_sem r times (the
 *             readers that blocked meanwhile); w.Unlock().
 *   TryRLock  CAS reader_count c -> c+1, failing once c < 0.
 *   TryLock   w.TryLock(), then CAS reader_count 0 -> -MAX, else undo.
 *
 * Invariants: w is held from a writer's announcement to its Unlock, so at
 * most one writer is announced.  The readers counted at the announcement
 * each decrement reader_wait once and the writer adds r once, so it
 * reaches 0 exactly once, and whoever brings it there lets the writer go.
 *
 * Fairness: writer preference.  Once a writer announces itself no new
 * reader enters, so a stream of readers cannot starve it; it waits only
 * for the readers already in.  Its Unlock lets the readers that blocked
 * on it in before releasing w, and they are already counted, so the next
 * writer waits for them: readers and writers alternate in batches.
 * Writers among themselves are ordered by gomutex (starvation mode
 * included).
 *
 * When not to use it: recursive read locking deadlocks once a writer
 * waits (Go's documentation forbids it).  Every RLock and RUnlock is an
 * atomic add on one shared word, so very short read sections on many
 * CPUs bounce that line and scale no better than a mutex.
 *
 * Departures from Go: the inner mutex is gomutex in Go's mode with Go's
 * 1 ms threshold; readers and writers park on gosema (futex), so each
 * wait costs a futex wake; parks and wakes are counted in the per-thread
 * gomutex_self, shared with the inner mutex's counters.  Its parameter
 * park_spin_ns (default 0: sleep at once, as a goroutine locked to its
 * thread does) lets a parking thread poll first, for the inner mutex and
 * both semaphores (gosema.h).
 */
#include "gorwmutex.h"

#include "../harness/compiler.h"
#include "lock.h"

enum { GORWMUTEX_PARAM_PARK_SPIN_NS };

static const struct param_decl gorwmutex_params[] = {
	[GORWMUTEX_PARAM_PARK_SPIN_NS] = GOSEMA_PARK_SPIN_PARAM,
};

static int gorwmutex_init(void *lock, const int64_t *params)
{
	struct gorwmutex *rw = lock;
	uint64_t spin = (uint64_t)params[GORWMUTEX_PARAM_PARK_SPIN_NS];
	int e = gomutex_init(&rw->w, GOMUTEX_GO, 1000000, spin);

	if (e)
		return e;
	e = gosema_init(&rw->writer_sem, spin);
	if (e)
		goto no_writer_sem;
	e = gosema_init(&rw->reader_sem, spin);
	if (e)
		goto no_reader_sem;
	atomic_init(&rw->reader_count, 0);
	atomic_init(&rw->reader_wait, 0);
	return 0;
no_reader_sem:
	gosema_destroy(&rw->writer_sem);
no_writer_sem:
	gomutex_destroy(&rw->w);
	return e;
}

static void gorwmutex_destroy(void *lock)
{
	struct gorwmutex *rw = lock;
	gosema_destroy(&rw->reader_sem);
	gosema_destroy(&rw->writer_sem);
	gomutex_destroy(&rw->w);
}

static void count_wake(struct gomutex_self *self, enum gosema_woke woke)
{
	self->wakes += woke != GOSEMA_NOBODY;
}

static void gorwmutex_rlock(void *lock, void *self)
{
	struct gorwmutex *rw = lock;
	struct gomutex_self *me = self;

	/* acquire: pairs with the release in gorwmutex_unlock() */
	if (atomic_fetch_add_explicit(&rw->reader_count, 1, memory_order_acquire) + 1 < 0)
		me->parks += gosema_acquire(&rw->reader_sem, false);
}

bool gorwmutex_tryrlock(struct gorwmutex *rw)
{
	int c = atomic_load_explicit(&rw->reader_count, memory_order_relaxed);

	while (c >= 0) {
		/* acquire: pairs with the release in gorwmutex_unlock() */
		if (atomic_compare_exchange_weak_explicit(&rw->reader_count, &c, c + 1,
							  memory_order_acquire,
							  memory_order_relaxed))
			return true;
	}
	return false;
}

/* A reader leaving while a writer is announced; r is reader_count after our -1. */
static void runlock_slow(struct gorwmutex *rw, struct gomutex_self *self, int r)
{
	if (r + 1 == 0 || r + 1 == -GORWMUTEX_MAX_READERS)
		gomutex_fatal("sync: RUnlock of unlocked RWMutex");
	/*
	 * acq_rel: the release publishes our read section to the reader that
	 * reaches 0 or to the writer's add; the acquire lets the last one
	 * carry all of them to the writer through writer_sem.
	 */
	if (atomic_fetch_sub_explicit(&rw->reader_wait, 1, memory_order_acq_rel) - 1 == 0)
		count_wake(self, gosema_release(&rw->writer_sem, false));
}

static void gorwmutex_runlock(void *lock, void *self)
{
	struct gorwmutex *rw = lock;
	/* release: pairs with the acquire in gorwmutex_lock() and gorwmutex_trylock() */
	int r = atomic_fetch_sub_explicit(&rw->reader_count, 1, memory_order_release) - 1;

	if (r < 0)
		runlock_slow(rw, self, r);
}

static void gorwmutex_lock(void *lock, void *self)
{
	struct gorwmutex *rw = lock;
	struct gomutex_self *me = self;

	gomutex_lock(&rw->w, me);
	/*
	 * The readers in: the count before our subtraction.
	 * acquire: pairs with the release in gorwmutex_runlock() of readers already gone
	 */
	int r = atomic_fetch_sub_explicit(&rw->reader_count, GORWMUTEX_MAX_READERS,
					  memory_order_acquire);
	/* acq_rel: pairs with the acq_rel in runlock_slow() of readers that left meanwhile */
	if (r != 0 &&
	    atomic_fetch_add_explicit(&rw->reader_wait, r, memory_order_acq_rel) + r != 0)
		me->parks += gosema_acquire(&rw->writer_sem, false);
}

static bool gorwmutex_trylock(void *lock, void *self)
{
	struct gorwmutex *rw = lock;
	int unlocked = 0;

	if (!gomutex_trylock(&rw->w))
		return false;
	/* acquire: pairs with the release in gorwmutex_runlock() */
	if (atomic_compare_exchange_strong_explicit(&rw->reader_count, &unlocked,
						    -GORWMUTEX_MAX_READERS,
						    memory_order_acquire, memory_order_relaxed))
		return true;
	gomutex_unlock(&rw->w, self);
	return false;
}

static void gorwmutex_unlock(void *lock, void *self)
{
	struct gorwmutex *rw = lock;
	struct gomutex_self *me = self;
	/* release: pairs with the acquire in gorwmutex_rlock() and gorwmutex_tryrlock() */
	int r = atomic_fetch_add_explicit(&rw->reader_count, GORWMUTEX_MAX_READERS,
					  memory_order_release) + GORWMUTEX_MAX_READERS;

	if (r >= GORWMUTEX_MAX_READERS)
		gomutex_fatal("sync: Unlock of unlocked RWMutex");
	/* Before w.Unlock(): the next writer must count these readers. */
	for (int i = 0; i < r; i++)
		count_wake(me, gosema_release(&rw->reader_sem, false));
	gomutex_unlock(&rw->w, me);
}

const struct lock_ops gorwmutex_ops = {
	.name = "gorwmutex",
	.original = "go-rwmutex",
	.summary = "Go's sync.RWMutex: writer preference, on gomutex and futex semaphores",
	.size = sizeof(struct gorwmutex),
	.self_size = sizeof(struct gomutex_self),
	.params = gorwmutex_params,
	.nparams = ARRAY_SIZE(gorwmutex_params),
	.init = gorwmutex_init,
	.destroy = gorwmutex_destroy,
	.lock = gorwmutex_lock,
	.trylock = gorwmutex_trylock,
	.unlock = gorwmutex_unlock,
	.rlock = gorwmutex_rlock,
	.runlock = gorwmutex_runlock,
	.stats = gomutex_stats,
};
