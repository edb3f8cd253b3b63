/*
 * gomutex's starvation mode, from its state word and its statistics.
 *
 * The scenario, with the main thread M as the barging holder:
 *   1. M holds the lock; W0, W1, W2 queue one after another (each waited
 *      for until it is counted in the word and parked in the semaphore).
 *   2. After 3 x the threshold, M unlocks, which wakes W0, and takes the
 *      lock back at once with trylock, before W0 runs (the barge).  W0
 *      finds it held after waiting over the threshold: it sets Starving
 *      and goes back to the head.  M runs on one CPU and the others on
 *      another, where there are two, so that the wake does not preempt M.
 *      (If W0 wins the race all the same, trylock fails or somebody has
 *      had the lock, and the run is inconclusive and repeated.)
 *   3. From that moment T0, two threads arrive: X queues, then M unlocks
 *      and asks again.  Each of W0, W1, W2 has waited over the threshold,
 *      so the mode lasts at least until all three have had the lock; in
 *      it nobody may take the lock ahead of the queue.  The acquisition
 *      order must therefore be exactly W0, W1, W2, X, M.
 *   4. Afterwards the word is 0 (the mode was left) and the lock works.
 * gomutex-normal under the same scenario never shows Starving and counts
 * no entry; gomutex-fifo starves from the first wait, so the same order
 * holds without the barge.  A sustained load (3 threads holding the lock
 * 200 us at a time) then checks that gomutex leaves the mode and that
 * gomutex-normal never enters it.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#include "../locks/gomutex.h"
#include "lockkit.h"

#define THRESHOLD_US 1000	/* the starve_us default */
#define DEADLINE_NS 2000000000ull
#define NQUEUED 3
#define NTHREADS (NQUEUED + 2)	/* W0..W2, X, M */
#define ID_X NQUEUED
#define ID_M (NQUEUED + 1)
#define NTURNS (NTHREADS + 1)	/* M takes two */

struct scenario {
	struct instance in;
	struct gomutex *m;
	/* Where the contenders run: away from M where there are 2 CPUs. */
	pthread_attr_t attr;
	/* Written under the lock: who acquired, in order. */
	int order[NTURNS];
	int acquired;
};

struct contender {
	struct scenario *sc;
	int id;
	pthread_t th;
};

/* Lock, record, unlock: one acquisition for thread id. */
static void take_turn(struct scenario *sc, int id)
{
	sc->in.ops->lock(sc->in.lock, sc->in.self[id]);
	sc->order[sc->acquired++] = id;
	sc->in.ops->unlock(sc->in.lock, sc->in.self[id]);
}

static void *contend(void *arg)
{
	struct contender *c = arg;
	take_turn(c->sc, c->id);
	return NULL;
}

static uint32_t state_of(struct gomutex *m)
{
	/* relaxed: the test only looks; the lock orders everything else */
	return atomic_load_explicit(&m->state, memory_order_relaxed);
}

static unsigned parked_in(struct gomutex *m)
{
	return atomic_load_explicit(&m->sema.nwait, memory_order_relaxed);
}

/*
 * Polls until every thread the word counts is parked in the queue and
 * none is awake between a wake and its CAS; want < 0 accepts any number.
 * False at the deadline.
 */
static bool wait_settled(struct gomutex *m, int want)
{
	for (uint64_t start = now_ns(); now_ns() - start < DEADLINE_NS; sleep_us(50)) {
		uint32_t s = state_of(m);
		unsigned parked = parked_in(m);
		if (s >> GOMUTEX_WAITER_SHIFT == parked && !(s & GOMUTEX_WOKEN) &&
		    (want < 0 || parked == (unsigned)want))
			return true;
	}
	return false;
}

/* Starts thread id and waits until it is parked behind the others. */
static void arrive(struct scenario *sc, struct contender *c, int id)
{
	int queued = (int)parked_in(sc->m);

	*c = (struct contender){ .sc = sc, .id = id };
	pthread_create(&c->th, &sc->attr, contend, c);
	CHECK(wait_settled(sc->m, queued + 1), "%s: thread %d never parked (state %#x, parked %u)",
	      sc->in.ops->name, id, state_of(sc->m), parked_in(sc->m));
}

/* The stats hook's figures, by name. */
struct figures {
	double starve_entries, starving_ns, long_waits, handoffs;
};

static void note_figure(void *sink, const char *name, double value)
{
	struct figures *f = sink;
	if (strcmp(name, "starve_entries") == 0)
		f->starve_entries = value;
	else if (strcmp(name, "starving_ns") == 0)
		f->starving_ns = value;
	else if (strcmp(name, "long_waits") == 0)
		f->long_waits = value;
	else if (strcmp(name, "handoffs") == 0)
		f->handoffs = value;
}

