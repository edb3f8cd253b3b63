/*
 * optimistic: pessimistic (a lock) vs optimistic (retry on conflict)
 * updates of shared state, at the contention `write_pct` and `window` set.
 *
 * shape=word: one 64-bit word, new = old + 1 where computing it costs
 * `window` work units between the read and the commit.
 *   strategy=cas   read; window; CAS old -> new; on failure start again
 *   strategy=lock  lock; read; window; write; unlock (the primitive)
 *   A read is one load (cas), or a load under rlock/lock.
 *
 * shape=record: `record_words` words that always sum to 0 (mod 2^64); a
 * write stores x into all but the last and -(words-1)*x into the last,
 * with `window` units half way, so a read that overlaps it sees a sum
 * other than 0.
 *   strategy=cas   a seqlock: the writer CASes the version from even to
 *                  odd (writers exclude each other through it), writes
 *                  (release stores), and releases version+2; a reader
 *                  reads the version, the words (acquire loads), `window`
 *                  units, and the version again, and retries if it was
 *                  odd or changed.
 *   strategy=lock  the record under the primitive: rlock for reads where
 *                  the primitive has it (an RW lock), else lock.
 *   version_check=off makes seqlock readers skip that validation.  It
 *   exists for the test that shows the validation is what keeps torn
 *   reads out: the invariant check then catches them.
 *
 * Every read checks the invariant; one torn read fails the run.  With
 * strategy=cas the configuration uses no primitive (the result's prim is
 * null), so one sweep can put cas next to every lock.  Reported per
 * repetition (warmup included): retries per write and per read, and the
 * most retries one operation needed.  Commits/s is the `write` kind's
 * ops/s.
 */
#include <assert.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "../harness/compiler.h"
#include "bench.h"

enum { OPT_SHAPE, OPT_STRATEGY, OPT_WINDOW, OPT_WRITE_PCT, OPT_RECORD_WORDS, OPT_VERSION_CHECK };
enum { SHAPE_WORD, SHAPE_RECORD };
enum { STRATEGY_CAS, STRATEGY_LOCK };

#define MAX_RECORD_WORDS 64

static const char *const shape_names[] = { "word", "record", NULL };
static const char *const strategy_names[] = { "cas", "lock", NULL };
static const char *const on_off[] = { "off", "on", NULL };

static const struct param_decl optimistic_params[] = {
	[OPT_SHAPE] = { "shape", PARAM_CHOICE, SHAPE_WORD, 0, 0, shape_names,
			"word: one counter; record: words that must stay consistent" },
	[OPT_STRATEGY] = { "strategy", PARAM_CHOICE, STRATEGY_CAS, 0, 0, strategy_names,
			   "cas: optimistic, no primitive; lock: under --prim" },
	[OPT_WINDOW] = { "window", PARAM_WORK, 0, 0, 1000000, NULL,
			 "work units between read and commit (the optimistic window)" },
	[OPT_WRITE_PCT] = { "write_pct", PARAM_INT, 100, 0, 100, NULL,
			    "percentage of operations that write" },
	[OPT_RECORD_WORDS] = { "record_words", PARAM_INT, 8, 2, MAX_RECORD_WORDS, NULL,
			       "words in the record (shape=record)" },
	[OPT_VERSION_CHECK] = { "version_check", PARAM_CHOICE, 1, 0, 0, on_off,
				"off: seqlock readers skip validation (for tests)" },
};

enum { KIND_READ, KIND_WRITE };
static const char *const optimistic_kinds[] = { [KIND_READ] = "read", [KIND_WRITE] = "write",
						NULL };

/* Apart from each other and from the lock: each line moves only when it must. */
struct optimistic_shared {
	_Alignas(CACHELINE) atomic_uint_least64_t word;
	_Alignas(CACHELINE) atomic_uint_least64_t version;	/* odd: a writer is inside */
	_Alignas(CACHELINE) atomic_uint_least64_t record[MAX_RECORD_WORDS];
};

