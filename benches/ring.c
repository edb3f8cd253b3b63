/*
 * ring: the threads pass a token in strict order, thread i only after
 * thread i-1 (mod n), for the whole window.  One operation is one turn:
 * wait for the token, act, pass it on; ns/op is the time per handoff.
 * Acting checks the order: it reads who acted last, which must be the
 * predecessor, and writes its own id (the handoff itself orders these
 * accesses, so they are relaxed; a broken handoff shows as a wrong id or
 * a count that does not add up).
 *
 * `handoff` picks how a thread waits for its turn:
 *   chan     one unbuffered channel per thread, of the channel primitive
 *            given with --prim (gochan, condchan, or Go's own, go-chan):
 *            receive from one's own, send to the successor's (Go's idiom;
 *            thread 0 starts with the token).  The only handoff that runs
 *            on a primitive: the others' configurations carry none
 *            (uses_prim), and run once per sweep
 *   condvar  pthread mutex + one condition variable + a turn counter;
 *            the passer broadcasts
 *   futex    a turn word: wait with FUTEX_WAIT while it names another
 *            thread; the passer writes the successor and wakes all
 *   spin     the same word, polled with PAUSE
 *   gomutex  one gomutex per thread used as a baton, which Go allows (a
 *            Mutex is not tied to the goroutine that locked it): every
 *            baton starts locked but thread 0's; a thread locks its own,
 *            acts, and unlocks its successor's.  A waiter spins, then
 *            parks in the semaphore as Go's Lock does, and the unlock
 *            wakes it: the cost of handing a Go mutex to a parked waiter.
 *   none     no waiting at all: the order check must fail (it tests the
 *            check; sweeps leave it out)
 *
 * Each method is one entry of handoffs[]: its turn, and the set-up,
 * teardown and stop of its own state.  At the stop, chan closes the
 * channels, condvar sets `stopped` under its mutex and broadcasts, futex
 * and spin set the turn word's STOP bit and wake its futex (spin waiters
 * see the bit), and gomutex releases the batons (see release_batons()).
 * A thread released this way gives up its turn without acting.
 */
#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "../harness/compiler.h"
#include "../locks/futex.h"
#include "../locks/gomutex.h"
#include "bench.h"

enum { RING_HANDOFF };

#define RING_MAX 64
/* In the turn word above any thread id: the run is over. */
#define TURN_STOP (1u << 31)

/* The `handoff` choices, in the order of handoffs[] below; chan, the first, is the default. */
static const char *const handoff_names[] = { "chan", "condvar", "futex", "spin", "gomutex",
					     "none", NULL };

static const struct param_decl ring_params[] = {
	[RING_HANDOFF] = { "handoff", PARAM_CHOICE, 0, 0, 0, handoff_names,
			   "how the token passes (none: no wait, fails its check; a test)" },
};

struct ring_shared {
	/* The futex and spin handoffs' word: polled by every waiter. */
	_Alignas(CACHELINE) atomic_uint turn_word;
	/* Written by the token holder only, read by the next: the order check. */
	_Alignas(CACHELINE) atomic_int last;
	atomic_uint_least64_t handoffs, out_of_order;
	/* condvar handoff: turn is under mu. */
	_Alignas(CACHELINE) pthread_mutex_t mu;
	pthread_cond_t cv;
	int turn;
	bool stopped;
	void *ch[RING_MAX];	/* chan handoff, of run->prim; written at setup only */
	/* gomutex handoff; see release_batons(). */
	_Alignas(CACHELINE) atomic_bool batons_stopped;
	atomic_int passing;		/* threads between the stop check and the unlock */
	struct gomutex baton[RING_MAX];	/* each on lines of its own (struct gomutex) */
};

/*
 * Each method's words start a line of their own: one method's traffic
 * must not slow another's, nor the order check.
 */
static_assert(offsetof(struct ring_shared, turn_word) % CACHELINE == 0 &&
		      offsetof(struct ring_shared, last) % CACHELINE == 0 &&
		      offsetof(struct ring_shared, mu) % CACHELINE == 0 &&
		      offsetof(struct ring_shared, batons_stopped) % CACHELINE == 0 &&
		      sizeof(struct ring_shared) % CACHELINE == 0,
	      "the ring's handoff words must not share lines");

