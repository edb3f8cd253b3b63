/*
 * gochan: Go's channel (Go 1.19 src/runtime/chan.go; the algorithm is
 * unchanged upstream) on OS threads, parked on futexes.
 *
 * State, all under the channel's own lock:
 *   buf[cap]       a ring of elements; qcount of them, from recvx, next
 *                  free slot at sendx (cap 0: no buffer at all)
 *   recvq, sendq   blocked receivers and senders, FIFO, doubly linked: a
 *                  waiter is a node on its thread's stack (Go's sudog)
 *                  with a pointer to the element it gives or wants and
 *                  one to its thread's parker, the futex word it sleeps on
 *   closed         set once by close
 *
 * Invariants (chan.go's header): recvq and sendq are not both non-empty;
 * qcount > 0 implies recvq empty; qcount < cap implies sendq empty.
 * Select keeps them: a sender drops the waiters of selects won elsewhere
 * while it looks for a receiver, before it buffers or queues.
 *
 * send: closed -> CHAN_CLOSED (Go panics).  A waiting receiver -> copy the
 *   element straight into its slot, bypassing the buffer, and wake it.
 *   Room in the buffer -> append.  Otherwise queue at the tail of sendq
 *   and sleep until a receiver (or close) completes us.
 * recv: closed and empty -> zero the element, CHAN_CLOSED (after close
 *   the buffer still drains).  A waiting sender -> cap 0: copy straight
 *   from it; full buffer: take the head and put the sender's element in
 *   its place (recvx advances, sendx = recvx), which keeps FIFO order.
 *   Data in the buffer -> take the head.  Otherwise queue on recvq.
 * close: set closed, dequeue every waiter of both queues, then complete
 *   each with "closed": receivers get a zero element, senders CHAN_CLOSED.
 * try_send/try_recv: Go's select with a default case.  Their failure is
 *   decided without the lock when a relaxed look says "not ready and not
 *   closed" (chansend/chanrecv with block=false); otherwise they run as
 *   above and return CHAN_WOULD_BLOCK instead of queueing.
 *
 * Waking (Go's rule: never ready a goroutine while holding c.lock): the
 * completer dequeues the waiter under the lock, releases the lock, then
 * copies the element (for a direct handoff) and release-stores the
 * waiter's parker.  The waiter is its exclusively once dequeued.  Parker
 * states:
 *   WAITING -> PARKED        the waiter, when its spin runs out (CAS)
 *   WAITING|PARKED -> DONE | DONE_CLOSED   the completer (exchange); a
 *                            FUTEX_WAKE only if it was PARKED
 * So with spin > 0 a waiter that is completed while it polls costs its
 * completer no system call: only spinning gets a handoff under the ~30 us
 * of a cross-CPU futex wake on these VMs.  spin = 0 parks at once, as Go
 * does (a goroutine park is cheap; a thread's is not).
 *
 * The channel's own lock is a port of Go 1.19's runtime mutex
 * (lock_futex.go: lock2/unlock2), not a pthread mutex: one word, 0
 * unlocked, 1 locked, 2 locked with sleepers.  lock: exchange in 1; if
 * it was held, 4 rounds of {CAS when seen free; 30 PAUSEs} (only on more
 * than one CPU), then exchange in 2 and sleep on the futex, repeating.
 * unlock: exchange in 0, FUTEX_WAKE one if it was 2.  Why: the lock is
 * held for a few pointer moves and one element copy, so a short spin
 * almost always wins, and the uncontended path is one inline exchange
 * each way with no library call; but a holder can be preempted (4 threads
 * on 2 CPUs), and the futex sleep keeps waiters from burning its time
 * slice.  The lock word shares its line with the queue heads, counts and
 * indexes: every operation takes the lock and then reads them, so one
 * line moves per operation, not two.
 * One departure: lock2's osyield() round between spinning and sleeping
 * is left out.  In Go, running threads never outnumber GOMAXPROCS, so
 * that yield seldom hands the CPU to a peer; with more threads than CPUs
 * it does, every time the spin fails.  Measured with 4 threads on 2 CPUs
 * (chan-prodcons, 2 producers, 2 consumers, cap 1024): 7.5 and 9.2 M
 * ops/s with the yield, 42.7 and 48.1 M without, while caps 0, 1 and 16
 * moved within the noise.
 * The buffer starts on the next line.
 *
 * Fairness: blocked senders and receivers are each served FIFO, but a
 * running newcomer can take a buffer slot or a waiting peer before a
 * woken waiter runs, as in Go.
 *
 * When not to use it: as a mutex or semaphore (gomutex and gosema are
 * cheaper); with spin > 0 when threads outnumber CPUs (a spinner burns
 * the time slice its peer needs); for elements larger than a few hundred
 * bytes, where the copies dominate (pass pointers).
 *
 * select (gochan_select_recv2: two receive cases; runtime/select.go's
 * selectgo): lock both channels in address order, a channel named twice
 * once (lockorder); pass 1 polls the cases in a random order
 * (pollorder) and does the first that can proceed (a closed channel
 * can: it reports closed); else, pass 2 queues one waiter per case on
 * its recvq, in pollorder (Go's lockorder: the same but for a == b,
 * where pollorder keeps the choice random), both on one parker marked
 * select, unlocks both and parks (polling first as long as the larger
 * spin of the two).  A completer (a sender, or close) must claim a
 * select waiter it dequeues by CAS 0 -> 1 on the parker's claimed word
 * (Go's selectDone) under that waiter's channel lock; only one claim
 * succeeds, and it records the winning waiter.  A completer whose claim
 * fails drops that waiter from the queue and goes on to the next waiter
 * or the buffer, so no value is lost.  On waking, pass 3 takes the
 * losing waiter out of its queue under its channel's lock (Go relocks
 * both; only that channel can still reach it), unless a completer
 * already dropped it.  Invariants: a select waiter is completed at most
 * once, and only by its claimer; a waiter's memory is touched only
 * under the lock of the channel whose queue holds it, or by its claimer
 * until complete(); after pass 3 no queue holds it, so the select may
 * return and its stack go.  With a default case
 * (gochan_try_select_recv2), pass 1 under both locks decides, at one
 * moment, as Go's selectgo does: the lock-free failure of try_recv would
 * see each channel empty at a different moment, and could say
 * would-block while a value moves from one channel to the other.
 *
 * Departures from Go: send on a closed channel returns CHAN_CLOSED
 * rather than panicking, and closing twice returns CHAN_CLOSED; there is
 * no nil channel; select has two receive cases only (no send cases).
 */
