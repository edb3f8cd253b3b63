/*
 * One writer per output file.  A run holds an exclusive flock(2) on
 * FILE.lock beside each --out FILE from before it reads FILE (--resume)
 * until it exits, so that a second run given the same file is refused at
 * the start instead of the two replacing each other's documents window
 * after window.  FILE itself cannot carry the lock: every write replaces
 * it with a new file (harness/safefile.h).  The lock file holds nothing;
 * it is opened without following a symlink or blocking on a FIFO, never
 * written, and removed at exit (while still locked, so that no one can
 * take a lock on a name that is going away).  A run killed by SIGKILL
 * leaves it behind, unlocked: the next run takes it as it is.
 */
#ifndef SYNCBENCH_OUTLOCK_H
#define SYNCBENCH_OUTLOCK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Takes the lock of output path for the rest of the process; 0, or -1
 * with one line in err: another run holds it, or the lock file is not a
 * plain file (a symlink, a FIFO) or cannot be created.
 */
int outlock_take(const char *path, char *err, size_t errlen);

/*
 * Whether a and b name the same output, spelled however: the same
 * directory (by device and inode, through any symlink or "..") and the
 * same name in it.  A name whose directory cannot be read is compared as
 * written.
 */
bool outlock_same_output(const char *a, const char *b);

#endif