static struct figures figures_of(struct instance *in, int nthreads)
{
	struct figures f = { 0 };
	in->ops->stats(in->lock, in->self, nthreads, note_figure, &f);
	return f;
}

struct outcome {
	bool barged;
	bool starving_at_t0;
	int order[NTURNS];
	int acquired;
	uint64_t elapsed_ns;
	struct figures fig;
	uint32_t final_state;
	bool trylock_after;
};

/*
 * M on one CPU and the contenders on another, where there are two, so
 * that waking W0 does not preempt M before its barge.  Returns M's old
 * mask, to be restored.
 */
static cpu_set_t separate_cpus(struct scenario *sc)
{
	cpu_set_t all, one;
	int cpu[2], n = 0;

	pthread_attr_init(&sc->attr);
	if (sched_getaffinity(0, sizeof(all), &all) != 0)
		CPU_ZERO(&all);
	for (int i = 0; i < CPU_SETSIZE && n < 2; i++)
		if (CPU_ISSET(i, &all))
			cpu[n++] = i;
	if (n == 2) {
		CPU_ZERO(&one);
		CPU_SET(cpu[1], &one);
		pthread_attr_setaffinity_np(&sc->attr, sizeof(one), &one);
		CPU_ZERO(&one);
		CPU_SET(cpu[0], &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	return all;
}

/* Steps 1-4 of the header on a fresh lock. */
static struct outcome run_scenario(const char *name, bool barge)
{
	struct scenario sc = { .in = instance_new(lock_find(name)) };
	struct contender c[NQUEUED + 1];
	struct outcome out = { 0 };
	uint64_t start = now_ns();
	cpu_set_t saved = separate_cpus(&sc);

	sc.m = sc.in.lock;
	sc.in.ops->lock(sc.in.lock, sc.in.self[ID_M]);
	for (int i = 0; i < NQUEUED; i++)
		arrive(&sc, &c[i], i);
	if (barge) {
		sleep_us(3 * THRESHOLD_US);
		sc.in.ops->unlock(sc.in.lock, sc.in.self[ID_M]);
		out.barged = sc.in.ops->trylock(sc.in.lock, sc.in.self[ID_M]);
		if (!out.barged)
			sc.in.ops->lock(sc.in.lock, sc.in.self[ID_M]);
		/* Had W0 (and more) got in and out before trylock, nobody starved. */
		out.barged = out.barged && sc.acquired == 0;
		/* W0 back in the queue (or, had it won, whoever is left). */
		wait_settled(sc.m, -1);
	}
	out.starving_at_t0 = state_of(sc.m) & GOMUTEX_STARVING;
	arrive(&sc, &c[NQUEUED], ID_X);
	sc.order[sc.acquired++] = ID_M;		/* M's own turn, already held */
	sc.in.ops->unlock(sc.in.lock, sc.in.self[ID_M]);
	take_turn(&sc, ID_M);			/* M arrives again, after T0 */
	for (int i = 0; i <= NQUEUED; i++)
		pthread_join(c[i].th, NULL);

	pthread_attr_destroy(&sc.attr);
	if (CPU_COUNT(&saved))
		sched_setaffinity(0, sizeof(saved), &saved);
	out.elapsed_ns = now_ns() - start;
	out.acquired = sc.acquired;
	memcpy(out.order, sc.order, sizeof(out.order));
	out.fig = figures_of(&sc.in, NTHREADS);
	out.final_state = state_of(sc.m);
	out.trylock_after = sc.in.ops->trylock(sc.in.lock, sc.in.self[0]);
	if (out.trylock_after)
		sc.in.ops->unlock(sc.in.lock, sc.in.self[0]);
	instance_free(&sc.in);
	return out;
}

/* After M's first turn: W0, W1, W2, X, M, nobody ahead of the queue. */
static void check_fifo_from_t0(const char *name, const struct outcome *o)
{
	static const int want[NTURNS] = { ID_M, 0, 1, 2, ID_X, ID_M };

	CHECK(o->acquired == NTURNS && memcmp(o->order, want, sizeof(want)) == 0,
	      "%s: acquisitions after T0 were %d %d %d %d %d, want 0 1 2 %d %d", name,
	      o->order[1], o->order[2], o->order[3], o->order[4], o->order[5], ID_X, ID_M);
}

static void check_mode_left(const char *name, const struct outcome *o)
{
	CHECK(o->final_state == 0, "%s: state %#x after everyone left", name, o->final_state);
	CHECK(o->trylock_after, "%s: unusable after starvation mode", name);
	CHECK(o->fig.starving_ns > 0 && o->fig.starving_ns <= (double)o->elapsed_ns,
	      "%s: %.0f ns starving in a %llu ns run", name, o->fig.starving_ns,
	      (unsigned long long)o->elapsed_ns);
}

static void test_go_mode(void)
{
	struct outcome o;
	int attempt = 0;

	do
		o = run_scenario("gomutex", true);
	while (!o.barged && ++attempt < 10);
	CHECK(o.barged, "gomutex: W0 won the race against the barge 10 times");
	CHECK(o.starving_at_t0, "gomutex: not starving after the barge");
	if (!o.barged || !o.starving_at_t0)
		return;
	check_fifo_from_t0("gomutex", &o);
	CHECK(o.fig.starve_entries >= 1, "gomutex: %.0f starvation entries", o.fig.starve_entries);
	CHECK(o.fig.handoffs >= NQUEUED, "gomutex: %.0f handoffs", o.fig.handoffs);
	check_mode_left("gomutex", &o);
	printf("gomutex: starving after %d barge(s); turns after T0 %d %d %d %d %d; "
	       "%.0f entries, %.0f us starving\n", attempt + 1, o.order[1], o.order[2], o.order[3],
	       o.order[4], o.order[5], o.fig.starve_entries, o.fig.starving_ns / 1e3);
}

static void test_normal_mode(void)
{
	struct outcome o = run_scenario("gomutex-normal", true);

	CHECK(!o.starving_at_t0, "gomutex-normal: Starving set");
	CHECK(o.fig.starve_entries == 0 && o.fig.starving_ns == 0,
	      "gomutex-normal: %.0f entries, %.0f ns starving", o.fig.starve_entries,
	      o.fig.starving_ns);
	CHECK(o.fig.long_waits >= NQUEUED, "gomutex-normal: %.0f waits over the threshold",
	      o.fig.long_waits);
	CHECK(o.final_state == 0 && o.trylock_after, "gomutex-normal: state %#x", o.final_state);
	printf("gomutex-normal: never starving; %.0f waits over the threshold\n", o.fig.long_waits);
}

static void test_fifo_mode(void)
{
	struct outcome o = run_scenario("gomutex-fifo", false);

	CHECK(o.starving_at_t0, "gomutex-fifo: not starving with waiters queued");
	check_fifo_from_t0("gomutex-fifo", &o);
	check_mode_left("gomutex-fifo", &o);
}

/* The sustained load: threads holding the lock 200 us at a time for 300 ms. */
struct holder {
	struct instance *in;
	int id;
	uint64_t until;
	pthread_t th;
};

static void *hold_repeatedly(void *arg)
{
	struct holder *h = arg;
	while (now_ns() < h->until) {
		h->in->ops->lock(h->in->lock, h->in->self[h->id]);
		sleep_us(200);
		h->in->ops->unlock(h->in->lock, h->in->self[h->id]);
	}
	return NULL;
}

struct load_outcome {
	struct figures fig;
	uint32_t final_state;
	uint64_t elapsed_ns;
};

static struct load_outcome sustained_load(const char *name)
{
	struct instance in = instance_new(lock_find(name));
	struct holder h[3];
	uint64_t start = now_ns(), until = start + 300000000u;

	for (int i = 0; i < 3; i++) {
		h[i] = (struct holder){ .in = &in, .id = i, .until = until };
		pthread_create(&h[i].th, NULL, hold_repeatedly, &h[i]);
	}
	for (int i = 0; i < 3; i++)
		pthread_join(h[i].th, NULL);
	struct load_outcome out = {
		.fig = figures_of(&in, 3),
		.final_state = state_of(in.lock),
		.elapsed_ns = now_ns() - start,
	};
	instance_free(&in);
	return out;
}

static void test_sustained_load(void)
{
	struct load_outcome go = sustained_load("gomutex");
	struct load_outcome normal = sustained_load("gomutex-normal");

	CHECK(go.final_state == 0, "gomutex: state %#x after the load", go.final_state);
	CHECK(go.fig.starving_ns >= 0 && go.fig.starving_ns <= (double)go.elapsed_ns,
	      "gomutex: %.0f ns starving in a %llu ns load", go.fig.starving_ns,
	      (unsigned long long)go.elapsed_ns);
	CHECK(normal.fig.starve_entries == 0 && normal.fig.starving_ns == 0,
	      "gomutex-normal: %.0f entries under load", normal.fig.starve_entries);
	printf("300 ms, 3 threads holding 200 us: gomutex %.0f entries (%.1f ms starving), "
	       "gomutex-normal %.0f entries and %.0f waits over the threshold\n",
	       go.fig.starve_entries, go.fig.starving_ns / 1e6, normal.fig.starve_entries,
	       normal.fig.long_waits);
}

int main(void)
{
	test_go_mode();
	test_normal_mode();
	test_fifo_mode();
	test_sustained_load();
	return check_exit();
}