#include "gochan.h"

#include <assert.h>
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/clock.h"
#include "../harness/compiler.h"
#include "futex.h"
#include "lock.h"

enum { UNLOCKED, LOCKED, SLEEPING };		/* the channel lock word */
enum { WAITING, PARKED, DONE, DONE_CLOSED };	/* a parker's word */

/* lock_futex.go's active_spin and active_spin_cnt (its passive_spin is left out: see above). */
enum { ACTIVE_SPIN = 4, ACTIVE_SPIN_CNT = 30 };

/* What one blocked thread sleeps on, however many queues hold its waiters. */
struct gochan_parker {
	atomic_uint state;
	bool is_select;			/* Go's isSelect: a completer must claim it first */
	atomic_uint claimed;		/* select only: Go's selectDone, 0 -> 1 once */
	struct gochan_waiter *winner;	/* select only: the waiter its claimer dequeued */
};

/* A wait-queue entry (Go's sudog): one blocked thread's offer on one channel. */
struct gochan_waiter {
	struct gochan_parker *parker;
	void *elem;		/* a sender's element, or where a receiver wants it */
	struct gochan_waiter *next, *prev;
};

/*
 * A blocked thread's frame, on its stack, on its own line: the completer
 * writes the parker while the thread polls it, and a plain send or
 * receive's one waiter shares that line, so a handoff moves one line.
 */
struct gochan_blocked {
	_Alignas(CACHELINE) struct gochan_parker parker;
	struct gochan_waiter waiter[2];		/* [1]: select only */
};
static_assert(offsetof(struct gochan_blocked, waiter) + sizeof(struct gochan_waiter) <= CACHELINE,
	      "a plain waiter shares its parker's line");