static_assert(offsetof(struct optimistic_shared, version) % CACHELINE == 0 &&
		      offsetof(struct optimistic_shared, record) % CACHELINE == 0 &&
		      sizeof(struct optimistic_shared) % CACHELINE == 0,
	      "the word, the version and the record must not share lines");

/* One thread's tallies, on its own lines. */
struct optimistic_thread {
	uint64_t writes, reads;
	uint64_t write_retries, read_retries;
	uint64_t max_write_retries, max_read_retries;
	uint64_t torn;
};

static bool optimistic_uses_prim(const int64_t *p)
{
	return p[OPT_STRATEGY] == STRATEGY_LOCK;
}

static void tally(uint64_t retries, uint64_t *sum, uint64_t *max)
{
	*sum += retries;
	*max = retries > *max ? retries : *max;
}

static void word_write_cas(const struct bench_run *run, struct bench_thread *t,
			   struct optimistic_shared *s, struct optimistic_thread *me)
{
	uint64_t retries = 0;
	/* acquire: pairs with the release half of the previous committer's CAS */
	uint64_t old = atomic_load_explicit(&s->word, memory_order_acquire);
	for (;;) {
		bench_work_after(t, (uint64_t)run->params[OPT_WINDOW], old);
		/*
		 * acq_rel, as an update that publishes more than this word
		 * would need; a failure reloads old, acquire as above.
		 */
		if (atomic_compare_exchange_strong_explicit(&s->word, &old, old + 1,
							    memory_order_acq_rel,
							    memory_order_acquire))
			break;
		retries++;
	}
	tally(retries, &me->write_retries, &me->max_write_retries);
}

/* Relaxed inside the lock: the primitive orders it; atomics keep null defined. */
static void word_write_locked(const struct bench_run *run, struct bench_thread *t,
			      struct optimistic_shared *s)
{
	uint64_t old = atomic_load_explicit(&s->word, memory_order_relaxed);
	bench_work_after(t, (uint64_t)run->params[OPT_WINDOW], old);
	atomic_store_explicit(&s->word, old + 1, memory_order_relaxed);
}

/*
 * The seqlock's data accesses are release stores and acquire loads, not
 * relaxed ones behind standalone fences (ThreadSanitizer cannot follow
 * those): a reader that loads any word a writer stored then also sees
 * that writer's odd version at its second version load.  On x86 both are
 * plain moves.  Under a lock, relaxed: the primitive orders them.
 */
static void record_write(const struct bench_run *run, struct bench_thread *t,
			 struct optimistic_shared *s, uint64_t x, memory_order order)
{
	int64_t n = run->params[OPT_RECORD_WORDS];
	for (int64_t i = 0; i < n - 1; i++) {
		if (i == n / 2)
			bench_work_after(t, (uint64_t)run->params[OPT_WINDOW], x);
		atomic_store_explicit(&s->record[i], x, order);
	}
	atomic_store_explicit(&s->record[n - 1], (uint64_t)-(n - 1) * x, order);
}

/* The sum of the record's words, after `window` units: 0 unless torn. */
static uint64_t record_read(const struct bench_run *run, struct bench_thread *t,
			    struct optimistic_shared *s, memory_order order)
{
	uint64_t sum = 0;
	for (int64_t i = 0; i < run->params[OPT_RECORD_WORDS]; i++)
		sum += atomic_load_explicit(&s->record[i], order);
	bench_work_after(t, (uint64_t)run->params[OPT_WINDOW], sum);
	return sum;
}

/* Takes the version from even v to v+1; returns v. */
static uint64_t seq_write_begin(struct optimistic_shared *s, struct optimistic_thread *me)
{
	uint64_t retries = 0, v = atomic_load_explicit(&s->version, memory_order_relaxed);
	for (;;) {
		/* acquire: pairs with the release in seq_write_end() of the previous writer */
		if (!(v & 1) && atomic_compare_exchange_weak_explicit(&s->version, &v, v + 1,
								      memory_order_acquire,
								      memory_order_relaxed))
			break;
		if (v & 1) {
			cpu_relax();
			v = atomic_load_explicit(&s->version, memory_order_relaxed);
		}
		retries++;
	}
	tally(retries, &me->write_retries, &me->max_write_retries);
	return v;
}

