/*
 * chan-pingpong: two threads bounce a value over two channels of
 * capacity `cap`, Go's BenchmarkChanSync on threads.
 *
 * Thread 0 sends a counter on ping and waits for it on pong: one
 * operation of kind `round_trip`; thread 1 receives on ping and sends it
 * back on pong: one of kind `echo`.  Throughput counts round trips only
 * (counted_kinds), so ops/s is round trips per second and ns/op the time
 * of one round trip.  Thread 0 times every sample_every-th round trip,
 * from before its send to after its receive
 * (summary.acquire_latency.kinds.round_trip: median and p99).
 *
 * With cap 0 both legs are rendezvous; with cap 1 a send never waits, and
 * each round trip is two buffered handoffs.  On threads, a leg that finds
 * its peer asleep costs a futex wake (about 30 us on these VMs): only the
 * channel's `spin` parameter, where it has one, keeps the peer awake.
 *
 * The stop hook closes both channels, which releases whichever thread is
 * blocked.  Check: every value came back unchanged and in order.
 */
#include <inttypes.h>
#include <stdio.h>

#include "../harness/compiler.h"
#include "bench.h"

enum { CPP_CAP, CPP_SAMPLE_EVERY };

/*
 * A round trip costs hundreds of ns at best (spinning channels) and tens
 * of us with futex wakes: one clock pair in 16 is under 1% of either.
 */
#define CPP_SAMPLE_DEFAULT 16

static const struct param_decl cpp_params[] = {
	[CPP_CAP] = { "cap", PARAM_INT, 0, 0, 1 << 20, NULL,
		      "capacity of each channel (0: unbuffered)" },
	[CPP_SAMPLE_EVERY] = { "sample_every", PARAM_INT, CPP_SAMPLE_DEFAULT, 0, 1 << 30, NULL,
			       "time every Nth round trip of thread 0 (1: all, 0: none)" },
};

enum { KIND_ROUND_TRIP, KIND_ECHO };
static const char *const cpp_kinds[] = { [KIND_ROUND_TRIP] = "round_trip", [KIND_ECHO] = "echo",
					 NULL };

/* Written at setup only: the channels' own state lives elsewhere. */
struct cpp_shared {
	_Alignas(CACHELINE) void *ping, *pong;
};

struct cpp_thread {
	uint64_t sent;		/* thread 0: round trips begun */
	uint64_t bad;		/* thread 0: values that came back wrong */
};

static int cpp_validate(const int64_t *params, int threads, char *why, size_t whylen)
{
	(void)params;
	if (threads == 2)
		return 0;
	snprintf(why, whylen, "chan-pingpong runs exactly 2 threads, not %d (accepted: --threads 2)",
		 threads);
	return -1;
}

static int cpp_setup(const struct bench_run *run, char *why, size_t whylen)
{
	struct cpp_shared *s = run->shared;
	size_t cap = (size_t)run->params[CPP_CAP];
	s->ping = chan_create(run->prim, run->prim_params, sizeof(uint64_t), cap);
	s->pong = chan_create(run->prim, run->prim_params, sizeof(uint64_t), cap);
	if (s->ping && s->pong)
		return 0;
	snprintf(why, whylen, "%s: cannot create a channel of capacity %zu", run->prim->name, cap);
	return -1;
}

static void cpp_teardown(const struct bench_run *run)
{
	struct cpp_shared *s = run->shared;
	chan_free(run->prim, s->ping);
	chan_free(run->prim, s->pong);
}

static void cpp_stop(const struct bench_run *run)
{
	struct cpp_shared *s = run->shared;
	run->prim->chan->close(s->ping);
	run->prim->chan->close(s->pong);
}

static unsigned cpp_op(const struct bench_run *run, struct bench_thread *t)
{
	const struct chan_ops *ch = run->prim->chan;
	struct cpp_shared *s = run->shared;
	struct cpp_thread *me = t->local;
	uint64_t v;

	if (t->id == 1) {
		if (ch->recv(s->ping, &v) == CHAN_OK)
			ch->send(s->pong, &v);
		return KIND_ECHO;
	}
	uint64_t start = latency_begin(&t->lat, run->params[CPP_SAMPLE_EVERY]);
	uint64_t out = ++me->sent;
	if (ch->send(s->ping, &out) != CHAN_OK || ch->recv(s->pong, &v) != CHAN_OK)
		return KIND_ROUND_TRIP;	/* closed at the stop */
	latency_end(&t->lat, start, latency_stamp(start), KIND_ROUND_TRIP);
	me->bad += v != out;
	return KIND_ROUND_TRIP;
}

static enum check_result cpp_check(const struct bench_run *run, struct bench_thread *const *threads,
				   uint64_t total_ops, char *why, size_t whylen)
{
	(void)run, (void)total_ops;
	struct cpp_thread *t0 = threads[0]->local;
	if (t0->bad == 0)
		return CHECK_PASSED;
	snprintf(why, whylen, "%" PRIu64 " of %" PRIu64 " values came back changed or out of order",
		 t0->bad, t0->sent);
	return CHECK_FAILED;
}

/* Unbuffered: every send waits for the receiver to arrive. */
static const struct contention_level cpp_contention[] = {
	{ "cap", 0, 0, "high" },
	{ "cap", 1, INT64_MAX, "low" },
	{ NULL, 0, 0, NULL },
};

const struct bench_ops chan_pingpong_bench = {
	.name = "chan-pingpong",
	.contention = cpp_contention,
	.summary = "2 threads bounce a value over two channels: ops are round trips",
	.needs = NEEDS_CHAN,
	.sweep_threads = "2",
	.sweep_sets = "cap=0,1 spin=0,2000 mode=threads,goroutines",
	.op_kinds = cpp_kinds,
	.counted_kinds = 1u << KIND_ROUND_TRIP,
	.params = cpp_params,
	.nparams = ARRAY_SIZE(cpp_params),
	.shared_size = sizeof(struct cpp_shared),
	.thread_size = sizeof(struct cpp_thread),
	.op = cpp_op,
	.check = cpp_check,
	.validate = cpp_validate,
	.setup = cpp_setup,
	.teardown = cpp_teardown,
	.stop = cpp_stop,
};
