/*
 * gomutex, gomutex-normal, gomutex-fifo: Go's sync.Mutex (Go 1.19
 * src/sync/mutex.go; newer internal/sync/mutex.go is the same algorithm)
 * on OS threads, parking on gosema, the port of runtime/sema.go.
 *
 * State word, 32 bits:
 *
 *   31 ........................ 3      2          1        0
 *   [ waiters                    ][ Starving ][ Woken ][ Locked ]
 *
 *   Locked    held (during a starvation handoff the new owner has not set
 *             it yet; Starving alone then means owned)
 *   Woken     a waiter is awake, or a spinner is about to take the lock:
 *             unlock need not wake anyone
 *   Starving  starvation mode: ownership passes by direct handoff
 *   waiters   threads counted as queued on the semaphore (or about to be)
 *
 * Changes (CAS unless said otherwise):
 *   lock, fast       0 -> Locked
 *   spinner          Locked|w -> Locked|Woken|w            (w > 0, no Woken)
 *   acquire          s -> s|Locked [-Woken if we were woken] (s lacks Locked,
 *                    Starving)
 *   queue            s -> s + 1 waiter [|Starving if we starve] [-Woken]
 *                    (s has Locked or Starving)
 *   unlock, fast     fetch_add -Locked; a result of 0 needs nothing more
 *   unlock, normal   w (no Locked, Woken, Starving) -> (w-1)|Woken, then
 *                    wake the head waiter
 *   unlock, starving nothing: Locked stays clear, the semaphore hands the
 *                    token to the head waiter
 *   handoff fix-up   fetch_add +Locked -1 waiter [-Starving when leaving]
 *
 * Invariants: Starving implies at least one waiter (it is set only by a
 * waiter that queues while the lock is held, and cleared by the last one
 * it is handed to), so unlock in starvation mode always has someone to
 * hand to.  Woken and Starving are never both set: spinners and normal
 * unlocks set Woken only without Starving, and Starving is set only by
 * the CAS that clears Woken or while Woken is clear.  At most one thread
 * is between a wake and its next CAS on the word.
 *
 * Normal mode: a running thread that finds the lock held spins a little
 * (see can_spin()), then queues at the tail of the semaphore and sleeps.
 * Unlock wakes the head, which competes with running newcomers and
 * usually loses, as they already have a CPU; a waiter that loses goes
 * back to the head.  Throughput is high, because the lock passes between
 * running threads, and a waiter can wait indefinitely.
 *
 * Starvation mode: a waiter that has waited more than starve_us since it
 * first queued and finds the lock held again sets Starving.  From then on
 * unlock hands the lock to the head waiter, and newcomers neither spin
 * nor take it (trylock fails) but queue at the tail.  The waiter handed
 * the lock leaves the mode if it waited no longer than starve_us or was
 * the last waiter ("two goroutines can go lock-step infinitely" otherwise,
 * says Go).  Each handoff costs a wake, so throughput drops to the wake
 * rate; in exchange the wait is bounded by the queue ahead.
 *
 * Variants (two parameters declared by all three: starve_us, and
 * park_spin_ns, how long a parking waiter polls before it sleeps; see
 * gosema.h):
 *   gomutex         Go's.
 *   gomutex-normal  never sets Starving: barging without a bound.
 *   gomutex-fifo    starves from the first wait: Starving is set whenever
 *                   someone queues while the lock is held (unless a woken
 *                   thread has yet to clear Woken), and left only by the
 *                   last waiter, so contended unlocks are FIFO handoffs.
 * All three count in long_waits the lock() calls that waited longer than
 * starve_us; only gomutex changes mode on it.
 *
 * When not to use it: it has no owner, so no recursion, no priority
 * inheritance, no error checking beyond Go's fatal unlock of an unlocked
 * mutex; it is not process-shared.  On threads a wake costs a futex
 * syscall and the scheduler's latency (about 30 us on these VMs), far
 * more than Go's goroutine switch, so starvation mode and gomutex-fifo
 * run at the wake rate under contention.
 *
 * Where the port departs from Go (threads are not goroutines):
 *   - canSpin: Go spins while iter < 4, ncpu > 1 (sched_getaffinity),
 *     another P is running and the local run queue is empty.  A thread
 *     sees no run queue and no P.  can_spin() keeps iter < 4 and ncpu > 1,
 *     and for the rest admits a spinner only while this lock's spinners,
 *     itself included, plus the holder fit in the CPUs (at most one
 *     spinner on 2 CPUs).  Spinning pays only while the holder runs, and
 *     Go's "another running P" is that holder; the bound keeps spinners
 *     from taking its CPU or each other's.  Threads outside the lock are
 *     not seen, nor is a preempted holder: the 4-round bound caps the
 *     cost of a wrong guess at a few microseconds (a round of 30 PAUSEs
 *     takes about 750 ns on this EPYC, and, as in Go, the word is read
 *     again only between rounds).  (A first version
 *     counted the lock's unparked threads against the CPUs, after "empty
 *     run queue"; with 4 threads on 2 CPUs it all but stopped spinning,
 *     and throughput fell to pthread-mutex's.)
 *   - Go's handoff donates the P to the woken goroutine (goyield).  A
 *     thread cannot donate its CPU: gosema_release() calls sched_yield()
 *     after a handoff, the nearest equivalent.
 *   - The handoff cannot be overtaken: Go's semrelease briefly exposes
 *     the handed-off token to newcomers, gosema does not (see gosema.h).
 *   - starve_us counts wall time since the first wait, as Go does, but on
 *     threads that time includes the futex wake latency, so the mode is
 *     entered more readily, above all with more threads than CPUs.
 *   - The zero value is unlocked, but the semaphore's queue lock needs
 *     init (the harness always calls it).
 *   - Statistics (spins, parks, wakes, handoffs, starvation entries and
 *     time, long waits) are counted per thread in `self`; Go has none.
 */
