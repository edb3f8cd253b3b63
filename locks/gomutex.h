/*
 * gomutex's internal API, for locks built on it (gorwmutex) and for the
 * tests that look at its state.  The registered primitives themselves are
 * gomutex_ops, gomutex_normal_ops and gomutex_fifo_ops; see gomutex.c for
 * the algorithm.
 */
#ifndef SYNCBENCH_GOMUTEX_H
#define SYNCBENCH_GOMUTEX_H

#include <assert.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../harness/compiler.h"
#include "../harness/stat_emit.h"
#include "gosema.h"

/* The state word (Go's mutexLocked, mutexWoken, mutexStarving, mutexWaiterShift). */
enum {
	GOMUTEX_LOCKED = 1u << 0,
	GOMUTEX_WOKEN = 1u << 1,
	GOMUTEX_STARVING = 1u << 2,
	GOMUTEX_WAITER_SHIFT = 3,
	GOMUTEX_WAITER = 1u << GOMUTEX_WAITER_SHIFT,	/* one waiter in the count */
};

enum gomutex_mode {
	GOMUTEX_GO,		/* Go's: starvation mode after a wait over the threshold */
	GOMUTEX_NORMAL,		/* never enters starvation mode */
	GOMUTEX_FIFO,		/* starving whenever anyone waits: always hands off */
};

/*
 * One thread's counters, kept in its `self` slot so that counting shares
 * no line; gomutex_stats() sums them.
 */
struct gomutex_self {
	uint64_t spins;		/* rounds of 30 PAUSEs */
	uint64_t parks;		/* waits in the semaphore queue */
	uint64_t wakes;		/* waiters this thread's unlocks woke */
	uint64_t handoffs;	/* ... of which received the lock directly */
	uint64_t starve_entries;
	uint64_t long_waits;	/* lock() calls that waited past the threshold */
	/*
	 * Exit times minus entry times of starvation mode, ns since the
	 * lock's epoch: the thread that enters subtracts, the one that exits
	 * adds, so the sum over threads is the time spent starving.
	 */
	int64_t starving_ns;
};

struct gomutex {
	atomic_uint_least32_t state;
	struct gosema sema;
	/* Read-only after init. */
	enum gomutex_mode mode;
	int ncpu;
	uint64_t starve_ns;
	uint64_t epoch_ns;
	/*
	 * Threads in a round of active spinning.  On a line of its own: the
	 * spinners' increments must not take the state word's line away from
	 * the holder about to unlock.
	 */
	_Alignas(CACHELINE) atomic_int spinning;
};

static_assert(offsetof(struct gomutex, spinning) % CACHELINE == 0 &&
		      sizeof(struct gomutex) % CACHELINE == 0,
	      "the spinners' count must not share the state word's line, nor the next gomutex's");

/* Returns 0 or an errno value; park_spin_ns: its semaphore's (gosema_init()). */
int gomutex_init(struct gomutex *m, enum gomutex_mode mode, uint64_t starve_ns,
		 uint64_t park_spin_ns);
void gomutex_destroy(struct gomutex *m);
void gomutex_lock(struct gomutex *m, struct gomutex_self *self);
bool gomutex_trylock(struct gomutex *m);
void gomutex_unlock(struct gomutex *m, struct gomutex_self *self);

/* The lock_ops stats hook: sums the gomutex_self of every thread. */
void gomutex_stats(const void *lock, void *const *selves, int nthreads,
		   stat_emit_fn *emit, void *sink);

/* Go's fatal(): prints "fatal error: MSG" on stderr and aborts. */
_Noreturn void gomutex_fatal(const char *msg);

#endif
