#include "sweep.h"

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "report.h"
#include "resultdoc.h"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void set_up_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: poll() must return EINTR so the sweep stops at once. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/*
	 * A file-size limit (RLIMIT_FSIZE) must read as a failed write, like a
	 * full disk, not kill us mid-file: ignored, write() returns EFBIG.
	 */
	signal(SIGXFSZ, SIG_IGN);
}

/*
 * The child's own time is warmup + duration per repetition, whatever the
 * primitive does, since the loop is stopped by the clock: 5 times that
 * absorbs a loaded or oversubscribed machine and a sanitizer's slowdown.
 * The fixed part covers only what does not scale with the run (fork,
 * creating and pinning threads, opening counters, writing the result),
 * which takes milliseconds; 3 s leaves a wide margin while keeping a
 * deliberately hung short run cheap to detect.
 */
double sweep_time_limit_s(const struct run_settings *s)
{
	return 5 * s->reps * (s->warmup_s + s->duration_s) + 3;
}

/* In the child: run every repetition and write the entry's body to fd. */
static void child_main(const struct config *c, const struct run_settings *s, const int *pus,
		       int fd)
{
	struct rep_figures *reps = calloc((size_t)s->reps, sizeof(*reps));
	char err[256] = "";
	int done = 0;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	for (; reps && done < s->reps; done++) {
		reps[done].threads = calloc((size_t)c->threads, sizeof(*reps[done].threads));
		if (!reps[done].threads) {
			snprintf(err, sizeof(err), "out of memory");
			break;
		}
		if (run_repetition(c, s, pus, &reps[done], err, sizeof(err)) != 0)
			break;
	}
	const char *error = done == s->reps ? NULL : err[0] ? err : "out of memory";
	json_t *body = report_entry_body(c, s, pus, reps, done, error);
	char *text = json_dumps(body, JSON_COMPACT);
	size_t len = text ? strlen(text) : 0, off = 0;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n <= 0)
			_exit(1);
		off += (size_t)n;
	}
	_exit(text ? 0 : 1);
}

struct child_output {
	char *buf;
	size_t len, cap;
};

static int append_output(struct child_output *o, int fd)
{
	if (o->cap - o->len < 65536) {
		size_t cap = o->cap * 2 + 65536;
		char *p = realloc(o->buf, cap);
		if (!p)
			return -1;
		o->buf = p;
		o->cap = cap;
	}
	ssize_t n = read(fd, o->buf + o->len, o->cap - o->len - 1);
	if (n > 0)
		o->len += (size_t)n;
	return n > 0 ? 1 : (n == 0 ? 0 : (errno == EINTR ? 1 : -1));
}

enum wait_end { CHILD_EOF, CHILD_TIMEOUT, CHILD_INTERRUPTED };

/* Reads the child's output until EOF, its time limit, or a stop signal. */
static enum wait_end read_child(int fd, double limit_s, struct child_output *o)
{
	uint64_t deadline = now_ns() + (uint64_t)(limit_s * 1e9);
	for (;;) {
		if (stop_signal)
			return CHILD_INTERRUPTED;
		uint64_t now = now_ns();
		if (now >= deadline)
			return CHILD_TIMEOUT;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ms = (int)((deadline - now) / 1000000) + 1;
		int r = poll(&p, 1, ms);
		if (r > 0 && append_output(o, fd) <= 0)
			return CHILD_EOF;
	}
}

