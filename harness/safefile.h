/*
 * The one way syncbench writes a file: a fresh temporary file in the
 * target's own directory, under a random name created with O_EXCL
 * (mkostemp), written, flushed to disk, renamed over the target, and the
 * directory synced.  A reader sees the old file or the whole new one, never
 * a part, and no name anyone could guess is ever opened: a symlink or a
 * FIFO planted beside the target can neither redirect the write nor block
 * it.  Errors read "cannot write PATH: REASON", REASON from the OS.
 */
#ifndef SYNCBENCH_SAFEFILE_H
#define SYNCBENCH_SAFEFILE_H

#include <stdio.h>

struct safefile {
	FILE *f;	/* write the contents here */
	char *path;	/* the target */
	char *tmp;	/* the temporary file, until it is renamed or removed */
};

/* Creates the temporary file for path; 0, or -1 with the reason in err. */
int safefile_open(struct safefile *sf, const char *path, char *err, size_t errlen);

/*
 * Flushes the contents to disk and closes them, without renaming yet (so
 * that several files can all be written before any is replaced); 0, or -1
 * with the reason in err.  safefile_commit does it too if not done.
 */
int safefile_close(struct safefile *sf, char *err, size_t errlen);

/*
 * Renames the temporary file over the target and syncs the directory; 0,
 * or -1 with the reason in err and the temporary file removed.  Either way
 * sf is released.
 */
int safefile_commit(struct safefile *sf, char *err, size_t errlen);

/* Removes the temporary file: the target stays as it was.  Releases sf. */
void safefile_abort(struct safefile *sf);

/* Writes text to path through the above; 0, or -1 with err. */
int safefile_write_text(const char *path, const char *text, size_t len, char *err, size_t errlen);

/*
 * Whether a file can be created beside path (a temporary one, removed at
 * once): 0, or -1 with "cannot write PATH: REASON" in err.
 */
int safefile_check_dir(const char *path, char *err, size_t errlen);

/*
 * A fresh empty directory beside path, for contents that are renamed to
 * path as a whole (mkdtemp; mode 0777 less the umask); its name, to free,
 * or NULL with err.
 */
char *safefile_mkdtemp(const char *path, char *err, size_t errlen);

/* rename(2) that refuses to replace an existing to (RENAME_NOREPLACE); 0 or -1 with err. */
int safefile_rename_new(const char *from, const char *to, char *err, size_t errlen);

/*
 * Flushes stdout; 0, or -1 after a failed write, whose OS reason it keeps
 * for safefile_close_stdout (stdio may drop what it could not write, and a
 * later flush then succeeds with nothing to say).  Call it right after
 * the writes, before anything else can change errno.
 */
int safefile_flush_stdout(void);

/*
 * After the last write to stdout: flushes and closes it.  0, or -1 with
 * "cannot write stdout: REASON" in err (a full disk, a closed pipe when
 * SIGPIPE is ignored), so that no command reports success for output that
 * never arrived.
 */
int safefile_close_stdout(char *err, size_t errlen);

#endif