struct ring_thread {
	uint64_t acted;
	bool started;		/* chan: thread 0's first turn needs no token */
	struct gomutex_self gself;
};

static int ring_validate(const int64_t *params, int threads, char *why, size_t whylen)
{
	(void)params;
	if (threads >= 2 && threads <= RING_MAX)
		return 0;
	snprintf(why, whylen, "ring runs 2 to %d threads, not %d", RING_MAX, threads);
	return -1;
}

/* Go's starvation threshold, 1 ms, as the gomutex primitive has it. */
#define BATON_STARVE_NS 1000000

/* Every baton locked but thread 0's: thread 0 has the first turn. */
static int set_up_batons(const struct bench_run *run, struct ring_shared *s, char *why,
			 size_t whylen)
{
	struct gomutex_self setup = { 0 };
	for (int i = 0; i < run->nthreads; i++) {
		if (gomutex_init(&s->baton[i], GOMUTEX_GO, BATON_STARVE_NS, 0)) {
			snprintf(why, whylen, "ring: cannot initialise a gomutex");
			return -1;
		}
		if (i > 0)
			gomutex_lock(&s->baton[i], &setup);
	}
	return 0;
}

/*
 * At the stop, every thread blocked on its baton must be let go, and no
 * baton unlocked twice (fatal, as in Go).  Passers announce themselves in
 * `passing` before they look at `batons_stopped`; the hook sets
 * `batons_stopped`, then waits for `passing` to drain: seq_cst on both
 * sides, so either the passer sees the stop or the hook sees the passer
 * (a store-buffer handshake).  After that no thread unlocks a baton, so
 * each one the hook finds locked stays locked until the hook unlocks it,
 * and one it finds unlocked it takes (trylock) and unlocks: either way its
 * thread gets it, sees the stop and gives up its turn.
 */
static void release_batons(const struct bench_run *run, struct ring_shared *s)
{
	struct gomutex_self hook = { 0 };
	atomic_store_explicit(&s->batons_stopped, true, memory_order_seq_cst);
	while (atomic_load_explicit(&s->passing, memory_order_seq_cst) != 0)
		cpu_relax();
	for (int i = 0; i < run->nthreads; i++) {
		gomutex_trylock(&s->baton[i]);
		gomutex_unlock(&s->baton[i], &hook);
	}
}

static void free_batons(const struct bench_run *run, struct ring_shared *s)
{
	for (int i = 0; i < run->nthreads; i++)
		gomutex_destroy(&s->baton[i]);
}

/* One unbuffered channel per thread, of the run's channel primitive. */
static int set_up_chans(const struct bench_run *run, struct ring_shared *s, char *why,
			size_t whylen)
{
	for (int i = 0; i < run->nthreads; i++) {
		if (!(s->ch[i] = chan_create(run->prim, run->prim_params, sizeof(int), 0))) {
			snprintf(why, whylen, "ring: %s: cannot create a channel", run->prim->name);
			return -1;
		}
	}
	return 0;
}

static void free_chans(const struct bench_run *run, struct ring_shared *s)
{
	for (int i = 0; i < run->nthreads; i++)
		if (s->ch[i])
			chan_free(run->prim, s->ch[i]);
}

static void close_chans(const struct bench_run *run, struct ring_shared *s)
{
	for (int i = 0; i < run->nthreads; i++)
		if (s->ch[i])
			run->prim->chan->close(s->ch[i]);
}

static int set_up_condvar(const struct bench_run *run, struct ring_shared *s, char *why,
			  size_t whylen)
{
	(void)run;
	if (pthread_mutex_init(&s->mu, NULL) == 0 && pthread_cond_init(&s->cv, NULL) == 0)
		return 0;
	snprintf(why, whylen, "ring: cannot initialise its mutex");
	return -1;
}

static void free_condvar(const struct bench_run *run, struct ring_shared *s)
{
	(void)run;
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
}

