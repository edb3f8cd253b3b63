/*
 * Results as JSON (the only code that knows jansson) and as the table
 * printed on stdout.  The document's shape is described field by field in
 * results/README.md and formally in results/schema.json.
 */
#ifndef SYNCBENCH_REPORT_H
#define SYNCBENCH_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "context.h"
#include "runner.h"

#define SCHEMA_VERSION "syncbench/1"

json_t *report_document(const struct run_context *ctx);
/* Adds one configuration's entry and marks whether the sweep finished. */
void report_append(json_t *doc, json_t *entry);
void report_set_complete(json_t *doc, int complete, const char *interrupted_by);

/* The parts of an entry the parent knows before it runs the configuration. */
json_t *report_entry_head(const struct config *c, const struct run_settings *s,
			  const int *pus, int oversubscribed);

/* What a child measured on PUs pus: status, check, reps and summary. */
json_t *report_entry_body(const struct config *c, const struct run_settings *s, const int *pus,
			  const struct rep_figures *reps, int nreps, const char *error);

/* An entry whose child did not report: status is crashed, timeout or error. */
void report_entry_failed(json_t *entry, const char *status, const char *detail);

/* Writes doc to path via a temporary file and rename(2): all or nothing. */
int report_write_atomic(json_t *doc, const char *path, char *err, size_t errlen);

void report_table_header(FILE *f);
void report_table_row(FILE *f, const struct config *c, json_t *entry);

#endif
