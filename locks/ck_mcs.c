/*
 * ck-mcs: Concurrency Kit's MCS queue spinlock, the reference for `mcs`.
 * Wraps ck_spinlock_mcs_{init,lock,trylock,unlock} from <ck_spinlock.h>
 * (spinlock/mcs.h), CK 0.7.1 (Debian libck-dev 0.7.1-10; see locks/ck.h).
 *
 * The lock is CK's ck_spinlock_mcs_t, one pointer to the queue's tail
 * (NULL: free); each thread brings a ck_spinlock_mcs_context_t
 * { locked, next } as its harness self, alone on its line.
 *   lock:    node = {1, NULL}; pred = xchg(tail, node); if pred, link
 *            pred->next = node and PAUSE while node->locked.
 *   trylock: node = {1, NULL}; CAS(tail, NULL -> node).
 *   unlock:  no successor linked and tail == node: CAS tail -> NULL;
 *            else wait for next to be linked, then next->locked = 0.
 * Against `mcs`: the same algorithm; CK's unlock reads tail before its
 * CAS, and its trylock writes the node and tries the CAS even when the
 * lock looks held, where ours fails on the look.  Strictly FIFO; each
 * waiter spins on its own node.  Not for more runnable threads than
 * CPUs: a preempted waiter stalls everyone queued behind it.
 */
#include <assert.h>

#include "../harness/compiler.h"
#include "ck.h"
#include "lock.h"

/*
 * A line of its own: the predecessor writes `locked` and the owner spins
 * on it; CK's 16-byte node sharing a line with another thread's would
 * bring back the shared spinning that MCS exists to avoid.
 */
struct ck_mcs_self {
	_Alignas(CACHELINE) ck_spinlock_mcs_context_t node;
};

static_assert(sizeof(struct ck_mcs_self) == CACHELINE, "one node per line");

static int ck_mcs_init(void *lock, const int64_t *params)
{
	(void)params;
	ck_spinlock_mcs_init(lock);
	return 0;
}

static void ck_mcs_lock(void *lock, void *self)
{
	ck_wrap_lock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_mcs_lock(lock, &((struct ck_mcs_self *)self)->node);
	ck_wrap_lock_end(lock, CK_WRAP_WRITE, true);
}

static bool ck_mcs_trylock(void *lock, void *self)
{
	ck_wrap_lock_begin(lock, CK_WRAP_TRY);
	bool taken = ck_spinlock_mcs_trylock(lock, &((struct ck_mcs_self *)self)->node);
	ck_wrap_lock_end(lock, CK_WRAP_TRY, taken);
	return taken;
}

static void ck_mcs_unlock(void *lock, void *self)
{
	ck_wrap_unlock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_mcs_unlock(lock, &((struct ck_mcs_self *)self)->node);
	ck_wrap_unlock_end(lock, CK_WRAP_WRITE);
}

const struct lock_ops ck_mcs_ops = {
	.name = "ck-mcs",
	.summary = "Concurrency Kit's MCS queue spinlock (FIFO; reference for mcs)",
	.size = sizeof(ck_spinlock_mcs_t),
	.self_size = sizeof(struct ck_mcs_self),
	.init = ck_mcs_init,
	.lock = ck_mcs_lock,
	.trylock = ck_mcs_trylock,
	.unlock = ck_mcs_unlock,
};
