/*
 * clh: CLH queue spinlock (Craig, "Building FIFO and priority-queuing
 * spin locks from atomic swap", TR 93-02-02, University of Washington
 * 1993; Magnusson, Landin and Hagersten, "Queue locks on cache coherent
 * multiprocessors", IPPS 1994).
 *
 * The queue is implicit: tail points at the node of the last thread to
 * arrive, and each thread spins on its predecessor's node.  A node holds
 * one flag, `busy`: 1 while its owner holds or waits for the lock.
 *   init:    tail = &dummy, dummy.busy = 0 (the lock's own node).
 *   lock:    mine->busy 0 -> 1; pred = xchg(tail, mine);
 *            spin until pred->busy == 0; remember pred.
 *   unlock:  mine->busy 1 -> 0; then adopt pred as our node.
 * Invariants: tail and the remembered preds chain the queue from the
 * last arrival back to the holder and on to the holder's pred; every node
 * in it has busy == 1 except that last one, so the lock is free iff
 * tail->busy == 0.
 *
 * Node ownership.  A thread cannot reuse its node after unlock(): its
 * successor may still be spinning on it, and tail may point at it.  What
 * it may reuse is its predecessor's node, which nobody reads any more
 * (the predecessor has left, and we, its only reader, stopped spinning).
 * So nodes migrate: after one lock/unlock a thread owns its predecessor's
 * node, and the lock's dummy ends up with whichever thread followed it.
 * The per-thread self is { mine, pred, spare }: it starts zeroed, so
 * mine == NULL means "never locked" and the thread adopts its embedded
 * spare node on first use.  N threads and one lock own N + 1 nodes at
 * every moment; all of them live in the harness's lock and self slots,
 * which outlive the repetition, so a node in another thread's slot is
 * never freed under us.
 *
 * No trylock.  The only non-enqueueing candidate is "if tail->busy == 0,
 * CAS tail from that node to mine", and node recycling makes it unsound
 * (ABA): between our read of tail == T (free) and our CAS, another
 * thread can take the lock through T, release it, adopt T, lock again
 * and put T back in tail, now busy; the CAS then succeeds and two threads
 * hold the lock.  Ruling that out needs a tagged tail (double-width CAS)
 * or the timeout-capable CLH of Scott and Scherer (PPoPP 2001), which
 * enqueues and on giving up leaves a marked node behind: neither is a
 * trylock that leaves no trace, and both cost every lock() some speed.
 *
 * Strictly FIFO.  Each waiter spins on one line that only its predecessor
 * writes, and, unlike MCS, unlock() never waits for a successor to link
 * in.  Do not use it with more runnable threads than CPUs: a preempted
 * waiter anywhere in the queue stalls everyone behind it for its time
 * slice.  Without coherent caches a waiter would poll its predecessor's
 * node across the interconnect; MCS, whose waiters spin on their own
 * node, is the choice there.
 */
#include <assert.h>
#include <stdatomic.h>

#include "../harness/compiler.h"
#include "lock.h"

/*
 * A line of its own: the successor spins on `busy` and only the owner
 * writes it; sharing the line with another node, the tail or the owner's
 * private bookkeeping would bring back shared spinning.
 */
struct clh_node {
	_Alignas(CACHELINE) atomic_bool busy;
};

static_assert(sizeof(struct clh_node) == CACHELINE, "one node per line");

struct clh_lock {
	_Atomic(struct clh_node *) tail;
	struct clh_node dummy;	/* the node tail starts at; then it migrates */
};

struct clh_self {
	struct clh_node *mine;	/* the node to enqueue; NULL: use spare */
	struct clh_node *pred;	/* valid from lock() to unlock() */
	struct clh_node spare;
};

static int clh_init(void *lock, const int64_t *params)
{
	(void)params;
	struct clh_lock *l = lock;
	atomic_init(&l->dummy.busy, false);
	atomic_init(&l->tail, &l->dummy);
	return 0;
}

static void clh_lock(void *lock, void *self)
{
	struct clh_lock *l = lock;
	struct clh_self *s = self;

	if (!s->mine)
		s->mine = &s->spare;
	/* relaxed: published by the release half of the exchange below */
	atomic_store_explicit(&s->mine->busy, true, memory_order_relaxed);
	/*
	 * release: our successor must read busy == 1 from our node, not the
	 * 0 left by its previous owner.
	 * acquire: pairs with our predecessor's exchange, for the same
	 * reason: we must not read a stale 0 from pred and enter early.
	 */
	s->pred = atomic_exchange_explicit(&l->tail, s->mine, memory_order_acq_rel);
	/* acquire: pairs with the release of busy in clh_unlock() */
	while (atomic_load_explicit(&s->pred->busy, memory_order_acquire))
		cpu_relax();
}

static void clh_unlock(void *lock, void *self)
{
	(void)lock;
	struct clh_self *s = self;
	struct clh_node *done = s->mine;

	s->mine = s->pred;
	/* release: pairs with the acquire spin in our successor's clh_lock();
	 * our last access to done, which the successor will adopt */
	atomic_store_explicit(&done->busy, false, memory_order_release);
}

const struct lock_ops clh_ops = {
	.name = "clh",
	.original = "ck-clh",
	.summary = "CLH queue spinlock (FIFO, each waiter spins on its predecessor's node)",
	.size = sizeof(struct clh_lock),
	.self_size = sizeof(struct clh_self),
	.init = clh_init,
	.lock = clh_lock,
	.trylock = NULL,	/* see "No trylock" above */
	.unlock = clh_unlock,
};