struct gochan_waitq {
	/* Atomic only for the lock-free look of try_send/try_recv. */
	_Atomic(struct gochan_waiter *) first;
	struct gochan_waiter *last;
};

struct gochan {
	_Alignas(CACHELINE) atomic_uint lock;
	atomic_uint closed;		/* written under lock; read without it by try_* */
	atomic_size_t qcount;		/* likewise */
	size_t sendx, recvx;		/* under lock */
	struct gochan_waitq recvq, sendq;
	/* Read-only after init. */
	size_t cap, elem;
	unsigned spin;
	int ncpu;
	unsigned char *buf;		/* cap * elem bytes, on the lines after this */
};

static size_t header_size(void)
{
	return (sizeof(struct gochan) + CACHELINE - 1) / CACHELINE * CACHELINE;
}

static size_t gochan_size(size_t elem, size_t cap)
{
	return header_size() + elem * cap;
}

static int cpus_available(void)
{
	cpu_set_t set;
	return sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
}

static int gochan_init(void *ch, size_t elem, size_t cap, const int64_t *params)
{
	struct gochan *c = ch;
	atomic_init(&c->lock, UNLOCKED);
	atomic_init(&c->closed, 0);
	atomic_init(&c->qcount, 0);
	atomic_init(&c->recvq.first, NULL);
	atomic_init(&c->sendq.first, NULL);
	c->cap = cap;
	c->elem = elem;
	c->spin = (unsigned)params[0];
	c->ncpu = cpus_available();
	c->buf = (unsigned char *)ch + header_size();
	return 0;
}

/* Tries once to take a lock seen free, leaving `wait` in the word. */
static bool try_grab(struct gochan *c, unsigned wait)
{
	unsigned v = UNLOCKED;
	/* acquire: pairs with the release exchange in chan_unlock() */
	return atomic_load_explicit(&c->lock, memory_order_relaxed) == UNLOCKED &&
	       atomic_compare_exchange_strong_explicit(&c->lock, &v, wait, memory_order_acquire,
						       memory_order_relaxed);
}

static void __attribute__((noinline)) chan_lock_slow(struct gochan *c, unsigned wait)
{
	int spin = c->ncpu > 1 ? ACTIVE_SPIN : 0;
	for (;;) {
		for (int i = 0; i < spin; i++) {
			if (try_grab(c, wait))
				return;
			for (int k = 0; k < ACTIVE_SPIN_CNT; k++)
				cpu_relax();
		}
		/* acquire: pairs with the release exchange in chan_unlock() */
		if (atomic_exchange_explicit(&c->lock, SLEEPING, memory_order_acquire) == UNLOCKED)
			return;
		/* We may have hidden other sleepers' 2 by writing 1 before: keep 2 from now on. */
		wait = SLEEPING;
		futex_wait(&c->lock, SLEEPING);
	}
}

static inline void chan_lock(struct gochan *c)
{
	/* acquire: pairs with the release exchange in chan_unlock() */
	unsigned v = atomic_exchange_explicit(&c->lock, LOCKED, memory_order_acquire);
	if (unlikely(v != UNLOCKED))
		chan_lock_slow(c, v);
}

static inline void chan_unlock(struct gochan *c)
{
	/* release: publishes the critical section to the next chan_lock() */
	if (unlikely(atomic_exchange_explicit(&c->lock, UNLOCKED, memory_order_release) == SLEEPING))
		futex_wake(&c->lock, 1);
}

/* Under the lock. */
static void enqueue(struct gochan_waitq *q, struct gochan_waiter *w)
{
	w->next = NULL;
	w->prev = q->last;
	if (q->last)
		q->last->next = w;
	else
		/* relaxed: the lock orders writers; try_* only peeks */
		atomic_store_explicit(&q->first, w, memory_order_relaxed);
	q->last = w;
}

/*
 * Under the lock: takes w out of q, or does nothing if a completer
 * already did (w lost its select there): Go's dequeueSudoG.
 */
