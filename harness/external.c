#include "external.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "latency.h"

/* The descriptor to which the program writes its window's 'm' and 's'. */
#define NOTIFY_FD 3

int external_program(const struct external_ref *x, char *path, size_t len, char *why,
		     size_t whylen)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		snprintf(why, whylen, "cannot find the syncbench binary (/proc/self/exe): %s",
			 strerror(errno));
		return -1;
	}
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	if ((size_t)snprintf(path, len, "%s/%s", self, x->program) >= len) {
		snprintf(why, whylen, "the path of %s is too long", x->program);
		return -1;
	}
	if (access(path, X_OK) == 0)
		return 0;
	snprintf(why, whylen, "%s is missing (%s): make builds it next to syncbench when Go is "
		 "installed (Debian package %s)", x->program, path, x->package);
	return -1;
}

bool external_available(const struct lock_ops *p)
{
	char path[PATH_MAX], why[PATH_MAX + 256];
	return !p->external || external_program(p->external, path, sizeof(path), why,
						sizeof(why)) == 0;
}

bool external_pins_threads(const struct config *c)
{
	return !c->prim || !c->prim->external || c->prim->external->pins_threads(c->prim_params);
}

/* The external_workload entry for the configuration's workload (bench_accepts() said there is one). */
static const struct external_workload *workload_entry(const struct config *c)
{
	const struct external_workload *w = c->prim->external->workloads;
	while (w->bench && strcmp(w->bench, c->bench->name) != 0)
		w++;
	return w;
}

/* The values a sweep gives parameter i of its workload: its --set, or the default. */
static void values_of(const struct sweep *sw, size_t i, const int64_t **values, int *n)
{
	const struct param_decl *d = &sw->bench->params[i];
	for (int k = 0; k < sw->nsets; k++) {
		if (strcmp(sw->sets[k].name, d->name) == 0) {
			*values = sw->sets[k].values;
			*n = sw->sets[k].nvalues;
			return;
		}
	}
	*values = &d->def;
	*n = 1;
}

static int check_values(const struct sweep *sw, const struct lock_ops *p, char *why,
			size_t whylen)
{
	char reason[256];
	for (size_t i = 0; p->external->check_value && i < sw->bench->nparams; i++) {
		const int64_t *values;
		int n;
		values_of(sw, i, &values, &n);
		for (int v = 0; v < n; v++) {
			if (p->external->check_value(sw->bench->name, sw->bench->params[i].name,
						     values[v], reason, sizeof(reason)) != 0) {
				snprintf(why, whylen, "%s (run by %s) under %s: %s", p->name,
					 p->external->program, sw->bench->name, reason);
				return -1;
			}
		}
	}
	return 0;
}

int external_validate(const struct sweep *sw, char *why, size_t whylen)
{
	char path[PATH_MAX], missing[PATH_MAX + 256];
	for (int i = 0; i < sw->nprims; i++) {
		const struct lock_ops *p = sw->prims[i];
		if (!p->external)
			continue;
		if (external_program(p->external, path, sizeof(path), missing, sizeof(missing)) != 0) {
			snprintf(why, whylen, "primitive %s: %s", p->name, missing);
			return -1;
		}
		if (check_values(sw, p, why, whylen) != 0)
			return -1;
	}
	return 0;
}

/* The program's argv, built into one buffer. */
struct args {
	int n;
	char *v[3 * MAX_PARAMS + 40];
	char text[8192];
	size_t used;
	bool overflow;
};

static void __attribute__((format(printf, 2, 3))) push(struct args *a, const char *fmt, ...)
{
	va_list ap;
	size_t room = sizeof(a->text) - a->used;
	va_start(ap, fmt);
	int len = vsnprintf(a->text + a->used, room, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= room || a->n + 1 >= (int)(sizeof(a->v) / sizeof(a->v[0]))) {
		a->overflow = true;
		return;
	}
	a->v[a->n++] = a->text + a->used;
	a->used += (size_t)len + 1;
}

