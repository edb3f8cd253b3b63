/*
 * ttas: test-and-test-and-set spinlock with bounded exponential backoff
 * (Anderson 1990; Rudolph and Segall's test-and-test-and-set).
 *
 * Lock word: 0 = free, 1 = held.
 *   lock:   wait until a plain load sees 0, then xchg 0 -> 1; on losing
 *           the race, back off for a random number of PAUSEs below a
 *           bound that doubles from backoff_min up to backoff_max.
 *   unlock: store 1 -> 0.
 *
 * Waiters spin on their own cached copy of the line and only write when
 * the lock looks free, so the holder is disturbed once per release rather
 * than once per attempt.  Backoff spreads the stampede that each release
 * triggers.  Unfair, and a waiter may starve; with more threads than
 * cores a waiter can spin away the time slice of a preempted holder.
 */
#include <errno.h>
#include <stdatomic.h>

#include "../harness/compiler.h"
#include "lock.h"

enum { TTAS_BACKOFF_MIN, TTAS_BACKOFF_MAX };

static const struct param_decl ttas_params[] = {
	[TTAS_BACKOFF_MIN] = { "backoff_min", PARAM_INT, 4, 1, 1 << 20, NULL,
			       "first backoff bound, in PAUSEs, after a lost race" },
	[TTAS_BACKOFF_MAX] = { "backoff_max", PARAM_INT, 1024, 1, 1 << 20, NULL,
			       "largest backoff bound, in PAUSEs" },
};

struct ttas_lock {
	atomic_uint held;
	/* Read-only after init, so sharing the lock's line costs nothing. */
	uint32_t backoff_min, backoff_max;
};

static int ttas_init(void *lock, const int64_t *params)
{
	struct ttas_lock *l = lock;
	if (params[TTAS_BACKOFF_MIN] > params[TTAS_BACKOFF_MAX])
		return EINVAL;
	atomic_init(&l->held, 0);
	l->backoff_min = (uint32_t)params[TTAS_BACKOFF_MIN];
	l->backoff_max = (uint32_t)params[TTAS_BACKOFF_MAX];
	return 0;
}

static bool ttas_trylock(void *lock, void *self)
{
	(void)self;
	struct ttas_lock *l = lock;
	/* acquire: pairs with the release in ttas_unlock() */
	return atomic_load_explicit(&l->held, memory_order_relaxed) == 0 &&
	       atomic_exchange_explicit(&l->held, 1, memory_order_acquire) == 0;
}

static void ttas_lock(void *lock, void *self)
{
	struct ttas_lock *l = lock;
	uint32_t bound = l->backoff_min;
	/* Seeded from the stack address: distinct per thread, no shared state. */
	uint64_t rng = (uintptr_t)&bound | 1;

	while (!ttas_trylock(lock, self)) {
		for (uint64_t n = rng_next(&rng) % bound + 1; n; n--)
			cpu_relax();
		if (bound < l->backoff_max)
			bound = bound * 2 < l->backoff_max ? bound * 2 : l->backoff_max;
		while (atomic_load_explicit(&l->held, memory_order_relaxed))
			cpu_relax();
	}
}

static void ttas_unlock(void *lock, void *self)
{
	(void)self;
	struct ttas_lock *l = lock;
	/* release: publishes the critical section to the next acquirer */
	atomic_store_explicit(&l->held, 0, memory_order_release);
}

const struct lock_ops ttas_ops = {
	.name = "ttas",
	.original = "ck-cas",
	.summary = "test-and-test-and-set spinlock, bounded exponential backoff",
	.flags = LOCK_UNBOUNDED_WAIT,
	.size = sizeof(struct ttas_lock),
	.params = ttas_params,
	.nparams = ARRAY_SIZE(ttas_params),
	.init = ttas_init,
	.lock = ttas_lock,
	.trylock = ttas_trylock,
	.unlock = ttas_unlock,
};