#include "gomutex.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "../harness/clock.h"
#include "../harness/compiler.h"
#include "lock.h"

/* Go's active_spin and active_spin_cnt (runtime/proc.go). */
enum { ACTIVE_SPIN = 4, ACTIVE_SPIN_CNT = 30 };

_Noreturn void gomutex_fatal(const char *msg)
{
	fprintf(stderr, "fatal error: %s\n", msg);
	abort();
}

int gomutex_init(struct gomutex *m, enum gomutex_mode mode, uint64_t starve_ns,
		 uint64_t park_spin_ns)
{
	cpu_set_t cpus;

	atomic_init(&m->state, 0);
	atomic_init(&m->spinning, 0);
	m->mode = mode;
	m->starve_ns = starve_ns;
	/* Go's getproccount(): the affinity mask, 1 if it cannot be read. */
	m->ncpu = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 ? CPU_COUNT(&cpus) : 1;
	m->epoch_ns = now_ns();
	return gosema_init(&m->sema, park_spin_ns);
}

void gomutex_destroy(struct gomutex *m)
{
	gosema_destroy(&m->sema);
}

static uint32_t waiters(uint32_t state)
{
	return state >> GOMUTEX_WAITER_SHIFT;
}

/*
 * Go's runtime_canSpin, mapped to threads (see the header).  On success
 * the caller holds a spinning slot, which spin_round() gives back.
 */
static bool can_spin(struct gomutex *m, int iter)
{
	if (iter >= ACTIVE_SPIN || m->ncpu <= 1)
		return false;
	/* relaxed: a head count, ordering nothing; +1 for us, +1 for the holder */
	if (atomic_fetch_add_explicit(&m->spinning, 1, memory_order_relaxed) + 2 <= m->ncpu)
		return true;
	atomic_fetch_sub_explicit(&m->spinning, 1, memory_order_relaxed);
	return false;
}

/* Go's runtime_doSpin, procyield(30); then gives back can_spin()'s slot. */
static void spin_round(struct gomutex *m)
{
	for (int i = 0; i < ACTIVE_SPIN_CNT; i++)
		cpu_relax();
	atomic_fetch_sub_explicit(&m->spinning, 1, memory_order_relaxed);
}

static int64_t since_epoch(const struct gomutex *m)
{
	return (int64_t)(now_ns() - m->epoch_ns);
}

