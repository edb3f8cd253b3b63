/*
 * chan-select: Go's select statement on a channel primitive that has one
 * (chan_ops.select: gochan), in the two shapes Go programs use most.
 *
 * shape=fanin: `cases` channels of capacity `cap` (0: one per producer),
 * each fed by exactly one producer; thread 0 is the consumer, threads 1 ..
 * threads-1 the producers, producer p owning channels p-1, p-1+P, ... (P
 * producers).  With threads = cases + 1 each producer has one channel,
 * Go's K goroutines; on fewer threads a producer serves several, with a
 * select over a send case on each, so that it fills whichever has room
 * and the consumer's choices, not the producer's order, decide which
 * channel drains.  The consumer loops over
 *	select { case m = <-ch[0]: ... case m = <-ch[K-1]:
 *		 case reply <- r:	(in `mix`% of its selects, else a nil case)
 *		 case <-done: }
 * and the producers over
 *	select { case ch[own] <- m: ...  case r = <-reply:  case <-done: }
 * (the reply case nil when mix is 0), so with mix > 0 both directions are
 * measured in one select.  The `done` channel is the shutdown: the stop
 * hook closes it.  (A channel a select sends on is never closed: that is
 * Go's panic.)
 *
 * shape=quit: Go's shutdown idiom.  Thread 0 produces work items,
 *	select { case work <- item: case <-quit: }
 * and threads 1 .. threads-1, the M workers, loop over
 *	select { case item = <-work: case <-quit: }
 * until the stop hook closes quit.  Every parked worker waits on both
 * channels, so each item handed over costs a wake and the removal of the
 * worker's waiter from quit, under quit's lock, which all workers share.
 *
 * Figures.  One operation is one select on any thread, and its kind is
 * what it did: `recv` (the consumer or a worker took a message: its rate
 * is messages/s), `send` (a producer's message went out), `reply` (the
 * consumer's reply went out), `reply_recv` (a producer took a reply); the
 * one select per thread that takes the done case counts too.  Throughput
 * counts `recv` alone (counted_kinds): ops/s is messages/s.  Thread 0's
 * (fanin) or the workers' selects are timed, every sample_every-th, as
 * the kind they turned out to be (summary.acquire_latency.kinds.recv:
 * the select's own time, including any wait).  ns per select is the
 * window (wall_ns) over the consumer's own ops.  bench_stats (fanin):
 * case_jain, Jain's index over the consumer's receive counts per channel,
 * and case_max_min, the largest over the smallest (warmup included; 1
 * when every case was chosen alike); quit: worker_jain and
 * worker_max_min over the workers' receive counts.
 *
 * Checks.  A message is channel << 48 | sequence number on that channel:
 * the consumer must receive each channel's numbers as 0, 1, 2, ... with
 * no gap or repeat (one producer, one consumer, FIFO), and after the run
 * the messages left in the buffers continue them, up to exactly what the
 * channel's producer sent.  Replies, and quit's work items, numbered by
 * their one sender, must arrive exactly once in all (a count and a sum
 * of a 64-bit hash over all receivers and what is left), in increasing
 * order at each receiver.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../harness/compiler.h"
#include "../harness/stats.h"
#include "bench.h"

enum { CS_SHAPE, CS_CASES, CS_CAP, CS_MIX, CS_SAMPLE_EVERY };
enum { SHAPE_FANIN, SHAPE_QUIT };

#define CS_MAX_CASES 1024
#define CS_SEQ_BITS 48

static const char *const shape_names[] = { "fanin", "quit", NULL };

static const struct param_decl cs_params[] = {
	[CS_SHAPE] = { "shape", PARAM_CHOICE, SHAPE_FANIN, 0, 0, shape_names,
		       "fanin: one consumer selects over `cases` producers' channels; quit: "
		       "workers select over a work and a quit channel" },
	[CS_CASES] = { "cases", PARAM_INT, 0, 0, CS_MAX_CASES, NULL,
		       "fanin: message channels the consumer selects over (0: one per producer)" },
	[CS_CAP] = { "cap", PARAM_INT, 16, 0, 1 << 20, NULL,
		     "capacity of each message, reply or work channel (0: unbuffered)" },
	[CS_MIX] = { "mix", PARAM_INT, 0, 0, 100, NULL,
		     "fanin: % of the consumer's selects that also offer a send on the reply channel" },
	[CS_SAMPLE_EVERY] = { "sample_every", PARAM_INT, 16, 0, 1 << 30, NULL,
			      "time every Nth select of the consumer or a worker (1: all, 0: none)" },
};

static const char *const cs_kinds[] = { "recv", "send", "reply", "reply_recv", NULL };
enum { KIND_RECV, KIND_SEND, KIND_REPLY, KIND_REPLY_RECV };

/* Written at setup only: the channels' own state lives elsewhere. */
struct cs_shared {
	_Alignas(CACHELINE) void *done;	/* fanin: done; quit: quit.  Closed by the stop hook */
	void *reply;			/* fanin with mix > 0 */
	void *work;			/* quit */
	int nchans;
	void *ch[CS_MAX_CASES];		/* fanin's message channels */
};

