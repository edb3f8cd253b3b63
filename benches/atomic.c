/*
 * atomic: what one atomic operation costs, alone and contended.
 *
 * Every thread repeats one operation on a 64-bit word:
 *   load   atomic load
 *   store  atomic store of a fresh value
 *   xchg   atomic exchange
 *   faa    fetch-and-add 1
 *   cas    load, then compare-and-swap old -> old+1, retried until it
 *          succeeds (one operation is one successful increment; the
 *          failed attempts per success are reported as a stat)
 *   fence  relaxed store; standalone fence; relaxed store
 * with the memory order `order` (only the orders C11 allows for the op:
 * a load cannot release, a store cannot acquire, a fence must order
 * something; other pairs are refused before anything runs).
 *
 * `layout` says whose word it is:
 *   shared  all threads on one word: the line moves on every write
 *   padded  each thread its own word on its own CACHELINE (per-thread state)
 *   packed  each thread its own word, all in one 64-byte line: no data
 *           is shared, yet the line moves as if it were (false sharing)
 * packed vs padded at 2 threads on 2 cores is the locality lesson.
 *
 * Check: faa and cas add 1 per operation, so the words sum to the
 * operation count; xchg conserves what it moves, so each thread's
 * written-minus-returned tally sums to the words' final values.  load,
 * store and fence leave nothing to check (skipped).
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>

#include "../harness/compiler.h"
#include "bench.h"

enum { ATOMIC_OP, ATOMIC_ORDER, ATOMIC_LAYOUT };
enum atomic_op { OP_LOAD, OP_STORE, OP_XCHG, OP_FAA, OP_CAS, OP_FENCE };
enum atomic_layout { LAYOUT_SHARED, LAYOUT_PADDED, LAYOUT_PACKED };

static const char *const op_names[] = { "load", "store", "xchg", "faa", "cas", "fence", NULL };
static const char *const order_names[] = { "relaxed", "acquire", "release", "acq_rel",
					   "seq_cst", NULL };
static const char *const layout_names[] = { "shared", "padded", "packed", NULL };

/* In the order of order_names. */
static const memory_order orders[] = { memory_order_relaxed, memory_order_acquire,
				       memory_order_release, memory_order_acq_rel,
				       memory_order_seq_cst };

static const struct param_decl atomic_params[] = {
	[ATOMIC_OP] = { "op", PARAM_CHOICE, OP_FAA, 0, 0, op_names,
			"the operation every thread repeats" },
	[ATOMIC_ORDER] = { "order", PARAM_CHOICE, 4, 0, 0, order_names,
			   "its memory order (only those C11 allows for op)" },
	[ATOMIC_LAYOUT] = { "layout", PARAM_CHOICE, LAYOUT_SHARED, 0, 0, layout_names,
			    "shared: one word; padded: a line each; packed: a word each, one line" },
};

/*
 * Packed words share one 64-byte line, the unit of coherence on every
 * x86 and most Arm cores, whatever CACHELINE pads to: two of them in one
 * CACHELINE of 128 bytes would be two lines, and half the threads would
 * not share at all.
 */
#define PACKED_WORDS (COHERENCE_LINE / sizeof(uint64_t))

struct atomic_shared {
	_Alignas(CACHELINE) atomic_uint_least64_t word;
	/* On a line of its own, starting at a coherence line even if CACHELINE is smaller. */
	_Alignas(CACHELINE > COHERENCE_LINE ? CACHELINE : COHERENCE_LINE)
	atomic_uint_least64_t packed[PACKED_WORDS];
};

static_assert(sizeof(((struct atomic_shared *)0)->packed) == COHERENCE_LINE,
	      "the packed words fill exactly one coherence line");

/* Per thread, on the thread's own lines: the padded word and the tallies. */
struct atomic_thread {
	atomic_uint_least64_t word;
	uint64_t writes;	/* values stored, for distinct xchg values */
	uint64_t xchg_tally;	/* sum written - sum returned, mod 2^64 */
	uint64_t cas_failures;
};

/* Bit i: order i is allowed for the op (C11 7.17.7, 7.17.4). */
static const unsigned valid_orders[] = {
	[OP_LOAD] = 1u << 0 | 1u << 1 | 1u << 4,
	[OP_STORE] = 1u << 0 | 1u << 2 | 1u << 4,
	[OP_XCHG] = 0x1f, [OP_FAA] = 0x1f, [OP_CAS] = 0x1f,
	[OP_FENCE] = 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4,	/* a relaxed fence is no fence */
};

static int atomic_validate(const int64_t *p, int threads, char *why, size_t whylen)
{
	unsigned ok = valid_orders[p[ATOMIC_OP]];
	if (p[ATOMIC_LAYOUT] == LAYOUT_PACKED && threads > (int)PACKED_WORDS) {
		snprintf(why, whylen, "layout=packed fits %zu threads in one line, not %d",
			 PACKED_WORDS, threads);
		return -1;
	}
	if (ok & (1u << p[ATOMIC_ORDER]))
		return 0;
	size_t used = (size_t)snprintf(why, whylen, "op=%s cannot have order=%s (accepted:",
				       op_names[p[ATOMIC_OP]], order_names[p[ATOMIC_ORDER]]);
	const char *sep = " ";
	for (int i = 0; order_names[i] && used < whylen; i++) {
		if (ok & (1u << i)) {
			used += (size_t)snprintf(why + used, whylen - used, "%s%s", sep, order_names[i]);
			sep = ", ";
		}
	}
	if (used < whylen)
		snprintf(why + used, whylen - used, ")");
	return -1;
}

