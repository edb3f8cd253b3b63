/*
 * ticket-prop: ticket spinlock with proportional backoff (Mellor-Crummey
 * and Scott, "Algorithms for Scalable Synchronization on Shared-Memory
 * Multiprocessors", ACM TOCS 9(1), 1991, the ticket lock with backoff).
 *
 * The `ticket` lock's two 32-bit counters on one line:
 *   lock:   my = next++ (fetch-and-add); then, until owner == my, read
 *           owner and pause (my - owner) * backoff_base PAUSEs.
 *   unlock: owner = owner + 1 (only the holder writes owner).
 * Invariant: next - owner (mod 2^32) = holder + waiters, so my - owner is
 * the number of critical sections still to run before ours: the waiter
 * polls about once per expected handoff instead of continuously.
 *
 * Strictly FIFO.  Distances are unsigned differences, so they stay right
 * across the 2^32 wrap (start_ticket lets a test cross it), and the pause
 * is computed in 64 bits so it cannot overflow.  Like `ticket`, it assumes
 * fetch-and-add makes forward progress.
 *
 * Fewer polls mean fewer reads of the line the holder must write, so a
 * handoff gets cheaper as waiters are added; but a waiter that
 * overestimates the time to its turn sits idle after it, and the lock
 * with it: backoff_base should be about one critical section plus one
 * handoff, in PAUSEs, and the best value depends on the workload and on
 * the cost of PAUSE (about 10 cycles, and 140 from Skylake on).  The
 * default, 8, is a guess for short sections: on a 2-vCPU guest 4 to 16
 * were alike within the noise, and 64 left the lock idle.  Under
 * oversubscription it collapses like `ticket`: a preempted next-in-line
 * stalls everyone behind it for its time slice.
 */
#include <stdatomic.h>

#include "../harness/compiler.h"
#include "lock.h"

enum { TICKET_PROP_START, TICKET_PROP_BASE };

static const struct param_decl ticket_prop_params[] = {
	[TICKET_PROP_START] = { "start_ticket", PARAM_INT, 0, 0, UINT32_MAX, NULL,
				"initial value of both counters (tests the 2^32 wrap)" },
	[TICKET_PROP_BASE] = { "backoff_base", PARAM_INT, 8, 1, 1 << 16, NULL,
			       "PAUSEs per waiter ahead, between polls of the owner" },
};

struct ticket_prop_lock {
	atomic_uint_least32_t next;
	atomic_uint_least32_t owner;
	/* Read-only after init, and read once per lock() on a line we fetch anyway. */
	uint32_t backoff_base;
};

static int ticket_prop_init(void *lock, const int64_t *params)
{
	struct ticket_prop_lock *l = lock;
	atomic_init(&l->next, (uint32_t)params[TICKET_PROP_START]);
	atomic_init(&l->owner, (uint32_t)params[TICKET_PROP_START]);
	l->backoff_base = (uint32_t)params[TICKET_PROP_BASE];
	return 0;
}

static void ticket_prop_lock(void *lock, void *self)
{
	(void)self;
	struct ticket_prop_lock *l = lock;
	/* relaxed: the ticket only orders us; the acquire below publishes */
	uint32_t my = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);
	uint64_t base = l->backoff_base;

	for (;;) {
		/* acquire: pairs with the release in ticket_prop_unlock() */
		uint32_t owner = atomic_load_explicit(&l->owner, memory_order_acquire);
		if (owner == my)
			return;
		for (uint64_t n = (uint32_t)(my - owner) * base; n; n--)
			cpu_relax();
	}
}

static bool ticket_prop_trylock(void *lock, void *self)
{
	(void)self;
	struct ticket_prop_lock *l = lock;
	/*
	 * acquire: pairs with the release in ticket_prop_unlock().  The previous
	 * holder published its critical section through owner, not next, so
	 * it is this load, not the CAS below, that must synchronize with it.
	 */
	uint32_t owner = atomic_load_explicit(&l->owner, memory_order_acquire);
	uint32_t expected = owner;

	/* Take a ticket only if it would be served at once: next == owner. */
	return atomic_compare_exchange_strong_explicit(&l->next, &expected, owner + 1,
						       memory_order_relaxed,
						       memory_order_relaxed);
}

static void ticket_prop_unlock(void *lock, void *self)
{
	(void)self;
	struct ticket_prop_lock *l = lock;
	/* relaxed load: only the holder writes owner */
	uint32_t owner = atomic_load_explicit(&l->owner, memory_order_relaxed);

	/* release: publishes the critical section to the next ticket */
	atomic_store_explicit(&l->owner, owner + 1, memory_order_release);
}

const struct lock_ops ticket_prop_ops = {
	.name = "ticket-prop",
	.summary = "ticket spinlock, backoff proportional to the distance from the head (FIFO)",
	.size = sizeof(struct ticket_prop_lock),
	.params = ticket_prop_params,
	.nparams = ARRAY_SIZE(ticket_prop_params),
	.init = ticket_prop_init,
	.lock = ticket_prop_lock,
	.trylock = ticket_prop_trylock,
	.unlock = ticket_prop_unlock,
};