static void seq_write_end(struct optimistic_shared *s, uint64_t v)
{
	/* release: pairs with the acquire loads of readers and the next writer's CAS */
	atomic_store_explicit(&s->version, v + 2, memory_order_release);
}

/*
 * Whether a read that began at version v saw no writer.  Must follow the
 * record's acquire loads, which keep this load after them: a word from a
 * writer whose CAS made the version odd means this load sees odd or more,
 * otherwise a torn record would pass.
 */
static bool seq_read_valid(struct optimistic_shared *s, uint64_t v)
{
	return !(v & 1) && atomic_load_explicit(&s->version, memory_order_relaxed) == v;
}

static uint64_t record_read_seq(const struct bench_run *run, struct bench_thread *t,
				struct optimistic_shared *s, struct optimistic_thread *me)
{
	bool validate = run->params[OPT_VERSION_CHECK];
	uint64_t retries = 0, sum;
	for (;;) {
		/* acquire: pairs with the release in seq_write_end() */
		uint64_t v = atomic_load_explicit(&s->version, memory_order_acquire);
		/* acquire: pairs with the release stores in record_write() */
		sum = record_read(run, t, s, memory_order_acquire);
		if (!validate || seq_read_valid(s, v))
			break;
		retries++;
	}
	tally(retries, &me->read_retries, &me->max_read_retries);
	return sum;
}

static unsigned write_op(const struct bench_run *run, struct bench_thread *t)
{
	struct optimistic_shared *s = run->shared;
	struct optimistic_thread *me = t->local;
	bool word = run->params[OPT_SHAPE] == SHAPE_WORD;

	if (run->params[OPT_STRATEGY] == STRATEGY_LOCK) {
		run->prim->lock(run->lock, t->self);
		if (word)
			word_write_locked(run, t, s);
		else
			record_write(run, t, s, rng_next(&t->rng), memory_order_relaxed);
		run->prim->unlock(run->lock, t->self);
	} else if (word) {
		word_write_cas(run, t, s, me);
	} else {
		uint64_t v = seq_write_begin(s, me);
		/* release: pairs with the acquire loads in record_read_seq() */
		record_write(run, t, s, rng_next(&t->rng), memory_order_release);
		seq_write_end(s, v);
	}
	me->writes++;
	return KIND_WRITE;
}

/* Under the primitive: rlock where it is reader-writer. */
static uint64_t read_locked(const struct bench_run *run, struct bench_thread *t, bool word)
{
	const struct lock_ops *p = run->prim;
	struct optimistic_shared *s = run->shared;
	uint64_t sum;
	if (p->rlock)
		p->rlock(run->lock, t->self);
	else
		p->lock(run->lock, t->self);
	sum = word ? atomic_load_explicit(&s->word, memory_order_relaxed)
		   : record_read(run, t, s, memory_order_relaxed);
	if (p->rlock)
		p->runlock(run->lock, t->self);
	else
		p->unlock(run->lock, t->self);
	return sum;
}

static unsigned read_op(const struct bench_run *run, struct bench_thread *t)
{
	struct optimistic_shared *s = run->shared;
	struct optimistic_thread *me = t->local;
	bool word = run->params[OPT_SHAPE] == SHAPE_WORD;
	uint64_t sum;

	if (run->params[OPT_STRATEGY] == STRATEGY_LOCK)
		sum = read_locked(run, t, word);
	else if (word)
		/* acquire: pairs with the committers' CAS */
		sum = atomic_load_explicit(&s->word, memory_order_acquire);
	else
		sum = record_read_seq(run, t, s, me);
	me->torn += !word && sum != 0;
	me->reads++;
	return KIND_READ;
}

