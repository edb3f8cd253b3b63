/*
 * gosema: a counting semaphore with an explicit waiter queue, the port of
 * Go's runtime semaphore (runtime/sema.go: semacquire1, semrelease1) that
 * gomutex and gorwmutex park on.  It is not a primitive and is not
 * registered.
 *
 *   count   tokens; release adds one even when nobody waits (the token
 *           persists), acquire takes one or waits for one.
 *   queue   waiters in a singly linked list, each node on its waiter's
 *           stack with its own futex word.  A first wait goes to the tail
 *           (FIFO); a caller that waits again after losing passes lifo and
 *           goes to the head.  Release wakes the head.
 *   nwait   the queue's length: written under qlock, read without it by
 *           release's no-waiter fast path and by gomutex's spin heuristic.
 *
 * Invariant under qlock: nwait == number of nodes in the queue.
 *
 * One futex word per waiter, not one per semaphore, because FUTEX_WAKE
 * does not say which waiter it wakes (futex(2)): the queue order is the
 * whole point.
 *
 * Departures from Go:
 *   - Go hashes every semaphore address into 251 shared roots with a
 *     treap of per-address lists; here each semaphore carries its own
 *     queue and lock, which gives the same per-address order without the
 *     table.
 *   - Go's semrelease1 with handoff adds the token to the count first and
 *     takes it back for the dequeued waiter afterwards; in between, a
 *     newcomer's semacquire fast path can take it, and the woken waiter
 *     then queues again at the tail.  gomutex's starvation mode promises
 *     that no third party acquires during a handoff, so here the token
 *     passes to the head waiter under the queue lock and never appears in
 *     the count (a test caught the window under ThreadSanitizer).
 *   - Go's goyield after a direct handoff donates the P to the woken
 *     goroutine; a thread cannot donate its CPU, so sched_yield() is the
 *     nearest equivalent (it only lets another runnable thread of this
 *     CPU run first).
 *   - A parked goroutine locked to its thread (LockOSThread) sleeps at
 *     once (runtime/proc.go stoplockedm: handoffp, then mPark), and so
 *     does a waiter here by default.  Its P goes to a spinning M, which
 *     keeps a CPU awake looking for work; a thread has no P to hand on,
 *     and park_spin_ns > 0 makes the waiter itself poll its wake word
 *     that long before sleeping.  The README's "ports against their
 *     originals" shows what the sleep costs on a VM (gorwmutex, rw).
 */
#ifndef SYNCBENCH_GOSEMA_H
#define SYNCBENCH_GOSEMA_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct gosema_waiter;

struct gosema {
	atomic_uint count;
	atomic_uint nwait;
	pthread_mutex_t qlock;
	struct gosema_waiter *head, *tail;	/* under qlock */
	uint64_t park_spin_ns;			/* read-only after init; see gosema_init() */
};

/* What a release did: nobody queued, woke the head, or handed it the token. */
enum gosema_woke { GOSEMA_NOBODY, GOSEMA_WOKE, GOSEMA_HANDED_OFF };

/*
 * Returns 0 or an errno value.  A waiter polls its wake word for
 * park_spin_ns before it sleeps on the futex (0: it sleeps at once): the
 * thread's stand-in for the spinning M that takes a parked goroutine's P
 * and keeps its CPU awake (see the departures above).
 */
int gosema_init(struct gosema *s, uint64_t park_spin_ns);
void gosema_destroy(struct gosema *s);

/*
 * Takes a token, waiting in the queue (at the head if lifo) until one is
 * released.  Returns how many times the caller parked, 0 if it never did.
 */
unsigned gosema_acquire(struct gosema *s, bool lifo);

/*
 * Adds a token and wakes the head waiter, if any.  With handoff, the token
 * goes to the head waiter itself, so no other thread can take it first,
 * and the caller then yields its CPU; with nobody queued it persists.
 */
enum gosema_woke gosema_release(struct gosema *s, bool handoff);

/*
 * The declaration of the park_spin_ns parameter, for the primitives that
 * park on gosema (a param_decl initializer, harness/params.h).
 */
#define GOSEMA_PARK_SPIN_NS_DEFAULT 0
#define GOSEMA_PARK_SPIN_PARAM                                                        \
	{ "park_spin_ns", PARAM_INT, GOSEMA_PARK_SPIN_NS_DEFAULT, 0, 1000000000, NULL, \
	  "ns a parking thread polls its wake word before the futex sleep (Go: the "   \
	  "spinning M that takes a parked goroutine's P); 0: sleep at once" }

#endif