static void unlink_waiter(struct gochan_waitq *q, struct gochan_waiter *w)
{
	/* relaxed: under the lock */
	if (!w->prev && atomic_load_explicit(&q->first, memory_order_relaxed) != w)
		return;
	if (w->prev)
		w->prev->next = w->next;
	else
		atomic_store_explicit(&q->first, w->next, memory_order_relaxed);
	if (w->next)
		w->next->prev = w->prev;
	else
		q->last = w->prev;
	w->next = w->prev = NULL;
}

/* Under the lock: whether w's completer may complete it; false: w's select was won elsewhere. */
static bool claim(struct gochan_waiter *w)
{
	struct gochan_parker *p = w->parker;
	unsigned unclaimed = 0;

	if (!p->is_select)
		return true;
	/*
	 * relaxed: only atomicity matters (one claimer among p's channels);
	 * the claimer's writes reach p's owner by the release in complete(),
	 * and a loser reads nothing else of p.
	 */
	if (!atomic_compare_exchange_strong_explicit(&p->claimed, &unclaimed, 1,
						     memory_order_relaxed, memory_order_relaxed))
		return false;
	p->winner = w;
	return true;
}

/*
 * Under the lock: the first waiter that can still be completed, dequeued
 * and claimed, or NULL.  Waiters of selects won elsewhere are dropped on
 * the way (Go's dequeue), so no value is ever given to one.
 */
static struct gochan_waiter *dequeue(struct gochan_waitq *q)
{
	struct gochan_waiter *w;
	/* relaxed: under the lock */
	while ((w = atomic_load_explicit(&q->first, memory_order_relaxed))) {
		unlink_waiter(q, w);
		if (claim(w))
			return w;
	}
	return NULL;
}

/* A frame for a thread about to queue its waiters; a select's race to be claimed. */
static void blocked_init(struct gochan_blocked *b, bool is_select)
{
	atomic_init(&b->parker.state, WAITING);
	atomic_init(&b->parker.claimed, 0);
	b->parker.is_select = is_select;
	b->parker.winner = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(b->waiter); i++)
		b->waiter[i].parker = &b->parker;
}

static enum chan_result result_of(unsigned state)
{
	return state == DONE ? CHAN_OK : CHAN_CLOSED;
}

/* Waits, polling then sleeping, until a completer finishes with p's thread. */
static enum chan_result park(struct gochan_parker *p, unsigned spin)
{
	unsigned st;
	for (unsigned i = 0; i < spin; i++) {
		/* acquire: pairs with the release exchange in complete() */
		st = atomic_load_explicit(&p->state, memory_order_acquire);
		if (st >= DONE)
			return result_of(st);
		cpu_relax();
	}
	st = WAITING;
	/*
	 * acquire on failure: the completer already finished, pairs with the
	 * release exchange in complete().  (C11 forbids a failure order
	 * stronger than success's, so success is acquire too, though PARKED
	 * only tells the completer to call FUTEX_WAKE.)
	 */
	if (!atomic_compare_exchange_strong_explicit(&p->state, &st, PARKED, memory_order_acquire,
						     memory_order_acquire))
		return result_of(st);
	/* acquire: pairs with the release exchange in complete() */
	while ((st = atomic_load_explicit(&p->state, memory_order_acquire)) == PARKED)
		futex_wait(&p->state, PARKED);
	return result_of(st);
}

/*
 * Outside the lock, on a dequeued (so claimed) waiter.  release: the
 * element copied to or from w (and for a sender, that its buffer is no
 * longer read), and a select's winner, happen before w's owner returns;
 * pairs with the acquire loads in park().  The owner may be gone after
 * the exchange, so only the futex address is used after it; a wake that
 * lands on a reused stack address is spurious, which park() absorbs.
 */
static void complete(struct gochan_waiter *w, unsigned how)
{
	atomic_uint *state = &w->parker->state;
	if (atomic_exchange_explicit(state, how, memory_order_release) == PARKED)
		futex_wake(state, 1);
}

static unsigned char *slot(struct gochan *c, size_t i)
{
	return c->buf + i * c->elem;
}

