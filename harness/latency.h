/*
 * Acquire latency: a cheap clock, a log-bucketed histogram, and the
 * recorder a workload wraps around the acquisition it wants timed:
 *
 *	uint64_t t0 = latency_begin(&t->lat, every);
 *	prim->lock(...);
 *	uint64_t t1 = latency_stamp(t0);
 *	... the critical section ...
 *	prim->unlock(...);
 *	latency_end(&t->lat, t0, t1, kind);
 *
 * Only every `every`-th operation is timed (0: none), so the clock's own
 * cost can be kept off most operations.  The only work inside the
 * critical section is the clock read that ends the interval; the
 * histogram is updated after the release.  Each sample has the cost of
 * a clock pair with nothing between (tick_clock.pair_ns) taken off,
 * floored at 0.  The harness allocates the histograms, clears them when
 * the measured window opens, and merges them afterwards.
 */
#ifndef SYNCBENCH_LATENCY_H
#define SYNCBENCH_LATENCY_H

#include <stdint.h>
#include <time.h>

/*
 * Log-linear buckets: values below 2^SUB_BITS are exact; above, each power
 * of two is cut into 2^SUB_BITS buckets, so a bucket spans at most 1/128 of
 * its lower bound (0.78% relative error; 0.39% reporting its midpoint).
 */
#define LATENCY_SUB_BITS 7
#define LATENCY_MAX_BITS 44	/* ~2.9 hours of 1.7 GHz ticks; larger values clamp */
#define LATENCY_BUCKETS ((LATENCY_MAX_BITS - LATENCY_SUB_BITS + 2) << LATENCY_SUB_BITS)

/*
 * The default sample_every of the lock and rw workloads: rare enough that
 * sampling moves an uncontended ticket lock's ns/op at one thread by well
 * under 2% (README, "Acquire latency"), frequent enough for thousands of
 * samples in a contended window.
 */
#define LATENCY_SAMPLE_EVERY 1024

/* Counters a workload can time and count separately (e.g. read, write). */
#define MAX_OP_KINDS 4

struct latency_hist {
	uint64_t count, max;
	uint64_t bucket[LATENCY_BUCKETS];
};

struct latency_recorder {
	uint32_t countdown;		/* operations until the next sample */
	uint64_t last_acquired;		/* ticks at the previous sampled acquisition */
	uint64_t max_gap;		/* longest interval between sampled acquisitions */
	struct latency_hist *hist;	/* MAX_OP_KINDS histograms, in ticks */
};

/* The clock the recorder reads: the TSC where invariant, else CLOCK_MONOTONIC. */
struct tick_clock {
	const char *source;		/* "tsc" or "clock_gettime" */
	double ticks_per_ns;
	double overhead_ns;		/* one read */
	/* The median of begin/end read pairs with nothing between: taken off each sample. */
	double pair_ns;
};

/* Chooses and calibrates the clock; call once, before any thread starts. */
void tick_clock_init(struct tick_clock *info);
/* One read of a clock: the fastest of 5 runs of 2^16 back-to-back reads. */
double clock_read_cost_ns(uint64_t (*read_clock)(void));
double ticks_to_ns(double ticks);

extern int tick_use_tsc;
/* tick_clock.pair_ns in ticks, set by tick_clock_init(). */
extern uint64_t tick_pair_ticks;

static inline uint64_t ticks_now(void)
{
#if defined(__x86_64__)
	if (tick_use_tsc) {
		unsigned aux;
		/* rdtscp waits for earlier instructions: the acquisition is done. */
		return __builtin_ia32_rdtscp(&aux);
	}
#endif
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline unsigned latency_bucket(uint64_t v)
{
	if (v < (1u << LATENCY_SUB_BITS))
		return (unsigned)v;
	unsigned e = 63 - (unsigned)__builtin_clzll(v);
	if (e > LATENCY_MAX_BITS)
		return LATENCY_BUCKETS - 1;
	unsigned sub = (unsigned)(v >> (e - LATENCY_SUB_BITS)) & ((1u << LATENCY_SUB_BITS) - 1);
	return ((e - LATENCY_SUB_BITS + 1) << LATENCY_SUB_BITS) + sub;
}

static inline void latency_hist_add(struct latency_hist *h, uint64_t v)
{
	h->bucket[latency_bucket(v)]++;
	h->count++;
	h->max = v > h->max ? v : h->max;
}

/* Returns a start time if this operation is to be sampled, else 0; every 0: none. */
static inline uint64_t latency_begin(struct latency_recorder *r, int64_t every)
{
	if (r->countdown > 1) {
		r->countdown--;
		return 0;
	}
	if (every == 0)
		return 0;
	r->countdown = (uint32_t)every;
	return ticks_now();
}

/* The end of a sampled interval (0 if start is 0): read it as soon as the acquisition returns. */
static inline uint64_t latency_stamp(uint64_t start)
{
	return start ? ticks_now() : 0;
}

/* end - start less the cost of the clock pair that measured it, floored at 0. */
static inline uint64_t latency_net_ticks(uint64_t start, uint64_t end)
{
	uint64_t ticks = end - start;
	return ticks > tick_pair_ticks ? ticks - tick_pair_ticks : 0;
}

/* Records a latency of `ticks` that ended at `now`: for one measured otherwise than begin/end. */
static inline void latency_record(struct latency_recorder *r, uint64_t now, uint64_t ticks,
				  unsigned kind)
{
	latency_hist_add(&r->hist[kind], ticks);
	if (r->last_acquired && now - r->last_acquired > r->max_gap)
		r->max_gap = now - r->last_acquired;
	r->last_acquired = now;
}

/* After the release: records the interval begin() and stamp() took, if sampled. */
static inline void latency_end(struct latency_recorder *r, uint64_t start, uint64_t end,
			       unsigned kind)
{
	if (start)
		latency_record(r, end, latency_net_ticks(start, end), kind);
}

void latency_recorder_clear(struct latency_recorder *r);
void latency_hist_merge(struct latency_hist *into, const struct latency_hist *from);
/*
 * The q-quantile by nearest rank, in ticks: the ceil(q * count)-th
 * smallest sample (the smallest for q = 0), exact below 2^SUB_BITS ticks,
 * else its bucket's midpoint, never above the maximum.  0 when empty.
 */
double latency_hist_quantile(const struct latency_hist *h, double q);
/* The lower bound, in ticks, of bucket i. */
uint64_t latency_bucket_low(unsigned i);

#endif
