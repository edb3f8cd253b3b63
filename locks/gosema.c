/*
 * gosema: see gosema.h for the semantics.
 *
 * The queue's own lock is a glibc adaptive pthread mutex
 * (PTHREAD_MUTEX_ADAPTIVE_NP), the nearest thing to the runtime mutex Go
 * guards its semaphore roots with (lock_futex.go: spin a little, then
 * sleep on a futex).  It is held for a few pointer writes, and everyone
 * who takes it is already on the way to a futex call, so it is rarely
 * contended; when it is, the holder may have been preempted (4 threads on
 * 2 CPUs), and a pure spinlock would then burn the rest of a time slice
 * where this one sleeps.
 *
 * Waking a waiter: dequeue it under qlock, unlock, release-store its
 * futex word, FUTEX_WAKE.  The node lives on the waiter's stack and may
 * be gone as soon as the store is visible, so the waker touches nothing
 * but the futex address after it; a FUTEX_WAKE that lands on a reused
 * address is a spurious wake, which park()'s loop absorbs.
 */
#include "gosema.h"

#include <sched.h>

#include "../harness/clock.h"
#include "../harness/compiler.h"
#include "futex.h"

/* A waiter's futex word. */
enum { WAITING, WOKEN, WOKEN_WITH_TOKEN };

struct gosema_waiter {
	atomic_uint state;
	struct gosema_waiter *next;
};

int gosema_init(struct gosema *s, uint64_t park_spin_ns)
{
	s->park_spin_ns = park_spin_ns;
	pthread_mutexattr_t attr;
	int e = pthread_mutexattr_init(&attr);
	if (e == 0)
		e = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
	if (e == 0)
		e = pthread_mutex_init(&s->qlock, &attr);
	pthread_mutexattr_destroy(&attr);
	atomic_init(&s->count, 0);
	atomic_init(&s->nwait, 0);
	s->head = s->tail = NULL;
	return e;
}

void gosema_destroy(struct gosema *s)
{
	pthread_mutex_destroy(&s->qlock);
}

/* Go's cansemacquire: take a token if there is one. */
static bool take_token(struct gosema *s)
{
	/*
	 * seq_cst: the second half of the store-load pattern with
	 * gosema_release(): a waiter publishes itself in nwait, then reads
	 * count; a releaser adds to count, then reads nwait.
	 */
	unsigned v = atomic_load_explicit(&s->count, memory_order_seq_cst);
	while (v > 0) {
		/* seq_cst (acquire is what matters): pairs with the fetch_add in gosema_release() */
		if (atomic_compare_exchange_weak_explicit(&s->count, &v, v - 1,
							  memory_order_seq_cst,
							  memory_order_seq_cst))
			return true;
	}
	return false;
}

/* Under qlock. */
static void enqueue(struct gosema *s, struct gosema_waiter *w, bool lifo)
{
	w->next = NULL;
	if (!s->head) {
		s->head = s->tail = w;
	} else if (lifo) {
		w->next = s->head;
		s->head = w;
	} else {
		s->tail->next = w;
		s->tail = w;
	}
}

/* Under qlock, on a non-empty queue. */
static struct gosema_waiter *dequeue(struct gosema *s)
{
	struct gosema_waiter *w = s->head;
	s->head = w->next;
	if (!s->head)
		s->tail = NULL;
	return w;
}

/* Polls the wake word for up to spin_ns; returns it, WAITING if still asleep. */
static unsigned spin_for_wake(struct gosema_waiter *w, uint64_t spin_ns)
{
	uint64_t deadline = spin_ns ? now_ns() + spin_ns : 0;
	unsigned st;
	/* acquire: pairs with the release store in wake() */
	for (unsigned i = 1; (st = atomic_load_explicit(&w->state, memory_order_acquire)) == WAITING;
	     i++) {
		/* The clock every 64 polls: a poll costs far less than a clock read. */
		if (i % 64 == 0 && now_ns() >= deadline)
			break;
		cpu_relax();
	}
	return st;
}

static unsigned park(struct gosema_waiter *w, uint64_t spin_ns)
{
	unsigned st = spin_ns ? spin_for_wake(w, spin_ns) : WAITING;
	/* acquire: pairs with the release store in wake() */
	while (st == WAITING && (st = atomic_load_explicit(&w->state, memory_order_acquire)) == WAITING)
		futex_wait(&w->state, WAITING);
	return st;
}

