/* export's tables: the rows grouped by workload, their columns and types, written as CSV or JSON Lines (export.h). */
#include "export.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

json_t *export_tables(json_t *docs, json_t *sources, const struct export_options *o,
		      int *unmeasured)
{
	json_t *rows = json_array(), *tables = json_object(), *row;
	size_t i;
	*unmeasured = 0;
	export_rows(docs, sources, o->level, &o->filter, rows, unmeasured);
	json_array_foreach(rows, i, row) {
		const char *bench = json_string_value(json_object_get(row, "bench"));
		json_t *table = json_object_get(tables, bench);
		if (!table) {
			table = json_array();
			json_object_set_new(tables, bench, table);
		}
		json_array_append(table, row);
	}
	json_decref(rows);
	return tables;
}

static const char *type_of(json_t *v)
{
	return json_is_integer(v) ? "integer" : json_is_real(v) ? "number" :
	       json_is_boolean(v) ? "boolean" : json_is_string(v) ? "string" : NULL;
}

json_t *export_table_columns(json_t *rows)
{
	json_t *seen = json_object(), *order = json_array(), *row, *v, *c;
	const char *key;
	size_t i;
	json_array_foreach(rows, i, row) {
		json_object_foreach(row, key, v) {
			json_t *col = json_object_get(seen, key);
			if (!col) {
				col = json_pack("{s:s, s:n, s:I}", "name", key, "type", "present",
						(json_int_t)0);
				json_object_set_new(seen, key, col);
				json_array_append(order, col);
			}
			const char *type = type_of(v);
			if (!type)
				continue;
			json_object_set_new(col, "present",
					    json_integer(json_integer_value(json_object_get(col, "present")) + 1));
			const char *had = json_string_value(json_object_get(col, "type"));
			/* An integer among reals is a real; anything else mixed reads as text. */
			if (!had || strcmp(had, type) == 0)
				json_object_set_new(col, "type", json_string(type));
			else if (!strcmp(had, "number") + !strcmp(type, "number") == 1 &&
				 (!strcmp(had, "integer") || !strcmp(type, "integer")))
				json_object_set_new(col, "type", json_string("number"));
			else
				json_object_set_new(col, "type", json_string("string"));
		}
	}
	json_t *columns = json_array();
	json_array_foreach(order, i, c) {
		const char *type = json_string_value(json_object_get(c, "type"));
		size_t present = (size_t)json_integer_value(json_object_get(c, "present"));
		/* No value in any row (an event this machine could not count): nothing to show. */
		if (type && (strcmp(type, "number") == 0 || present == json_array_size(rows)))
			json_array_append_new(columns, json_pack("{s:O, s:s}", "name",
								 json_object_get(c, "name"), "type", type));
	}
	json_decref(order);
	json_decref(seen);
	return columns;
}

/* A real always reads back as one: 2 is written 2.0, so pandas keeps the column float. */
static void csv_real(FILE *f, double v)
{
	char text[64];
	snprintf(text, sizeof(text), "%.10g", v);
	fputs(text, f);
	if (!strpbrk(text, ".eE"))
		fputs(".0", f);
}

void export_csv_text(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_field(FILE *f, json_t *v, const char *type)
{
	if (json_is_integer(v) && strcmp(type, "number") == 0) {
		csv_real(f, (double)json_integer_value(v));
	} else if (json_is_integer(v)) {
		fprintf(f, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		csv_real(f, json_real_value(v));
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "true" : "false", f);
	} else if (json_is_string(v)) {
		export_csv_text(f, json_string_value(v));
	}
}

void export_write_table(FILE *f, enum export_format format, json_t *rows)
{
	json_t *columns = export_table_columns(rows), *c, *row;
	size_t i, k;
	if (format == EXPORT_CSV) {
		json_array_foreach(columns, k, c)
			fprintf(f, "%s%s", k ? "," : "", json_string_value(json_object_get(c, "name")));
		fputc('\n', f);
	}
	json_array_foreach(rows, i, row) {
		if (format == EXPORT_CSV) {
			json_array_foreach(columns, k, c) {
				if (k)
					fputc(',', f);
				csv_field(f, json_object_get(row, json_string_value(json_object_get(c, "name"))),
					  json_string_value(json_object_get(c, "type")));
			}
			fputc('\n', f);
			continue;
		}
		json_t *kept = json_object();
		json_array_foreach(columns, k, c) {
			const char *name = json_string_value(json_object_get(c, "name"));
			json_t *v = json_object_get(row, name);
			/* A real column keeps its type in JSON too: 2.0, not 2. */
			if (json_is_integer(v) && !strcmp(json_string_value(json_object_get(c, "type")), "number"))
				json_object_set_new(kept, name, json_real((double)json_integer_value(v)));
			else
				json_object_set(kept, name, v ? v : json_null());
		}
		json_dumpf(kept, f, JSON_COMPACT | JSON_REAL_PRECISION(10));
		fputc('\n', f);
		json_decref(kept);
	}
	json_decref(columns);
}
