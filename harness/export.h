/*
 * `syncbench export`: result documents as tidy tables (CSV, JSON Lines)
 * for pandas, R and spreadsheets, or as Google Benchmark's JSON for its
 * tools/compare.py.
 */
#ifndef SYNCBENCH_EXPORT_H
#define SYNCBENCH_EXPORT_H

#include <jansson.h>
#include <stdio.h>

#include "entry_filter.h"
#include "export_rows.h"

enum export_format { EXPORT_CSV, EXPORT_JSONL, EXPORT_GBENCH };

struct export_options {
	enum export_format format;
	enum export_level level;
	struct entry_filter filter;
};

/*
 * The tidy tables of docs (sources[i] names the file docs[i] came from):
 * an object of workload name -> rows, in the order the workloads first
 * appear, each table's rows with the same columns (export_table_columns).
 * *unmeasured counts the configurations a repetition table has no row for.
 */
json_t *export_tables(json_t *docs, json_t *sources, const struct export_options *o,
		      int *unmeasured);

/*
 * A table's columns: [{name, type}] with type "integer", "number",
 * "string" or "boolean", in the order the rows hold them.  A real-valued
 * column is kept where some row has a figure (the others are null, NaN to
 * pandas); an integer, string or boolean column only where every row has
 * a value, so that each column keeps its one type.
 */
json_t *export_table_columns(json_t *rows);

/* s as one CSV field: quoted (quotes doubled) when it holds a comma, quote or line break. */
void export_csv_text(FILE *f, const char *s);

/* One table as CSV (header, then rows) or JSON Lines, on f. */
void export_write_table(FILE *f, enum export_format format, json_t *rows);

/* Google Benchmark's JSON document for docs (harness/export_gbench.c). */
json_t *export_gbench(json_t *docs, const struct entry_filter *filter);

/* The --format names, for help and completion. */
const char *const *export_format_names(size_t *n);

/* argv[0] is "export".  Returns the exit status: 0; 2 bad input; 3 --out not written. */
int export_main(int argc, char **argv);

/* Its help text. */
extern const char export_usage[];

#endif
