/*
 * What export_rows.c and export_labels.c share: typed column values and
 * column names, and the labels every row starts with.
 */
#ifndef SYNCBENCH_EXPORT_ROW_VALUES_H
#define SYNCBENCH_EXPORT_ROW_VALUES_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* A column name of a family ("counter_", event, "_count"), with what is not [A-Za-z0-9_] as '_'. */
static inline char *column_name(const char *prefix, const char *name, const char *suffix)
{
	char *column;
	if (asprintf(&column, "%s%s%s", prefix, name, suffix) < 0)
		return NULL;
	for (char *p = column + strlen(prefix); *p && p < column + strlen(prefix) + strlen(name); p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	return column;
}

static inline void put(json_t *row, const char *prefix, const char *name, const char *suffix, json_t *v)
{
	char *column = column_name(prefix, name, suffix);
	if (column)
		json_object_set_new(row, column, v);
	else
		json_decref(v);
	free(column);
}

static inline json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* A JSON number as a real column's value: integers too, so the column keeps one type. */
static inline json_t *as_real(json_t *v)
{
	return json_is_number(v) ? real_or_null(json_number_value(v)) : json_null();
}

static inline json_t *as_string(json_t *v, const char *none)
{
	return json_string(json_is_string(v) ? json_string_value(v) : none);
}

static inline double number(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/*
 * "[0,1,0,1]": OS PUs in thread order, null for an unpinned thread, as a
 * JSON array in text: never read as a number by a CSV reader (a lone "0"
 * would be), and json.loads gives the list back.
 */
static inline json_t *pu_list(json_t *pus, const char *field)
{
	json_t *list = json_array(), *pu;
	size_t i;
	json_array_foreach(pus, i, pu) {
		json_t *v = field ? json_object_get(pu, field) : pu;
		json_array_append_new(list, json_is_integer(v) ? json_integer(json_integer_value(v))
							       : json_null());
	}
	char *text = json_dumps(list, JSON_COMPACT);
	json_t *s = json_string(text ? text : "[]");
	free(text);
	json_decref(list);
	return s;
}

/* The labels of entry e of doc (from source) into row. */
void export_put_labels(json_t *row, const char *source, json_t *doc, json_t *e);

#endif
