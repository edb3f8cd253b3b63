/*
 * dispatch: load balancing over channels.  Threads 0 .. D-1 are
 * dispatchers (`dispatchers`, default 1), the other W = threads - D are
 * workers.  A dispatcher makes tasks and hands each to a worker under a
 * policy; a worker receives tasks and performs each one's service demand
 * in work units, then records its completion.
 *
 * A task carries its id (dispatcher << 48 | that dispatcher's sequence
 * number), its send timestamp (ticks, read as the dispatcher begins to
 * dispatch it, before the policy chooses) and its demand in units.
 *
 * Policies, and the shared state each touches per task:
 *   rr       per-worker channels, worker (sent + offset) mod W, offset
 *            d * W / D for dispatcher d: reads and writes nothing shared
 *            but the chosen channel
 *   random   per-worker channels, a uniform worker from the dispatcher's
 *            own generator: the same
 *   least    per-worker channels, the worker with the fewest queued tasks
 *            (ties go to the first found from a random start): loads up
 *            to W load counters (an idle worker ends the scan), adds 1 to
 *            the chosen one, and its worker subtracts 1 when the task
 *            completes
 *   p2c      per-worker channels, the less loaded of two distinct random
 *            workers (the first on a tie): loads 2 counters, then as least
 *   shared   one channel of capacity cap x W that every worker receives
 *            from: no counter, but every send and receive takes the one
 *            channel's lock
 *   worker0  every task to worker 0: deliberately unbalanced, for the
 *            tests (sweeps leave it out)
 * A load counter is a worker's tasks sent and not yet completed (queued
 * plus in service).  The counters are hints, so relaxed: the send and the
 * receive order each increment before its decrement, so a counter never
 * goes below 0, and check() requires each to equal what its channel still
 * held at the stop.
 *
 * Service demand (`mean`, in units or as a time): const is mean units;
 * exp draws round(mean * -ln u); bimodal is short = mean / 1.9 units for
 * 9 tasks in 10 and 10 x short for the 10th, drawn at random (mean kept).
 * The dispatcher draws it from its generator, outside the timed path.
 *
 * Load: `load=0` is the closed loop: dispatchers send as fast as the
 * channels accept.  `load=P` is the open loop: Poisson arrivals at P% of
 * the pool's capacity W / mean, each dispatcher a stream of 1/D of it,
 * scheduled on the latency clock from its first task.  A dispatcher
 * whose next arrival is due waits for it, spinning (sleeping in steps of
 * at most 1 ms where more than 200 us are left), and polls the stop.
 * When it is late (a blocked send, preemption, or more arrivals than it
 * can make) it sends at once, and its lateness is recorded, not hidden.
 * A worker finishes the task it holds before it sees the stop: the stop
 * waits for at most the longest demand in service.
 *
 * Kinds: `dispatch` (a dispatcher's op: one task sent; its latency is the
 * wall time of the policy's choice and the send, from a tick pair),
 * `sojourn` (a worker's op: one task completed, the unit of throughput;
 * its latency is send timestamp to completion, for every task) and `lag`
 * (no operations: each open-loop task's lateness, send timestamp less
 * its scheduled arrival).  A worker whose receive the stop's close ends
 * counts one `sojourn` operation without a task, as other channel
 * workloads do.
 *
 * Stop: the stop hook closes every channel, which releases blocked
 * senders (their task is not sent, not counted) and receivers; an
 * open-loop dispatcher sees the stop in its wait.  check() then drains
 * the channels as one more worker and requires, per dispatcher, that the
 * tasks completed plus those left equal the tasks sent, with the sum of a
 * 64-bit hash of their ids (a lost or duplicated task changes both but
 * with probability 2^-64), and that each worker received each
 * dispatcher's tasks in increasing order (the channels are FIFO).
 *
 * Figures (stats(); window figures only count what the threads did
 * while the window was open, the counter traffic counts the whole run):
 * per-worker task counts as max/mean and Jain's index over the workers,
 * offered and achieved load, the realized mean demand, the counter loads
 * and writes per task, the lag of each dispatcher's last window task,
 * the tasks left at the stop and sojourns the clocks ran backwards for.
 * The dispatchers' CPU per task comes from the harness's per-thread
 * figures: threads[0 .. D-1].cpu_ns over their dispatch operations (in
 * the open loop it includes the wait between arrivals).
 */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../harness/compiler.h"
