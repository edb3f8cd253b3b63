#include "entry_filter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../benches/bench.h"
#include "suggest.h"

static int fail_list(const char *option, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s needs a comma-separated list without empty items", option);
	return -1;
}

/* Splits text at commas, in place, into l; -1 on an empty item or too many. */
static int split(const char *option, char *text, struct filter_list *l, char *err,
		 size_t errlen)
{
	if (!text[0] || text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,"))
		return fail_list(option, err, errlen);
	for (char *save = NULL, *p = strtok_r(text, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (l->n == FILTER_MAX_VALUES) {
			snprintf(err, errlen, "%s lists more than %d values", option, FILTER_MAX_VALUES);
			return -1;
		}
		l->values[l->n++] = p;
	}
	return 0;
}

static int unknown(const char *option, const char *what, const char *name,
		   const char *const *names, size_t n, char *err, size_t errlen)
{
	char hint[128];
	suggest_phrase(name, names, n, hint, sizeof(hint));
	snprintf(err, errlen, "%s: no %s '%s' in this build (%ssee syncbench list)", option, what,
		 name, hint);
	return -1;
}

static int check_benches(const struct filter_list *l, char *err, size_t errlen)
{
	const char *names[bench_registry_len];
	for (size_t i = 0; i < bench_registry_len; i++)
		names[i] = bench_registry[i]->name;
	for (int i = 0; i < l->n; i++)
		if (!bench_find(l->values[i]))
			return unknown("--bench", "workload", l->values[i], names, bench_registry_len,
				       err, errlen);
	return 0;
}

static int check_prims(const struct filter_list *l, char *err, size_t errlen)
{
	const char *names[lock_registry_len];
	for (size_t i = 0; i < lock_registry_len; i++)
		names[i] = lock_registry[i]->name;
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->values[i], "-") != 0 && !lock_find(l->values[i]))
			return unknown("--prim", "primitive", l->values[i], names, lock_registry_len,
				       err, errlen);
	return 0;
}

static int check_threads(const struct filter_list *l, char *err, size_t errlen)
{
	for (int i = 0; i < l->n; i++) {
		char *end;
		errno = 0;
		long v = strtol(l->values[i], &end, 10);
		if (end == l->values[i] || *end || errno || v < 1 || v > 1048576) {
			snprintf(err, errlen, "--threads: '%s' is not a thread count (accepted: whole "
				 "numbers from 1)", l->values[i]);
			return -1;
		}
	}
	return 0;
}

/* A parameter of some workload or primitive of this build. */
static int check_key(const char *key, char *err, size_t errlen)
{
	const char *names[512];
	size_t n = 0;
	for (size_t i = 0; i < bench_registry_len; i++)
		for (size_t k = 0; k < bench_registry[i]->nparams; k++) {
			if (strcmp(bench_registry[i]->params[k].name, key) == 0)
				return 0;
			if (n < 512)
				names[n++] = bench_registry[i]->params[k].name;
		}
	for (size_t i = 0; i < lock_registry_len; i++)
		for (size_t k = 0; k < lock_registry[i]->nparams; k++) {
			if (strcmp(lock_registry[i]->params[k].name, key) == 0)
				return 0;
			if (n < 512)
				names[n++] = lock_registry[i]->params[k].name;
		}
	return unknown("--set", "parameter", key, names, n, err, errlen);
}

static int add_set(struct entry_filter *f, char *text, char *err, size_t errlen)
{
	char *eq = strchr(text, '=');
	if (!eq || eq == text) {
		snprintf(err, errlen, "--set '%s' is not KEY=V[,V...]", text);
		return -1;
	}
	*eq = '\0';
	if (check_key(text, err, errlen) != 0)
		return -1;
	for (int i = 0; i < f->nsets; i++)
		if (strcmp(f->sets[i].key, text) == 0) {
			snprintf(err, errlen, "--set %s is given twice; list its values in one --set", text);
			return -1;
		}
	if (f->nsets == FILTER_MAX_SETS) {
		snprintf(err, errlen, "at most %d --set filters are accepted", FILTER_MAX_SETS);
		return -1;
	}
	f->sets[f->nsets].key = text;
	f->sets[f->nsets].values.n = 0;
	if (split("--set", eq + 1, &f->sets[f->nsets].values, err, errlen) != 0)
		return -1;
	f->nsets++;
	return 0;
}

int entry_filter_add(struct entry_filter *f, const char *option, char *text, char *err,
		     size_t errlen)
{
	if (strcmp(option, "--set") == 0)
		return add_set(f, text, err, errlen);
	struct filter_list *l = strcmp(option, "--bench") == 0 ? &f->bench :
				strcmp(option, "--prim") == 0 ? &f->prim : &f->threads;
	if (l->n) {
		snprintf(err, errlen, "%s is given twice; list its values in one %s", option, option);
		return -1;
	}
	if (split(option, text, l, err, errlen) != 0)
		return -1;
	if (l == &f->bench)
		return check_benches(l, err, errlen);
	if (l == &f->prim)
		return check_prims(l, err, errlen);
	return check_threads(l, err, errlen);
}

static bool listed(const struct filter_list *l, const char *value)
{
	if (l->n == 0)
		return true;
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->values[i], value) == 0)
			return true;
	return false;
}

/* By number: --threads 02 is 2 threads. */
static bool threads_listed(const struct filter_list *l, json_t *threads)
{
	if (l->n == 0)
		return true;
	for (int i = 0; i < l->n; i++)
		if (json_is_integer(threads) && strtol(l->values[i], NULL, 10) == json_integer_value(threads))
			return true;
	return false;
}

/* A document value as typed on the command line: integers in decimal, strings as they are. */
static void as_text(json_t *v, char *buf, size_t len)
{
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else
		snprintf(buf, len, "%s", json_is_null(v) ? "-" : "?");
}

bool entry_filter_match(const struct entry_filter *f, json_t *entry)
{
	char text[256];
	as_text(json_object_get(entry, "bench"), text, sizeof(text));
	if (!listed(&f->bench, text))
		return false;
	as_text(json_object_get(entry, "prim"), text, sizeof(text));
	if (!listed(&f->prim, text))
		return false;
	if (!threads_listed(&f->threads, json_object_get(entry, "threads")))
		return false;
	for (int i = 0; i < f->nsets; i++) {
		json_t *v = json_object_get(json_object_get(entry, "params"), f->sets[i].key);
		if (!v)
			return false;
		as_text(v, text, sizeof(text));
		if (!listed(&f->sets[i].values, text))
			return false;
	}
	return true;
}

bool entry_filter_empty(const struct entry_filter *f)
{
	return !f->bench.n && !f->prim.n && !f->threads.n && !f->nsets;
}
