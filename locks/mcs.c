/*
 * mcs: MCS queue spinlock (Mellor-Crummey and Scott, "Algorithms for
 * Scalable Synchronization on Shared-Memory Multiprocessors", ACM TOCS
 * 9(1), 1991).
 *
 * The lock is one pointer, tail: NULL when free, else the node of the
 * last thread in the queue.  Each thread brings its own node (the
 * harness's per-thread `self`): { next, waiting }.
 *   lock:    me = {NULL, 1}; pred = xchg(tail, me).
 *            pred == NULL: tail NULL -> me, we hold the lock.
 *            else: pred->next = me, spin until me->waiting == 0.
 *   unlock:  me->next != NULL: me->next->waiting 1 -> 0 (hand over).
 *            else CAS tail me -> NULL (free); if that fails a successor
 *            has swapped tail but not linked in yet: wait for me->next,
 *            then hand over.
 *   trylock: CAS tail NULL -> me.
 * Invariants: following next from the holder's node reaches tail (once
 * every enqueuer has linked in); only the holder clears a waiting flag,
 * and only its successor's; tail == NULL iff nobody holds or waits.
 *
 * Strictly FIFO, in the order of the exchanges on tail.  Each waiter
 * spins on its own node, so a release touches one waiter's line rather
 * than every waiter's: the cost of a handoff does not grow with the queue.
 * A node is in use from lock() to the end of unlock(), so a thread needs
 * one node per lock it holds at once.
 *
 * Do not use it with more runnable threads than CPUs: a preempted waiter
 * anywhere in the queue stalls everyone behind it for its time slice when
 * its turn comes, and a preempted holder between the failed CAS and the
 * handoff does the same.  Uncontended, it costs an exchange and a CAS
 * where TTAS costs an exchange and a store.
 */
#include <assert.h>
#include <stdatomic.h>

#include "../harness/compiler.h"
#include "lock.h"

/*
 * A line of its own: the predecessor writes `waiting` and its owner spins
 * on it; a node sharing a line with another thread's node or the tail
 * would bring back the shared spinning that MCS exists to avoid.
 */
struct mcs_node {
	_Alignas(CACHELINE) _Atomic(struct mcs_node *) next;
	atomic_bool waiting;
};

static_assert(sizeof(struct mcs_node) == CACHELINE, "one node per line");

struct mcs_lock {
	_Atomic(struct mcs_node *) tail;
};

static int mcs_init(void *lock, const int64_t *params)
{
	(void)params;
	struct mcs_lock *l = lock;
	atomic_init(&l->tail, NULL);
	return 0;
}

static void mcs_lock(void *lock, void *self)
{
	struct mcs_lock *l = lock;
	struct mcs_node *me = self;

	/* relaxed: published by the release half of the exchange below */
	atomic_store_explicit(&me->next, NULL, memory_order_relaxed);
	atomic_store_explicit(&me->waiting, true, memory_order_relaxed);

	/*
	 * release: a successor that finds me in tail must not have its write
	 * to me->next overwritten by the NULL above.
	 * acquire: pairs with the release CAS in mcs_unlock() when pred is NULL.
	 */
	struct mcs_node *pred = atomic_exchange_explicit(&l->tail, me, memory_order_acq_rel);
	if (!pred)
		return;

	/* release: pairs with the acquire loads of next in mcs_unlock(), so
	 * that our waiting = 1 is ordered before the holder's waiting = 0 */
	atomic_store_explicit(&pred->next, me, memory_order_release);
	/* acquire: pairs with the release of waiting in mcs_unlock() */
	while (atomic_load_explicit(&me->waiting, memory_order_acquire))
		cpu_relax();
}

static bool mcs_trylock(void *lock, void *self)
{
	struct mcs_lock *l = lock;
	struct mcs_node *me = self, *expected = NULL;

	/* Fail without writing when the lock looks taken: a caller spinning
	 * on trylock must not bounce the tail line, nor touch a node that
	 * may be queued. */
	if (atomic_load_explicit(&l->tail, memory_order_relaxed))
		return false;
	atomic_store_explicit(&me->next, NULL, memory_order_relaxed);
	/* acq_rel on success: as the exchange in mcs_lock() */
	return atomic_compare_exchange_strong_explicit(&l->tail, &expected, me,
						       memory_order_acq_rel,
						       memory_order_relaxed);
}

static void mcs_unlock(void *lock, void *self)
{
	struct mcs_lock *l = lock;
	struct mcs_node *me = self;
	/* acquire: pairs with the release store of pred->next in mcs_lock() */
	struct mcs_node *next = atomic_load_explicit(&me->next, memory_order_acquire);

	if (!next) {
		struct mcs_node *expected = me;
		/* release: pairs with the acquire exchange (or CAS) of the next
		 * thread to find tail NULL in mcs_lock() or mcs_trylock() */
		if (atomic_compare_exchange_strong_explicit(&l->tail, &expected, NULL,
							    memory_order_release,
							    memory_order_relaxed))
			return;
		/* A successor swapped tail but has not linked in yet. */
		do {
			cpu_relax();
			/* acquire: as above */
			next = atomic_load_explicit(&me->next, memory_order_acquire);
		} while (!next);
	}
	/* release: pairs with the acquire spin on waiting in mcs_lock();
	 * must be our last access to next, which its owner may now reuse */
	atomic_store_explicit(&next->waiting, false, memory_order_release);
}

const struct lock_ops mcs_ops = {
	.name = "mcs",
	.original = "ck-mcs",
	.summary = "MCS queue spinlock (FIFO, each waiter spins on its own node)",
	.size = sizeof(struct mcs_lock),
	.self_size = sizeof(struct mcs_node),
	.init = mcs_init,
	.lock = mcs_lock,
	.trylock = mcs_trylock,
	.unlock = mcs_unlock,
};
