#include "runner.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "compiler.h"
#include "external.h"

struct rep_state {
	/*
	 * Read by every worker on every operation and written twice per
	 * repetition, so it gets a line of its own: nothing else written
	 * during the run may invalidate the workers' cached copy.
	 */
	_Alignas(CACHELINE) atomic_int phase;
	_Alignas(CACHELINE) struct bench_run run;
	const struct bench_ops *bench;
	const struct topo *topo;
	const struct event_set *events;
	/* Workers report ready here, then wait for the controller to open it. */
	pthread_mutex_t gate_mutex;
	pthread_cond_t gate_cond;
	int ready;
	bool open;
};

struct worker {
	/* Each worker on its own lines: no false sharing between counters. */
	_Alignas(CACHELINE) struct bench_thread bt;
	/*
	 * Operations per kind since the window opened (the warmup's are in
	 * warmup_ops): only this worker writes them, and the controller
	 * reads them, relaxed, to decide whether the window measured enough
	 * (extend_window()).
	 */
	atomic_uint_least64_t ops[MAX_OP_KINDS];
	uint64_t warmup_ops[MAX_OP_KINDS];
	/*
	 * Set once ops counts the window only: a worker held inside one
	 * operation since before the window opened (a descheduled vCPU, a
	 * lock never granted) still has the warmup's counts there.
	 */
	atomic_bool in_window;
	struct rep_state *rep;
	pthread_t thread;
	int pu;			/* where to pin, -1 for nowhere */
	int bind_failed;
	struct thread_counters counters;
	uint64_t all_ops;
	struct thread_figures fig;
};

static_assert(sizeof(struct worker) % CACHELINE == 0, "workers must not share lines");

/* n zeroed objects of size bytes, each starting on its own line; NULL if size is 0. */
static void *zalloc_lines(size_t n, size_t size)
{
	return cacheline_zalloc(n * cacheline_round(size));
}

/*
 * What the threads contend on (the lock, the workload's shared data), on
 * pages of its own, bound to the --mem-node NUMA node if there is one:
 * the same pages either way, so that the binding is all that --mem-node
 * changes.  NULL if size is 0, or with errno set if it fails.
 */
static void *zalloc_shared(const struct run_settings *s, size_t size)
{
	return size ? topo_alloc_pages(s->topo, size, s->mem_bound, s->mem_node) : NULL;
}

static void wait_at_gate(struct rep_state *rs)
{
	pthread_mutex_lock(&rs->gate_mutex);
	rs->ready++;
	pthread_cond_broadcast(&rs->gate_cond);
	while (!rs->open)
		pthread_cond_wait(&rs->gate_cond, &rs->gate_mutex);
	pthread_mutex_unlock(&rs->gate_mutex);
}

/* Waits until `started` workers are pinned and waiting at the gate. */
static void wait_for_workers(struct rep_state *rs, int started)
{
	pthread_mutex_lock(&rs->gate_mutex);
	while (rs->ready < started)
		pthread_cond_wait(&rs->gate_cond, &rs->gate_mutex);
	pthread_mutex_unlock(&rs->gate_mutex);
}

static void open_gate(struct rep_state *rs)
{
	pthread_mutex_lock(&rs->gate_mutex);
	rs->open = true;
	pthread_cond_broadcast(&rs->gate_cond);
	pthread_mutex_unlock(&rs->gate_mutex);
}