#include "../harness/stats.h"
#include "../harness/work.h"
#include "bench.h"

enum { DP_DISPATCHERS, DP_POLICY, DP_SERVICE, DP_MEAN, DP_LOAD, DP_CAP };
enum policy { POLICY_RR, POLICY_RANDOM, POLICY_LEAST, POLICY_P2C, POLICY_SHARED,
	      POLICY_WORKER0 };
enum service { SERVICE_CONST, SERVICE_EXP, SERVICE_BIMODAL };

#define DP_MAX_DISPATCHERS 32
#define DP_SEQ_BITS 48
/* Tasks all the channels together may buffer: cap x W. */
#define DP_MAX_BUFFERED (1 << 20)
/* Bimodal: one task in DP_LONG_EVERY is DP_LONG_TIMES the short demand. */
#define DP_LONG_EVERY 10
#define DP_LONG_TIMES 10
/*
 * An open-loop wait longer than this sleeps, in steps of at most
 * DP_SLEEP_MAX_NS (so that it sees the stop), until DP_SLEEP_MARGIN_NS
 * before the arrival, then spins: a sleep overshoots by tens of us.
 */
#define DP_SLEEP_ABOVE_NS 200000.0
#define DP_SLEEP_MARGIN_NS 100000.0
#define DP_SLEEP_MAX_NS 1000000.0

static const char *const policy_names[] = { "rr", "random", "least", "p2c", "shared", "worker0",
					    NULL };
static const char *const service_names[] = { "const", "exp", "bimodal", NULL };

static const struct param_decl dp_params[] = {
	[DP_DISPATCHERS] = { "dispatchers", PARAM_INT, 1, 1, DP_MAX_DISPATCHERS, NULL,
			     "dispatcher threads (the first ones); the rest are workers" },
	[DP_POLICY] = { "policy", PARAM_CHOICE, POLICY_RR, 0, 0, policy_names,
			"which worker gets a task (worker0: all to one worker; a test)" },
	[DP_SERVICE] = { "service", PARAM_CHOICE, SERVICE_EXP, 0, 0, service_names,
			 "service demand: constant, exponential, or 90% short and 10% 10x long" },
	[DP_MEAN] = { "mean", PARAM_WORK, 10000, 1, 10000000, NULL,
		      "mean service demand per task, in work units" },
	[DP_LOAD] = { "load", PARAM_INT, 0, 0, 100, NULL,
		      "open loop: Poisson arrivals at this % of W / mean (0: closed loop)" },
	[DP_CAP] = { "cap", PARAM_INT, 64, 0, 65536, NULL,
		     "capacity of each worker's channel (shared: one of cap x W)" },
};

enum { KIND_DISPATCH, KIND_SOJOURN, KIND_LAG };
static const char *const dp_kinds[] = { [KIND_DISPATCH] = "dispatch", [KIND_SOJOURN] = "sojourn",
					[KIND_LAG] = "lag", NULL };

struct task {
	uint64_t id;		/* dispatcher << DP_SEQ_BITS | its sequence number */
	uint64_t sent;		/* ticks */
	uint64_t units;
};

/*
 * One worker's load counter, on a line of its own: least and p2c
 * dispatchers load it for every task and its worker writes it after
 * each, so a neighbour's counter on the same line would take every one
 * of those misses too.
 */
struct load_counter {
	_Alignas(CACHELINE) atomic_uint_least64_t queued;
};
static_assert(sizeof(struct load_counter) == CACHELINE, "one load counter per line");

struct dp_shared {
	/* Written at setup only, read by every thread: nothing written in the run shares it. */
	_Alignas(CACHELINE) void **chans;	/* one per worker, or one for policy=shared */
	struct load_counter *load;		/* W of them: least and p2c */
	int dispatchers, workers, nchans;
	enum policy policy;
	enum service service;
	uint64_t short_units;		/* bimodal */
	/* Mean ticks between one dispatcher's arrivals; 0: closed loop. */
	double gap_ticks;
	/* Written by check(), read by stats(): both after the threads stopped. */
	uint64_t left_at_stop;
};

