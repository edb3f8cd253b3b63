/*
 * chan-prodcons: `producers` threads send on one channel of capacity
 * `cap`, `consumers` threads receive from it (Go's BenchmarkChanProdCons
 * on threads).  Threads 0 .. producers-1 produce, the rest consume; by
 * default the threads split in half (producers first).
 *
 * Each element is elem_bytes long and starts with a 64-bit header:
 * producer << 48 | sequence number.  A producer's sequence numbers count
 * its successful sends.  Every consumer checks, per producer, that the
 * numbers it receives strictly increase (the channel is FIFO), and keeps
 * per producer a count and a sum of a 64-bit hash of the headers.
 *
 * Operations have two kinds, `send` and `recv`.  Throughput counts
 * messages received (counted_kinds): ops/s is messages/s, ns/op the time
 * per message delivered; summary.ops_per_sec_by_kind has both rates.
 *
 * The stop hook closes the channel: blocked producers fail (their
 * message was never sent), blocked consumers drain and leave.  check()
 * drains what is left in the buffer as one more consumer, then requires,
 * for every producer, count == messages sent and hash sum == the sum over
 * sequence numbers 0 .. sent-1: a lost or duplicated message changes
 * both except with probability 2^-64, a reordering fails the increasing
 * check.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../harness/compiler.h"
#include "bench.h"

enum { PC_CAP, PC_ELEM_BYTES, PC_PRODUCERS, PC_CONSUMERS };

#define PC_MAX_SIDE 64
#define PC_MAX_ELEM 4096
#define PC_SEQ_BITS 48

static const struct param_decl pc_params[] = {
	[PC_CAP] = { "cap", PARAM_INT, 16, 0, 1 << 20, NULL,
		     "channel capacity (0: unbuffered)" },
	[PC_ELEM_BYTES] = { "elem_bytes", PARAM_INT, 8, 8, PC_MAX_ELEM, NULL,
			    "bytes per element (8 hold the producer and sequence number)" },
	[PC_PRODUCERS] = { "producers", PARAM_INT, 0, 0, PC_MAX_SIDE, NULL,
			   "producing threads (0: half the threads)" },
	[PC_CONSUMERS] = { "consumers", PARAM_INT, 0, 0, PC_MAX_SIDE, NULL,
			   "consuming threads (0: the threads the producers leave)" },
};

static const char *const pc_kinds[] = { "send", "recv", NULL };
enum { KIND_SEND, KIND_RECV };

struct pc_shared {
	_Alignas(CACHELINE) void *ch;	/* written at setup only */
};

/* One consumer's record of what it received, per producer. */
struct pc_seen {
	uint64_t next_min[PC_MAX_SIDE];	/* lowest sequence number still acceptable */
	uint64_t count[PC_MAX_SIDE];
	uint64_t hash[PC_MAX_SIDE];
	uint64_t bad;			/* foreign producer, or order broken */
};

struct pc_thread {
	uint64_t sent;			/* producer: successful sends */
	struct pc_seen seen;		/* consumer */
	unsigned char msg[PC_MAX_ELEM];
};

static int producers_of(const int64_t *params, int threads)
{
	if (params[PC_PRODUCERS])
		return (int)params[PC_PRODUCERS];
	if (params[PC_CONSUMERS])
		return threads - (int)params[PC_CONSUMERS];
	return threads / 2;
}

static int pc_validate(const int64_t *params, int threads, char *why, size_t whylen)
{
	int p = producers_of(params, threads), c = threads - p;
	if (threads >= 2 && p >= 1 && c >= 1 && p <= PC_MAX_SIDE && c <= PC_MAX_SIDE &&
	    (!params[PC_CONSUMERS] || params[PC_CONSUMERS] == c))
		return 0;
	snprintf(why, whylen, "chan-prodcons: producers (%" PRId64 ") + consumers (%" PRId64
		 ") must equal --threads %d, each side 1 to %d (0: split the threads evenly)",
		 params[PC_PRODUCERS], params[PC_CONSUMERS], threads, PC_MAX_SIDE);
	return -1;
}

static int pc_setup(const struct bench_run *run, char *why, size_t whylen)
{
	struct pc_shared *s = run->shared;
	size_t cap = (size_t)run->params[PC_CAP];
	s->ch = chan_create(run->prim, run->prim_params, (size_t)run->params[PC_ELEM_BYTES], cap);
	if (s->ch)
		return 0;
	snprintf(why, whylen, "%s: cannot create a channel of capacity %zu", run->prim->name, cap);
	return -1;
}