static void count_op(atomic_uint_least64_t *count)
{
	/* A plain increment: the worker is the only writer (see struct worker). */
	atomic_store_explicit(count, atomic_load_explicit(count, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

/* At the window's start: the warmup's counts set aside, the window's from 0. */
static void open_window(struct worker *w)
{
	for (int k = 0; k < MAX_OP_KINDS; k++) {
		w->warmup_ops[k] = atomic_load_explicit(&w->ops[k], memory_order_relaxed);
		atomic_store_explicit(&w->ops[k], 0, memory_order_relaxed);
	}
	/* relaxed: a hint for extend_window(); join() orders the figures */
	atomic_store_explicit(&w->in_window, true, memory_order_relaxed);
	latency_recorder_clear(&w->bt.lat);
	counters_enable(w->rep->events, &w->counters);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct rep_state *rs = w->rep;
	unsigned (*op)(const struct bench_run *, struct bench_thread *) = rs->bench->op;
	uint64_t cpu_before = 0;
	int seen = PHASE_WARMUP;

	if (w->pu >= 0 && topo_bind_self(rs->topo, w->pu) != 0)
		w->bind_failed = 1;
	counters_open(rs->events, &w->counters);	/* after pinning: no migration counted */
	wait_at_gate(rs);

	for (;;) {
		/* relaxed: the phase carries no data; join() orders the results */
		int phase = atomic_load_explicit(&rs->phase, memory_order_relaxed);
		if (unlikely(phase != seen)) {
			if (seen == PHASE_WARMUP) {
				open_window(w);
				cpu_before = thread_cpu_ns();
			}
			seen = phase;
			if (phase == PHASE_STOP)
				break;
		}
		count_op(&w->ops[op(&rs->run, &w->bt)]);
	}
	w->fig.cpu_ns = thread_cpu_ns() - cpu_before;
	counters_finish(rs->events, &w->counters, w->fig.counters);
	w->fig.pu = sched_getcpu();
	for (int k = 0; k < MAX_OP_KINDS; k++) {
		w->fig.ops_by_kind[k] = atomic_load_explicit(&w->ops[k], memory_order_relaxed);
		w->fig.ops += w->fig.ops_by_kind[k];
		w->all_ops += w->warmup_ops[k] + w->fig.ops_by_kind[k];
	}
	return NULL;
}

static void sleep_s(double seconds)
{
	struct timespec ts = {
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9),
	};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void emit_into(void *sink, const char *name, double value)
{
	struct named_stats *ns = sink;
	if (ns->n == MAX_NAMED_STATS)
		return;
	snprintf(ns->item[ns->n].name, sizeof(ns->item[ns->n].name), "%s", name);
	ns->item[ns->n++].value = value;
}

/* The window's operations so far, of the kinds the workload counts. */
static uint64_t window_ops(const struct rep_state *rs, struct worker *w, int n)
{
	unsigned counted = bench_counted_kinds(rs->bench);
	uint64_t ops = 0;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < MAX_OP_KINDS; k++)
			if ((counted & (1u << k)) &&
			    atomic_load_explicit(&w[i].in_window, memory_order_relaxed))
				ops += atomic_load_explicit(&w[i].ops[k], memory_order_relaxed);
	return ops;
}

/*
 * Once the planned duration is over: while the window holds fewer than
 * s->min_ops operations, it goes on, at the pace seen so far plus a
 * quarter, up to run_max_window_s().  A slow configuration then measures
 * enough to be worth a figure, or is flagged; a fast one never waits.
 */
static void extend_window(const struct rep_state *rs, struct worker *w, int n,
			  const struct run_settings *s, uint64_t t0)
{
	double max_s = run_max_window_s(s);
	for (;;) {
		double elapsed = (double)(now_ns() - t0) / 1e9;
		uint64_t ops = window_ops(rs, w, n);
		if (ops >= s->min_ops || elapsed >= max_s)
			return;
		double more = ops ? elapsed * ((double)s->min_ops / (double)ops - 1) * 1.25 : elapsed;
		sleep_s(fmin(fmax(more, 1e-3), max_s - elapsed));
	}
}

/* Releases the threads, times the window, stops them. */
static uint64_t drive_phases(struct rep_state *rs, struct worker *w, int nthreads,
			     const struct run_settings *s, const struct rep_hooks *hooks)
{
	wait_for_workers(rs, nthreads);
	if (hooks && hooks->ready)
		hooks->ready(hooks->arg);
	open_gate(rs);
	sleep_s(s->warmup_s);
	atomic_store_explicit(&rs->phase, PHASE_MEASURE, memory_order_relaxed);
	uint64_t t0 = now_ns();
	sleep_s(s->duration_s);
	extend_window(rs, w, nthreads, s, t0);
	atomic_store_explicit(&rs->phase, PHASE_STOP, memory_order_relaxed);
	uint64_t wall = now_ns() - t0;
	if (rs->bench->stop)
		rs->bench->stop(&rs->run);
	return wall;
}

double run_max_window_s(const struct run_settings *s)
{
	double extension = fmin(s->duration_s * (RUN_MAX_EXTENSION - 1), RUN_MAX_EXTENSION_S);
	return s->min_ops ? s->duration_s + extension : s->duration_s;
}

/* The workload's check, unless the primitive makes it meaningless. */
static void run_check(const struct config *c, struct rep_state *rs,
		      struct bench_thread *const *bts, struct rep_figures *out)
{
	const struct lock_ops *prim = c->prim;
	if (prim && (prim->flags & LOCK_NO_EXCLUSION)) {
		out->check = CHECK_SKIPPED;
		snprintf(out->check_detail, sizeof(out->check_detail),
			 "%s gives no mutual exclusion, so the %s check is skipped",
			 prim->name, c->bench->name);
		return;
	}
	out->check_detail[0] = '\0';
	out->check = c->bench->check(&rs->run, bts, out->all_ops, out->check_detail,
				     sizeof(out->check_detail));
}

static void collect(const struct config *c, struct rep_state *rs, struct worker *w,
		    void **selves, struct rep_figures *out)
{
	const struct lock_ops *prim = c->prim;
	struct bench_thread *bts[c->threads];

	out->all_ops = 0;
	out->max_gap_ticks = 0;
	memset(out->latency, 0, sizeof(out->latency));
	for (int i = 0; i < c->threads; i++) {
		out->threads[i] = w[i].fig;
		out->all_ops += w[i].all_ops;
		for (int k = 0; k < MAX_OP_KINDS; k++)
			latency_hist_merge(&out->latency[k], &w[i].bt.lat.hist[k]);
		if (w[i].bt.lat.max_gap > out->max_gap_ticks)
			out->max_gap_ticks = w[i].bt.lat.max_gap;
		bts[i] = &w[i].bt;
	}
	run_check(c, rs, bts, out);
	out->prim_stats.n = out->bench_stats.n = 0;
	if (prim && prim->stats)
		prim->stats(rs->run.lock, selves, c->threads, emit_into, &out->prim_stats);
	if (c->bench->stats)
		c->bench->stats(&rs->run, bts, emit_into, &out->bench_stats);
}

/* Returns how many workers started; on a shortfall, they are let go at once. */
static int start_workers(struct rep_state *rs, struct worker *w, int n, char *err,
			 size_t errlen)
{
	for (int i = 0; i < n; i++) {
		int e = pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
		if (e != 0) {
			snprintf(err, errlen, "cannot create thread %d: %s", i, strerror(e));
			atomic_store_explicit(&rs->phase, PHASE_STOP, memory_order_relaxed);
			wait_for_workers(rs, i);
			open_gate(rs);
			return i;
		}
	}
	return n;
}

int run_repetition(const struct config *c, const struct run_settings *s, const int *pus,
		   struct rep_figures *out, char *err, size_t errlen, const struct rep_hooks *hooks)
{
	if (c->prim && c->prim->external)
		return external_run_repetition(c, s, pus, out, err, errlen, hooks);
	const struct lock_ops *prim = c->prim;
	size_t lock_size = prim ? prim->size : 0, self_size = prim ? prim->self_size : 0;
	int n = c->threads, rc = -1;
	struct rep_state *rs = zalloc_lines(1, sizeof(*rs));
	struct worker *w = zalloc_lines((size_t)n, sizeof(*w));
	void *lock = zalloc_shared(s, lock_size);
	void *shared = zalloc_shared(s, c->bench->shared_size);
	int shared_errno = errno;
	char *selves_mem = zalloc_lines((size_t)n, self_size);
	char *locals_mem = zalloc_lines((size_t)n, c->bench->thread_size);
	void **selves = calloc((size_t)n, sizeof(*selves));
	struct latency_hist *hists = calloc((size_t)n * MAX_OP_KINDS, sizeof(*hists));

	if (s->mem_bound && ((lock_size && !lock) || (c->bench->shared_size && !shared))) {
		snprintf(err, errlen, "cannot bind the shared state to NUMA node %d: %s", s->mem_node,
			 strerror(shared_errno));
		goto out;
	}
	if (!rs || !w || !selves || !hists || (lock_size && !lock) ||
	    (c->bench->shared_size && !shared) || (self_size && !selves_mem) ||
	    (c->bench->thread_size && !locals_mem)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	int e = prim && prim->init ? prim->init(lock, c->prim_params) : 0;
	if (e != 0) {
		snprintf(err, errlen, "%s: init failed: %s", prim->name, strerror(e));
		goto out;
	}
	rs->run = (struct bench_run){ .prim = prim, .lock = lock, .prim_params = c->prim_params,
				      .shared = shared, .params = c->bench_params, .nthreads = n,
				      .phase = &rs->phase };
	if (c->bench->setup && c->bench->setup(&rs->run, err, errlen) != 0)
		goto teardown;
	rs->bench = c->bench;
	rs->topo = s->topo;
	rs->events = s->events;
	atomic_init(&rs->phase, PHASE_WARMUP);
	pthread_mutex_init(&rs->gate_mutex, NULL);
	pthread_cond_init(&rs->gate_cond, NULL);
	for (int i = 0; i < n; i++) {
		selves[i] = selves_mem ? selves_mem + (size_t)i * cacheline_round(self_size) : NULL;
		w[i].bt = (struct bench_thread){
			.id = i,
			.self = selves[i],
			.local = locals_mem ? locals_mem + (size_t)i * cacheline_round(c->bench->thread_size) : NULL,
			.rng = 0x9e3779b97f4a7c15u * (uint64_t)(i + 1),
			.lat.hist = hists + (size_t)i * MAX_OP_KINDS,
		};
		w[i].rep = rs;
		w[i].pu = pus[i];
	}
	int started = start_workers(rs, w, n, err, errlen);
	if (started == n)
		out->wall_ns = drive_phases(rs, w, n, s, hooks);
	for (int i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	pthread_cond_destroy(&rs->gate_cond);
	pthread_mutex_destroy(&rs->gate_mutex);
	rc = started == n ? 0 : -1;
	for (int i = 0; i < started; i++) {
		if (w[i].bind_failed) {
			snprintf(err, errlen, "cannot pin thread %d to PU %d", i, pus[i]);
			rc = -1;
		}
	}
	if (rc == 0) {
		collect(c, rs, w, selves, out);
		if (hooks && hooks->measured)
			hooks->measured(hooks->arg);
	}
teardown:
	if (c->bench->teardown)
		c->bench->teardown(&rs->run);
	if (prim && prim->destroy)
		prim->destroy(lock);
out:
	free(hists);
	free(selves);
	free(locals_mem);
	free(selves_mem);
	free(shared);
	free(lock);
	free(w);
	free(rs);
	return rc;
}
