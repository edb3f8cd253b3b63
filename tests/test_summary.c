/*
 * A configuration's summary from hand-made repetitions, without JSON:
 * throughput counts the workload's counted kinds, every figure holds its
 * own median inside its interval, a slow repetition is flagged, and a
 * counter that never ran gives no figure instead of a NaN median.
 */
#include <stdlib.h>
#include <string.h>

#include "../harness/summary.h"
#include "check.h"

static const char *const two_kinds[] = { "send", "recv", NULL };

static unsigned nop(const struct bench_run *run, struct bench_thread *t)
{
	(void)run, (void)t;
	return 0;
}

static const struct bench_ops counted_bench = {
	.name = "test-counted", .op_kinds = two_kinds, .counted_kinds = 1u << 1, .op = nop,
};

/* Two threads; thread t did `sends` sends and `recvs` receives in a 1 ms window. */
static void fill_rep(struct rep_figures *r, struct thread_figures *threads, uint64_t sends,
		     uint64_t recvs)
{
	memset(r, 0, sizeof(*r));
	r->threads = threads;
	r->wall_ns = 1000000;
	for (int t = 0; t < 2; t++) {
		threads[t] = (struct thread_figures){ .cpu_ns = 900000, .pu = t };
		threads[t].ops_by_kind[0] = sends;
		threads[t].ops_by_kind[1] = recvs;
		threads[t].ops = sends + recvs;
	}
}

static void test_counted_kinds_and_interval(void)
{
	enum { N = 7 };
	static struct rep_figures reps[N];
	static struct thread_figures threads[N][2];
	struct run_settings s = { .reps = N };
	struct config c = { .bench = &counted_bench, .threads = 2 };
	int pus[2] = { 0, 1 };
	for (int r = 0; r < N; r++)
		fill_rep(&reps[r], threads[r], 1000 + 10 * r, 500 + 100 * r);

	struct config_summary cs;
	CHECK(config_summarize(&c, &s, pus, reps, N, &cs) == 0, "summarized");
	/* rep 3: 2 threads x (500 + 300) receives in 1 ms = 1.6 M/s; the sends are not counted */
	CHECK(cs.rep[3].ops == 1600, "rep 3 counts receives only: %llu",
	      (unsigned long long)cs.rep[3].ops);
	CHECK_NEAR(cs.ops_per_sec.median, 1.6e6, 1e-6);
	CHECK_NEAR(cs.ns_per_op.median, 1e6 / 1600, 1e-9);
	CHECK_NEAR(cs.cpu_ns_per_op.median, 1.8e6 / 1600, 1e-9);
	CHECK(cs.nkinds == 2, "two kinds");
	CHECK_NEAR(cs.kind_ops_per_sec[0].median, 2 * 1030 * 1e3, 1e-6);
	CHECK(cs.ops_per_sec.n == N, "n %zu", cs.ops_per_sec.n);
	const struct summary *figures[] = { &cs.ops_per_sec, &cs.ns_per_op, &cs.cpu_ns_per_op };
	for (int i = 0; i < 3; i++)
		CHECK(figures[i]->ci95_lo <= figures[i]->median &&
		      figures[i]->median <= figures[i]->ci95_hi,
		      "figure %d: [%g, %g] holds its median %g", i, figures[i]->ci95_lo,
		      figures[i]->ci95_hi, figures[i]->median);
	CHECK(cs.ops_per_sec.ci95_lo == 2 * 500 * 1e3 && cs.ops_per_sec.ci95_hi == 2 * 1100 * 1e3,
	      "n=7: [x1, x7]: [%g, %g]", cs.ops_per_sec.ci95_lo, cs.ops_per_sec.ci95_hi);
	CHECK(!(cs.flags & FLAG_FEW_OPS), "1000 receives and more are enough");
	CHECK(cs.check == CHECK_PASSED, "passed");
	config_summary_free(&cs);

	CHECK(config_summarize(&c, &s, pus, reps, 5, &cs) == 0, "5 repetitions");
	CHECK(isnan(cs.ops_per_sec.ci95_lo) && isnan(cs.ops_per_sec.ci95_hi),
	      "5 repetitions: no 95%% interval, not a made-up one");
	config_summary_free(&cs);
}