static void describe_exit(int status, json_t *entry, struct child_output *o)
{
	char detail[128];
	json_t *body = NULL;

	if (WIFSIGNALED(status)) {
		snprintf(detail, sizeof(detail), "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		report_entry_failed(entry, "crashed", detail);
		return;
	}
	if (o->buf) {
		o->buf[o->len] = '\0';
		body = json_loads(o->buf, 0, NULL);
	}
	if (WEXITSTATUS(status) != 0 || !json_is_object(body)) {
		snprintf(detail, sizeof(detail), "exited with status %d without a result",
			 WEXITSTATUS(status));
		report_entry_failed(entry, "crashed", detail);
	} else {
		json_object_update(entry, body);
	}
	json_decref(body);
}

/* Runs one configuration in a child; fills entry; returns the wait outcome. */
static enum wait_end run_isolated(const struct config *c, const struct run_settings *s,
				  const int *pus, json_t *entry)
{
	int fds[2];
	if (pipe(fds) != 0) {
		report_entry_failed(entry, "error", strerror(errno));
		return CHILD_EOF;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child_main(c, s, pus, fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		report_entry_failed(entry, "error", strerror(errno));
		return CHILD_EOF;
	}

	struct child_output out = { 0 };
	double limit = sweep_time_limit_s(s);
	enum wait_end end = read_child(fds[0], limit, &out);
	if (end != CHILD_EOF)
		kill(pid, SIGKILL);
	close(fds[0]);

	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (end == CHILD_TIMEOUT) {
		char detail[96];
		snprintf(detail, sizeof(detail), "no result within the %.3g s time limit", limit);
		report_entry_failed(entry, "timeout", detail);
	} else if (end == CHILD_EOF) {
		describe_exit(status, entry, &out);
	}
	free(out.buf);
	return end;
}

/* Fills params with defaults, then the values the odometer points at. */
static void apply_sets(const struct sweep *sw, struct config *c, const int *applies,
		       const int *digit)
{
	param_defaults(c->bench->params, c->bench->nparams, c->bench_params);
	if (c->prim)
		param_defaults(c->prim->params, c->prim->nparams, c->prim_params);
	for (int k = 0; k < sw->nsets; k++) {
		if (!applies[k])
			continue;
		const struct param_sweep *ps = &sw->sets[k];
		int i = param_find(c->bench->params, c->bench->nparams, ps->name);
		if (i >= 0)
			c->bench_params[i] = ps->values[digit[k]];
		else
			c->prim_params[param_find(c->prim->params, c->prim->nparams, ps->name)] =
				ps->values[digit[k]];
	}
}

/* Advances the odometer over the sets that apply; false when it wraps. */
static int next_combination(const struct sweep *sw, const int *applies, int *digit)
{
	for (int k = sw->nsets - 1; k >= 0; k--) {
		if (!applies[k])
			continue;
		if (++digit[k] < sw->sets[k].nvalues)
			return 1;
		digit[k] = 0;
	}
	return 0;
}

/*
 * A --set applies to a primitive when the workload or the primitive
 * declares it; without a primitive, when the workload does.
 */
static void sets_for_prim(const struct sweep *sw, const struct lock_ops *prim, int *applies)
{
	for (int k = 0; k < sw->nsets; k++)
		applies[k] = param_find(sw->bench->params, sw->bench->nparams, sw->sets[k].name) >= 0 ||
			     (prim && param_find(prim->params, prim->nparams, sw->sets[k].name) >= 0);
}

struct sweep_state {
	const struct run_settings *s;
	const struct sweep_output *out;
	json_t *doc;
	json_t *reusable;	/* see reusable_entries() */
	json_t *kept;		/* names of the reusable entries used: name -> true */
	int failures;
	int position;		/* configurations reached so far, in sweep order */
	int done;		/* configurations measured, progress_done included */
	int measured;		/* configurations run by this process */
	uint64_t measured_ns;	/* and the wall time they took */
};

/*
 * The previous entries that can stand for a configuration of this sweep,
 * by name: status ok, measured with the same duration, warmup and number
 * of repetitions.  The first one wins.
 */
static json_t *reusable_entries(json_t *previous, const struct run_settings *s)
{
	json_t *by_name = json_object(), *e;
	size_t i;
	char name[1024];
	json_array_foreach(json_object_get(previous, "results"), i, e) {
		const char *status = json_string_value(json_object_get(e, "status"));
		if (resultdoc_config_name(e, name, sizeof(name)) == 0 && !json_object_get(by_name, name) &&
		    status && strcmp(status, "ok") == 0 &&
		    json_number_value(json_object_get(e, "duration_s")) == s->duration_s &&
		    json_number_value(json_object_get(e, "warmup_s")) == s->warmup_s &&
		    json_array_size(json_object_get(e, "reps")) == (size_t)s->reps)
			json_object_set(by_name, name, e);
	}
	return by_name;
}

/*
 * The document on disk holds what this process has finished, in sweep
 * order, and then every previous entry it has not reached yet: a resume
 * that is itself interrupted loses nothing.
 */
/* Rewrites the output; on failure, err says why.  Returns 0 or -1. */
static int write_document(struct sweep_state *st, char *err, size_t errlen)
{
	const char *name;
	json_t *e;
	json_t *doc = json_copy(st->doc);
	json_t *results = json_copy(json_object_get(st->doc, "results"));
	json_object_foreach(st->reusable, name, e) {
		if (!json_object_get(st->kept, name))
			json_array_append(results, e);
	}
	json_object_set_new(doc, "results", results);
	int rc = report_write_atomic(doc, st->out->path, err, errlen);
	json_decref(doc);
	return rc;
}

/* "12/108 configurations done, about 1m30s left": the pace so far, or the plan. */
static void print_progress(struct sweep_state *st)
{
	const struct run_settings *s = st->s;
	double per_config = st->measured ? (double)st->measured_ns / st->measured / 1e9
					 : s->reps * (s->warmup_s + s->duration_s);
	double left = per_config * (st->out->progress_total - st->done);
	if (left < 0)
		left = 0;
	fprintf(stderr, "syncbench: %d/%d configurations done, about %dm%02ds left\n", st->done,
		st->out->progress_total, (int)(left / 60), (int)left % 60);
}

/* Measures one configuration into entry; returns a SWEEP_* stop code or -1. */
static int measure(struct sweep_state *st, const struct config *c, const int *pus, json_t *entry)
{
	uint64_t start = now_ns();
	if (run_isolated(c, st->s, pus, entry) == CHILD_INTERRUPTED)
		return SWEEP_INTERRUPTED;
	st->measured++;
	st->measured_ns += now_ns() - start;
	return -1;
}

/*
 * Round robin over the sweep order rather than a hash of the name: the
 * order groups a primitive's thread counts together, and the expensive ones
 * (oversubscribed, slow locks) sit next to each other, so dealing them out
 * in turn spreads them evenly over the shards.
 */
static bool in_shard(const struct sweep_output *out, int position)
{
	return out->shard_count == 0 || position % out->shard_count == out->shard_index - 1;
}

/*
 * Runs (or keeps) one configuration, on PU assignment `variant` of the
 * placement, and records it; returns a SWEEP_* stop code or -1.
 */
static int run_one(struct sweep_state *st, const struct config *c, int variant)
{
	int pus[c->threads];
	char name[1024];
	if (!in_shard(st->out, st->position++))
		return -1;
	int oversubscribed = placement_resolve(st->s->topo, &st->s->placement, c->threads,
					       variant, pus);
	if (oversubscribed < 0) {
		fprintf(stderr, "syncbench: out of memory resolving the placement\n");
		return SWEEP_FAILED;
	}
	json_t *entry = report_entry_head(c, st->s, pus, oversubscribed);
	json_t *previous = NULL;
	if (resultdoc_config_name(entry, name, sizeof(name)) == 0)
		previous = json_object_get(st->reusable, name);
	if (st->out->dry_run) {
		printf("%s\t%s\n", previous ? "kept" : "run", name);
		json_decref(entry);
		return -1;
	}
	if (previous) {
		json_decref(entry);
		entry = json_incref(previous);
		json_object_set_new(st->kept, name, json_true());
	} else if (measure(st, c, pus, entry) == SWEEP_INTERRUPTED) {
		json_decref(entry);
		return SWEEP_INTERRUPTED;
	}
	report_table_row(stdout, c, entry);
	st->failures += strcmp(json_string_value(json_object_get(entry, "status")), "ok") != 0;
	report_append(st->doc, entry);
	json_decref(entry);
	if (!previous && st->out->progress_total) {
		st->done++;
		print_progress(st);
	}
	char err[512];
	if (st->out->path && write_document(st, err, sizeof(err)) != 0) {
		fprintf(stderr, "syncbench: %s; results up to the previous configuration are intact\n",
			err);
		return SWEEP_WRITE_ERROR;
	}
	return -1;
}

/*
 * Runs the configurations on prim, or, with prim NULL, those that use no
 * primitive: each configuration runs in exactly one of these passes.
 */
static int sweep_prim(struct sweep_state *st, const struct sweep *sw, const struct lock_ops *prim)
{
	int applies[2 * MAX_PARAMS], digit[2 * MAX_PARAMS] = { 0 };
	struct config c = { .bench = sw->bench, .prim = prim };

	sets_for_prim(sw, prim, applies);
	do {
		apply_sets(sw, &c, applies, digit);
		if (bench_uses_prim(c.bench, c.bench_params) != (prim != NULL))
			continue;	/* to the odometer: it runs in the other pass */
		for (int t = 0; t < sw->nthreads; t++) {
			c.threads = sw->threads[t];
			int variants = placement_variants(st->s->topo, &st->s->placement, c.threads);
			for (int v = 0; v < variants; v++) {
				int stop = run_one(st, &c, v);
				if (stop >= 0)
					return stop;
			}
		}
	} while (next_combination(sw, applies, digit));
	return -1;
}

int sweep_validate(const struct sweep *sw, char *why, size_t whylen)
{
	int applies[2 * MAX_PARAMS], digit[2 * MAX_PARAMS] = { 0 };
	struct config c = { .bench = sw->bench };

	if (!sw->bench->validate)
		return 0;
	sets_for_prim(sw, NULL, applies);
	do {
		apply_sets(sw, &c, applies, digit);
		for (int t = 0; t < sw->nthreads; t++)
			if (sw->bench->validate(c.bench_params, sw->threads[t], why, whylen) != 0)
				return -1;
	} while (next_combination(sw, applies, digit));
	return 0;
}

/* A resumed document keeps the context it was started with, and says when it was resumed. */
static json_t *resumed_document(const struct run_context *ctx, json_t *previous)
{
	json_t *doc = report_document(ctx);
	json_t *fresh = json_object_get(doc, "context");
	json_t *context = json_deep_copy(json_object_get(previous, "context"));
	json_t *resumes = json_object_get(context, "resumes");
	if (!json_is_array(resumes)) {
		resumes = json_array();
		json_object_set_new(context, "resumes", resumes);
	}
	/* The entries this process adds are compared with the floor it measured. */
	json_array_append_new(resumes, json_pack("{s:O, s:O, s:O*}", "date",
		json_object_get(fresh, "date"), "command_line", json_object_get(fresh, "command_line"),
		"coherence_floor", json_object_get(fresh, "coherence_floor")));
	json_object_set_new(doc, "context", context);
	return doc;
}

int sweep_run(const struct sweep *sw, const struct run_settings *s,
	      const struct run_context *ctx, const struct sweep_output *out)
{
	struct sweep_state st = { .s = s, .out = out, .kept = json_object(),
				  .reusable = reusable_entries(out->previous, s),
				  .done = out->progress_done };
	int stop = -1;

	if (!out->dry_run) {
		st.doc = out->previous ? resumed_document(ctx, out->previous) : report_document(ctx);
		set_up_signals();
		report_table_header(stdout);
	}
	stop = sweep_prim(&st, sw, NULL);
	for (int p = 0; p < sw->nprims && stop < 0; p++)
		stop = sweep_prim(&st, sw, sw->prims[p]);
	if (out->dry_run) {
		json_decref(st.reusable);
		json_decref(st.kept);
		return SWEEP_OK;
	}

	if (stop == SWEEP_INTERRUPTED) {
		report_set_complete(st.doc, 0, stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
		fprintf(stderr, "syncbench: interrupted; %zu finished configurations kept\n",
			json_array_size(json_object_get(st.doc, "results")));
	} else if (stop < 0) {
		report_set_complete(st.doc, 1, NULL);
	}
	char err[512];
	if (stop != SWEEP_WRITE_ERROR && out->path && write_document(&st, err, sizeof(err)) != 0) {
		fprintf(stderr, "syncbench: %s\n", err);
		stop = SWEEP_WRITE_ERROR;
	}
	json_decref(st.reusable);
	json_decref(st.kept);
	json_decref(st.doc);
	return stop >= 0 ? stop : (st.failures ? SWEEP_FAILED : SWEEP_OK);
}
