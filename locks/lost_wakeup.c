/*
 * lost-wakeup: a deliberately BROKEN futex lock that forgets to wake, for
 * tests only.
 *
 * Drepper's three-state futex mutex ("Futexes Are Tricky", mutex2), with
 * one bug.  Lock word: 0 = free, 1 = held, 2 = held and maybe waiters.
 *   lock:   cas 0 -> 1; else xchg to 2 and park while the word is 2,
 *           retrying the xchg after each wake.
 *   unlock: xchg to 0; if the old value was 2, wake one waiter -- except
 *           that every `forget_every`th unlock wakes nobody.
 *
 * The forgotten unlock has also erased the "maybe waiters" state, so no
 * later unlock knows that a thread is parked: with two threads the
 * sleeper is never woken, and once the others stop the run cannot finish.
 * The sweep must kill it at its time limit and record `timeout`.  Exclusion
 * itself holds.  LOCK_TEST_ONLY: never listed or swept, only named.
 */
#include <stdatomic.h>

#include "../harness/compiler.h"
#include "futex.h"
#include "lock.h"

enum { LOST_FORGET_EVERY };

static const struct param_decl lost_wakeup_params[] = {
	[LOST_FORGET_EVERY] = { "forget_every", PARAM_INT, 16, 1, 1000000, NULL,
				"every Nth unlock wakes nobody, even with waiters parked" },
};

struct lost_wakeup_lock {
	atomic_uint word;
	int64_t forget_every;
	int64_t unlocks;	/* guarded by the lock */
};

static int lost_wakeup_init(void *lock, const int64_t *params)
{
	struct lost_wakeup_lock *l = lock;
	atomic_init(&l->word, 0);
	l->forget_every = params[LOST_FORGET_EVERY];
	l->unlocks = 0;
	return 0;
}

static void lost_wakeup_lock(void *lock, void *self)
{
	(void)self;
	struct lost_wakeup_lock *l = lock;
	unsigned c = 0;
	/* acquire, here and below: pairs with the release xchg in unlock */
	if (atomic_compare_exchange_strong_explicit(&l->word, &c, 1, memory_order_acquire,
						    memory_order_relaxed))
		return;
	while (atomic_exchange_explicit(&l->word, 2, memory_order_acquire) != 0)
		futex_wait(&l->word, 2);
}

static void lost_wakeup_unlock(void *lock, void *self)
{
	(void)self;
	struct lost_wakeup_lock *l = lock;
	/* Counted before the release: `unlocks` is guarded by the lock. */
	int forget = ++l->unlocks % l->forget_every == 0;
	/* release: publishes the critical section to the next acquirer */
	if (atomic_exchange_explicit(&l->word, 0, memory_order_release) == 2 && !forget)
		futex_wake(&l->word, 1);
}

const struct lock_ops lost_wakeup_ops = {
	.name = "lost-wakeup",
	.summary = "BROKEN futex lock whose unlock sometimes wakes nobody: proves a lost wakeup is caught",
	.flags = LOCK_TEST_ONLY,
	.size = sizeof(struct lost_wakeup_lock),
	.params = lost_wakeup_params,
	.nparams = ARRAY_SIZE(lost_wakeup_params),
	.init = lost_wakeup_init,
	.lock = lost_wakeup_lock,
	.unlock = lost_wakeup_unlock,
};
