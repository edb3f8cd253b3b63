#include "latency.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

int tick_use_tsc;
uint64_t tick_pair_ticks;
static double ticks_per_ns = 1.0;

/* The TSC ticks at a fixed rate through frequency and sleep states only if both flags are set. */
static int tsc_is_invariant(void)
{
	char line[4096];
	int constant = 0, nonstop = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		constant = strstr(line, " constant_tsc") != NULL;
		nonstop = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	fclose(f);
	return constant && nonstop;
}

static double calibrate_ticks_per_ns(void)
{
	uint64_t t0 = now_ns(), c0 = ticks_now();
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	uint64_t t1 = now_ns(), c1 = ticks_now();
	return (double)(c1 - c0) / (double)(t1 - t0);
}

double clock_read_cost_ns(uint64_t (*read_clock)(void))
{
	const int reads = 1 << 16;
	double best = 1e30;
	for (int i = 0; i < 5; i++) {
		uint64_t t0 = now_ns();
		for (int j = 0; j < reads; j++)
			(void)read_clock();
		double ns = (double)(now_ns() - t0) / reads;
		best = ns < best ? ns : best;
	}
	return best;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/*
 * A begin/end pair with nothing between, as a workload reads it: the
 * median of many, so that a sample loses what a typical pair adds (an
 * interrupt inside one pair does not move it).
 */
static uint64_t measure_pair_ticks(void)
{
	enum { PAIRS = 4096 };
	static uint64_t d[PAIRS];
	for (int i = 0; i < PAIRS; i++) {
		uint64_t t0 = ticks_now();
		d[i] = ticks_now() - t0;
	}
	qsort(d, PAIRS, sizeof(d[0]), cmp_u64);
	return d[PAIRS / 2];
}

void tick_clock_init(struct tick_clock *info)
{
#if defined(__x86_64__)
	tick_use_tsc = tsc_is_invariant();
#endif
	ticks_per_ns = tick_use_tsc ? calibrate_ticks_per_ns() : 1.0;
	info->source = tick_use_tsc ? "tsc" : "clock_gettime";
	info->ticks_per_ns = ticks_per_ns;
	info->overhead_ns = clock_read_cost_ns(ticks_now);
	tick_pair_ticks = measure_pair_ticks();
	info->pair_ns = ticks_to_ns((double)tick_pair_ticks);
}

double ticks_to_ns(double ticks)
{
	return ticks / ticks_per_ns;
}

void latency_recorder_clear(struct latency_recorder *r)
{
	r->countdown = 0;
	r->last_acquired = 0;
	r->max_gap = 0;
	memset(r->hist, 0, MAX_OP_KINDS * sizeof(*r->hist));
}

void latency_hist_merge(struct latency_hist *into, const struct latency_hist *from)
{
	for (unsigned i = 0; i < LATENCY_BUCKETS; i++)
		into->bucket[i] += from->bucket[i];
	into->count += from->count;
	into->max = from->max > into->max ? from->max : into->max;
}

uint64_t latency_bucket_low(unsigned i)
{
	if (i < (2u << LATENCY_SUB_BITS))
		return i;
	unsigned e = (i >> LATENCY_SUB_BITS) + LATENCY_SUB_BITS - 1;
	uint64_t sub = i & ((1u << LATENCY_SUB_BITS) - 1);
	return (1ull << e) | (sub << (e - LATENCY_SUB_BITS));
}

double latency_hist_quantile(const struct latency_hist *h, double q)
{
	if (h->count == 0)
		return 0;
	double wanted = ceil(q * (double)h->count);
	uint64_t rank = wanted < 1 ? 1 : wanted > (double)h->count ? h->count : (uint64_t)wanted;
	uint64_t seen = 0;
	for (unsigned i = 0; i < LATENCY_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank) {
			double lo = (double)latency_bucket_low(i);
			double hi = i + 1 < LATENCY_BUCKETS ? (double)latency_bucket_low(i + 1) : lo;
			double mid = hi - lo > 1 ? (lo + hi) / 2 : lo;
			return mid < (double)h->max ? mid : (double)h->max;
		}
	}
	return (double)h->max;
}
