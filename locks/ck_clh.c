/*
 * ck-clh: Concurrency Kit's CLH queue spinlock, the reference for `clh`.
 * Wraps ck_spinlock_clh_{init,lock,unlock} from <ck_spinlock.h>
 * (spinlock/clh.h), CK 0.7.1 (Debian libck-dev 0.7.1-10; see locks/ck.h).
 *
 * CK's lock is a pointer to the tail node; a node is { wait, previous }.
 *   init:    tail = the lock's own "unowned" node, wait = 0.
 *   lock:    mine->wait = 1; mine->previous = xchg(tail, mine); PAUSE
 *            while mine->previous->wait.
 *   unlock:  take p = mine->previous; mine->wait = 0; mine = p.
 * CK requires a node per thread that it may swap: unlock hands the
 * caller its predecessor's node (nobody reads it any more) in place of
 * its own (its successor may still be spinning on it), so nodes migrate
 * between threads and the lock, as in `clh`.  Here every thread's self
 * holds a pointer to its current node and a spare node it adopts on
 * first use; the unowned node lives in the lock.  All of them stay
 * allocated for the whole repetition, so a migrated node is never freed
 * under anyone.  Each node, CK's 16 bytes, gets a line of its own.
 *
 * No trylock: CK's CLH has none.  Against `clh`: the same algorithm, but
 * CK keeps `previous` inside the node (the successor's spin line) where
 * ours keeps it in the thread's self.  Strictly FIFO; not for more
 * runnable threads than CPUs (a preempted waiter stalls the queue).
 */
#include <assert.h>

#include "../harness/compiler.h"
#include "ck.h"
#include "lock.h"

/* A line of its own: the successor spins on `wait`, which only the owner writes. */
struct ck_clh_node {
	_Alignas(CACHELINE) ck_spinlock_clh_t node;
};

static_assert(sizeof(struct ck_clh_node) == CACHELINE, "one node per line");

struct ck_clh_lock {
	ck_spinlock_clh_t *tail;
	struct ck_clh_node unowned;	/* where tail starts; then it migrates */
};

struct ck_clh_self {
	ck_spinlock_clh_t *mine;	/* NULL: never locked, adopt spare */
	struct ck_clh_node spare;
};

static int ck_clh_init(void *lock, const int64_t *params)
{
	(void)params;
	struct ck_clh_lock *l = lock;
	ck_spinlock_clh_init(&l->tail, &l->unowned.node);
	return 0;
}

static void ck_clh_lock(void *lock, void *self)
{
	struct ck_clh_lock *l = lock;
	struct ck_clh_self *s = self;

	if (!s->mine)
		s->mine = &s->spare.node;
	ck_wrap_lock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_clh_lock(&l->tail, s->mine);
	ck_wrap_lock_end(lock, CK_WRAP_WRITE, true);
}

static void ck_clh_unlock(void *lock, void *self)
{
	struct ck_clh_self *s = self;

	ck_wrap_unlock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_clh_unlock(&s->mine);
	ck_wrap_unlock_end(lock, CK_WRAP_WRITE);
}

const struct lock_ops ck_clh_ops = {
	.name = "ck-clh",
	.summary = "Concurrency Kit's CLH queue spinlock (FIFO; reference for clh)",
	.size = sizeof(struct ck_clh_lock),
	.self_size = sizeof(struct ck_clh_self),
	.init = ck_clh_init,
	.lock = ck_clh_lock,
	.trylock = NULL,	/* CK's CLH has none */
	.unlock = ck_clh_unlock,
};