/* PUs as a comma-separated list, if every thread has one. */
static void push_pus(struct args *a, int n, const int *pus)
{
	char list[8 * 1024];
	size_t used = 0;
	for (int i = 0; i < n; i++) {
		if (pus[i] < 0)
			return;
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%d", i ? "," : "",
					 pus[i]);
		if (used >= sizeof(list)) {
			a->overflow = true;
			return;
		}
	}
	push(a, "-pus");
	push(a, "%s", list);
}

static void push_params(struct args *a, const struct param_decl *d, size_t n,
			const int64_t *values, bool as_flags)
{
	for (size_t i = 0; i < n; i++) {
		char v[64];
		param_format(&d[i], values[i], v, sizeof(v));
		if (as_flags) {
			push(a, "-%s", d[i].name);
			push(a, "%s", v);
		} else {
			push(a, "%s=%s", d[i].name, v);
		}
	}
}

static int build_args(const struct config *c, const struct run_settings *s, const int *pus,
		      const char *path, struct args *a)
{
	const struct external_workload *w = workload_entry(c);
	a->n = 0;
	a->used = 0;
	a->overflow = false;
	push(a, "%s", path);
	push(a, "-workload");
	push(a, "%s", c->bench->name);
	push(a, "-threads");
	push(a, "%d", c->threads);
	if (w->prim) {
		push(a, "-prim");
		push(a, "%s", w->prim);
	}
	push_params(a, c->prim->params, c->prim->nparams, c->prim_params, true);
	push(a, "-warmup");
	push(a, "%.17g", s->warmup_s);
	push(a, "-duration");
	push(a, "%.17g", s->duration_s);
	push(a, "-min-ops");
	push(a, "%llu", (unsigned long long)s->min_ops);
	push(a, "-max-window");
	push(a, "%.17g", run_max_window_s(s));
	push(a, "-clock");
	push(a, "%s", tick_use_tsc ? "tsc" : "monotonic");
	if (tick_use_tsc) {
		push(a, "-ticks-per-ns");
		push(a, "%.17g", 1 / ticks_to_ns(1));
	}
	push(a, "-pair-ticks");
	push(a, "%llu", (unsigned long long)tick_pair_ticks);
	push_pus(a, c->threads, pus);
	push(a, "-notify-fd");
	push(a, "%d", NOTIFY_FD);
	push_params(a, c->bench->params, c->bench->nparams, c->bench_params, false);
	a->v[a->n] = NULL;
	return a->overflow ? -1 : 0;
}