static void pc_teardown(const struct bench_run *run)
{
	struct pc_shared *s = run->shared;
	chan_free(run->prim, s->ch);
}

static void pc_stop(const struct bench_run *run)
{
	struct pc_shared *s = run->shared;
	run->prim->chan->close(s->ch);
}

/* splitmix64's finaliser: the per-message term of the exactly-once sum. */
static uint64_t mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

static void account(struct pc_seen *seen, uint64_t header, int producers)
{
	uint64_t p = header >> PC_SEQ_BITS, seq = header & ((1ull << PC_SEQ_BITS) - 1);
	if (p >= (uint64_t)producers || seq < seen->next_min[p]) {
		seen->bad++;
		return;
	}
	seen->next_min[p] = seq + 1;
	seen->count[p]++;
	seen->hash[p] += mix(header);
}

static unsigned pc_op(const struct bench_run *run, struct bench_thread *t)
{
	const struct chan_ops *ch = run->prim->chan;
	struct pc_shared *s = run->shared;
	struct pc_thread *me = t->local;
	int producers = producers_of(run->params, run->nthreads);
	uint64_t header;

	if (t->id < producers) {
		header = (uint64_t)t->id << PC_SEQ_BITS | me->sent;
		memcpy(me->msg, &header, sizeof(header));
		if (ch->send(s->ch, me->msg) == CHAN_OK)
			me->sent++;
		return KIND_SEND;
	}
	if (ch->recv(s->ch, me->msg) == CHAN_OK) {
		memcpy(&header, me->msg, sizeof(header));
		account(&me->seen, header, producers);
	}
	return KIND_RECV;
}

static enum check_result pc_check(const struct bench_run *run, struct bench_thread *const *threads,
				  uint64_t total_ops, char *why, size_t whylen)
{
	(void)total_ops;
	struct pc_shared *s = run->shared;
	int producers = producers_of(run->params, run->nthreads);
	struct pc_seen left = { 0 };
	unsigned char msg[PC_MAX_ELEM];
	uint64_t header, bad;

	while (run->prim->chan->try_recv(s->ch, msg) == CHAN_OK) {
		memcpy(&header, msg, sizeof(header));
		account(&left, header, producers);
	}
	bad = left.bad;
	for (int c = producers; c < run->nthreads; c++)
		bad += ((struct pc_thread *)threads[c]->local)->seen.bad;
	for (int p = 0; p < producers && !bad; p++) {
		uint64_t sent = ((struct pc_thread *)threads[p]->local)->sent, count = left.count[p];
		uint64_t hash = left.hash[p], want = 0;
		for (int c = producers; c < run->nthreads; c++) {
			count += ((struct pc_thread *)threads[c]->local)->seen.count[p];
			hash += ((struct pc_thread *)threads[c]->local)->seen.hash[p];
		}
		for (uint64_t q = 0; q < sent; q++)
			want += mix((uint64_t)p << PC_SEQ_BITS | q);
		if (count != sent || hash != want) {
			snprintf(why, whylen, "producer %d sent %" PRIu64 " messages, %" PRIu64
				 " arrived%s", p, sent, count,
				 count == sent ? ", but not each exactly once" : "");
			return CHECK_FAILED;
		}
	}
	if (!bad)
		return CHECK_PASSED;
	snprintf(why, whylen, "%" PRIu64 " messages arrived out of order per producer, or from no producer",
		 bad);
	return CHECK_FAILED;
}

/* By capacity: a rendezvous per message, a few slots, room to run ahead. */
static const struct contention_level pc_contention[] = {
	{ "cap", 0, 0, "high" },
	{ "cap", 1, 15, "medium" },
	{ "cap", 16, INT64_MAX, "low" },
	{ NULL, 0, 0, NULL },
};

const struct bench_ops chan_prodcons_bench = {
	.name = "chan-prodcons",
	.contention = pc_contention,
	.summary = "producers x consumers over one channel: messages/s, exactly-once and order checked",
	.needs = NEEDS_CHAN,
	.sweep_threads = "2,4",		/* 1P1C, 2P2C */
	.sweep_sets = "cap=0,1,16,1024 mode=threads,goroutines",
	.op_kinds = pc_kinds,
	.counted_kinds = 1u << KIND_RECV,
	.params = pc_params,
	.nparams = ARRAY_SIZE(pc_params),
	.shared_size = sizeof(struct pc_shared),
	.thread_size = sizeof(struct pc_thread),
	.op = pc_op,
	.check = pc_check,
	.validate = pc_validate,
	.setup = pc_setup,
	.teardown = pc_teardown,
	.stop = pc_stop,
};
