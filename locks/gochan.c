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
 * Select keeps them (but for chan.go's one exception, below): a sender
 * drops the waiters of selects won elsewhere while it looks for a
 * receiver, before it buffers or queues, and a receiver likewise.
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
 * select (gochan_select; Go 1.19 runtime/select.go's selectgo, whose
 * steps it follows in order, and the compiler's walk/select.go):
 *   0. The compiler's rewrites: no case and blocking is Go's block(),
 *      parking forever (here a futex wait that nothing wakes); one case
 *      is a plain send or receive (chansend/chanrecv, blocking); one case
 *      with a default is selectnbsend/selectnbrecv, whose failure is the
 *      lock-free look of try_send/try_recv.  Everything else is selectgo.
 *   1. pollorder: the cases with a channel, in a uniformly random order
 *      (inside-out Fisher-Yates; Go's fastrandn(n) is a multiply-shift of
 *      32 random bits, whose bias, under n / 2^32, is kept; the bits are
 *      a per-thread xorshift64*'s high half).  Nil cases are left out.
 *   2. lockorder: pollorder heap-sorted by channel address (n log n, no
 *      recursion), so cases on one channel sit together, in an order
 *      drawn from pollorder.
 *   3. sellock: each distinct channel locked once, in lockorder.
 *   4. Pass 1, in pollorder, the first case that can proceed wins.  A
 *      receive: a blocked sender (cap 0: its element; full buffer: the
 *      head, the sender's element into its slot), else the buffer, else
 *      closed (zeroed, recv_ok false).  A send: closed is the panic (after
 *      unlocking, as Go's sclose); else a blocked receiver gets the
 *      element straight into its slot; else the buffer.  All the locks
 *      are released before the peer's copy and wake, as everywhere here.
 *   5. With a default case: CHAN_SELECT_DEFAULT, decided under all the
 *      locks at one moment.  (Lock-free looks at each channel would see
 *      them at different moments, and could miss a value moving from one
 *      to another.)
 *   6. Pass 2: one waiter per case, queued in lockorder on the channel's
 *      sendq or recvq, all on one parker marked is_select; unlock all;
 *      park (polling first as long as the largest spin of the channels).
 *   7. A completer (a sender, a receiver or close, on any thread) that
 *      dequeues a select's waiter must first claim it: CAS 0 -> 1 on the
 *      parker's claimed word (Go's selectDone), under that waiter's
 *      channel lock, and it records the winning waiter.  One claim
 *      succeeds; a completer whose claim fails drops that waiter and goes
 *      on to the next waiter or the buffer, so no value is lost.
 *   8. Pass 3, woken: every losing waiter is taken out of its queue,
 *      unless a completer already dropped it.  Departure: Go relocks all
 *      the channels in lockorder (sellock) and then unlinks; here each
 *      channel that holds a loser is locked alone, in lockorder, and the
 *      winner's channel is not locked unless a loser is queued there too.
 *      Only a channel's lock guards the waiters on its queues, and the
 *      claim keeps every other completer from completing the select, so
 *      holding all the locks at once is not needed here, and would hold
 *      up every thread using any of them.  Each channel is still locked
 *      once.
 *   9. The winner's result: a send woken by close is the panic; a receive
 *      woken by close is zeroed, recv_ok false.
 * Invariants: a select waiter is completed at most once, and only by its
 * claimer; a waiter's memory is touched only under the lock of the
 * channel whose queue holds it, or by its claimer until complete(); after
 * pass 3 no queue holds it, so the select may return and its frame go.
 * A select that sends and receives on one unbuffered channel queues on
 * both its queues (chan.go's one exception to "not both non-empty"); it
 * cannot meet itself, since its own waiters are queued only after pass 1.
 * The select's frame: the parker on its own line, then the orders and one
 * waiter per case, on the stack up to 64 cases, beyond on the heap (Go's
 * compiler puts them on the goroutine's stack; a thread's stack is fixed,
 * and 65536 cases of waiters would take 2 MiB of it).
 *
 * Departures from Go: a plain send on a closed channel returns
 * CHAN_CLOSED rather than panicking, and closing twice returns
 * CHAN_CLOSED (the chan_ops contract: a benchmark's stop closes channels
 * under threads that may still send); select's send on a closed channel
 * panics, as in Go.  Go reports "all goroutines are asleep - deadlock!"
 * when nothing can ever run again; a thread blocked here forever stays so.
 */
#include "gochan.h"

#include <assert.h>
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
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
 * A plain send's or receive's frame, on its stack, on its own line: the
 * completer writes the parker while the thread polls it, and the one
 * waiter shares that line, so a handoff moves one line.
 */
struct gochan_blocked {
	_Alignas(CACHELINE) struct gochan_parker parker;
	struct gochan_waiter waiter;
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

/* A parker about to have waiters queued on it; a select's is raced for by claim(). */
static void parker_init(struct gochan_parker *p, bool is_select)
{
	atomic_init(&p->state, WAITING);
	atomic_init(&p->claimed, 0);
	p->is_select = is_select;
	p->winner = NULL;
}

/* Queues a plain party's waiter, offering elem, on q (under the lock). */
static void blocked_enqueue(struct gochan_blocked *b, struct gochan_waitq *q, void *elem)
{
	parker_init(&b->parker, false);
	b->waiter.parker = &b->parker;
	b->waiter.elem = elem;
	enqueue(q, &b->waiter);
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

/*
 * Under c's lock: a send of elem if one can proceed now, else
 * CHAN_WOULD_BLOCK.  chansend's order: closed (CHAN_CLOSED), a blocked
 * receiver, the buffer.  *to: a receiver for send_finish() to complete.
 */
static enum chan_result send_poll(struct gochan *c, const void *elem, struct gochan_waiter **to)
{
	/* relaxed: under the lock, which orders every write of closed */
	if (atomic_load_explicit(&c->closed, memory_order_relaxed))
		return CHAN_CLOSED;
	if ((*to = dequeue(&c->recvq)))
		return CHAN_OK;
	/* relaxed: under the lock; try_* only peeks */
	size_t n = atomic_load_explicit(&c->qcount, memory_order_relaxed);
	if (n == c->cap)
		return CHAN_WOULD_BLOCK;
	memcpy(slot(c, c->sendx), elem, c->elem);
	c->sendx = next_index(c, c->sendx);
	atomic_store_explicit(&c->qcount, n + 1, memory_order_relaxed);
	return CHAN_OK;
}

/* After the lock is released: the rest of a send that send_poll() did. */
static void send_finish(struct gochan *c, struct gochan_waiter *to, const void *elem)
{
	if (!to)
		return;
	memcpy(to->elem, elem, c->elem);	/* the receiver waits for complete() */
	complete(to, DONE);
}

static enum chan_result chan_send(struct gochan *c, const void *elem, bool block)
{
	if (!block && send_would_block(c))
		return CHAN_WOULD_BLOCK;
	chan_lock(c);
	struct gochan_waiter *to = NULL;
	enum chan_result r = send_poll(c, elem, &to);
	if (r != CHAN_WOULD_BLOCK || !block) {
		chan_unlock(c);
		send_finish(c, to, elem);
		return r;
	}
	struct gochan_blocked me;
	blocked_enqueue(&me, &c->sendq, (void *)elem);
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
	blocked_enqueue(&me, &c->recvq, elem);
	chan_unlock(c);
	r = park(&me.parker, c->spin);
	if (r == CHAN_CLOSED)
		memset(elem, 0, c->elem);
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

/* Go's panic with no recover: its message on stderr, then abort() (Go exits with status 2). */
static _Noreturn void go_panic(const char *msg)
{
	fprintf(stderr, "panic: %s\n", msg);
	abort();
}

/* Go's throw(): a fatal error that nothing recovers from. */
static _Noreturn void go_fatal(const char *msg)
{
	fprintf(stderr, "fatal error: %s\n", msg);
	abort();
}

/* Go's block() (`select {}`): parks forever, on a futex word that nothing wakes. */
static _Noreturn void block_forever(void)
{
	atomic_uint never;
	atomic_init(&never, 0);
	for (;;)
		futex_wait(&never, 0);
}

/* Go's fastrandn(n): in [0, n), uniform but for a bias under n / 2^32. */
static uint32_t rand_below(uint32_t n)
{
	static _Thread_local uint64_t rng;	/* xorshift64*: must not be 0 */
	if (unlikely(rng == 0))
		rng = (now_ns() ^ (uintptr_t)&rng) | 1;
	return (uint32_t)((rng_next(&rng) >> 32) * n >> 32);
}

/* Cases up to this many keep their select's frame on the caller's stack (2.6 KiB of it). */
enum { SELECT_STACK_CASES = 64 };

/*
 * One select call's state.  The parker has a line of its own: completers
 * write it while the select polls it.  The orders hold case indexes (Go's
 * uint16, hence the limit of 65536 cases); waiter[i] is case i's offer.
 */
struct select_frame {
	_Alignas(CACHELINE) struct gochan_parker parker;
	_Alignas(CACHELINE) uint16_t *pollorder, *lockorder;
	struct gochan_waiter *waiter;
	void *heap;		/* NULL, or where the three arrays are, for a large select */
	uint16_t stack_order[2 * SELECT_STACK_CASES];
	struct gochan_waiter stack_waiter[SELECT_STACK_CASES];
};
static_assert(offsetof(struct select_frame, pollorder) == CACHELINE, "the parker's line is its own");
static_assert(GOCHAN_SELECT_MAX_CASES - 1 <= UINT16_MAX, "a case index fits the orders");

static void frame_init(struct select_frame *f, int ncases)
{
	size_t n = (size_t)ncases;
	f->heap = NULL;
	f->waiter = f->stack_waiter;
	f->pollorder = f->stack_order;
	if (n > SELECT_STACK_CASES) {
		f->heap = malloc(n * (sizeof(*f->waiter) + 2 * sizeof(*f->pollorder)));
		if (!f->heap)
			go_fatal("runtime: out of memory");
		f->waiter = f->heap;
		f->pollorder = (uint16_t *)(f->waiter + n);
	}
	f->lockorder = f->pollorder + n;
}

/* Step 1: the indexes of the cases with a channel, in a uniformly random order; their count. */
static int make_pollorder(const struct chan_case *cases, int ncases, uint16_t *order)
{
	int n = 0;
	for (int i = 0; i < ncases; i++) {
		if (!cases[i].ch)
			continue;
		uint32_t j = rand_below((uint32_t)n + 1);
		order[n] = order[j];
		order[j] = (uint16_t)i;
		n++;
	}
	return n;
}

static uintptr_t chan_key(const struct chan_case *cases, uint16_t i)
{
	return (uintptr_t)cases[i].ch;
}

/*
 * Step 2: poll[0..n) heap-sorted by channel address into lock[0..n): a
 * max-heap built by sifting each case up, then unloaded from the back.
 */
static void make_lockorder(const struct chan_case *cases, const uint16_t *poll, uint16_t *lock,
			   int n)
{
	for (int i = 0; i < n; i++) {
		uintptr_t key = chan_key(cases, poll[i]);
		int j = i;
		while (j > 0 && chan_key(cases, lock[(j - 1) / 2]) < key) {
			lock[j] = lock[(j - 1) / 2];
			j = (j - 1) / 2;
		}
		lock[j] = poll[i];
	}
	for (int end = n - 1; end > 0; end--) {
		uint16_t moved = lock[end];
		uintptr_t key = chan_key(cases, moved);
		int j = 0;
		lock[end] = lock[0];
		for (;;) {
			int k = 2 * j + 1;
			if (k >= end)
				break;
			if (k + 1 < end && chan_key(cases, lock[k]) < chan_key(cases, lock[k + 1]))
				k++;
			if (chan_key(cases, lock[k]) <= key)
				break;
			lock[j] = lock[k];
			j = k;
		}
		lock[j] = moved;
	}
}

/* Step 3 (Go's sellock): each distinct channel once, in lockorder. */
static void sellock(const struct chan_case *cases, const uint16_t *lock, int n)
{
	for (int i = 0; i < n; i++)
		if (i == 0 || cases[lock[i]].ch != cases[lock[i - 1]].ch)
			chan_lock(cases[lock[i]].ch);
}

static void selunlock(const struct chan_case *cases, const uint16_t *lock, int n)
{
	for (int i = n - 1; i >= 0; i--)
		if (i == 0 || cases[lock[i]].ch != cases[lock[i - 1]].ch)
			chan_unlock(cases[lock[i]].ch);
}

static void set_recv_ok(bool *recv_ok, enum chan_result r)
{
	if (recv_ok)
		*recv_ok = r == CHAN_OK;
}

/*
 * Step 4, pass 1, under all the locks: does the first case in pollorder
 * that can proceed, releasing the locks before its peer's copy and wake,
 * and returns its index; -1, the locks still held, if none can.
 */
static int poll_cases(const struct chan_case *cases, const uint16_t *poll, const uint16_t *lock,
		      int n, bool *recv_ok)
{
	for (int k = 0; k < n; k++) {
		const struct chan_case *cs = &cases[poll[k]];
		struct gochan *c = cs->ch;
		struct gochan_waiter *peer = NULL;
		enum chan_result r = cs->dir == CHAN_RECV ? recv_poll(c, cs->elem, &peer)
							  : send_poll(c, cs->elem, &peer);
		if (r == CHAN_WOULD_BLOCK)
			continue;
		selunlock(cases, lock, n);
		if (cs->dir == CHAN_RECV) {
			recv_finish(c, r, peer, cs->elem);
			set_recv_ok(recv_ok, r);
		} else if (r == CHAN_CLOSED) {
			go_panic("send on closed channel");
		} else {
			send_finish(c, peer, cs->elem);
		}
		return poll[k];
	}
	return -1;
}

static struct gochan_waitq *queue_of(const struct chan_case *cs)
{
	struct gochan *c = cs->ch;
	return cs->dir == CHAN_SEND ? &c->sendq : &c->recvq;
}

/*
 * Step 6, pass 2, under all the locks: one waiter per case, in lockorder,
 * on one parker; then unlocks them all and parks until a claimer is done.
 */
static enum chan_result enqueue_and_park(struct select_frame *f, const struct chan_case *cases,
					 int n)
{
	unsigned spin = 0;
	parker_init(&f->parker, true);
	for (int k = 0; k < n; k++) {
		const struct chan_case *cs = &cases[f->lockorder[k]];
		struct gochan_waiter *w = &f->waiter[f->lockorder[k]];
		struct gochan *c = cs->ch;
		w->parker = &f->parker;
		w->elem = cs->elem;
		enqueue(queue_of(cs), w);
		spin = c->spin > spin ? c->spin : spin;
	}
	selunlock(cases, f->lockorder, n);
	return park(&f->parker, spin);
}

/* Step 8, pass 3: every waiter but the winner's out of its queue, each channel locked alone. */
static void unlink_losers(struct select_frame *f, const struct chan_case *cases, int n, int won)
{
	for (int k = 0; k < n;) {
		struct gochan *c = cases[f->lockorder[k]].ch;
		bool locked = false;
		for (; k < n && cases[f->lockorder[k]].ch == c; k++) {
			int i = f->lockorder[k];
			if (i == won)
				continue;
			if (!locked)
				chan_lock(c);
			locked = true;
			unlink_waiter(queue_of(&cases[i]), &f->waiter[i]);
		}
		if (locked)
			chan_unlock(c);
	}
}

/* Steps 1 to 9 for two cases or more (the header's list). */
static int selectgo(struct select_frame *f, const struct chan_case *cases, int ncases, bool block,
		    bool *recv_ok)
{
	int n = make_pollorder(cases, ncases, f->pollorder);
	if (n == 0) {
		if (block)
			block_forever();	/* only nil channels: nothing can ever wake it */
		return CHAN_SELECT_DEFAULT;
	}
	make_lockorder(cases, f->pollorder, f->lockorder, n);
	sellock(cases, f->lockorder, n);
	int chosen = poll_cases(cases, f->pollorder, f->lockorder, n, recv_ok);
	if (chosen >= 0)
		return chosen;
	if (!block) {
		selunlock(cases, f->lockorder, n);
		return CHAN_SELECT_DEFAULT;
	}
	enum chan_result r = enqueue_and_park(f, cases, n);
	int won = (int)(f->parker.winner - f->waiter);
	const struct chan_case *cs = &cases[won];
	unlink_losers(f, cases, n, won);
	if (cs->dir == CHAN_SEND) {
		if (r == CHAN_CLOSED)
			go_panic("send on closed channel");
		return won;
	}
	if (r == CHAN_CLOSED)
		memset(cs->elem, 0, ((struct gochan *)cs->ch)->elem);
	set_recv_ok(recv_ok, r);
	return won;
}

/*
 * Step 0, the compiler's rewrites: no case, or one (a nil channel's blocks
 * forever or takes the default), as a plain or a non-blocking operation.
 */
static int select_small(const struct chan_case *cases, int ncases, bool block, bool *recv_ok)
{
	if (ncases == 0 || !cases[0].ch) {
		if (block)
			block_forever();
		return CHAN_SELECT_DEFAULT;
	}
	enum chan_result r;
	if (cases[0].dir == CHAN_SEND) {
		r = chan_send(cases[0].ch, cases[0].elem, block);
		if (r == CHAN_CLOSED)
			go_panic("send on closed channel");
	} else {
		r = chan_recv(cases[0].ch, cases[0].elem, block);
		if (r != CHAN_WOULD_BLOCK)
			set_recv_ok(recv_ok, r);
	}
	return r == CHAN_WOULD_BLOCK ? CHAN_SELECT_DEFAULT : 0;
}

int gochan_select(const struct chan_case *cases, int ncases, bool block, bool *recv_ok)
{
	if (ncases < 0 || ncases > GOCHAN_SELECT_MAX_CASES)
		go_fatal("select: more cases than 65536, or fewer than none");
	if (ncases <= 1)
		return select_small(cases, ncases, block, recv_ok);
	struct select_frame f;
	frame_init(&f, ncases);
	int chosen = selectgo(&f, cases, ncases, block, recv_ok);
	free(f.heap);
	return chosen;
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
	.select = gochan_select,
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