static size_t next_index(const struct gochan *c, size_t i)
{
	return i + 1 == c->cap ? 0 : i + 1;
}

/*
 * The lock-free failure of try_send: not closed and not ready.  Relaxed
 * loads, as Go's: a channel that is closed cannot go from ready for
 * sending back to not ready, so whatever order the two loads take effect
 * in, there was a moment when it was both open and not ready.
 */
static bool send_would_block(struct gochan *c)
{
	bool full = c->cap == 0
		? atomic_load_explicit(&c->recvq.first, memory_order_relaxed) == NULL
		: atomic_load_explicit(&c->qcount, memory_order_relaxed) == c->cap;
	return full && atomic_load_explicit(&c->closed, memory_order_relaxed) == 0;
}

/* For try_recv: no element to take, without the lock.  See chan_recv(). */
static bool looks_empty(struct gochan *c)
{
	/* acquire: keeps the load of closed that follows after this one */
	return c->cap == 0
		? atomic_load_explicit(&c->sendq.first, memory_order_acquire) == NULL
		: atomic_load_explicit(&c->qcount, memory_order_acquire) == 0;
}

static enum chan_result chan_send(struct gochan *c, const void *elem, bool block)
{
	if (!block && send_would_block(c))
		return CHAN_WOULD_BLOCK;
	chan_lock(c);
	/* relaxed: under the lock, which orders every write of closed */
	if (atomic_load_explicit(&c->closed, memory_order_relaxed)) {
		chan_unlock(c);
		return CHAN_CLOSED;
	}
	struct gochan_waiter *w = dequeue(&c->recvq);
	if (w) {
		chan_unlock(c);
		memcpy(w->elem, elem, c->elem);
		complete(w, DONE);
		return CHAN_OK;
	}
	/* relaxed: under the lock; try_* only peeks */
	size_t n = atomic_load_explicit(&c->qcount, memory_order_relaxed);
	if (n < c->cap) {
		memcpy(slot(c, c->sendx), elem, c->elem);
		c->sendx = next_index(c, c->sendx);
		atomic_store_explicit(&c->qcount, n + 1, memory_order_relaxed);
		chan_unlock(c);
		return CHAN_OK;
	}
	if (!block) {
		chan_unlock(c);
		return CHAN_WOULD_BLOCK;
	}
	struct gochan_blocked me;
	blocked_init(&me, false);
	me.waiter[0].elem = (void *)elem;
	enqueue(&c->sendq, &me.waiter[0]);
	chan_unlock(c);
	return park(&me.parker, c->spin);
}

/*
 * Under c's lock: a receive into elem if one can proceed now, else
 * CHAN_WOULD_BLOCK.  chanrecv's order: closed and drained, a blocked
 * sender, the buffer.  *from: a sender for recv_finish() to complete.
 */
static enum chan_result recv_poll(struct gochan *c, void *elem, struct gochan_waiter **from)
{
	/* relaxed: under the lock */
	size_t n = atomic_load_explicit(&c->qcount, memory_order_relaxed);
	*from = NULL;
	if (n == 0 && atomic_load_explicit(&c->closed, memory_order_relaxed))
		return CHAN_CLOSED;
	if ((*from = dequeue(&c->sendq))) {
		if (c->cap > 0) {
			/* The buffer is full: take its head, put the sender's element at the tail. */
			memcpy(elem, slot(c, c->recvx), c->elem);
			memcpy(slot(c, c->recvx), (*from)->elem, c->elem);
			c->recvx = next_index(c, c->recvx);
			c->sendx = c->recvx;
		}
		return CHAN_OK;
	}
	if (n == 0)
		return CHAN_WOULD_BLOCK;
	memcpy(elem, slot(c, c->recvx), c->elem);
	c->recvx = next_index(c, c->recvx);
	atomic_store_explicit(&c->qcount, n - 1, memory_order_relaxed);
	return CHAN_OK;
}