/* One thread's select and what it has done; cases[] point into elem[]. */
struct cs_thread {
	int ncases;		/* 0: cases not built yet */
	uint64_t selects;	/* the consumer's, for mix */
	uint64_t replies_sent;	/* the consumer's */
	uint64_t got, got_hash;	/* replies or work items received, and their hash sum */
	uint64_t last;		/* the last work item or reply + 1 (0: none yet) */
	uint64_t bad;		/* messages out of order, foreign, or closed */
	uint64_t seq[CS_MAX_CASES];	/* consumer: next per channel; producer: sent per own case */
	uint64_t elem[CS_MAX_CASES + 2];
	struct chan_case cases[CS_MAX_CASES + 2];
};

static int producers_of(int threads)
{
	return threads - 1;
}

static int chans_of(const int64_t *params, int threads)
{
	return params[CS_CASES] ? (int)params[CS_CASES] : producers_of(threads);
}

static int cs_validate(const int64_t *params, int threads, char *why, size_t whylen)
{
	if (threads < 2 || threads > CS_MAX_CASES + 1) {
		snprintf(why, whylen, "chan-select runs 2 to %d threads, not %d", CS_MAX_CASES + 1,
			 threads);
		return -1;
	}
	if (params[CS_SHAPE] == SHAPE_QUIT) {
		if (params[CS_CASES] == 0 && params[CS_MIX] == 0)
			return 0;
		snprintf(why, whylen, "chan-select shape=quit selects over one work and one quit "
			 "channel: cases and mix are for shape=fanin (accepted: cases=0 mix=0)");
		return -1;
	}
	int p = producers_of(threads), k = chans_of(params, threads);
	if (k >= p && k <= CS_MAX_CASES)
		return 0;
	snprintf(why, whylen, "chan-select: cases=%d: --threads %d has %d producers, each owning "
		 "a channel or more (accepted: cases=0, one each, or %d to %d)", k, threads, p, p,
		 CS_MAX_CASES);
	return -1;
}

static int cs_setup(const struct bench_run *run, char *why, size_t whylen)
{
	struct cs_shared *s = run->shared;
	size_t cap = (size_t)run->params[CS_CAP];
	bool ok = (s->done = chan_create(run->prim, run->prim_params, sizeof(uint64_t), 0));

	if (run->params[CS_SHAPE] == SHAPE_QUIT) {
		ok &= (s->work = chan_create(run->prim, run->prim_params, sizeof(uint64_t), cap)) != 0;
	} else {
		s->nchans = chans_of(run->params, run->nthreads);
		for (int j = 0; j < s->nchans; j++)
			ok &= (s->ch[j] = chan_create(run->prim, run->prim_params, sizeof(uint64_t),
						      cap)) != 0;
		if (run->params[CS_MIX])
			ok &= (s->reply = chan_create(run->prim, run->prim_params, sizeof(uint64_t),
						      cap)) != 0;
	}
	if (ok)
		return 0;
	snprintf(why, whylen, "%s: cannot create a channel of capacity %zu", run->prim->name, cap);
	return -1;
}

static void cs_teardown(const struct bench_run *run)
{
	struct cs_shared *s = run->shared;
	chan_free(run->prim, s->done);
	chan_free(run->prim, s->reply);
	chan_free(run->prim, s->work);
	for (int j = 0; j < s->nchans; j++)
		chan_free(run->prim, s->ch[j]);
}

/* Every select has a receive on done: closing it releases every thread, and nobody sends on it. */
static void cs_stop(const struct bench_run *run)
{
	struct cs_shared *s = run->shared;
	run->prim->chan->close(s->done);
}

/* splitmix64's finaliser: the per-message term of the exactly-once sums. */
static uint64_t mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

static uint64_t header(int chan, uint64_t seq)
{
	return (uint64_t)chan << CS_SEQ_BITS | seq;
}

static void set_case(struct cs_thread *me, int i, void *ch, enum chan_dir dir)
{
	me->cases[i] = (struct chan_case){ ch, dir, &me->elem[i] };
}

/*
 * The cases of thread t's select, built on its first operation: its own
 * channels, then done, then the reply case (switched on per select, or
 * nil for good when mix is 0).
 */
