/*
 * ticket: fetch-and-add ticket spinlock (Reed and Kanodia 1979;
 * Mellor-Crummey and Scott 1991).
 *
 * Two 32-bit counters on one line:
 *   lock:   my = next++ (fetch-and-add), then wait until owner == my.
 *   unlock: owner = owner + 1 (only the holder writes owner).
 * Invariant: next - owner (mod 2^32) = holder + waiters.
 *
 * Strictly FIFO: tickets are served in the order taken.  Only equality is
 * ever tested, so wraparound past UINT32_MAX is harmless as long as fewer
 * than 2^32 threads wait (the start_ticket parameter exists so that a test
 * can cross the wrap under contention).  It assumes fetch-and-add makes
 * forward progress, true of x86 LOCK XADD and ARMv8.1 LDADD.
 *
 * All waiters spin on `owner`, so each release invalidates every waiter's
 * copy: cost grows with the number of waiters (use a queue lock there).
 * Strict FIFO is fatal under oversubscription: if the next ticket holder
 * is preempted, everyone behind it waits for its time slice.
 */
#include <stdatomic.h>

#include "../harness/compiler.h"
#include "lock.h"

enum { TICKET_START };

static const struct param_decl ticket_params[] = {
	[TICKET_START] = { "start_ticket", PARAM_INT, 0, 0, UINT32_MAX, NULL,
			   "initial value of both counters (tests the 2^32 wrap)" },
};

struct ticket_lock {
	atomic_uint_least32_t next;
	atomic_uint_least32_t owner;
};

static int ticket_init(void *lock, const int64_t *params)
{
	struct ticket_lock *l = lock;
	atomic_init(&l->next, (uint32_t)params[TICKET_START]);
	atomic_init(&l->owner, (uint32_t)params[TICKET_START]);
	return 0;
}

static void ticket_lock(void *lock, void *self)
{
	(void)self;
	struct ticket_lock *l = lock;
	/* relaxed: the ticket only orders us; the acquire below publishes */
	uint32_t my = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);

	/* acquire: pairs with the release in ticket_unlock() */
	while (atomic_load_explicit(&l->owner, memory_order_acquire) != my)
		cpu_relax();
}

static bool ticket_trylock(void *lock, void *self)
{
	(void)self;
	struct ticket_lock *l = lock;
	/*
	 * acquire: pairs with the release in ticket_unlock().  The previous
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

static void ticket_unlock(void *lock, void *self)
{
	(void)self;
	struct ticket_lock *l = lock;
	/* relaxed load: only the holder writes owner */
	uint32_t owner = atomic_load_explicit(&l->owner, memory_order_relaxed);

	/* release: publishes the critical section to the next ticket */
	atomic_store_explicit(&l->owner, owner + 1, memory_order_release);
}

const struct lock_ops ticket_ops = {
	.name = "ticket",
	.original = "ck-ticket",
	.summary = "fetch-and-add ticket spinlock (FIFO)",
	.size = sizeof(struct ticket_lock),
	.params = ticket_params,
	.nparams = ARRAY_SIZE(ticket_params),
	.init = ticket_init,
	.lock = ticket_lock,
	.trylock = ticket_trylock,
	.unlock = ticket_unlock,
};
