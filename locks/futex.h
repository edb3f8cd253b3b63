/*
 * The two futex calls the parking locks need.  glibc has no wrapper, so
 * they go through syscall(2).  Process-private: our locks never cross a
 * fork.
 */
#ifndef SYNCBENCH_FUTEX_H
#define SYNCBENCH_FUTEX_H

#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Sleeps while *word == expected; returns at once if it differs, or on a wake or signal. */
static inline void futex_wait(atomic_uint *word, unsigned expected)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

/* Wakes up to n threads sleeping on word. */
static inline void futex_wake(atomic_uint *word, int n)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

#endif
