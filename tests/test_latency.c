/* The latency histogram: bucket bounds, relative error, quantiles, merging. */
#include <stdlib.h>
#include <string.h>

#include "../harness/latency.h"
#include "check.h"

static void test_buckets(void)
{
	/* Every value lands in a bucket whose bounds hold it, under 1% wide. */
	for (uint64_t v = 0; v < (1ull << 40); v = v < 1000 ? v + 1 : v + v / 97 + 1) {
		unsigned b = latency_bucket(v);
		uint64_t lo = latency_bucket_low(b), hi = latency_bucket_low(b + 1);
		CHECK(lo <= v && v < hi, "%llu in bucket %u [%llu, %llu)", (unsigned long long)v, b,
		      (unsigned long long)lo, (unsigned long long)hi);
		CHECK((double)(hi - lo) <= 0.01 * (double)lo || hi - lo == 1,
		      "bucket %u too wide: [%llu, %llu)", b, (unsigned long long)lo,
		      (unsigned long long)hi);
	}
	CHECK(latency_bucket(UINT64_MAX) == LATENCY_BUCKETS - 1, "huge values clamp");
	CHECK(latency_bucket(1ull << LATENCY_MAX_BITS) < LATENCY_BUCKETS, "top octave fits");
}

static void test_quantiles(void)
{
	struct latency_hist *h = calloc(1, sizeof(*h));
	for (uint64_t v = 1; v <= 100000; v++)
		latency_hist_add(h, v);
	CHECK(h->count == 100000 && h->max == 100000, "count and max");
	const double q[] = { 0.5, 0.9, 0.99, 0.999 };
	for (int i = 0; i < 4; i++) {
		double want = q[i] * 100000, got = latency_hist_quantile(h, q[i]);
		CHECK(got >= want * 0.99 && got <= want * 1.01, "q%.3f: got %.1f want %.1f", q[i], got,
		      want);
	}
	CHECK(latency_hist_quantile(h, 1.0) <= 100000, "never above the max");

	struct latency_hist *other = calloc(1, sizeof(*other));
	latency_hist_add(other, 5000000);
	latency_hist_merge(h, other);
	CHECK(h->count == 100001 && h->max == 5000000, "merge adds counts and keeps the max");
	free(other);
	free(h);
}

/* Nearest rank on known arrays, in the buckets that hold values exactly (< 256 ticks). */
static void test_nearest_rank(void)
{
	struct latency_hist *h = calloc(1, sizeof(*h));
	for (uint64_t v = 1; v <= 100; v++)
		latency_hist_add(h, v);
	/* the ceil(q n)-th smallest: p50 is the 50th of 1..100, p99 the 99th, p100 the max */
	CHECK(latency_hist_quantile(h, 0.50) == 50, "p50 of 1..100: %g", latency_hist_quantile(h, 0.5));
	CHECK(latency_hist_quantile(h, 0.99) == 99, "p99 of 1..100: %g", latency_hist_quantile(h, 0.99));
	CHECK(latency_hist_quantile(h, 0.999) == 100, "p99.9 of 1..100: %g",
	      latency_hist_quantile(h, 0.999));
	CHECK(latency_hist_quantile(h, 0) == 1, "p0 is the smallest");

	memset(h, 0, sizeof(*h));
	const uint64_t ten[] = { 30, 10, 90, 20, 50, 40, 100, 60, 80, 70 };
	for (int i = 0; i < 10; i++)
		latency_hist_add(h, ten[i]);
	CHECK(latency_hist_quantile(h, 0.5) == 50, "p50 of 10..100 by 10: %g",
	      latency_hist_quantile(h, 0.5));
	CHECK(latency_hist_quantile(h, 0.9) == 90, "p90: %g", latency_hist_quantile(h, 0.9));
	CHECK(latency_hist_quantile(h, 0.99) == 100, "p99 of 10 samples is the max: %g",
	      latency_hist_quantile(h, 0.99));

	memset(h, 0, sizeof(*h));
	latency_hist_add(h, 7);
	CHECK(latency_hist_quantile(h, 0.5) == 7 && latency_hist_quantile(h, 0.999) == 7,
	      "one sample is every quantile");
	memset(h, 0, sizeof(*h));
	CHECK(latency_hist_quantile(h, 0.5) == 0, "empty: 0");
	free(h);
}

static void test_sampling(void)
{
	struct latency_hist hists[MAX_OP_KINDS];
	struct latency_recorder r = { .hist = hists };
	int sampled = 0;

	latency_recorder_clear(&r);
	for (int i = 0; i < 100; i++) {
		uint64_t t0 = latency_begin(&r, 10);
		uint64_t t1 = latency_stamp(t0);
		sampled += t0 != 0;
		CHECK(!t0 == !t1, "a stamp exactly when sampled");
		latency_end(&r, t0, t1, 1);
	}
	CHECK(sampled == 10, "every 10th of 100 operations: %d sampled", sampled);
	CHECK(hists[1].count == 10 && hists[0].count == 0, "samples go to their kind");

	latency_recorder_clear(&r);
	for (int i = 0; i < 100; i++) {
		uint64_t t0 = latency_begin(&r, 0);
		CHECK(t0 == 0, "every 0: nothing sampled");
		latency_end(&r, t0, latency_stamp(t0), 0);
	}
	CHECK(hists[0].count == 0, "every 0 records nothing");
}

/* A clock pair with nothing between costs pair_ns: taken off, it leaves about 0. */
static void test_pair_cost(const struct tick_clock *clock)
{
	CHECK(clock->pair_ns > 0 && clock->pair_ns < 10000, "pair cost %g ns", clock->pair_ns);
	CHECK(latency_net_ticks(100, 100 + tick_pair_ticks / 2) == 0, "floored at 0");
	CHECK(latency_net_ticks(100, 100 + tick_pair_ticks + 5) == 5, "the pair taken off");
}

int main(void)
{
	struct tick_clock clock;
	tick_clock_init(&clock);
	CHECK(clock.ticks_per_ns > 0, "calibrated: %g ticks/ns", clock.ticks_per_ns);
	test_buckets();
	test_quantiles();
	test_nearest_rank();
	test_sampling();
	test_pair_cost(&clock);
	return check_exit();
}
