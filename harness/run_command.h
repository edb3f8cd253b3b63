/* `syncbench run` (its help text is cli.h's cli_run_usage). */
#ifndef SYNCBENCH_RUN_COMMAND_H
#define SYNCBENCH_RUN_COMMAND_H

/* argv[0] is "run"; returns the exit status (bad input exits 2). */
int run_main(int argc, char **argv);

#endif
