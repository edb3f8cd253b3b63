/* The latency histogram: bucket bounds, relative error, quantiles, merging. */
#include <stdlib.h>

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

static void test_sampling(void)
{
	struct latency_hist hists[MAX_OP_KINDS];
	struct latency_recorder r = { .hist = hists };
	int sampled = 0;

	latency_recorder_clear(&r);
	for (int i = 0; i < 100; i++) {
		uint64_t t0 = latency_begin(&r, 10);
		sampled += t0 != 0;
		latency_end(&r, t0, 1);
	}
	CHECK(sampled == 10, "every 10th of 100 operations: %d sampled", sampled);
	CHECK(hists[1].count == 10 && hists[0].count == 0, "samples go to their kind");
}

int main(void)
{
	struct tick_clock clock;
	tick_clock_init(&clock);
	CHECK(clock.ticks_per_ns > 0, "calibrated: %g ticks/ns", clock.ticks_per_ns);
	test_buckets();
	test_quantiles();
	test_sampling();
	return check_exit();
}
