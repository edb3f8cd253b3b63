/*
 * `run --resume`: what a previous document of the same --out gives the
 * run.  A document holds one workload measured one way, so a resume with
 * another workload or other settings is refused before anything runs,
 * rather than left to drop finished results.  Its entries are checked as
 * every reader checks them (resultdoc_check_entry): a damaged one is not
 * kept, and its configuration is measured again.
 */
#ifndef SYNCBENCH_RESUME_H
#define SYNCBENCH_RESUME_H

#include <jansson.h>
#include <stdio.h>

#include "sweep.h"

/*
 * Whether this run can resume previous, the document at path: 0, or -1
 * with one line in err saying what differs (the workload, --duration,
 * --warmup, --reps or --events) and what to do instead.
 */
int resume_check(json_t *previous, const char *path, const struct sweep *sw,
		 const struct run_settings *s, char *err, size_t errlen);

/*
 * The previous entries that stand as they are until this run measures
 * their configuration again, by configuration name (resultdoc_config_name),
 * in document order: every valid entry, the first of each name.  Each
 * entry left out (damaged, or a name already seen) is said on notes, a
 * line each.
 */
json_t *resume_entries(json_t *previous, const char *path, FILE *notes);

/*
 * The document a resumed run writes: previous's context, with this
 * process's date, command line and coherence floor (from ctx) appended to
 * its "resumes"; the entries are the run's to add.
 */
json_t *resume_document(const struct run_context *ctx, json_t *previous);

#endif
