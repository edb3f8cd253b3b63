/*
 * The labels every row of an entry has (export_row_values.h): where it
 * came from, its configuration, series key, contention level, placement
 * and parameters.
 */
#include "export_rows.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../benches/bench.h"
#include "export_row_values.h"
#include "resultdoc.h"

/* "package,numa": the levels some two threads share; "nothing"; "-" unknown. */
static json_t *shared_levels(json_t *shared)
{
	static const char *const levels[] = { "pu", "core", "package", "numa" };
	char text[64] = "";
	if (!json_is_object(shared))
		return json_string("-");
	for (int i = 0; i < 4; i++) {
		json_t *v = json_object_get(shared, levels[i]);
		if (json_is_null(v) || !v)
			return json_string("-");
		if (json_is_true(v))
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s",
				 text[0] ? "," : "", levels[i]);
	}
	return json_string(text[0] ? text : "nothing");
}

/* The primitive's own parameters, by its declaration; NULL if it is not in this build. */
static const struct lock_ops *prim_of(json_t *entry)
{
	const char *name = json_string_value(json_object_get(entry, "prim"));
	return name ? lock_find(name) : NULL;
}

/* "KEY=V KEY=V" of the parameters, all of them or only the primitive's. */
static void params_text(json_t *entry, const struct lock_ops *only, char *buf, size_t len)
{
	const char *key;
	json_t *v;
	size_t used = 0;
	buf[0] = '\0';
	json_object_foreach(json_object_get(entry, "params"), key, v) {
		if (only && param_find(only->params, only->nparams, key) < 0)
			continue;
		if (used >= len)
			break;
		if (json_is_integer(v))
			used += (size_t)snprintf(buf + used, len - used, "%s%s=%lld", used ? " " : "",
						 key, (long long)json_integer_value(v));
		else
			used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", used ? " " : "",
						 key, json_is_string(v) ? json_string_value(v) : "?");
	}
}

/* The series key: the primitive and its own parameters ("gochan spin=2000"); "-" for none. */
static json_t *series_key(json_t *entry)
{
	const char *prim = json_string_value(json_object_get(entry, "prim"));
	const struct lock_ops *p = prim_of(entry);
	char own[2048];
	if (!prim)
		return json_string("-");
	if (!p || !p->nparams)
		return json_string(prim);
	params_text(entry, p, own, sizeof(own));
	char *key;
	if (asprintf(&key, "%s%s%s", prim, own[0] ? " " : "", own) < 0)
		return json_string(prim);
	json_t *v = json_string(key);
	free(key);
	return v;
}

/* The value of a declared parameter as an index of its choices, or the integer itself. */
static bool param_value(const struct bench_ops *b, json_t *entry, const char *name, int64_t *out)
{
	json_t *v = json_object_get(json_object_get(entry, "params"), name);
	int i = param_find(b->params, b->nparams, name);
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (i < 0 || !json_is_string(v) || b->params[i].type != PARAM_CHOICE)
		return false;
	for (int64_t k = 0; b->params[i].choices[k]; k++)
		if (strcmp(b->params[i].choices[k], json_string_value(v)) == 0) {
			*out = k;
			return true;
		}
	return false;
}

const char *export_contention(json_t *entry)
{
	const char *name = json_string_value(json_object_get(entry, "bench"));
	const struct bench_ops *b = name ? bench_find(name) : NULL;
	if (!b || !b->contention)
		return "-";
	for (const struct contention_level *l = b->contention; l->level; l++) {
		int64_t v;
		if (!l->param || (param_value(b, entry, l->param, &v) && v >= l->min && v <= l->max))
			return l->level;
	}
	return "-";
}

void export_put_labels(json_t *row, const char *source, json_t *doc, json_t *e)
{
	json_t *ctx = json_object_get(doc, "context"), *placement = json_object_get(e, "placement");
	json_t *flags = json_object_get(e, "flags"), *check = json_object_get(e, "check");
	char text[4096];
	const char *key;
	json_t *v;
	json_object_set_new(row, "source", json_string(source));
	json_object_set_new(row, "host", json_string(resultdoc_host(doc)));
	json_object_set_new(row, "sweep_id", as_string(json_object_get(ctx, "sweep_id"), "-"));
	json_object_set_new(row, "bench", as_string(json_object_get(e, "bench"), "-"));
	json_object_set_new(row, "prim", as_string(json_object_get(e, "prim"), "-"));
	json_object_set_new(row, "series", series_key(e));
	json_object_set_new(row, "contention", json_string(export_contention(e)));
	params_text(e, NULL, text, sizeof(text));
	json_object_set_new(row, "params", json_string(text[0] ? text : "-"));
	resultdoc_config_name(e, text, sizeof(text));
	json_object_set_new(row, "config", json_string(text));
	json_object_set_new(row, "threads", json_integer(json_integer_value(json_object_get(e, "threads"))));
	json_object_set_new(row, "placement", as_string(json_object_get(placement, "policy"), "-"));
	json_object_set_new(row, "pus", pu_list(json_object_get(placement, "pus"), NULL));
	json_object_set_new(row, "shared", shared_levels(json_object_get(placement, "shared")));
	json_object_set_new(row, "oversubscribed",
			    json_boolean(json_is_true(json_object_get(placement, "oversubscribed"))));
	json_object_set_new(row, "duration_s", as_real(json_object_get(e, "duration_s")));
	json_object_set_new(row, "warmup_s", as_real(json_object_get(e, "warmup_s")));
	json_object_set_new(row, "status", as_string(json_object_get(e, "status"), "-"));
	json_object_set_new(row, "check", as_string(json_object_get(check, "result"), "-"));
	json_object_set_new(row, "few_ops", json_boolean(json_object_get(flags, "few_ops") != NULL));
	json_object_foreach(json_object_get(e, "params"), key, v)
		put(row, "param_", key, "", json_is_integer(v) ? json_integer(json_integer_value(v))
							      : as_string(v, "-"));
	json_object_foreach(json_object_get(e, "work_ns"), key, v)
		put(row, "work_", key, "_ns", as_real(v));
}