static void test_few_ops(void)
{
	static struct rep_figures reps[6];
	static struct thread_figures threads[6][2];
	struct run_settings s = { .reps = 6 };
	struct config c = { .bench = &counted_bench, .threads = 2 };
	int pus[2] = { 0, 1 };
	for (int r = 0; r < 6; r++)
		fill_rep(&reps[r], threads[r], 5000, r == 2 ? 40 : r == 4 ? 0 : 5000);

	struct config_summary cs;
	CHECK(config_summarize(&c, &s, pus, reps, 6, &cs) == 0, "summarized");
	CHECK(cs.flags & FLAG_FEW_OPS, "80 and 0 receives are too few");
	CHECK(cs.few_ops_reps == 2 && cs.fewest_ops == 0, "%d reps, fewest %llu", cs.few_ops_reps,
	      (unsigned long long)cs.fewest_ops);
	CHECK(isnan(cs.rep[4].ops_per_sec) || cs.rep[4].ops_per_sec == 0, "no operation: 0 ops/s");
	CHECK(isnan(cs.rep[4].ns_per_op), "no operation: no ns/op");
	CHECK(cs.ns_per_op.n == 5, "the repetition without ns/op is left out of its median: n %zu",
	      cs.ns_per_op.n);
	config_summary_free(&cs);
}

/* A hardware event that never got the PMU in one repetition: left out; in all: no figure. */
static void test_counter_never_ran(void)
{
	static struct rep_figures reps[3];
	static struct thread_figures threads[3][2];
	struct event_set events = { .spec = "test", .n = 1 };
	events.ev[0] = (struct event_spec){ .name = "cycles", .hardware = 1, .available = 1 };
	struct run_settings s = { .reps = 3, .events = &events };
	struct config c = { .bench = &counted_bench, .threads = 2 };
	int pus[2] = { 0, 1 };
	for (int r = 0; r < 3; r++) {
		fill_rep(&reps[r], threads[r], 1000, 1000);
		for (int t = 0; t < 2; t++)
			threads[r][t].counters[0] = (struct counter_reading){
				.value = 1000 * (uint64_t)(r + 1), .enabled_ns = 100,
				.running_ns = r == 0 ? 0 : 100, .valid = 1 };
	}
	struct config_summary cs;
	CHECK(config_summarize(&c, &s, pus, reps, 3, &cs) == 0, "summarized");
	CHECK(!cs.events[0].reason, "counted in two repetitions");
	CHECK_NEAR(cs.events[0].total, (4000.0 + 6000.0) / 2, 1e-9);
	config_summary_free(&cs);

	for (int r = 0; r < 3; r++)
		for (int t = 0; t < 2; t++)
			threads[r][t].counters[0].running_ns = 0;
	CHECK(config_summarize(&c, &s, pus, reps, 3, &cs) == 0, "summarized");
	CHECK(cs.events[0].reason && isnan(cs.events[0].total), "never ran: a reason, no figure");
	config_summary_free(&cs);
}

/* Latency merges across repetitions; quantiles by nearest rank. */
static void test_latency_merge(void)
{
	static struct rep_figures reps[2];
	static struct thread_figures threads[2][2];
	struct run_settings s = { .reps = 2 };
	struct config c = { .bench = &counted_bench, .threads = 2 };
	int pus[2] = { 0, 1 };
	for (int r = 0; r < 2; r++) {
		fill_rep(&reps[r], threads[r], 1000, 1000);
		for (uint64_t v = 1; v <= 50; v++)
			latency_hist_add(&reps[r].latency[1], v + 50 * (uint64_t)r);
	}
	struct config_summary cs;
	CHECK(config_summarize(&c, &s, pus, reps, 2, &cs) == 0, "summarized");
	CHECK(cs.sampled && cs.latency[1].samples == 100 && cs.latency[0].samples == 0,
	      "100 samples of recv");
	CHECK_NEAR(cs.latency[1].p50_ns, ticks_to_ns(50), 1e-9);
	CHECK_NEAR(cs.latency[1].p99_ns, ticks_to_ns(99), 1e-9);
	CHECK_NEAR(cs.latency[1].max_ns, ticks_to_ns(100), 1e-9);
	config_summary_free(&cs);
}

int main(void)
{
	test_counted_kinds_and_interval();
	test_few_ops();
	test_counter_never_ran();
	test_latency_merge();
	return check_exit();
}