/* What the program wrote, and how it ended. */
struct child {
	pid_t pid;
	int out, err, notify, gate;	/* the parent's ends; -1 once closed */
	char *stdout_text;
	size_t stdout_len, stdout_cap;
	char stderr_text[1024];
	size_t stderr_len;
	int status;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Every descriptor above the notify one: the program inherits none of ours. */
static void close_the_rest(void)
{
	if (syscall(SYS_close_range, NOTIFY_FD + 1, ~0u, 0) == 0)
		return;
	for (long fd = NOTIFY_FD + 1, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
		close((int)fd);
}

/*
 * In the forked child: wire the descriptors, wait at the gate, become the
 * program.  gate_in is the parent's end of the gate, which must be closed
 * here too for the parent's close to read as EOF.
 */
static _Noreturn void exec_program(pid_t parent, int out, int err, int notify, int gate,
				   int gate_in, char *const *argv)
{
	char go;
	close(gate_in);
	/* Gone with us: a repetition killed at its time limit must not leave the program running. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	/* dup2() onto itself would keep O_CLOEXEC: clear it on all three. */
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0 ||
	    dup2(notify, NOTIFY_FD) < 0 || fcntl(STDOUT_FILENO, F_SETFD, 0) < 0 ||
	    fcntl(STDERR_FILENO, F_SETFD, 0) < 0 || fcntl(NOTIFY_FD, F_SETFD, 0) < 0)
		_exit(127);
	/* The parent closes its end once the counters are open: EOF lets us go. */
	while (read(gate, &go, 1) < 0 && errno == EINTR)
		;
	close_the_rest();
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int make_pipe(int fds[2], char *err, size_t errlen)
{
	if (pipe2(fds, O_CLOEXEC) == 0)
		return 0;
	snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
	return -1;
}

/* Starts the program, blocked at its gate; 0 or -1 with err. */
static int start_child(char *const *argv, struct child *ch, char *err, size_t errlen)
{
	int out[2] = { -1, -1 }, er[2] = { -1, -1 }, note[2] = { -1, -1 }, gate[2] = { -1, -1 };
	if (make_pipe(out, err, errlen) || make_pipe(er, err, errlen) ||
	    make_pipe(note, err, errlen) || make_pipe(gate, err, errlen))
		goto fail;
	pid_t parent = getpid();
	fflush(NULL);
	ch->pid = fork();
	if (ch->pid == 0)
		exec_program(parent, out[1], er[1], note[1], gate[0], gate[1], argv);
	if (ch->pid < 0) {
		snprintf(err, errlen, "cannot fork: %s", strerror(errno));
		goto fail;
	}
	close(out[1]);
	close(er[1]);
	close(note[1]);
	close(gate[0]);
	ch->out = out[0];
	ch->err = er[0];
	ch->notify = note[0];
	ch->gate = gate[1];
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		close_fd(&out[i]);
		close_fd(&er[i]);
		close_fd(&note[i]);
		close_fd(&gate[i]);
	}
	return -1;
}

/* Appends what fd has to the child's stdout or stderr text; closes it at EOF. */
static int drain(struct child *ch, int *fd)
{
	char buf[65536];
	ssize_t n = read(*fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	if (n == 0) {
		close_fd(fd);
		return 0;
	}
	if (fd == &ch->err) {
		size_t keep = sizeof(ch->stderr_text) - 1 - ch->stderr_len;
		keep = (size_t)n < keep ? (size_t)n : keep;
		memcpy(ch->stderr_text + ch->stderr_len, buf, keep);
		ch->stderr_len += keep;
		ch->stderr_text[ch->stderr_len] = '\0';
		return 0;
	}
	if (ch->stdout_cap - ch->stdout_len < (size_t)n + 1) {
		size_t cap = 2 * ch->stdout_cap + (size_t)n + 1;
		char *p = realloc(ch->stdout_text, cap);
		if (!p)
			return -1;
		ch->stdout_text = p;
		ch->stdout_cap = cap;
	}
	memcpy(ch->stdout_text + ch->stdout_len, buf, (size_t)n);
	ch->stdout_len += (size_t)n;
	ch->stdout_text[ch->stdout_len] = '\0';
	return 0;
}

/* Where the counted window stands, by the program's notifications. */
enum window { WINDOW_BEFORE, WINDOW_OPEN, WINDOW_READ };

/*
 * One notification: 'r' ends the set-up, 'm' opens the counting window,
 * 's' closes and reads it.
 */
static void take_notice(struct child *ch, const struct event_set *events,
			struct thread_counters *tc, enum window *w, struct counter_reading *out,
			const struct rep_hooks *hooks)
{
	char what;
	ssize_t n = read(ch->notify, &what, 1);
	if (n == 0 || (n < 0 && errno != EINTR)) {
		close_fd(&ch->notify);
	} else if (n == 1 && what == 'r') {
		if (hooks && hooks->ready)
			hooks->ready(hooks->arg);
	} else if (n == 1 && what == 'm' && *w == WINDOW_BEFORE) {
		counters_enable(events, tc);
		*w = WINDOW_OPEN;
	} else if (n == 1 && what == 's' && *w == WINDOW_OPEN) {
		counters_finish(events, tc, out);
		*w = WINDOW_READ;
	}
}

/*
 * Lets the program go, then reads its output and notifications until it
 * has closed them all, and reaps it.  The counters are read at 's'; if the
 * window never closed, they are closed unread and marked invalid.
 */
static int follow_child(const char *program, struct child *ch, const struct event_set *events,
			struct counter_reading *readings, const struct rep_hooks *hooks, char *err,
			size_t errlen)
{
	struct thread_counters tc;
	enum window w = WINDOW_BEFORE;
	counters_open_process(events, ch->pid, &tc);
	close_fd(&ch->gate);
	while (ch->out >= 0 || ch->err >= 0 || ch->notify >= 0) {
		struct pollfd p[3] = { { .fd = ch->out, .events = POLLIN },
				       { .fd = ch->err, .events = POLLIN },
				       { .fd = ch->notify, .events = POLLIN } };
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "cannot wait for %s: %s", program, strerror(errno));
			kill(ch->pid, SIGKILL);
			break;
		}
		if (p[2].revents)
			take_notice(ch, events, &tc, &w, readings, hooks);
		if ((p[0].revents && drain(ch, &ch->out) != 0) ||
		    (p[1].revents && drain(ch, &ch->err) != 0)) {
			snprintf(err, errlen, "cannot read %s's output: %s", program, strerror(errno));
			kill(ch->pid, SIGKILL);
			break;
		}
	}
	if (w != WINDOW_READ) {
		counters_finish(events, &tc, readings);
		for (int i = 0; i < events->n; i++)
			readings[i].valid = 0;
	}
	close_fd(&ch->out);
	close_fd(&ch->err);
	close_fd(&ch->notify);
	while (waitpid(ch->pid, &ch->status, 0) < 0 && errno == EINTR)
		;
	return err[0] ? -1 : 0;
}

