/* `syncbench completion bash`: a completion script generated from the commands and registries. */
#ifndef SYNCBENCH_COMPLETION_H
#define SYNCBENCH_COMPLETION_H

#include <stddef.h>

#include "command.h"

/*
 * argv[0] is "completion"; commands[0..n) are syncbench's commands.
 * Returns the exit status; exits 2 on bad input.
 */
int completion_main(int argc, char **argv, const struct command *commands, size_t n);

/* Its help text. */
extern const char completion_usage[];

#endif
