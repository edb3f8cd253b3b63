/*
 * tas: test-and-set spinlock, the simplest lock there is.
 *
 * Lock word: 0 = free, 1 = held.
 *   lock:   xchg 0 -> 1, retried until it returns 0.
 *   unlock: store 1 -> 0.
 *
 * Every attempt is a write, so each waiter keeps pulling the line away
 * from the holder and from each other: the lock collapses as threads are
 * added, which is what it is here to show.  Unfair: whoever's xchg lands
 * first after the release wins.  Do not use it when threads outnumber
 * cores, and prefer ttas or a queue lock anywhere it matters.
 */
#include <stdatomic.h>

#include "../harness/compiler.h"
#include "lock.h"

struct tas_lock {
	atomic_uint held;
};

static int tas_init(void *lock, const int64_t *params)
{
	(void)params;
	atomic_init(&((struct tas_lock *)lock)->held, 0);
	return 0;
}

static bool tas_trylock(void *lock, void *self)
{
	(void)self;
	struct tas_lock *l = lock;
	/* acquire: pairs with the release in tas_unlock() */
	return atomic_exchange_explicit(&l->held, 1, memory_order_acquire) == 0;
}

static void tas_lock(void *lock, void *self)
{
	while (!tas_trylock(lock, self))
		cpu_relax();
}

static void tas_unlock(void *lock, void *self)
{
	(void)self;
	struct tas_lock *l = lock;
	/* release: publishes the critical section to the next acquirer */
	atomic_store_explicit(&l->held, 0, memory_order_release);
}

const struct lock_ops tas_ops = {
	.name = "tas",
	.original = "ck-fas",
	.summary = "test-and-set spinlock (xchg on every attempt)",
	.flags = LOCK_UNBOUNDED_WAIT,
	.size = sizeof(struct tas_lock),
	.init = tas_init,
	.lock = tas_lock,
	.trylock = tas_trylock,
	.unlock = tas_unlock,
};
