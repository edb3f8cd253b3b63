/*
 * The rows of `syncbench export`'s tidy tables: one per configuration and
 * repetition (EXPORT_REP) or one per configuration (EXPORT_CONFIG), each a
 * JSON object whose values carry their column's type (integer, real,
 * string or boolean) and whose keys come in the same order for every row
 * of a workload.  results/export-rep.schema.json and
 * results/export-config.schema.json describe them.
 */
#ifndef SYNCBENCH_EXPORT_ROWS_H
#define SYNCBENCH_EXPORT_ROWS_H

#include <jansson.h>

#include "entry_filter.h"

enum export_level { EXPORT_REP, EXPORT_CONFIG };

/*
 * Appends the rows of every entry of docs (sources[i] names docs[i]'s
 * file) that passes filter to rows.  At EXPORT_REP an entry that measured
 * no repetition (error, crashed, timeout) has no row: it is counted in
 * *unmeasured, and its row is in the EXPORT_CONFIG table.
 */
void export_rows(json_t *docs, json_t *sources, enum export_level level,
		 const struct entry_filter *filter, json_t *rows, int *unmeasured);

/*
 * The configuration's contention level, from its workload's declared
 * table (bench_ops.contention): "high", "low", ...; "-" when the workload
 * declares none or is not in this build.
 */
const char *export_contention(json_t *entry);

#endif