static void starvation_entered(const struct gomutex *m, struct gomutex_self *self)
{
	self->starve_entries++;
	self->starving_ns -= since_epoch(m);
}

static void starvation_left(const struct gomutex *m, struct gomutex_self *self)
{
	self->starving_ns += since_epoch(m);
}

/* The state a lock_slow() round proposes: Go's `new`. */
static uint32_t next_state(uint32_t old, bool starving, bool awoke)
{
	uint32_t new = old;

	/* A starving mutex belongs to the head waiter: newcomers queue. */
	if (!(old & GOMUTEX_STARVING))
		new |= GOMUTEX_LOCKED;
	if (old & (GOMUTEX_LOCKED | GOMUTEX_STARVING))
		new += GOMUTEX_WAITER;
	/*
	 * Only while held: unlock in starvation mode expects a waiter to hand
	 * to.  Nor under another thread's Woken, which would outlive the mode
	 * change: in Go's mode only the woken thread can be starving, so this
	 * never applies, but gomutex-fifo's newcomers starve from the start.
	 */
	if (starving && (old & GOMUTEX_LOCKED) && (awoke || !(old & GOMUTEX_WOKEN)))
		new |= GOMUTEX_STARVING;
	if (awoke) {
		if (!(new & GOMUTEX_WOKEN))
			gomutex_fatal("sync: inconsistent mutex state");
		new &= ~(uint32_t)GOMUTEX_WOKEN;
	}
	return new;
}

/* The lock was handed to us in starvation mode: set Locked, leave the count. */
static void take_handoff(struct gomutex *m, struct gomutex_self *self, uint32_t old,
			 bool starving)
{
	if ((old & (GOMUTEX_LOCKED | GOMUTEX_WOKEN)) || waiters(old) == 0)
		gomutex_fatal("sync: inconsistent mutex state");

	uint32_t delta = GOMUTEX_LOCKED - GOMUTEX_WAITER;
	/*
	 * Leave here, where our own wait is known: otherwise two threads can
	 * hand the lock back and forth in starvation mode forever.
	 */
	bool leave = !starving || waiters(old) == 1;
	if (leave)
		delta -= GOMUTEX_STARVING;
	/* acquire: pairs with the release in gomutex_unlock() of the thread that handed over */
	atomic_fetch_add_explicit(&m->state, delta, memory_order_acquire);
	if (leave)
		starvation_left(m, self);
}

/* Go's lockSlow. */
static void lock_slow(struct gomutex *m, struct gomutex_self *self)
{
	uint64_t wait_start = 0;
	bool starving = m->mode == GOMUTEX_FIFO, waited_long = false, awoke = false;
	int iter = 0;
	/* relaxed: every use goes through a CAS that re-checks it */
	uint32_t old = atomic_load_explicit(&m->state, memory_order_relaxed);

	for (;;) {
		/* No spinning in starvation mode: the lock goes to the head waiter. */
		if ((old & (GOMUTEX_LOCKED | GOMUTEX_STARVING)) == GOMUTEX_LOCKED &&
		    can_spin(m, iter)) {
			/* Tell unlock not to wake anyone: we are about to take it. */
			if (!awoke && !(old & GOMUTEX_WOKEN) && waiters(old) != 0 &&
			    /* relaxed: a hint to unlock_slow(), which re-reads the word */
			    atomic_compare_exchange_strong_explicit(&m->state, &old,
								    old | GOMUTEX_WOKEN,
								    memory_order_relaxed,
								    memory_order_relaxed))
				awoke = true;
			spin_round(m);
			self->spins++;
			iter++;
			old = atomic_load_explicit(&m->state, memory_order_relaxed);
			continue;
		}
		uint32_t new = next_state(old, starving, awoke);
		/* acquire: pairs with the release in gomutex_unlock() */
		if (!atomic_compare_exchange_strong_explicit(&m->state, &old, new,
							     memory_order_acquire,
							     memory_order_relaxed))
			continue;
		if (!(old & (GOMUTEX_LOCKED | GOMUTEX_STARVING)))
			break;	/* we set Locked */
		if ((new & GOMUTEX_STARVING) && !(old & GOMUTEX_STARVING))
			starvation_entered(m, self);
		/* Waited before: back to the head of the queue, not the tail. */
		bool lifo = wait_start != 0;
		if (!lifo)
			wait_start = now_ns();
		self->parks += gosema_acquire(&m->sema, lifo);
		waited_long = waited_long || now_ns() - wait_start > m->starve_ns;
		starving = starving || (waited_long && m->mode == GOMUTEX_GO);
		/* relaxed: gosema_acquire() ordered us after the unlock that woke us */
		old = atomic_load_explicit(&m->state, memory_order_relaxed);
		if (old & GOMUTEX_STARVING) {
			take_handoff(m, self, old, starving);
			break;
		}
		awoke = true;
		iter = 0;
	}
	self->long_waits += waited_long;
}