/* After the lock is released: the rest of a receive that recv_poll() did. */
static void recv_finish(struct gochan *c, enum chan_result r, struct gochan_waiter *from,
			void *elem)
{
	if (r == CHAN_CLOSED)
		memset(elem, 0, c->elem);
	if (!from)
		return;
	if (c->cap == 0)
		memcpy(elem, from->elem, c->elem);	/* the sender waits for complete() */
	complete(from, DONE);
}

static enum chan_result chan_recv(struct gochan *c, void *elem, bool block)
{
	/*
	 * Go's order: empty, then closed, then empty again.  Seen empty and
	 * then open, it was not ready at that moment; seen closed, it is
	 * reported closed only if still empty, as a send that completed
	 * before the close may have filled it in between.
	 */
	if (!block && looks_empty(c)) {
		/* acquire: keeps the second emptiness check after this load */
		if (atomic_load_explicit(&c->closed, memory_order_acquire) == 0)
			return CHAN_WOULD_BLOCK;
		if (looks_empty(c)) {
			memset(elem, 0, c->elem);
			return CHAN_CLOSED;
		}
	}
	chan_lock(c);
	struct gochan_waiter *from;
	enum chan_result r = recv_poll(c, elem, &from);
	if (r != CHAN_WOULD_BLOCK || !block) {
		chan_unlock(c);
		recv_finish(c, r, from, elem);
		return r;
	}
	struct gochan_blocked me;
	blocked_init(&me, false);
	me.waiter[0].elem = elem;
	enqueue(&c->recvq, &me.waiter[0]);
	chan_unlock(c);
	r = park(&me.parker, c->spin);
	if (r == CHAN_CLOSED)
		memset(elem, 0, c->elem);
	return r;
}

/* Go's sellock: both channels in address order (lockorder), a channel named twice once. */
static void lock_pair(struct gochan *a, struct gochan *b)
{
	if ((uintptr_t)a > (uintptr_t)b) {
		struct gochan *t = a;
		a = b;
		b = t;
	}
	chan_lock(a);
	if (b != a)
		chan_lock(b);
}

static void unlock_pair(struct gochan *a, struct gochan *b)
{
	chan_unlock(a);
	if (b != a)
		chan_unlock(b);
}

/* Go's pollorder for two cases: the one polled first, uniformly at random. */
static int poll_first(void)
{
	static _Thread_local uint64_t rng;	/* xorshift: must not be 0 */
	if (unlikely(rng == 0))
		rng = (now_ns() ^ (uintptr_t)&rng) | 1;
	return (int)(rng_next(&rng) >> 63);
}

struct select_case {
	struct gochan *c;
	void *elem;
};

/* Go's selectgo, for two receive cases.  See the header. */
static enum chan_result select_recv2(const struct select_case cs[2], int *chosen, bool block)
{
	struct gochan *a = cs[0].c, *b = cs[1].c;
	int first = poll_first();
	lock_pair(a, b);
	for (int k = 0; k < 2; k++) {		/* pass 1: poll in pollorder */
		int i = first ^ k;
		struct gochan_waiter *from;
		enum chan_result r = recv_poll(cs[i].c, cs[i].elem, &from);
		if (r != CHAN_WOULD_BLOCK) {
			unlock_pair(a, b);
			recv_finish(cs[i].c, r, from, cs[i].elem);
			*chosen = i;
			return r;
		}
	}
	if (!block) {
		unlock_pair(a, b);
		return CHAN_WOULD_BLOCK;
	}
	struct gochan_blocked me;		/* pass 2: a waiter per case, one parker */
	blocked_init(&me, true);
	for (int k = 0; k < 2; k++) {
		int i = first ^ k;		/* a == b: pollorder also decides who is served first */
		me.waiter[i].elem = cs[i].elem;
		enqueue(&cs[i].c->recvq, &me.waiter[i]);
	}
	unlock_pair(a, b);
	enum chan_result r = park(&me.parker, a->spin > b->spin ? a->spin : b->spin);
	int won = (int)(me.parker.winner - me.waiter);
	struct gochan *lost = cs[!won].c;	/* pass 3: the loser's channel alone can reach us */
	chan_lock(lost);
	unlink_waiter(&lost->recvq, &me.waiter[!won]);
	chan_unlock(lost);
	if (r == CHAN_CLOSED)
		memset(cs[won].elem, 0, cs[won].c->elem);
	*chosen = won;
	return r;
}