/* The program's status and last stderr line, as an error; 0 if it exited 0 with output. */
static int judge_exit(const char *program, struct child *ch, char *err, size_t errlen)
{
	if (WIFEXITED(ch->status) && WEXITSTATUS(ch->status) == 0 && ch->stdout_len)
		return 0;
	char *line = ch->stderr_text;
	line[strcspn(line, "\n")] = '\0';
	if (WIFSIGNALED(ch->status))
		snprintf(err, errlen, "%s killed by signal %d (%s)%s%s", program, WTERMSIG(ch->status),
			 strsignal(WTERMSIG(ch->status)), line[0] ? ": " : "", line);
	else
		snprintf(err, errlen, "%s exited with status %d%s%s", program,
			 WEXITSTATUS(ch->status), line[0] ? ": " : "", line[0] ? line : " and no result");
	return -1;
}

/* Reading the program's JSON: each helper says what is wrong in err and returns -1. */
struct reader {
	const char *program;
	char *err;
	size_t errlen;
};

static int bad(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct reader *r, const char *fmt, ...)
{
	char what[192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s's output: %s", r->program, what);
	return -1;
}

static int get_u64(struct reader *r, json_t *obj, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return bad(r, "'%s' is not a count", key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* The program's kinds must be the workload's, in its order. */
static int check_kinds(struct reader *r, const struct bench_ops *b, json_t *kinds)
{
	int n = bench_kind_count(b);
	if (!json_is_array(kinds) || (int)json_array_size(kinds) != n)
		return bad(r, "op_kinds are not workload %s's %d kinds", b->name, n);
	for (int k = 0; k < n; k++) {
		const char *name = json_string_value(json_array_get(kinds, (size_t)k));
		if (!name || strcmp(name, bench_kind_name(b, k)) != 0)
			return bad(r, "kind %d is '%s', workload %s's is '%s'", k, name ? name : "?",
				   b->name, bench_kind_name(b, k));
	}
	return 0;
}

static int take_thread(struct reader *r, const struct config *c, json_t *t,
		       struct thread_figures *f, bool cpu_of_process)
{
	json_t *by_kind = json_object_get(t, "ops_by_kind"), *cpu = json_object_get(t, "cpu_ns");
	json_t *pu = json_object_get(t, "pu");
	uint64_t ops;
	memset(f, 0, sizeof(*f));
	if (get_u64(r, t, "ops", &ops) != 0)
		return -1;
	if (!json_is_array(by_kind) || (int)json_array_size(by_kind) != bench_kind_count(c->bench))
		return bad(r, "a thread's ops_by_kind has not one count per kind");
	for (int k = 0; k < bench_kind_count(c->bench); k++) {
		json_t *v = json_array_get(by_kind, (size_t)k);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return bad(r, "a thread's ops_by_kind holds a non-count");
		f->ops_by_kind[k] = (uint64_t)json_integer_value(v);
		f->ops += f->ops_by_kind[k];
	}
	if (f->ops != ops)
		return bad(r, "a thread's ops_by_kind adds up to %llu, not its ops %llu",
			   (unsigned long long)f->ops, (unsigned long long)ops);
	if (!cpu_of_process) {
		if (!json_is_integer(cpu) || json_integer_value(cpu) < 0)
			return bad(r, "a thread's cpu_ns is not a count");
		f->cpu_ns = (uint64_t)json_integer_value(cpu);
	}
	f->pu = json_is_integer(pu) ? (int)json_integer_value(pu) : -1;
	return 0;
}

/* Threads mode pins worker i to pus[i]: the program must say it did exactly that. */
static int check_pinned(struct reader *r, const struct config *c, const int *pus, json_t *got)
{
	bool asked = pus[0] >= 0 && external_pins_threads(c);
	if (!asked)
		return 0;
	if (!json_is_array(got) || (int)json_array_size(got) != c->threads)
		return bad(r, "it did not pin the %d threads it was asked to", c->threads);
	for (int i = 0; i < c->threads; i++)
		if (json_integer_value(json_array_get(got, (size_t)i)) != pus[i])
			return bad(r, "worker %d was pinned to PU %lld, not %d", i,
				   (long long)json_integer_value(json_array_get(got, (size_t)i)),
				   pus[i]);
	return 0;
}

/* One kind's histogram: buckets by their least value, in the harness's own ticks. */
static int take_histogram(struct reader *r, json_t *kind, struct latency_hist *h)
{
	json_t *low = json_object_get(kind, "bucket_low_ticks");
	json_t *count = json_object_get(kind, "count_per_bucket");
	uint64_t total, max;
	if (get_u64(r, kind, "count", &total) != 0 || get_u64(r, kind, "max_ticks", &max) != 0)
		return -1;
	if (!json_is_array(low) || !json_is_array(count) || json_array_size(low) != json_array_size(count))
		return bad(r, "a latency histogram's buckets and counts differ in number");
	for (size_t i = 0; i < json_array_size(low); i++) {
		json_t *v = json_array_get(low, i), *n = json_array_get(count, i);
		if (!json_is_integer(v) || !json_is_integer(n) || json_integer_value(v) < 0 ||
		    json_integer_value(n) < 0)
			return bad(r, "a latency bucket is not a count");
		h->bucket[latency_bucket((uint64_t)json_integer_value(v))] += (uint64_t)json_integer_value(n);
		h->count += (uint64_t)json_integer_value(n);
	}
	if (h->count != total)
		return bad(r, "a latency histogram holds %llu samples, not its count %llu",
			   (unsigned long long)h->count, (unsigned long long)total);
	h->max = max;
	return 0;
}

static int take_latency(struct reader *r, const struct bench_ops *b, json_t *lat,
			struct rep_figures *out)
{
	if (json_is_null(lat))
		return 0;
	json_t *kinds = json_object_get(lat, "kinds");
	if (!json_is_object(kinds) || get_u64(r, lat, "max_gap_ticks", &out->max_gap_ticks) != 0)
		return bad(r, "latency has no kinds or no max_gap_ticks");
	for (int k = 0; k < bench_kind_count(b); k++) {
		json_t *kind = json_object_get(kinds, bench_kind_name(b, k));
		if (kind && take_histogram(r, kind, &out->latency[k]) != 0)
			return -1;
	}
	return 0;
}

static int take_check(struct reader *r, json_t *check, struct rep_figures *out)
{
	const char *result = json_string_value(json_object_get(check, "result"));
	const char *detail = json_string_value(json_object_get(check, "detail"));
	if (!result || (strcmp(result, "passed") != 0 && strcmp(result, "failed") != 0))
		return bad(r, "check.result is not passed or failed");
	out->check = strcmp(result, "passed") == 0 ? CHECK_PASSED : CHECK_FAILED;
	snprintf(out->check_detail, sizeof(out->check_detail), "%s", detail ? detail : "");
	return 0;
}

static void add_stat(struct named_stats *ns, const char *name, json_t *v)
{
	if (ns->n < MAX_NAMED_STATS && json_is_number(v)) {
		snprintf(ns->item[ns->n].name, sizeof(ns->item[ns->n].name), "%s", name);
		ns->item[ns->n++].value = json_number_value(v);
	}
}

/*
 * The program's own figures, as the primitive's: how often its goroutines
 * were scheduled (each park ends with one), its garbage collections, and
 * its own calibration of the work unit, to hold against context.work_unit_ns.
 */
static void take_prim_stats(json_t *doc, struct named_stats *ns)
{
	ns->n = 0;
	add_stat(ns, "goroutines_scheduled", json_object_get(doc, "goroutines_scheduled"));
	add_stat(ns, "gc_cycles", json_object_get(doc, "gc_cycles"));
	add_stat(ns, "go_work_unit_ns", json_object_get(doc, "work_unit_ns"));
}

static int take_figures(struct reader *r, const struct config *c, const int *pus, json_t *doc,
			struct rep_figures *out)
{
	json_t *threads = json_object_get(doc, "per_thread");
	out->cpu_of_process = !json_is_null(json_object_get(doc, "per_thread_null"));
	if (get_u64(r, doc, "wall_ns", &out->wall_ns) != 0 ||
	    get_u64(r, doc, "all_ops", &out->all_ops) != 0 ||
	    get_u64(r, doc, "process_cpu_ns", &out->process_cpu_ns) != 0 ||
	    check_kinds(r, c->bench, json_object_get(doc, "op_kinds")) != 0 ||
	    check_pinned(r, c, pus, json_object_get(doc, "pus")) != 0)
		return -1;
	if (!json_is_array(threads) || (int)json_array_size(threads) != c->threads)
		return bad(r, "per_thread has not %d threads", c->threads);
	for (int i = 0; i < c->threads; i++)
		if (take_thread(r, c, json_array_get(threads, (size_t)i), &out->threads[i],
				out->cpu_of_process) != 0)
			return -1;
	memset(out->latency, 0, sizeof(out->latency));
	out->max_gap_ticks = 0;
	if (take_latency(r, c->bench, json_object_get(doc, "latency"), out) != 0 ||
	    take_check(r, json_object_get(doc, "check"), out) != 0)
		return -1;
	take_prim_stats(doc, &out->prim_stats);
	out->bench_stats.n = 0;
	return 0;
}

static int read_result(const struct config *c, const int *pus, struct child *ch,
		       struct rep_figures *out, char *err, size_t errlen)
{
	struct reader r = { c->prim->external->program, err, errlen };
	json_error_t jerr;
	json_t *doc = json_loadb(ch->stdout_text, ch->stdout_len, 0, &jerr);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return bad(&r, "not one JSON object: %s", jerr.text);
	}
	int rc = take_figures(&r, c, pus, doc, out);
	json_decref(doc);
	return rc;
}

int external_run_repetition(const struct config *c, const struct run_settings *s,
			    const int *pus, struct rep_figures *out, char *err, size_t errlen,
			    const struct rep_hooks *hooks)
{
	const struct external_ref *x = c->prim->external;
	char path[PATH_MAX];
	static struct args a;	/* static: 8 KB of argument text */
	struct child ch = { .out = -1, .err = -1, .notify = -1, .gate = -1 };
	int rc = -1;

	err[0] = '\0';
	if (external_program(x, path, sizeof(path), err, errlen) != 0)
		return -1;
	if (build_args(c, s, pus, path, &a) != 0) {
		snprintf(err, errlen, "%s: the arguments do not fit", x->program);
		return -1;
	}
	if (start_child(a.v, &ch, err, errlen) != 0)
		return -1;
	static const struct event_set no_events;
	out->counters_of_process = true;
	if (follow_child(x->program, &ch, s->events ? s->events : &no_events, out->process_counters,
			 hooks, err, errlen) == 0 &&
	    judge_exit(x->program, &ch, err, errlen) == 0)
		rc = read_result(c, pus, &ch, out, err, errlen);
	free(ch.stdout_text);
	if (rc == 0 && hooks && hooks->measured)
		hooks->measured(hooks->arg);
	return rc;
}