void gomutex_lock(struct gomutex *m, struct gomutex_self *self)
{
	uint32_t unlocked = 0;
	/* acquire: pairs with the release in gomutex_unlock() */
	if (likely(atomic_compare_exchange_strong_explicit(&m->state, &unlocked, GOMUTEX_LOCKED,
							   memory_order_acquire,
							   memory_order_relaxed)))
		return;
	lock_slow(m, self);
}

/* Go's TryLock: one attempt; fails on a starving mutex even when Locked is clear. */
bool gomutex_trylock(struct gomutex *m)
{
	uint32_t old = atomic_load_explicit(&m->state, memory_order_relaxed);
	if (old & (GOMUTEX_LOCKED | GOMUTEX_STARVING))
		return false;
	/* acquire: pairs with the release in gomutex_unlock() */
	return atomic_compare_exchange_strong_explicit(&m->state, &old, old | GOMUTEX_LOCKED,
						       memory_order_acquire, memory_order_relaxed);
}

static void count_wake(struct gomutex_self *self, enum gosema_woke woke)
{
	self->wakes += woke != GOSEMA_NOBODY;
	self->handoffs += woke == GOSEMA_HANDED_OFF;
}

/* Go's unlockSlow; new is the state just after Locked was cleared. */
static void unlock_slow(struct gomutex *m, struct gomutex_self *self, uint32_t new)
{
	if (!((new + GOMUTEX_LOCKED) & GOMUTEX_LOCKED))
		gomutex_fatal("sync: unlock of unlocked mutex");
	if (new & GOMUTEX_STARVING) {
		/* Locked stays clear: Starving means owned, and the head waiter fixes the word. */
		count_wake(self, gosema_release(&m->sema, true));
		return;
	}
	/* No waiters, or someone awake or holding it already: nobody to wake. */
	uint32_t old = new;
	while (waiters(old) != 0 &&
	       !(old & (GOMUTEX_LOCKED | GOMUTEX_WOKEN | GOMUTEX_STARVING))) {
		/* relaxed: claims the right to wake one waiter; the semaphore orders the wake */
		if (atomic_compare_exchange_strong_explicit(&m->state, &old,
							    (old - GOMUTEX_WAITER) | GOMUTEX_WOKEN,
							    memory_order_relaxed,
							    memory_order_relaxed)) {
			count_wake(self, gosema_release(&m->sema, false));
			return;
		}
	}
}

void gomutex_unlock(struct gomutex *m, struct gomutex_self *self)
{
	/* release: pairs with the acquire in gomutex_lock(), lock_slow(), take_handoff() */
	uint32_t new = atomic_fetch_sub_explicit(&m->state, GOMUTEX_LOCKED, memory_order_release) -
		       GOMUTEX_LOCKED;
	if (new != 0)
		unlock_slow(m, self, new);
}

void gomutex_stats(const void *lock, void *const *selves, int nthreads, stat_emit_fn *emit,
		   void *sink)
{
	(void)lock;
	struct gomutex_self sum = { 0 };

	for (int i = 0; i < nthreads; i++) {
		const struct gomutex_self *s = selves[i];
		sum.spins += s->spins;
		sum.parks += s->parks;
		sum.wakes += s->wakes;
		sum.handoffs += s->handoffs;
		sum.starve_entries += s->starve_entries;
		sum.long_waits += s->long_waits;
		sum.starving_ns += s->starving_ns;
	}
	emit(sink, "spins", (double)sum.spins);
	emit(sink, "parks", (double)sum.parks);
	emit(sink, "wakes", (double)sum.wakes);
	emit(sink, "handoffs", (double)sum.handoffs);
	emit(sink, "starve_entries", (double)sum.starve_entries);
	/* Every entry has its exit once all threads are out (Starving needs a waiter). */
	emit(sink, "starving_ns", (double)sum.starving_ns);
	emit(sink, "long_waits", (double)sum.long_waits);
}