/* What one worker received from each dispatcher: the exactly-once and order record. */
struct received {
	uint64_t next_min[DP_MAX_DISPATCHERS];	/* lowest sequence number still acceptable */
	uint64_t count[DP_MAX_DISPATCHERS];
	uint64_t hash[DP_MAX_DISPATCHERS];
	uint64_t bad;				/* no such dispatcher, or out of order */
};

/* One thread, either role; on the thread's own lines (the harness pads them). */
struct dp_thread {
	/* dispatcher */
	uint64_t sent;			/* successful sends: the next sequence number */
	double next_arrival;		/* ticks; 0 before the first task (open loop) */
	uint64_t window_sent, window_first, window_last, last_lag;
	uint64_t counter_loads, counter_writes;
	/* worker */
	struct received got;
	uint64_t window_done, window_units, clock_went_back, counter_decrements;
};

static int workers_of(const int64_t *params, int threads)
{
	return threads - (int)params[DP_DISPATCHERS];
}

static bool uses_counters(enum policy p)
{
	return p == POLICY_LEAST || p == POLICY_P2C;
}

static int dp_validate(const int64_t *params, int threads, char *why, size_t whylen)
{
	int w = workers_of(params, threads);
	if (w < 1) {
		snprintf(why, whylen, "dispatch: dispatchers=%" PRId64 " leaves no worker of "
			 "--threads %d (accepted: --threads 2 or more, dispatchers 1 to "
			 "threads - 1)", params[DP_DISPATCHERS], threads);
		return -1;
	}
	if (params[DP_CAP] * w > DP_MAX_BUFFERED) {
		snprintf(why, whylen, "dispatch: cap=%" PRId64 " for %d workers buffers %" PRId64
			 " tasks (accepted: cap x workers up to %d)", params[DP_CAP], w,
			 params[DP_CAP] * w, DP_MAX_BUFFERED);
		return -1;
	}
	return 0;
}

static int dp_setup(const struct bench_run *run, char *why, size_t whylen)
{
	struct dp_shared *s = run->shared;
	const int64_t *p = run->params;
	s->dispatchers = (int)p[DP_DISPATCHERS];
	s->workers = workers_of(p, run->nthreads);
	s->policy = (enum policy)p[DP_POLICY];
	s->service = (enum service)p[DP_SERVICE];
	s->nchans = s->policy == POLICY_SHARED ? 1 : s->workers;
	s->short_units = (uint64_t)llround((double)p[DP_MEAN] /
					   (1.0 + (DP_LONG_TIMES - 1.0) / DP_LONG_EVERY));
	s->short_units = s->short_units ? s->short_units : 1;
	if (p[DP_LOAD] > 0) {
		/* The pool serves W / mean tasks per ns; a dispatcher offers 1/D of load% of it. */
		double mean_ns = (double)p[DP_MEAN] * work_unit_ns();
		double rate = (double)p[DP_LOAD] / 100.0 * s->workers / mean_ns;
		double gap_ns = s->dispatchers / rate;
		s->gap_ticks = gap_ns / ticks_to_ns(1.0);
	}
	size_t cap = (size_t)p[DP_CAP] * (s->policy == POLICY_SHARED ? (size_t)s->workers : 1);
	s->chans = calloc((size_t)s->nchans, sizeof(*s->chans));
	s->load = cacheline_zalloc((size_t)s->workers * sizeof(*s->load));
	if (!s->chans || !s->load) {
		snprintf(why, whylen, "dispatch: out of memory for %d workers", s->workers);
		return -1;
	}
	for (int w = 0; w < s->workers; w++)
		atomic_init(&s->load[w].queued, 0);
	for (int c = 0; c < s->nchans; c++) {
		s->chans[c] = chan_create(run->prim, run->prim_params, sizeof(struct task), cap);
		if (!s->chans[c]) {
			snprintf(why, whylen, "%s: cannot create a channel of capacity %zu",
				 run->prim->name, cap);
			return -1;
		}
	}
	return 0;
}

