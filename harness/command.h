/*
 * The commands of `syncbench`, as one table (harness/main.c): the usage,
 * `help TOPIC`, the man page (help2man reads `--help` and `help COMMAND`)
 * and the shell completion (harness/completion.c, which is given the
 * table) are generated from it.
 */
#ifndef SYNCBENCH_COMMAND_H
#define SYNCBENCH_COMMAND_H

#include <stddef.h>

struct command {
	const char *name;
	const char *synopsis;	/* its arguments, in one line */
	const char *summary;	/* what it does, in one line */
	const char *usage;	/* its whole help text: `help NAME`, `NAME --help` */
	int (*main)(int argc, char **argv);	/* argv[0] is the name; returns the exit status */
};

#endif