static void wake(struct gosema_waiter *w, unsigned how)
{
	/* release: pairs with the acquire in park(); w may be gone after it */
	atomic_store_explicit(&w->state, how, memory_order_release);
	futex_wake(&w->state, 1);
}

/* Queues w unless a token turned up; false if it took the token instead. */
static bool enqueue_or_take(struct gosema *s, struct gosema_waiter *w, bool lifo)
{
	pthread_mutex_lock(&s->qlock);
	/* seq_cst: publish ourselves before take_token() reads count (see there) */
	atomic_fetch_add_explicit(&s->nwait, 1, memory_order_seq_cst);
	bool took = take_token(s);
	if (took) {
		/* relaxed: qlock orders nwait's writers; readers only estimate */
		atomic_fetch_sub_explicit(&s->nwait, 1, memory_order_relaxed);
	} else {
		/* relaxed: nobody can see w until qlock is released */
		atomic_store_explicit(&w->state, WAITING, memory_order_relaxed);
		enqueue(s, w, lifo);
	}
	pthread_mutex_unlock(&s->qlock);
	return !took;
}

unsigned gosema_acquire(struct gosema *s, bool lifo)
{
	struct gosema_waiter w;
	unsigned parks = 0;

	if (take_token(s))
		return 0;
	/* Woken without the token: someone took it first, so wait again. */
	while (enqueue_or_take(s, &w, lifo)) {
		parks++;
		if (park(&w, s->park_spin_ns) == WOKEN_WITH_TOKEN || take_token(s))
			break;
	}
	return parks;
}

/* The head waiter, dequeued, or NULL if the queue is empty. */
static struct gosema_waiter *pop_waiter(struct gosema *s)
{
	struct gosema_waiter *w = NULL;

	pthread_mutex_lock(&s->qlock);
	/* relaxed: under qlock, nwait is exact */
	if (atomic_load_explicit(&s->nwait, memory_order_relaxed) != 0) {
		w = dequeue(s);
		atomic_fetch_sub_explicit(&s->nwait, 1, memory_order_relaxed);
	}
	pthread_mutex_unlock(&s->qlock);
	return w;
}

/*
 * The token goes straight to the head waiter, under qlock, and never
 * through count: no newcomer's take_token() can see it on the way.
 */
static enum gosema_woke hand_off(struct gosema *s)
{
	struct gosema_waiter *w = NULL;

	pthread_mutex_lock(&s->qlock);
	/* relaxed: under qlock, nwait is exact */
	if (atomic_load_explicit(&s->nwait, memory_order_relaxed) != 0) {
		w = dequeue(s);
		atomic_fetch_sub_explicit(&s->nwait, 1, memory_order_relaxed);
	} else {
		/*
		 * Nobody queued: the token persists.  Under qlock, so a waiter
		 * either queued before (we would have dequeued it) or finds
		 * the token when it re-checks under qlock.
		 * seq_cst: pairs with take_token()
		 */
		atomic_fetch_add_explicit(&s->count, 1, memory_order_seq_cst);
	}
	pthread_mutex_unlock(&s->qlock);
	if (!w)
		return GOSEMA_NOBODY;
	wake(w, WOKEN_WITH_TOKEN);
	/* Go's goyield: let the new owner run (see gosema.h) */
	sched_yield();
	return GOSEMA_HANDED_OFF;
}

enum gosema_woke gosema_release(struct gosema *s, bool handoff)
{
	if (handoff)
		return hand_off(s);
	/* seq_cst: the first half of the store-load pattern (see take_token()) */
	atomic_fetch_add_explicit(&s->count, 1, memory_order_seq_cst);
	/* seq_cst: a waiter that we miss here is bound to see our token */
	if (atomic_load_explicit(&s->nwait, memory_order_seq_cst) == 0)
		return GOSEMA_NOBODY;

	struct gosema_waiter *w = pop_waiter(s);
	if (!w)
		return GOSEMA_NOBODY;	/* the waiter we saw took the token itself */
	/* It competes for the token with anyone in gosema_acquire(). */
	wake(w, WOKEN);
	return GOSEMA_WOKE;
}