static void dp_teardown(const struct bench_run *run)
{
	struct dp_shared *s = run->shared;
	for (int c = 0; s->chans && c < s->nchans; c++)
		chan_free(run->prim, s->chans[c]);
	free(s->chans);
	free(s->load);
}

static void dp_stop(const struct bench_run *run)
{
	struct dp_shared *s = run->shared;
	for (int c = 0; c < s->nchans; c++)
		run->prim->chan->close(s->chans[c]);
}

/* splitmix64's finaliser: the per-task term of the exactly-once sums. */
static uint64_t task_hash(uint64_t id)
{
	id = (id ^ (id >> 30)) * 0xbf58476d1ce4e5b9u;
	id = (id ^ (id >> 27)) * 0x94d049bb133111ebu;
	return id ^ (id >> 31);
}

/* Uniform in [0, n), by multiplying the top 32 bits (n is far below 2^32). */
static uint32_t uniform(uint64_t *rng, uint32_t n)
{
	return (uint32_t)(((rng_next(rng) >> 32) * n) >> 32);
}

/* -ln u for u uniform in (0, 1]: an exponential draw of mean 1. */
static double exp_draw(uint64_t *rng)
{
	return -log((double)((rng_next(rng) >> 11) + 1) * 0x1p-53);
}

static bool in_window(const struct bench_run *run)
{
	/* relaxed: only which phase matters; join() orders the figures */
	return atomic_load_explicit(run->phase, memory_order_relaxed) == PHASE_MEASURE;
}

static uint64_t draw_units(const struct bench_run *run, const struct dp_shared *s,
			   struct bench_thread *t)
{
	uint64_t mean = (uint64_t)run->params[DP_MEAN];
	switch (s->service) {
	case SERVICE_CONST: return mean;
	case SERVICE_EXP: return (uint64_t)llround((double)mean * exp_draw(&t->rng));
	case SERVICE_BIMODAL:
		return s->short_units * (uniform(&t->rng, DP_LONG_EVERY) == 0 ? DP_LONG_TIMES : 1);
	}
	return mean;
}

static void sleep_ns(double ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1e9),
			       .tv_nsec = (long)fmod(ns, 1e9) };
	clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
}

/*
 * Waits until `due`; returns the ticks read then, or 0 if the run stopped
 * first.  Never waits past the stop by more than one sleep step.
 */
static uint64_t await_arrival(const struct bench_run *run, uint64_t due)
{
	for (;;) {
		uint64_t now = ticks_now();
		if (now >= due)
			return now;
		if (bench_stopping(run))
			return 0;
		double left_ns = ticks_to_ns((double)(due - now));
		if (left_ns > DP_SLEEP_ABOVE_NS)
			sleep_ns(fmin(left_ns - DP_SLEEP_MARGIN_NS, DP_SLEEP_MAX_NS));
		else
			cpu_relax();
	}
}

static uint64_t queued(const struct dp_shared *s, struct dp_thread *me, uint32_t w)
{
	me->counter_loads++;
	/* relaxed: a hint for the choice; the channel carries the task itself */
	return atomic_load_explicit(&s->load[w].queued, memory_order_relaxed);
}

/*
 * The least loaded worker, scanning from a random start so that ties
 * spread; an idle worker ends the scan.
 */
static uint32_t least_loaded(const struct dp_shared *s, struct dp_thread *me, uint64_t *rng)
{
	uint32_t n = (uint32_t)s->workers, start = uniform(rng, n), best = start;
	uint64_t best_q = queued(s, me, start);
	for (uint32_t i = 1; i < n && best_q > 0; i++) {
		uint32_t w = start + i < n ? start + i : start + i - n;
		uint64_t q = queued(s, me, w);
		if (q < best_q)
			best = w, best_q = q;
	}
	return best;
}

static uint32_t power_of_two(const struct dp_shared *s, struct dp_thread *me, uint64_t *rng)
{
	uint32_t n = (uint32_t)s->workers, a = uniform(rng, n);
	if (n == 1)
		return a;
	uint32_t b = uniform(rng, n - 1);
	b += b >= a;
	return queued(s, me, b) < queued(s, me, a) ? b : a;
}

