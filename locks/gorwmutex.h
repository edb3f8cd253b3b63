/*
 * gorwmutex's internal API: what the lock_ops table has no slot for
 * (TryRLock) and the layout the tests look at.  See gorwmutex.c.
 */
#ifndef SYNCBENCH_GORWMUTEX_H
#define SYNCBENCH_GORWMUTEX_H

#include <stdatomic.h>
#include <stdbool.h>

#include "gomutex.h"
#include "gosema.h"

/* Go's rwmutexMaxReaders: the writer's offset in reader_count. */
#define GORWMUTEX_MAX_READERS (1 << 30)

struct gorwmutex {
	struct gomutex w;		/* held by the writer, and by writers queued behind it */
	struct gosema writer_sem;	/* the writer waits here for departing readers */
	struct gosema reader_sem;	/* readers wait here for the writer */
	atomic_int reader_count;	/* readers in or waiting; -MAX_READERS while a writer is */
	atomic_int reader_wait;		/* readers the writer still waits for */
};

/* Go's TryRLock: fails as soon as a writer holds the lock or waits for it. */
bool gorwmutex_tryrlock(struct gorwmutex *rw);

#endif
