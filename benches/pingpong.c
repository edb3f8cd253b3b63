/*
 * pingpong: the cache-coherence floor, one line moving between two PUs.
 *
 * Exactly two threads, pinned where the placement puts them (cores, the
 * default: the first PUs of two cores; compact: two SMT siblings where
 * there are any; `--placement list:A,B` for another pair; `--placement
 * pairs` for every ordered pair, the core-to-core matrix), take turns on
 * one shared word: thread i waits until turn % 2 == i, then writes
 * turn + 1.  Every operation is one handoff, so the line crosses once
 * per operation and ns/op is the one-way transfer time, measured from
 * the throughput.  Thread 0 also times samples of `batch` round trips
 * (its own turn back to its own turn: two transfers each), one sample
 * begun every sample_every round trips, reading the clock at both ends,
 * and records the sample, less the clock pair's cost, divided by the
 * 2 x batch transfers it spans, as kind `one_way`;
 * summary.acquire_latency.kinds.one_way holds its median and p99.  The
 * clock reads sit on the critical path of the round trips they time, and
 * of no other.  With batch=1 a sample is one round trip (its p99 is the
 * transfer's tail); the coherence floor uses batches of 256 back to back
 * (sample_every=256): a clock read per 512 transfers, and a median over
 * batches that a preempted batch cannot move, where ns/op, the window
 * over the transfers, averages preemptions in.
 *
 * Spinning uses plain loads, no pause: a pause would add its own
 * latency to the figure.  A waiter gives up when the run stops, since
 * the other thread may have left without passing the turn back.
 *
 * Check: every operation that did not give up advanced turn by one.
 */
#include <inttypes.h>
#include <stdio.h>

#include "../harness/compiler.h"
#include "bench.h"

enum { PINGPONG_SAMPLE_EVERY, PINGPONG_BATCH };

/*
 * A transfer takes tens of ns, a clock pair about as long: one round trip
 * timed in 64 keeps the clock under 2% of the throughput.
 */
#define PINGPONG_SAMPLE_DEFAULT 64

static const struct param_decl pingpong_params[] = {
	[PINGPONG_SAMPLE_EVERY] = { "sample_every", PARAM_INT, PINGPONG_SAMPLE_DEFAULT, 0, 1 << 30,
				    NULL, "begin a sample every Nth round trip of thread 0 (0: none; "
				    "batch or fewer: back to back)" },
	[PINGPONG_BATCH] = { "batch", PARAM_INT, 1, 1, 1 << 20, NULL,
			     "round trips timed as one sample, recorded per transfer" },
};

static const char *const pingpong_kinds[] = { "one_way", NULL };

struct pingpong_shared {
	_Alignas(CACHELINE) atomic_uint_least64_t turn;
};

struct pingpong_thread {
	uint64_t armed_ticks;		/* thread 0: the clock at the turn a sample began, or 0 */
	uint32_t countdown;		/* turns until the next clock read */
	uint64_t gave_up;		/* operations left unfinished at the stop */
};

static int pingpong_validate(const int64_t *params, int threads, char *why, size_t whylen)
{
	(void)params;
	if (threads == 2)
		return 0;
	snprintf(why, whylen, "pingpong runs exactly 2 threads, not %d (accepted: --threads 2)",
		 threads);
	return -1;
}

/*
 * Thread 0 only, at each of its turns: a sample runs from a turn (armed)
 * to the turn `batch` round trips later; then, unless samples run back to
 * back (every <= batch), every - batch turns pass unclocked, and the next
 * turn arms again.
 */
static void sample_round_trips(const struct bench_run *run, struct bench_thread *t,
			       struct pingpong_thread *me)
{
	int64_t every = run->params[PINGPONG_SAMPLE_EVERY], batch = run->params[PINGPONG_BATCH];
	if (me->countdown > 1) {
		me->countdown--;
		return;
	}
	if (every == 0)
		return;
	uint64_t now = ticks_now();
	if (me->armed_ticks)
		latency_record(&t->lat, now,
			       latency_net_ticks(me->armed_ticks, now) / (2 * (uint64_t)batch), 0);
	bool arm = !me->armed_ticks || every <= batch;
	me->armed_ticks = arm ? now : 0;
	me->countdown = (uint32_t)(arm ? batch : every - batch);
}

static unsigned pingpong_op(const struct bench_run *run, struct bench_thread *t)
{
	struct pingpong_shared *s = run->shared;
	struct pingpong_thread *me = t->local;
	uint64_t turn;

	/* acquire: pairs with the other thread's release store below */
	while (((turn = atomic_load_explicit(&s->turn, memory_order_acquire)) & 1) !=
	       (uint64_t)t->id) {
		if (unlikely(bench_stopping(run))) {
			me->gave_up++;
			return 0;
		}
	}
	if (t->id == 0)
		sample_round_trips(run, t, me);
	/* release: pairs with the other thread's acquire load above */
	atomic_store_explicit(&s->turn, turn + 1, memory_order_release);
	return 0;
}

static enum check_result pingpong_check(const struct bench_run *run,
					struct bench_thread *const *threads, uint64_t total_ops,
					char *why, size_t whylen)
{
	struct pingpong_shared *s = run->shared;
	uint64_t turn = atomic_load_explicit(&s->turn, memory_order_relaxed), done = total_ops;
	for (int i = 0; i < run->nthreads; i++)
		done -= ((struct pingpong_thread *)threads[i]->local)->gave_up;
	if (turn == done)
		return CHECK_PASSED;
	snprintf(why, whylen, "turn is %" PRIu64 " after %" PRIu64 " handoffs", turn, done);
	return CHECK_FAILED;
}

/* One line passed back and forth: every transfer waits for the other side. */
static const struct contention_level pingpong_contention[] = {
	{ NULL, 0, 0, "high" },
	{ NULL, 0, 0, NULL },
};

const struct bench_ops pingpong_bench = {
	.name = "pingpong",
	.contention = pingpong_contention,
	.summary = "2 threads pass one cache line back and forth: ns/op is one transfer",
	.needs = NEEDS_NOTHING,
	.flags = BENCH_FLOOR_PROBE,
	.sweep_threads = "2",	/* exactly one pair */
	.op_kinds = pingpong_kinds,
	.params = pingpong_params,
	.nparams = ARRAY_SIZE(pingpong_params),
	.shared_size = sizeof(struct pingpong_shared),
	.thread_size = sizeof(struct pingpong_thread),
	.op = pingpong_op,
	.check = pingpong_check,
	.validate = pingpong_validate,
};