/* The worker (for shared: the channel, 0) that gets the dispatcher's next task. */
static uint32_t choose(const struct dp_shared *s, struct bench_thread *t, struct dp_thread *me)
{
	uint32_t n = (uint32_t)s->workers;
	switch (s->policy) {
	case POLICY_RR: return (uint32_t)((me->sent + (uint64_t)t->id * n /
					   (uint64_t)s->dispatchers) % n);
	case POLICY_RANDOM: return uniform(&t->rng, n);
	case POLICY_LEAST: return least_loaded(s, me, &t->rng);
	case POLICY_P2C: return power_of_two(s, me, &t->rng);
	case POLICY_SHARED:
	case POLICY_WORKER0: return 0;
	}
	return 0;
}

static void add_queued(struct dp_shared *s, uint32_t w, int64_t delta)
{
	/* relaxed: see the header; the send and the receive order the pair */
	atomic_fetch_add_explicit(&s->load[w].queued, (uint64_t)delta, memory_order_relaxed);
}

/* Counts a task sent while the window was open. */
static void note_window_task(struct dp_thread *me, uint64_t sent, uint64_t lag)
{
	if (me->window_sent == 0)
		me->window_first = sent;
	me->window_sent++;
	me->window_last = sent;
	me->last_lag = lag;
}

static unsigned dispatch(const struct bench_run *run, struct dp_shared *s, struct bench_thread *t)
{
	struct dp_thread *me = t->local;
	struct task task = { .id = (uint64_t)t->id << DP_SEQ_BITS | me->sent,
			     .units = draw_units(run, s, t) };
	uint64_t lag = 0;

	if (s->gap_ticks > 0) {
		if (me->next_arrival == 0)
			me->next_arrival = (double)ticks_now();
		uint64_t due = (uint64_t)me->next_arrival;
		task.sent = await_arrival(run, due);
		if (task.sent == 0)
			return KIND_DISPATCH;	/* stopped while waiting */
		lag = task.sent - due;
		me->next_arrival += s->gap_ticks * exp_draw(&t->rng);
	} else {
		task.sent = ticks_now();
	}
	uint32_t w = choose(s, t, me);
	if (uses_counters(s->policy)) {
		add_queued(s, w, 1);
		me->counter_writes++;
	}
	enum chan_result r = run->prim->chan->send(s->chans[s->nchans == 1 ? 0 : w], &task);
	uint64_t end = ticks_now();
	if (r != CHAN_OK) {		/* closed at the stop: never sent */
		if (uses_counters(s->policy))
			add_queued(s, w, -1);
		return KIND_DISPATCH;
	}
	me->sent++;
	latency_record(&t->lat, end, latency_net_ticks(task.sent, end), KIND_DISPATCH);
	if (s->gap_ticks > 0)
		latency_record(&t->lat, end, lag, KIND_LAG);
	if (in_window(run))
		note_window_task(me, task.sent, lag);
	return KIND_DISPATCH;
}

static void account(struct received *got, uint64_t id, int dispatchers)
{
	uint64_t d = id >> DP_SEQ_BITS, seq = id & ((1ull << DP_SEQ_BITS) - 1);
	if (d >= (uint64_t)dispatchers || seq < got->next_min[d]) {
		got->bad++;
		return;
	}
	got->next_min[d] = seq + 1;
	got->count[d]++;
	got->hash[d] += task_hash(id);
}

static unsigned serve(const struct bench_run *run, struct dp_shared *s, struct bench_thread *t)
{
	struct dp_thread *me = t->local;
	uint32_t w = (uint32_t)(t->id - s->dispatchers);
	struct task task;

	if (run->prim->chan->recv(s->chans[s->nchans == 1 ? 0 : w], &task) != CHAN_OK)
		return KIND_SOJOURN;	/* closed at the stop, and drained */
	bench_work_after(t, task.units, task.id);
	uint64_t done = ticks_now();
	/* Two CPUs' clocks: a sojourn they disagree on is counted, and recorded as 0. */
	me->clock_went_back += done < task.sent;
	latency_record(&t->lat, done, done < task.sent ? 0 : latency_net_ticks(task.sent, done),
		       KIND_SOJOURN);
	if (uses_counters(s->policy)) {
		add_queued(s, w, -1);
		me->counter_decrements++;
	}
	account(&me->got, task.id, s->dispatchers);
	if (in_window(run)) {
		me->window_done++;
		me->window_units += task.units;
	}
	return KIND_SOJOURN;
}