static unsigned optimistic_op(const struct bench_run *run, struct bench_thread *t)
{
	if ((int64_t)(rng_next(&t->rng) % 100) < run->params[OPT_WRITE_PCT])
		return write_op(run, t);
	return read_op(run, t);
}

static struct optimistic_thread totals(const struct bench_run *run,
				       struct bench_thread *const *threads)
{
	struct optimistic_thread sum = { 0 };
	for (int i = 0; i < run->nthreads; i++) {
		const struct optimistic_thread *me = threads[i]->local;
		sum.writes += me->writes;
		sum.reads += me->reads;
		sum.torn += me->torn;
		sum.write_retries += me->write_retries;
		sum.read_retries += me->read_retries;
		sum.max_write_retries = me->max_write_retries > sum.max_write_retries
					? me->max_write_retries : sum.max_write_retries;
		sum.max_read_retries = me->max_read_retries > sum.max_read_retries
				       ? me->max_read_retries : sum.max_read_retries;
	}
	return sum;
}

static enum check_result optimistic_check(const struct bench_run *run,
					  struct bench_thread *const *threads, uint64_t total_ops,
					  char *why, size_t whylen)
{
	struct optimistic_shared *s = run->shared;
	struct optimistic_thread sum = totals(run, threads);
	uint64_t word = atomic_load_explicit(&s->word, memory_order_relaxed);

	if (sum.torn) {
		snprintf(why, whylen, "%" PRIu64 " of %" PRIu64 " reads saw a torn record",
			 sum.torn, sum.reads);
		return CHECK_FAILED;
	}
	if (run->params[OPT_SHAPE] == SHAPE_WORD && word != sum.writes) {
		snprintf(why, whylen, "the word is %" PRIu64 " after %" PRIu64 " updates: %s",
			 word, sum.writes, "an update was lost");
		return CHECK_FAILED;
	}
	if (sum.writes + sum.reads != total_ops) {
		snprintf(why, whylen, "%" PRIu64 " writes + %" PRIu64 " reads of %" PRIu64
			 " operations", sum.writes, sum.reads, total_ops);
		return CHECK_FAILED;
	}
	return CHECK_PASSED;
}

static void optimistic_stats(const struct bench_run *run, struct bench_thread *const *threads,
			     stat_emit_fn *emit, void *sink)
{
	struct optimistic_thread sum = totals(run, threads);
	emit(sink, "retries_per_write", (double)sum.write_retries / (double)sum.writes);
	emit(sink, "max_write_retries", (double)sum.max_write_retries);
	emit(sink, "retries_per_read", (double)sum.read_retries / (double)sum.reads);
	emit(sink, "max_read_retries", (double)sum.max_read_retries);
	emit(sink, "torn_reads", (double)sum.torn);
}

/* Writers conflict; readers alone never do. */
static const struct contention_level optimistic_contention[] = {
	{ "write_pct", 0, 0, "none" },
	{ "write_pct", 1, 49, "low" },
	{ "write_pct", 50, 100, "high" },
	{ NULL, 0, 0, NULL },
};

const struct bench_ops optimistic_bench = {
	.name = "optimistic",
	.contention = optimistic_contention,
	.summary = "a word or a record updated by CAS/seqlock retries or under the lock",
	.needs = NEEDS_LOCK,
	/* CAS against every lock at one optimistic window; full adds the crossover. */
	/* Optimistic against pessimistic: glibc's mutex, which parks, and ttas, which spins. */
	.sweep_prims = "pthread-mutex,ttas",
	.sweep_sets = "strategy=cas,lock window=100",
	.sweep_sets_full = "strategy=cas,lock shape=word,record window=0,10,100,1000",
	.op_kinds = optimistic_kinds,
	.params = optimistic_params,
	.nparams = ARRAY_SIZE(optimistic_params),
	.shared_size = sizeof(struct optimistic_shared),
	.thread_size = sizeof(struct optimistic_thread),
	.op = optimistic_op,
	.check = optimistic_check,
	.stats = optimistic_stats,
	.uses_prim = optimistic_uses_prim,
};
