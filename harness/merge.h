/*
 * `syncbench merge --out DIR RESULT...`: the results of one sweep from many
 * hosts (whole sweeps, or shards of one) as one data set that compare,
 * export and plot.py read like any results directory.
 */
#ifndef SYNCBENCH_MERGE_H
#define SYNCBENCH_MERGE_H

/* argv[0] is "merge".  Returns the exit status: 0; 1 conflicts; 2 bad input; 3 not written. */
int merge_main(int argc, char **argv);

/* Its help text. */
extern const char merge_usage[];

#endif