static unsigned dp_op(const struct bench_run *run, struct bench_thread *t)
{
	struct dp_shared *s = run->shared;
	return t->id < s->dispatchers ? dispatch(run, s, t) : serve(run, s, t);
}

/*
 * Drains every channel into left; the tasks each held go to held[channel].
 * Each channel is in order on its own, so the order record restarts per
 * channel.
 */
static void drain(const struct bench_run *run, struct dp_shared *s, struct received *left,
		  uint64_t *held)
{
	struct task task;
	for (int c = 0; c < s->nchans; c++) {
		memset(left->next_min, 0, sizeof(left->next_min));
		held[c] = 0;
		while (run->prim->chan->try_recv(s->chans[c], &task) == CHAN_OK) {
			account(left, task.id, s->dispatchers);
			held[c]++;
		}
		s->left_at_stop += held[c];
	}
}

static enum check_result check_counters(const struct dp_shared *s, const uint64_t *held,
					char *why, size_t whylen)
{
	for (int w = 0; uses_counters(s->policy) && w < s->workers; w++) {
		uint64_t q = atomic_load_explicit(&s->load[w].queued, memory_order_relaxed);
		if (q != held[w]) {
			snprintf(why, whylen, "worker %d's load counter reads %" PRIu64 " but its "
				 "channel held %" PRIu64 " tasks at the stop", w, q, held[w]);
			return CHECK_FAILED;
		}
	}
	return CHECK_PASSED;
}

static enum check_result dp_check(const struct bench_run *run, struct bench_thread *const *threads,
				  uint64_t total_ops, char *why, size_t whylen)
{
	(void)total_ops;
	struct dp_shared *s = run->shared;
	struct received left = { 0 };
	uint64_t *held = calloc((size_t)s->nchans, sizeof(*held));
	if (!held) {
		snprintf(why, whylen, "dispatch: out of memory for the check");
		return CHECK_FAILED;
	}
	drain(run, s, &left, held);
	enum check_result result = check_counters(s, held, why, whylen);
	free(held);
	if (result != CHECK_PASSED)
		return result;

	uint64_t bad = left.bad;
	for (int i = s->dispatchers; i < run->nthreads; i++)
		bad += ((struct dp_thread *)threads[i]->local)->got.bad;
	if (bad) {
		snprintf(why, whylen, "%" PRIu64 " tasks arrived out of order per dispatcher, "
			 "or from no dispatcher", bad);
		return CHECK_FAILED;
	}
	for (int d = 0; d < s->dispatchers; d++) {
		uint64_t sent = ((struct dp_thread *)threads[d]->local)->sent;
		uint64_t count = left.count[d], hash = left.hash[d], want = 0;
		for (int i = s->dispatchers; i < run->nthreads; i++) {
			const struct received *got = &((struct dp_thread *)threads[i]->local)->got;
			count += got->count[d];
			hash += got->hash[d];
		}
		for (uint64_t q = 0; q < sent; q++)
			want += task_hash((uint64_t)d << DP_SEQ_BITS | q);
		if (count != sent || hash != want) {
			snprintf(why, whylen, "dispatcher %d sent %" PRIu64 " tasks, %" PRIu64
				 " were completed or left%s", d, sent, count,
				 count == sent ? ", but not each exactly once" : "");
			return CHECK_FAILED;
		}
	}
	return CHECK_PASSED;
}

/* The dispatchers' arrival rate over their windows, per tick (0 with under 2 tasks each). */
static double dispatch_rate_per_tick(struct bench_thread *const *threads, int dispatchers)
{
	double rate = 0;
	for (int d = 0; d < dispatchers; d++) {
		const struct dp_thread *me = threads[d]->local;
		if (me->window_sent >= 2 && me->window_last > me->window_first)
			rate += (double)(me->window_sent - 1) /
				(double)(me->window_last - me->window_first);
	}
	return rate;
}

