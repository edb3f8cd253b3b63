/* `syncbench demo NAME`: small programs that show a primitive at work. */
#ifndef SYNCBENCH_DEMO_H
#define SYNCBENCH_DEMO_H

/* argv[0] is "demo"; returns the exit status, exits 2 on a bad name. */
int demo_main(int argc, char **argv);

/* Its help text. */
extern const char demo_usage[];

#endif
