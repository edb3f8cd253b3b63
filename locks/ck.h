/*
 * What the Concurrency Kit wrappers (locks/ck_*.c) share: CK's headers and
 * the brackets that let ThreadSanitizer see through them.
 *
 * CK is used header-only, as Debian's libck-dev ships it: version 0.7.1
 * (package 0.7.1-10), configured for x86_64 with CK_MD_TSO, which makes
 * ck_pr_fence_lock() and ck_pr_fence_unlock() compiler barriers only, and
 * with CK_MD_CACHELINE 64 (our CACHELINE is 128: the wrappers pad what
 * they own to ours, and leave CK's own structures as CK lays them out).
 * The wrappers call CK's functions as its headers document them and add
 * nothing to the algorithms.
 *
 * ThreadSanitizer.  On x86_64 every ck_pr_* load, store and atomic is
 * inline assembly, which ThreadSanitizer cannot see: it would find no
 * order between two critical sections and report the data they protect
 * as a race, and it would report CK's plain accesses to queue nodes that
 * migrate between threads (CLH) against each other.  Under
 * ThreadSanitizer, so, each wrapper brackets every CK call with
 * ThreadSanitizer's custom-mutex annotations: the lock's address then
 * acquires and releases like a mutex, and what CK does between the
 * brackets is not checked.  Everywhere else the brackets are empty.  The
 * exclusion tests still check the locks themselves: they count lost
 * updates and torn reads.
 */
#ifndef SYNCBENCH_CK_H
#define SYNCBENCH_CK_H

#include <stdbool.h>

#include <ck_rwlock.h>
#include <ck_spinlock.h>

#if defined(__SANITIZE_THREAD__)
#define CK_WRAP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CK_WRAP_TSAN 1
#endif
#endif

#ifdef CK_WRAP_TSAN
#include <sanitizer/tsan_interface.h>
#endif

/* What a bracketed operation is: flags for the ck_wrap_* calls. */
enum ck_wrap_op {
	CK_WRAP_WRITE = 0,		/* exclusive (a plain lock's only kind) */
	CK_WRAP_READ = 1u << 0,		/* shared: a reader of ck-rwlock */
	CK_WRAP_TRY = 1u << 1,		/* a trylock */
};

#ifdef CK_WRAP_TSAN
static inline unsigned ck_wrap_tsan_flags(unsigned op)
{
	return (op & CK_WRAP_READ ? __tsan_mutex_read_lock : 0) |
	       (op & CK_WRAP_TRY ? __tsan_mutex_try_lock : 0);
}
#endif

static inline void ck_wrap_lock_begin(void *lock, unsigned op)
{
#ifdef CK_WRAP_TSAN
	__tsan_mutex_pre_lock(lock, ck_wrap_tsan_flags(op));
#else
	(void)lock, (void)op;
#endif
}

/* taken: false for a trylock that failed. */
static inline void ck_wrap_lock_end(void *lock, unsigned op, bool taken)
{
#ifdef CK_WRAP_TSAN
	__tsan_mutex_post_lock(lock, ck_wrap_tsan_flags(op) |
				     (taken ? 0 : __tsan_mutex_try_lock_failed), 0);
#else
	(void)lock, (void)op, (void)taken;
#endif
}

static inline void ck_wrap_unlock_begin(void *lock, unsigned op)
{
#ifdef CK_WRAP_TSAN
	__tsan_mutex_pre_unlock(lock, ck_wrap_tsan_flags(op));
#else
	(void)lock, (void)op;
#endif
}

static inline void ck_wrap_unlock_end(void *lock, unsigned op)
{
#ifdef CK_WRAP_TSAN
	__tsan_mutex_post_unlock(lock, ck_wrap_tsan_flags(op));
#else
	(void)lock, (void)op;
#endif
}

#endif