static void dp_stats(const struct bench_run *run, struct bench_thread *const *threads,
		     stat_emit_fn *emit, void *sink)
{
	const struct dp_shared *s = run->shared;
	int nd = s->dispatchers, nw = s->workers;
	uint64_t done[nw], total_done = 0, units = 0, loads = 0, writes = 0, sent = 0, back = 0;
	uint64_t last_lag = 0;

	for (int d = 0; d < nd; d++) {
		const struct dp_thread *me = threads[d]->local;
		sent += me->sent;
		loads += me->counter_loads;
		writes += me->counter_writes;
		last_lag = me->last_lag > last_lag ? me->last_lag : last_lag;
	}
	for (int w = 0; w < nw; w++) {
		const struct dp_thread *me = threads[nd + w]->local;
		done[w] = me->window_done;
		total_done += done[w];
		units += me->window_units;
		writes += me->counter_decrements;
		back += me->clock_went_back;
	}
	uint64_t most = 0;
	for (int w = 0; w < nw; w++)
		most = done[w] > most ? done[w] : most;
	double mean_ns = (double)run->params[DP_MEAN] * work_unit_ns();
	bool open = s->gap_ticks > 0;

	emit(sink, "workers", nw);
	emit(sink, "tasks_max_over_mean",
	     total_done ? (double)most * nw / (double)total_done : NAN);
	emit(sink, "tasks_jain", jain_index(done, (size_t)nw));
	emit(sink, "offered_load", open ? (double)run->params[DP_LOAD] / 100.0 : NAN);
	emit(sink, "achieved_load",
	     dispatch_rate_per_tick(threads, nd) / ticks_to_ns(1.0) * mean_ns / nw);
	emit(sink, "service_mean_ns",
	     total_done ? (double)units / (double)total_done * work_unit_ns() : NAN);
	emit(sink, "counter_loads_per_task", sent ? (double)loads / (double)sent : NAN);
	emit(sink, "counter_writes_per_task", sent ? (double)writes / (double)sent : NAN);
	emit(sink, "last_lag_ns", open ? ticks_to_ns((double)last_lag) : NAN);
	emit(sink, "left_at_stop", (double)s->left_at_stop);
	emit(sink, "clock_went_back", (double)back);
}

/* By offered load: the closed loop (0) keeps every channel full. */
static const struct contention_level dp_contention[] = {
	{ "load", 0, 0, "high" },
	{ "load", 1, 49, "low" },
	{ "load", 50, 79, "medium" },
	{ "load", 80, 100, "high" },
	{ NULL, 0, 0, NULL },
};

const struct bench_ops dispatch_bench = {
	.name = "dispatch",
	.contention = dp_contention,
	.summary = "D dispatchers balance tasks over W workers' channels: sojourn, balance, lag",
	.needs = NEEDS_CHAN,
	/*
	 * One dispatcher and 1 or 4 workers: on 2 PUs, W = PUs - 1 and W =
	 * 2 x PUs.  run.sh's thread list cannot follow the PU count for one
	 * workload; elsewhere run --threads PUS,2*PUS+1 by hand.  At 2 x PUs
	 * load=80 asks more than the PUs can serve (README, dispatch).
	 */
	.sweep_threads = "2,5",
	.sweep_sets = "policy=rr,random,least,p2c,shared service=bimodal load=80 mean=20us",
	.sweep_sets_full = "policy=rr,random,least,p2c,shared service=exp,bimodal "
			   "load=0,50,70,80,90,95 mean=20us",
	.op_kinds = dp_kinds,
	.counted_kinds = 1u << KIND_SOJOURN,
	.params = dp_params,
	.nparams = ARRAY_SIZE(dp_params),
	.shared_size = sizeof(struct dp_shared),
	.thread_size = sizeof(struct dp_thread),
	.op = dp_op,
	.check = dp_check,
	.stats = dp_stats,
	.validate = dp_validate,
	.setup = dp_setup,
	.teardown = dp_teardown,
	.stop = dp_stop,
};
