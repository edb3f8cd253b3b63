#include "outlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* More than a run has outputs (MAX_SEGMENTS in main.c). */
#define MAX_LOCKS 64
/* Tries when the holder before us removes the file between our open and our lock. */
#define LOCK_TRIES 8

struct held_lock {
	char *path;
	int fd;
};

static struct held_lock held[MAX_LOCKS];
static int nheld;

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* At exit: each lock file is removed while locked, if it is still the one we locked. */
static void release_all(void)
{
	for (int i = 0; i < nheld; i++) {
		struct stat mine, now;
		if (fstat(held[i].fd, &mine) == 0 && lstat(held[i].path, &now) == 0 &&
		    same_inode(&mine, &now))
			unlink(held[i].path);
		close(held[i].fd);
		free(held[i].path);
	}
	nheld = 0;
}

/* Opens and locks path; 1 locked, 0 to try again (it went away), -1 with err. */
static int try_lock(const char *out, const char *path, int *fd_out, char *err, size_t errlen)
{
	struct stat st, now;
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "cannot lock --out %s: %s: %s", out, path,
			 errno == ELOOP ? "a symbolic link is in the way" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot lock --out %s: %s is not a regular file", out, path);
		close(fd);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			snprintf(err, errlen, "--out %s is being written by another syncbench run (it "
				 "holds %s): wait for it to end, or give another --out", out, path);
		else
			snprintf(err, errlen, "cannot lock --out %s: %s: %s", out, path, strerror(e));
		return -1;
	}
	if (lstat(path, &now) != 0 || !same_inode(&st, &now)) {
		close(fd);
		return 0;
	}
	*fd_out = fd;
	return 1;
}

int outlock_take(const char *path, char *err, size_t errlen)
{
	char *lock_path;
	int fd = -1, r = 0;
	if (nheld == MAX_LOCKS) {
		snprintf(err, errlen, "cannot lock --out %s: more than %d outputs", path, MAX_LOCKS);
		return -1;
	}
	if (asprintf(&lock_path, "%s.lock", path) < 0) {
		snprintf(err, errlen, "cannot lock --out %s: out of memory", path);
		return -1;
	}
	for (int i = 0; i < LOCK_TRIES && r == 0; i++)
		r = try_lock(path, lock_path, &fd, err, errlen);
	if (r <= 0) {
		if (r == 0)
			snprintf(err, errlen, "cannot lock --out %s: %s keeps being replaced", path,
				 lock_path);
		free(lock_path);
		return -1;
	}
	if (nheld == 0)
		atexit(release_all);
	held[nheld++] = (struct held_lock){ lock_path, fd };
	return 0;
}

/* The directory part of path and its last component. */
static int split_path(const char *path, struct stat *dir, const char **name)
{
	const char *slash = strrchr(path, '/');
	char *d = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!d)
		return -1;
	int rc = stat(d, dir);
	free(d);
	*name = slash ? slash + 1 : path;
	return rc;
}

bool outlock_same_output(const char *a, const char *b)
{
	struct stat da, db;
	const char *na, *nb;
	if (split_path(a, &da, &na) != 0 || split_path(b, &db, &nb) != 0)
		return strcmp(a, b) == 0;
	return same_inode(&da, &db) && strcmp(na, nb) == 0;
}
