/*
 * A repetition that another program runs (external.h): finding the
 * program, checking the values it takes, its arguments; the child
 * process is external_child.c's, reading its result external_result.c's.
 */
#include "external.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "external_private.h"
#include "latency.h"

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
	if (external_start_child(a.v, &ch, err, errlen) != 0)
		return -1;
	static const struct event_set no_events;
	out->counters_of_process = true;
	if (external_follow_child(x->program, &ch, s->events ? s->events : &no_events, out->process_counters,
			 hooks, err, errlen) == 0 &&
	    external_judge_exit(x->program, &ch, err, errlen) == 0)
		rc = external_read_result(c, pus, &ch, out, err, errlen);
	free(ch.stdout_text);
	if (rc == 0 && hooks && hooks->measured)
		hooks->measured(hooks->arg);
	return rc;
}