/* Completes every waiter of a list from dequeue_all(). */
static void complete_all(struct gochan_waiter *w)
{
	while (w) {
		struct gochan_waiter *next = w->next;	/* w may be gone after complete() */
		complete(w, DONE_CLOSED);
		w = next;
	}
}

/* Under the lock: every waiter of q that can still be completed, claimed, as a list. */
static struct gochan_waiter *dequeue_all(struct gochan_waitq *q)
{
	struct gochan_waiter *head = NULL, **tail = &head, *w;
	while ((w = dequeue(q))) {
		*tail = w;
		tail = &w->next;
	}
	return head;
}

enum chan_result gochan_close(struct gochan *c)
{
	chan_lock(c);
	/* relaxed: under the lock; try_* only peeks */
	if (atomic_load_explicit(&c->closed, memory_order_relaxed)) {
		chan_unlock(c);
		return CHAN_CLOSED;
	}
	atomic_store_explicit(&c->closed, 1, memory_order_relaxed);
	struct gochan_waiter *receivers = dequeue_all(&c->recvq), *senders = dequeue_all(&c->sendq);
	chan_unlock(c);
	complete_all(receivers);
	complete_all(senders);
	return CHAN_OK;
}

enum chan_result gochan_send(struct gochan *c, const void *elem)
{
	return chan_send(c, elem, true);
}

enum chan_result gochan_recv(struct gochan *c, void *elem)
{
	return chan_recv(c, elem, true);
}

enum chan_result gochan_try_send(struct gochan *c, const void *elem)
{
	return chan_send(c, elem, false);
}

enum chan_result gochan_try_recv(struct gochan *c, void *elem)
{
	return chan_recv(c, elem, false);
}

enum chan_result gochan_select_recv2(struct gochan *a, void *elem_a, struct gochan *b,
				     void *elem_b, int *chosen)
{
	const struct select_case cs[2] = { { a, elem_a }, { b, elem_b } };
	return select_recv2(cs, chosen, true);
}

enum chan_result gochan_try_select_recv2(struct gochan *a, void *elem_a, struct gochan *b,
					 void *elem_b, int *chosen)
{
	const struct select_case cs[2] = { { a, elem_a }, { b, elem_b } };
	return select_recv2(cs, chosen, false);
}

static enum chan_result ops_send(void *c, const void *elem)
{
	return chan_send(c, elem, true);
}

static enum chan_result ops_recv(void *c, void *elem)
{
	return chan_recv(c, elem, true);
}

static enum chan_result ops_try_send(void *c, const void *elem)
{
	return chan_send(c, elem, false);
}

static enum chan_result ops_try_recv(void *c, void *elem)
{
	return chan_recv(c, elem, false);
}

static enum chan_result ops_close(void *c)
{
	return gochan_close(c);
}

static const struct chan_ops gochan_chan_ops = {
	.size = gochan_size,
	.init = gochan_init,
	.send = ops_send,
	.recv = ops_recv,
	.try_send = ops_try_send,
	.try_recv = ops_try_recv,
	.close = ops_close,
};

static const struct param_decl gochan_params[] = {
	{ "spin", PARAM_INT, 0, 0, 1 << 24, NULL,
	  "polls (PAUSE each) of a blocked party before it sleeps on its futex; 0: Go's" },
};

const struct lock_ops gochan_ops = {
	.name = "gochan",
	.original = "go-chan",
	.summary = "Go's channel: FIFO waiters parked on futexes, direct handoff, Go's runtime lock",
	.params = gochan_params,
	.nparams = ARRAY_SIZE(gochan_params),
	.chan = &gochan_chan_ops,
};

struct gochan *gochan_new(size_t elem, size_t cap, unsigned spin)
{
	const int64_t params[] = { spin };
	return chan_create(&gochan_ops, params, elem, cap);
}

void gochan_free(struct gochan *c)
{
	chan_free(&gochan_ops, c);
}
