/*
 * `syncbench export`: result documents as tidy CSV, JSON Lines, or Google
 * Benchmark's JSON, for pandas, R, spreadsheets and Google Benchmark's
 * tools/compare.py.
 */
#ifndef SYNCBENCH_EXPORT_H
#define SYNCBENCH_EXPORT_H

/* argv[0] is "export".  Returns the exit status: 0, or 2 on bad input. */
int export_main(int argc, char **argv);

#endif