static void build_cases(const struct bench_run *run, const struct bench_thread *t,
			struct cs_thread *me)
{
	const struct cs_shared *s = run->shared;
	int n = 0;
	if (run->params[CS_SHAPE] == SHAPE_QUIT) {
		set_case(me, n++, s->work, t->id == 0 ? CHAN_SEND : CHAN_RECV);
	} else if (t->id == 0) {
		for (int j = 0; j < s->nchans; j++)
			set_case(me, n++, s->ch[j], CHAN_RECV);
	} else {
		int p = producers_of(run->nthreads);
		for (int j = t->id - 1; j < s->nchans; j += p, n++) {
			set_case(me, n, s->ch[j], CHAN_SEND);
			me->elem[n] = header(j, 0);
		}
	}
	set_case(me, n++, s->done, CHAN_RECV);
	set_case(me, n++, t->id == 0 ? NULL : s->reply, t->id == 0 ? CHAN_SEND : CHAN_RECV);
	me->ncases = n;
}

/* Whether the consumer's n-th select offers a reply: mix% of them, evenly spread. */
static bool offers_reply(uint64_t n, int64_t mix)
{
	return (n + 1) * (uint64_t)mix / 100 != n * (uint64_t)mix / 100;
}

/* A reply or work item numbered seq arrived: once each, in increasing order at this thread. */
static void note_numbered(struct cs_thread *me, uint64_t seq)
{
	me->bad += seq < me->last;
	me->last = seq + 1;
	me->got++;
	me->got_hash += mix64(seq);
}

static unsigned consumer_op(const struct bench_run *run, struct bench_thread *t,
			    struct cs_thread *me)
{
	const struct cs_shared *s = run->shared;
	int k = s->nchans;
	bool ok = false;

	if (run->params[CS_MIX] && offers_reply(me->selects++, run->params[CS_MIX])) {
		me->cases[k + 1].ch = s->reply;
		me->elem[k + 1] = me->replies_sent;
	} else {
		me->cases[k + 1].ch = NULL;
	}
	uint64_t t0 = latency_begin(&t->lat, run->params[CS_SAMPLE_EVERY]);
	int i = run->prim->chan->select(me->cases, me->ncases, true, &ok);
	unsigned kind = i == k + 1 ? KIND_REPLY : KIND_RECV;
	latency_end(&t->lat, t0, latency_stamp(t0), kind);
	if (i == k + 1) {
		me->replies_sent++;
	} else if (i < k) {
		me->bad += !ok || me->elem[i] != header(i, me->seq[i]);
		me->seq[i]++;
	}
	return kind;
}

static unsigned producer_op(const struct bench_run *run, struct cs_thread *me)
{
	int own = me->ncases - 2;
	bool ok = false;
	int i = run->prim->chan->select(me->cases, me->ncases, true, &ok);
	if (i == own + 1) {
		if (ok)
			note_numbered(me, me->elem[i]);
		return KIND_REPLY_RECV;
	}
	if (i < own) {
		int chan = (int)(me->elem[i] >> CS_SEQ_BITS);
		me->elem[i] = header(chan, ++me->seq[i]);
	}
	return KIND_SEND;
}

static unsigned quit_op(const struct bench_run *run, struct bench_thread *t, struct cs_thread *me)
{
	bool ok = false;
	if (t->id == 0) {
		if (run->prim->chan->select(me->cases, me->ncases, true, &ok) == 0)
			me->elem[0] = ++me->seq[0];
		return KIND_SEND;
	}
	uint64_t t0 = latency_begin(&t->lat, run->params[CS_SAMPLE_EVERY]);
	int i = run->prim->chan->select(me->cases, me->ncases, true, &ok);
	latency_end(&t->lat, t0, latency_stamp(t0), KIND_RECV);
	if (i == 0) {
		me->bad += !ok;
		note_numbered(me, me->elem[0]);
	}
	return KIND_RECV;
}

static unsigned cs_op(const struct bench_run *run, struct bench_thread *t)
{
	struct cs_thread *me = t->local;
	if (unlikely(me->ncases == 0))
		build_cases(run, t, me);
	if (run->params[CS_SHAPE] == SHAPE_QUIT)
		return quit_op(run, t, me);
	return t->id == 0 ? consumer_op(run, t, me) : producer_op(run, me);
}

static struct cs_thread *local(struct bench_thread *const *threads, int i)
{
	return threads[i]->local;
}

/* The receivers (threads 1 ..) plus what is left in ch got each of sent numbered items once. */
static bool numbered_once(const struct bench_run *run, struct bench_thread *const *threads,
			  void *ch, uint64_t sent)
{
	struct cs_thread left = { 0 };
	uint64_t v, got, hash, want = 0;

	while (ch && run->prim->chan->try_recv(ch, &v) == CHAN_OK)
		note_numbered(&left, v);
	got = left.got, hash = left.got_hash;
	for (int i = 1; i < run->nthreads; i++)
		got += local(threads, i)->got, hash += local(threads, i)->got_hash;
	for (uint64_t q = 0; q < sent; q++)
		want += mix64(q);
	return got == sent && hash == want;
}