static void stop_condvar(const struct bench_run *run, struct ring_shared *s)
{
	(void)run;
	pthread_mutex_lock(&s->mu);
	s->stopped = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* The futex and spin handoffs: the STOP bit, and a wake for those asleep. */
static void stop_word(const struct bench_run *run, struct ring_shared *s)
{
	(void)run;
	/* relaxed: the futex call and the waiters' re-read do the rest */
	atomic_fetch_or_explicit(&s->turn_word, TURN_STOP, memory_order_relaxed);
	futex_wake(&s->turn_word, INT_MAX);
}

/* The turn itself: the order check. */
static void act(struct ring_shared *s, struct bench_thread *t, int n)
{
	/* relaxed: the handoff orders the previous holder's writes before ours */
	int last = atomic_load_explicit(&s->last, memory_order_relaxed);
	if (last != (t->id + n - 1) % n)
		atomic_store_explicit(&s->out_of_order,
				      atomic_load_explicit(&s->out_of_order, memory_order_relaxed) + 1,
				      memory_order_relaxed);
	atomic_store_explicit(&s->last, t->id, memory_order_relaxed);
	atomic_store_explicit(&s->handoffs,
			      atomic_load_explicit(&s->handoffs, memory_order_relaxed) + 1,
			      memory_order_relaxed);
	((struct ring_thread *)t->local)->acted++;
}

static void turn_chan(const struct bench_run *run, struct ring_shared *s, struct bench_thread *t,
		      int n)
{
	const struct chan_ops *ch = run->prim->chan;
	struct ring_thread *me = t->local;
	int token;

	if ((t->id != 0 || me->started) && ch->recv(s->ch[t->id], &token) != CHAN_OK)
		return;		/* closed at the stop */
	me->started = true;
	act(s, t, n);
	token = t->id;
	ch->send(s->ch[(t->id + 1) % n], &token);
}

static void turn_condvar(const struct bench_run *run, struct ring_shared *s,
			 struct bench_thread *t, int n)
{
	(void)run;
	pthread_mutex_lock(&s->mu);
	while (s->turn != t->id && !s->stopped)
		pthread_cond_wait(&s->cv, &s->mu);
	if (!s->stopped) {
		act(s, t, n);
		s->turn = (t->id + 1) % n;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
}

/* Waits until the turn word names us; false if the run stopped first. */
static bool await_word(struct ring_shared *s, int id, bool sleep)
{
	unsigned w;
	/* acquire: pairs with the release in pass_word() */
	while ((w = atomic_load_explicit(&s->turn_word, memory_order_acquire)) != (unsigned)id) {
		if (w & TURN_STOP)
			return false;
		if (sleep)
			futex_wait(&s->turn_word, w);
		else
			cpu_relax();
	}
	return true;
}

/* Names the successor without touching TURN_STOP: only the holder changes the low bits. */
static void pass_word(struct ring_shared *s, int id, int n, bool wake)
{
	unsigned delta = (unsigned)((id + 1) % n) - (unsigned)id;
	/* release: our turn (act()) happens before the successor's; pairs with await_word() */
	atomic_fetch_add_explicit(&s->turn_word, delta, memory_order_release);
	if (wake)
		futex_wake(&s->turn_word, INT_MAX);
}

static void turn_word(struct ring_shared *s, struct bench_thread *t, int n, bool sleep)
{
	if (!await_word(s, t->id, sleep))
		return;
	act(s, t, n);
	pass_word(s, t->id, n, sleep);
}

static void turn_futex(const struct bench_run *run, struct ring_shared *s,
		       struct bench_thread *t, int n)
{
	(void)run;
	turn_word(s, t, n, true);
}

static void turn_spin(const struct bench_run *run, struct ring_shared *s, struct bench_thread *t,
		      int n)
{
	(void)run;
	turn_word(s, t, n, false);
}

static void turn_gomutex(const struct bench_run *run, struct ring_shared *s,
			 struct bench_thread *t, int n)
{
	(void)run;
	struct ring_thread *me = t->local;
	gomutex_lock(&s->baton[t->id], &me->gself);
	/* seq_cst, as every access to these two: see release_batons() */
	if (atomic_load_explicit(&s->batons_stopped, memory_order_seq_cst))
		return;
	act(s, t, n);
	atomic_fetch_add_explicit(&s->passing, 1, memory_order_seq_cst);
	if (!atomic_load_explicit(&s->batons_stopped, memory_order_seq_cst))
		gomutex_unlock(&s->baton[(t->id + 1) % n], &me->gself);
	atomic_fetch_sub_explicit(&s->passing, 1, memory_order_seq_cst);
}

/* No waiting: turns overlap and come out of order, which the check must catch. */
static void turn_none(const struct bench_run *run, struct ring_shared *s, struct bench_thread *t,
		      int n)
{
	(void)run;
	act(s, t, n);
}

/*
 * One way to pass the token.  A new method is its functions and one entry
 * here, with its name in handoff_names[] at the same place.
 */
struct handoff {
	/* One turn of thread t: wait for the token, act(), pass it on. */
	void (*turn)(const struct bench_run *run, struct ring_shared *s, struct bench_thread *t,
		     int n);
	/* NULL, or the method's own state, before the threads start: 0, or -1 with why. */
	int (*setup)(const struct bench_run *run, struct ring_shared *s, char *why, size_t whylen);
	void (*teardown)(const struct bench_run *run, struct ring_shared *s);	/* NULL: none */
	/* NULL, or releases the threads that wait for their turn, at the stop. */
	void (*stop)(const struct bench_run *run, struct ring_shared *s);
	bool uses_prim;		/* the token passes over the run's primitive */
};

static const struct handoff handoffs[] = {
	{ turn_chan, set_up_chans, free_chans, close_chans, true },
	{ turn_condvar, set_up_condvar, free_condvar, stop_condvar, false },
	{ turn_futex, NULL, NULL, stop_word, false },
	{ turn_spin, NULL, NULL, stop_word, false },
	{ turn_gomutex, set_up_batons, free_batons, release_batons, false },
	{ turn_none, NULL, NULL, NULL, false },
};

static_assert(ARRAY_SIZE(handoffs) == ARRAY_SIZE(handoff_names) - 1,
	      "every handoff has its name, in the same order");

static const struct handoff *handoff_of(const int64_t *params)
{
	return &handoffs[params[RING_HANDOFF]];
}

static int ring_setup(const struct bench_run *run, char *why, size_t whylen)
{
	struct ring_shared *s = run->shared;
	const struct handoff *h = handoff_of(run->params);
	atomic_store_explicit(&s->last, run->nthreads - 1, memory_order_relaxed);
	return h->setup ? h->setup(run, s, why, whylen) : 0;
}

/* Also after a failed setup: each method's teardown frees what its setup got to. */
static void ring_teardown(const struct bench_run *run)
{
	const struct handoff *h = handoff_of(run->params);
	if (h->teardown)
		h->teardown(run, run->shared);
}

static void ring_stop(const struct bench_run *run)
{
	const struct handoff *h = handoff_of(run->params);
	if (h->stop)
		h->stop(run, run->shared);
}

static unsigned ring_op(const struct bench_run *run, struct bench_thread *t)
{
	handoff_of(run->params)->turn(run, run->shared, t, run->nthreads);
	return 0;
}

/* Only the chan handoff passes the token over a primitive: a channel's. */
static bool ring_uses_prim(const int64_t *params)
{
	return handoff_of(params)->uses_prim;
}

static enum check_result ring_check(const struct bench_run *run, struct bench_thread *const *threads,
				    uint64_t total_ops, char *why, size_t whylen)
{
	(void)total_ops;
	struct ring_shared *s = run->shared;
	uint64_t acted = 0;
	for (int i = 0; i < run->nthreads; i++)
		acted += ((struct ring_thread *)threads[i]->local)->acted;
	uint64_t bad = atomic_load_explicit(&s->out_of_order, memory_order_relaxed);
	uint64_t handoffs = atomic_load_explicit(&s->handoffs, memory_order_relaxed);
	if (bad == 0 && handoffs == acted)
		return CHECK_PASSED;
	snprintf(why, whylen, "%" PRIu64 " of %" PRIu64 " turns out of order; %" PRIu64
		 " counted of %" PRIu64 " taken", bad, acted, handoffs, acted);
	return CHECK_FAILED;
}

const struct bench_ops ring_bench = {
	.name = "ring",
	.summary = "threads pass a token in strict order: ns per handoff, order checked every turn",
	.needs = NEEDS_CHAN,
	.uses_prim = ring_uses_prim,
	.sweep_threads = "3,4",
	.sweep_sets = "handoff=chan,condvar,futex,spin,gomutex mode=threads,goroutines",
	.params = ring_params,
	.nparams = ARRAY_SIZE(ring_params),
	.shared_size = sizeof(struct ring_shared),
	.thread_size = sizeof(struct ring_thread),
	.op = ring_op,
	.check = ring_check,
	.validate = ring_validate,
	.setup = ring_setup,
	.teardown = ring_teardown,
	.stop = ring_stop,
};