enum { GOMUTEX_PARAM_STARVE_US, GOMUTEX_PARAM_PARK_SPIN_NS };

static const struct param_decl gomutex_params[] = {
	[GOMUTEX_PARAM_STARVE_US] = {
		"starve_us", PARAM_INT, 1000, 0, 60000000, NULL,
		"a wait longer than this (us) is starving: gomutex enters starvation "
		"mode; all three variants count it in long_waits" },
	[GOMUTEX_PARAM_PARK_SPIN_NS] = GOSEMA_PARK_SPIN_PARAM,
};

static int init_mode(void *lock, const int64_t *params, enum gomutex_mode mode)
{
	return gomutex_init(lock, mode, (uint64_t)params[GOMUTEX_PARAM_STARVE_US] * 1000u,
			    (uint64_t)params[GOMUTEX_PARAM_PARK_SPIN_NS]);
}

static int gomutex_init_go(void *lock, const int64_t *params)
{
	return init_mode(lock, params, GOMUTEX_GO);
}

static int gomutex_init_normal(void *lock, const int64_t *params)
{
	return init_mode(lock, params, GOMUTEX_NORMAL);
}

static int gomutex_init_fifo(void *lock, const int64_t *params)
{
	return init_mode(lock, params, GOMUTEX_FIFO);
}

static void gomutex_op_destroy(void *lock)
{
	gomutex_destroy(lock);
}

static void gomutex_op_lock(void *lock, void *self)
{
	gomutex_lock(lock, self);
}

static bool gomutex_op_trylock(void *lock, void *self)
{
	(void)self;
	return gomutex_trylock(lock);
}

static void gomutex_op_unlock(void *lock, void *self)
{
	gomutex_unlock(lock, self);
}

const struct lock_ops gomutex_ops = {
	.name = "gomutex",
	.original = "go-mutex",
	.summary = "Go's sync.Mutex: spin, barge, park; starvation mode after starve_us",
	.size = sizeof(struct gomutex),
	.self_size = sizeof(struct gomutex_self),
	.params = gomutex_params,
	.nparams = ARRAY_SIZE(gomutex_params),
	.init = gomutex_init_go,
	.destroy = gomutex_op_destroy,
	.lock = gomutex_op_lock,
	.trylock = gomutex_op_trylock,
	.unlock = gomutex_op_unlock,
	.stats = gomutex_stats,
};

const struct lock_ops gomutex_normal_ops = {
	.name = "gomutex-normal",
	.original = "go-mutex",
	.summary = "Go's sync.Mutex kept in normal mode: spin, barge, park, no handoff",
	.size = sizeof(struct gomutex),
	.self_size = sizeof(struct gomutex_self),
	.params = gomutex_params,
	.nparams = ARRAY_SIZE(gomutex_params),
	.init = gomutex_init_normal,
	.destroy = gomutex_op_destroy,
	.lock = gomutex_op_lock,
	.trylock = gomutex_op_trylock,
	.unlock = gomutex_op_unlock,
	.stats = gomutex_stats,
};

const struct lock_ops gomutex_fifo_ops = {
	.name = "gomutex-fifo",
	.summary = "Go's sync.Mutex kept in starvation mode: FIFO handoff whenever anyone waits",
	.size = sizeof(struct gomutex),
	.self_size = sizeof(struct gomutex_self),
	.params = gomutex_params,
	.nparams = ARRAY_SIZE(gomutex_params),
	.init = gomutex_init_fifo,
	.destroy = gomutex_op_destroy,
	.lock = gomutex_op_lock,
	.trylock = gomutex_op_trylock,
	.unlock = gomutex_op_unlock,
	.stats = gomutex_stats,
};