/* Every channel's messages: those received, then those left, are 0 .. sent-1 in order. */
static bool fanin_once(const struct bench_run *run, struct bench_thread *const *threads,
		       char *why, size_t whylen)
{
	const struct cs_shared *s = run->shared;
	struct cs_thread *consumer = local(threads, 0);
	int p = producers_of(run->nthreads);
	uint64_t v;

	for (int j = 0; j < s->nchans; j++) {
		uint64_t next = consumer->seq[j], sent = local(threads, 1 + j % p)->seq[j / p];
		while (run->prim->chan->try_recv(s->ch[j], &v) == CHAN_OK) {
			if (v != header(j, next)) {
				snprintf(why, whylen, "channel %d: message %" PRIu64 " left in its buffer "
					 "holds %#" PRIx64, j, next, v);
				return false;
			}
			next++;
		}
		if (next != sent) {
			snprintf(why, whylen, "channel %d: its producer sent %" PRIu64 " messages, %"
				 PRIu64 " arrived", j, sent, next);
			return false;
		}
	}
	return true;
}

static enum check_result cs_check(const struct bench_run *run, struct bench_thread *const *threads,
				  uint64_t total_ops, char *why, size_t whylen)
{
	(void)total_ops;
	const struct cs_shared *s = run->shared;
	uint64_t bad = 0;
	bool quit = run->params[CS_SHAPE] == SHAPE_QUIT;

	for (int i = 0; i < run->nthreads; i++)
		bad += local(threads, i)->bad;
	if (bad) {
		snprintf(why, whylen, "%" PRIu64 " messages arrived out of order, foreign or closed",
			 bad);
		return CHECK_FAILED;
	}
	if (quit && !numbered_once(run, threads, s->work, local(threads, 0)->seq[0])) {
		snprintf(why, whylen, "the %" PRIu64 " work items sent did not arrive exactly once",
			 local(threads, 0)->seq[0]);
		return CHECK_FAILED;
	}
	if (!quit && !fanin_once(run, threads, why, whylen))
		return CHECK_FAILED;
	if (!quit && !numbered_once(run, threads, s->reply, local(threads, 0)->replies_sent)) {
		snprintf(why, whylen, "the %" PRIu64 " replies sent did not arrive exactly once",
			 local(threads, 0)->replies_sent);
		return CHECK_FAILED;
	}
	return CHECK_PASSED;
}

static void cs_stats(const struct bench_run *run, struct bench_thread *const *threads,
		     stat_emit_fn *emit, void *sink)
{
	const struct cs_shared *s = run->shared;
	uint64_t count[CS_MAX_CASES];
	if (run->params[CS_SHAPE] == SHAPE_QUIT) {
		int m = run->nthreads - 1;
		for (int i = 0; i < m; i++)
			count[i] = local(threads, i + 1)->got;
		emit(sink, "worker_jain", jain_index(count, (size_t)m));
		emit(sink, "worker_max_min", max_min_ratio(count, (size_t)m));
		return;
	}
	emit(sink, "case_jain", jain_index(local(threads, 0)->seq, (size_t)s->nchans));
	emit(sink, "case_max_min", max_min_ratio(local(threads, 0)->seq, (size_t)s->nchans));
}

/* By capacity, as chan-prodcons. */
static const struct contention_level cs_contention[] = {
	{ "cap", 0, 0, "high" },
	{ "cap", 1, 15, "medium" },
	{ "cap", 16, INT64_MAX, "low" },
	{ NULL, 0, 0, NULL },
};

const struct bench_ops chan_select_bench = {
	.name = "chan-select",
	.contention = cs_contention,
	.summary = "Go's select: fan-in of `cases` channels (mix: reply sends) or workers on work "
		   "+ quit: messages/s, ns per select, case fairness, exactly-once checked",
	.needs = NEEDS_CHAN_SELECT,
	.sweep_threads = "2",
	.sweep_sets = "cases=1,4,64",
	.sweep_sets_full = "cases=1,2,4,16,64 mix=0,50",
	.op_kinds = cs_kinds,
	.counted_kinds = 1u << KIND_RECV,
	.params = cs_params,
	.nparams = ARRAY_SIZE(cs_params),
	.shared_size = sizeof(struct cs_shared),
	.thread_size = sizeof(struct cs_thread),
	.op = cs_op,
	.check = cs_check,
	.stats = cs_stats,
	.validate = cs_validate,
	.setup = cs_setup,
	.teardown = cs_teardown,
	.stop = cs_stop,
};
