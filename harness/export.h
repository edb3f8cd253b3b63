/*
 * `syncbench export`: result documents as tidy CSV, JSON Lines, or Google
 * Benchmark's JSON, for pandas, R, spreadsheets and Google Benchmark's
 * tools/compare.py.
 */
#ifndef SYNCBENCH_EXPORT_H
#define SYNCBENCH_EXPORT_H

#include <jansson.h>
#include <stdio.h>

/*
 * Writes docs (an array of result documents) to f as format, "csv",
 * "jsonl" or "gbench"; sources[i] names the file docs[i] came from.
 * Returns 0, or -1 if writing failed.  export_main's formatter, apart so
 * that the fuzz target can run it on documents in memory.
 */
int export_write(FILE *f, const char *format, json_t *docs, json_t *sources);

/* argv[0] is "export".  Returns the exit status: 0; 2 bad input; 3 --out not written. */
int export_main(int argc, char **argv);

#endif
