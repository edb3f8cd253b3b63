/*
 * ck-anderson: Concurrency Kit's Anderson array lock (T. E. Anderson,
 * "The performance of spin lock alternatives for shared-memory
 * multiprocessors", IEEE TPDS 1(1), 1990).  Wraps
 * ck_spinlock_anderson_{init,lock,unlock} from <ck_spinlock.h>
 * (spinlock/anderson.h), CK 0.7.1 (Debian libck-dev 0.7.1-10; see
 * locks/ck.h).  No syncbench port corresponds to it.
 *
 * CK's lock holds a ring of `slots` flags { locked, position } and a
 * ticket counter `next` (on its own 64-byte line):
 *   init:    slot 0 unlocked, every other slot locked.
 *   lock:    i = fetch-and-add(next, 1) mod slots; PAUSE while
 *            slot[i].locked; slot[i].locked = 1 (ready for reuse); CK
 *            returns the slot, which the wrapper keeps in the self.
 *   unlock:  slot[(i + 1) mod slots].locked = 0.
 * Strictly FIFO, in ticket order; each waiter spins on its own slot, but
 * CK's slots are 8 bytes and unpadded, so 8 share a 64-byte line.
 *
 * CK's requirement: the ring needs a slot for every thread that can hold
 * or wait at once; with more, two threads are handed the same slot and
 * both get in.  CK sizes it by the thread count, which lock_ops does not
 * pass to init, so the wrapper sizes it by the `slots` parameter,
 * allocated at init, default 1024: the harness's largest thread count,
 * so every run is sound.  A smaller power of two (say the run's thread
 * count) reproduces CK's own sizing; a non-power of two makes CK wrap its
 * counter with a CAS loop.  Each thread registers on its first lock();
 * the one that would exceed `slots` stops the process with a message on
 * stderr instead of breaking exclusion.  No trylock: CK's has none.  Not
 * for more runnable threads than CPUs (a preempted next-in-line stalls
 * everyone behind it).
 */
#include <assert.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/compiler.h"
#include "ck.h"
#include "lock.h"

enum { ANDERSON_SLOTS };

/* The harness's largest thread count (harness/cli.c). */
#define ANDERSON_DEFAULT_SLOTS 1024

static const struct param_decl ck_anderson_params[] = {
	[ANDERSON_SLOTS] = { "slots", PARAM_INT, ANDERSON_DEFAULT_SLOTS, 1, 1 << 16, NULL,
			     "threads the ring can hold; a thread beyond it stops the run" },
};

struct ck_anderson_lock {
	ck_spinlock_anderson_t ck;
	/* Touched once per thread, at its first lock(): off the hot lines. */
	_Alignas(CACHELINE) atomic_uint registered;
};

static_assert(offsetof(struct ck_anderson_lock, registered) % CACHELINE == 0,
	      "registering must not touch the lock's hot line");

struct ck_anderson_self {
	ck_spinlock_anderson_thread_t *slot;	/* from lock() to unlock() */
	bool registered;
};

static int ck_anderson_init(void *lock, const int64_t *params)
{
	struct ck_anderson_lock *l = lock;
	unsigned n = (unsigned)params[ANDERSON_SLOTS];
	ck_spinlock_anderson_thread_t *slots = cacheline_zalloc(n * sizeof(*slots));

	if (!slots)
		return ENOMEM;
	ck_spinlock_anderson_init(&l->ck, slots, n);
	atomic_init(&l->registered, 0);
	return 0;
}

static void ck_anderson_destroy(void *lock)
{
	free(((struct ck_anderson_lock *)lock)->ck.slots);
}

/* Takes a slot in the ring for this thread, or stops the run if none is left. */
static void ck_anderson_register(struct ck_anderson_lock *l, struct ck_anderson_self *s)
{
	/* relaxed: a count, read by nobody else; the lock orders the rest */
	unsigned n = atomic_fetch_add_explicit(&l->registered, 1, memory_order_relaxed);
	if (n >= l->ck.count) {
		fprintf(stderr, "ck-anderson: %u threads use a lock of %u slots; "
			"run with --set slots=N, N >= the thread count\n", n + 1, l->ck.count);
		abort();
	}
	s->registered = true;
}

static void ck_anderson_lock(void *lock, void *self)
{
	struct ck_anderson_lock *l = lock;
	struct ck_anderson_self *s = self;

	if (unlikely(!s->registered))
		ck_anderson_register(l, s);
	ck_wrap_lock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_anderson_lock(&l->ck, &s->slot);
	ck_wrap_lock_end(lock, CK_WRAP_WRITE, true);
}

static void ck_anderson_unlock(void *lock, void *self)
{
	struct ck_anderson_lock *l = lock;
	struct ck_anderson_self *s = self;

	ck_wrap_unlock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_anderson_unlock(&l->ck, s->slot);
	ck_wrap_unlock_end(lock, CK_WRAP_WRITE);
}

const struct lock_ops ck_anderson_ops = {
	.name = "ck-anderson",
	.summary = "Concurrency Kit's Anderson array lock (FIFO; one flag slot per thread)",
	.size = sizeof(struct ck_anderson_lock),
	.self_size = sizeof(struct ck_anderson_self),
	.params = ck_anderson_params,
	.nparams = ARRAY_SIZE(ck_anderson_params),
	.init = ck_anderson_init,
	.destroy = ck_anderson_destroy,
	.lock = ck_anderson_lock,
	.trylock = NULL,	/* CK's Anderson lock has none */
	.unlock = ck_anderson_unlock,
};
