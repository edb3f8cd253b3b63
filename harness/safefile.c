#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int __attribute__((format(printf, 3, 4))) fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * "DIR/.BASE.XXXXXX" for path DIR/BASE: in the target's directory, so the
 * rename stays on one filesystem; hidden, and not ending in .json, so that
 * no reader of a results directory takes it for a document.  The base is
 * cut to stay within NAME_MAX.
 */
static char *temp_template(const char *path)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) : 1;
	const char *dir = slash ? path : ".";
	const char *base = slash ? slash + 1 : path;
	char *t;
	if (slash == path)
		dirlen = 0;	/* a file in /: "" + "/." + base */
	if (asprintf(&t, "%.*s/.%.200s.XXXXXX", dirlen, dir, base) < 0)
		return NULL;
	return t;
}

/* The permissions a file created with mode 0666 would get, as fopen() gives. */
static mode_t default_mode(mode_t mode)
{
	mode_t mask = umask(0);
	umask(mask);
	return mode & ~mask;
}

int safefile_open(struct safefile *sf, const char *path, char *err, size_t errlen)
{
	*sf = (struct safefile){ .path = strdup(path), .tmp = temp_template(path) };
	if (!sf->path || !sf->tmp) {
		safefile_abort(sf);
		return fail(err, errlen, "cannot write %s: out of memory", path);
	}
	int fd = mkostemp(sf->tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(sf->tmp);
		sf->tmp = NULL;
		safefile_abort(sf);
		return fail(err, errlen, "cannot write %s: %s", path, strerror(e));
	}
	if (fchmod(fd, default_mode(0666)) != 0 || !(sf->f = fdopen(fd, "w"))) {
		int e = errno;
		close(fd);
		safefile_abort(sf);
		return fail(err, errlen, "cannot write %s: %s", path, strerror(e));
	}
	return 0;
}

int safefile_close(struct safefile *sf, char *err, size_t errlen)
{
	if (!sf->f)
		return 0;
	/* errno of the first failure: ferror() alone would lose the reason. */
	int ok = fflush(sf->f) == 0 && !ferror(sf->f) && fsync(fileno(sf->f)) == 0;
	int e = ok ? 0 : (errno ? errno : EIO);
	if (fclose(sf->f) != 0 && ok) {
		ok = 0;
		e = errno;
	}
	sf->f = NULL;
	if (!ok)
		return fail(err, errlen, "cannot write %s: %s", sf->path, strerror(e));
	return 0;
}

/* The rename is durable once the directory entry is: sync the directory too. */
static int sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return -1;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	/* EINVAL: a filesystem that cannot sync a directory; nothing more to do. */
	int rc = fsync(fd) == 0 || errno == EINVAL ? 0 : -1;
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int safefile_commit(struct safefile *sf, char *err, size_t errlen)
{
	int rc = safefile_close(sf, err, errlen);
	if (rc == 0 && rename(sf->tmp, sf->path) != 0)
		rc = fail(err, errlen, "cannot write %s: %s", sf->path, strerror(errno));
	if (rc == 0) {
		free(sf->tmp);
		sf->tmp = NULL;
		if (sync_dir_of(sf->path) != 0)
			rc = fail(err, errlen, "cannot write %s: syncing its directory: %s", sf->path,
				  strerror(errno));
	}
	safefile_abort(sf);
	return rc;
}

void safefile_abort(struct safefile *sf)
{
	if (sf->f)
		fclose(sf->f);
	if (sf->tmp)
		unlink(sf->tmp);
	free(sf->tmp);
	free(sf->path);
	*sf = (struct safefile){ 0 };
}

int safefile_write_text(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
	struct safefile sf;
	if (safefile_open(&sf, path, err, errlen) != 0)
		return -1;
	if (fwrite(text, 1, len, sf.f) != len) {
		fail(err, errlen, "cannot write %s: %s", path, strerror(errno));
		safefile_abort(&sf);
		return -1;
	}
	return safefile_commit(&sf, err, errlen);
}

int safefile_check_dir(const char *path, char *err, size_t errlen)
{
	struct safefile sf;
	if (safefile_open(&sf, path, err, errlen) != 0)
		return -1;
	safefile_abort(&sf);
	return 0;
}

char *safefile_mkdtemp(const char *path, char *err, size_t errlen)
{
	char *t = temp_template(path);
	if (!t) {
		fail(err, errlen, "cannot create %s: out of memory", path);
		return NULL;
	}
	if (!mkdtemp(t) || chmod(t, default_mode(0777)) != 0) {
		fail(err, errlen, "cannot create %s: %s", path, strerror(errno));
		rmdir(t);
		free(t);
		return NULL;
	}
	return t;
}

int safefile_rename_new(const char *from, const char *to, char *err, size_t errlen)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) != 0)
		return fail(err, errlen, "cannot rename %s to %s: %s", from, to, strerror(errno));
	return 0;
}

/* The reason of the first failed write to stdout that safefile_flush_stdout saw. */
static int stdout_errno;

int safefile_flush_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	/* errno is the failed flush's, or, after a successful one, the failed write's before it. */
	if (!stdout_errno)
		stdout_errno = errno ? errno : EIO;
	return -1;
}

int safefile_close_stdout(char *err, size_t errlen)
{
	int ok = safefile_flush_stdout() == 0;
	if (fclose(stdout) != 0 && ok) {
		ok = 0;
		stdout_errno = errno;
	}
	if (ok)
		return 0;
	return fail(err, errlen, "cannot write stdout: %s", strerror(stdout_errno));
}