static atomic_uint_least64_t *my_word(const struct bench_run *run, struct bench_thread *t)
{
	struct atomic_shared *s = run->shared;
	struct atomic_thread *me = t->local;
	switch (run->params[ATOMIC_LAYOUT]) {
	case LAYOUT_PADDED: return &me->word;
	case LAYOUT_PACKED: return &s->packed[t->id];
	default: return &s->word;
	}
}

/* A compare-and-swap's failure order may not release (C11 7.17.7.4). */
static memory_order failure_order(memory_order o)
{
	return o == memory_order_acq_rel ? memory_order_acquire
	       : o == memory_order_release ? memory_order_relaxed : o;
}

static void cas_increment(atomic_uint_least64_t *w, memory_order o, struct atomic_thread *me)
{
	uint64_t old = atomic_load_explicit(w, memory_order_relaxed);
	/* A failed CAS reloads old, so the loop needs no second load. */
	while (!atomic_compare_exchange_weak_explicit(w, &old, old + 1, o, failure_order(o)))
		me->cas_failures++;
}

/*
 * The value a thread stores: its id in the low bits, so that xchg moves
 * values that differ; nothing reads this back but check().
 */
static uint64_t next_value(struct atomic_thread *me, int id)
{
	return ++me->writes << 10 | (uint64_t)id;
}

static unsigned atomic_op(const struct bench_run *run, struct bench_thread *t)
{
	struct atomic_thread *me = t->local;
	atomic_uint_least64_t *w = my_word(run, t);
	memory_order o = orders[run->params[ATOMIC_ORDER]];
	uint64_t v;

	switch (run->params[ATOMIC_OP]) {
	case OP_LOAD:
		v = atomic_load_explicit(w, o);
		__asm__ __volatile__("" : : "r"(v));	/* the load must happen */
		break;
	case OP_STORE:
		atomic_store_explicit(w, next_value(me, t->id), o);
		break;
	case OP_XCHG:
		v = next_value(me, t->id);
		me->xchg_tally += v - atomic_exchange_explicit(w, v, o);
		break;
	case OP_FAA:
		atomic_fetch_add_explicit(w, 1, o);
		break;
	case OP_CAS:
		cas_increment(w, o, me);
		break;
	case OP_FENCE:
		atomic_store_explicit(w, 1, memory_order_relaxed);
		atomic_thread_fence(o);
		atomic_store_explicit(w, 2, memory_order_relaxed);
		break;
	}
	return 0;
}

/* The sum of the words the threads used, each counted once. */
static uint64_t words_sum(const struct bench_run *run, struct bench_thread *const *threads)
{
	struct atomic_shared *s = run->shared;
	uint64_t sum = 0;
	if (run->params[ATOMIC_LAYOUT] == LAYOUT_SHARED)
		return atomic_load_explicit(&s->word, memory_order_relaxed);
	for (int i = 0; i < run->nthreads; i++)
		sum += atomic_load_explicit(my_word(run, threads[i]), memory_order_relaxed);
	return sum;
}

static enum check_result atomic_check(const struct bench_run *run,
				      struct bench_thread *const *threads, uint64_t total_ops,
				      char *why, size_t whylen)
{
	int64_t op = run->params[ATOMIC_OP];
	uint64_t sum = words_sum(run, threads), expected = total_ops;

	if (op != OP_FAA && op != OP_CAS && op != OP_XCHG) {
		snprintf(why, whylen, "op=%s leaves no state to check", op_names[op]);
		return CHECK_SKIPPED;
	}
	if (op == OP_XCHG) {
		expected = 0;
		for (int i = 0; i < run->nthreads; i++)
			expected += ((struct atomic_thread *)threads[i]->local)->xchg_tally;
	}
	if (sum == expected)
		return CHECK_PASSED;
	snprintf(why, whylen, "the words hold %" PRIu64 ", expected %" PRIu64 ": an %s was lost",
		 sum, expected, op_names[op]);
	return CHECK_FAILED;
}

/* cas only: failed compare-and-swaps per successful one, warmup included. */
static void atomic_stats(const struct bench_run *run, struct bench_thread *const *threads,
			 stat_emit_fn *emit, void *sink)
{
	uint64_t failures = 0;
	if (run->params[ATOMIC_OP] != OP_CAS)
		return;
	for (int i = 0; i < run->nthreads; i++)
		failures += ((struct atomic_thread *)threads[i]->local)->cas_failures;
	emit(sink, "cas_failures_per_success", (double)failures / (double)words_sum(run, threads));
}

/* One word for all, a word each on one line (false sharing), a line each. */
static const struct contention_level atomic_contention[] = {
	{ "layout", LAYOUT_SHARED, LAYOUT_SHARED, "high" },
	{ "layout", LAYOUT_PACKED, LAYOUT_PACKED, "false-sharing" },
	{ "layout", LAYOUT_PADDED, LAYOUT_PADDED, "none" },
	{ NULL, 0, 0, NULL },
};

const struct bench_ops atomic_bench = {
	.name = "atomic",
	.contention = atomic_contention,
	.summary = "every thread repeats one atomic op (order, layout) on a word",
	.needs = NEEDS_NOTHING,
	/* The locality lesson: one word shared, one each padded, one each packed. */
	.sweep_sets = "op=faa,cas layout=shared,padded,packed",
	.sweep_sets_full = "op=load,store,xchg,faa,cas layout=shared,padded,packed",
	.params = atomic_params,
	.nparams = ARRAY_SIZE(atomic_params),
	.shared_size = sizeof(struct atomic_shared),
	.thread_size = sizeof(struct atomic_thread),
	.op = atomic_op,
	.check = atomic_check,
	.stats = atomic_stats,
	.validate = atomic_validate,
};
