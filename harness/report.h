/*
 * Results as JSON and as the table printed on stdout, both written from
 * the figures harness/summary.c computed.  jansson appears only in code
 * that writes or reads documents: here; sweep.c, which holds each
 * workload's document and rewrites it; resultdoc.c and its users
 * (export, compare, merge, and the resume in main.c and sweep.c); and
 * external.c, which reads an external program's one JSON object.  No
 * statistic is computed from JSON.  The document's shape is described
 * field by field in results/README.md and formally in results/schema.json.
 */
#ifndef SYNCBENCH_REPORT_H
#define SYNCBENCH_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "context.h"
#include "runner.h"
#include "summary.h"

#define SCHEMA_VERSION "syncbench/1"

json_t *report_document(const struct run_context *ctx);
/* Adds one configuration's entry and marks whether the sweep finished. */
void report_append(json_t *doc, json_t *entry);
void report_set_complete(json_t *doc, int complete, const char *interrupted_by);

/* The parts of an entry the parent knows before it runs the configuration. */
json_t *report_entry_head(const struct config *c, const struct run_settings *s,
			  const int *pus, int oversubscribed);

/* What the children measured, summarized in cs: status, check, flags, reps and summary. */
json_t *report_entry_body(const struct config *c, const struct run_settings *s,
			  const struct rep_figures *reps, const struct config_summary *cs);

/* An entry whose child did not report: status is crashed, timeout or error. */
void report_entry_failed(json_t *entry, const char *status, const char *detail);

/* Writes doc to path via a temporary file and rename(2): all or nothing. */
int report_write_atomic(json_t *doc, const char *path, char *err, size_t errlen);

void report_table_header(FILE *f);
/* One row: the figures of cs (NULL: a configuration without them, e.g. crashed or kept). */
void report_table_row(FILE *f, const struct config *c, const char *status, const char *detail,
		      const struct config_summary *cs);
/* What the table's intervals and marks mean. */
void report_table_footer(FILE *f);

#endif
