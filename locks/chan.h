/*
 * The channel interface, beside the lock one.  A channel primitive is
 * still one file in locks/ and one LOCK() line in locks/registry.def: its
 * `struct lock_ops` (name, summary, flags, params: the descriptor every
 * primitive has) leaves the lock slots NULL and points `chan` at a
 * `struct chan_ops`.  Workloads that declare NEEDS_CHAN create their
 * channels themselves, sized by their own parameters, with chan_create().
 *
 * Semantics are Go's (runtime/chan.go): a channel carries elements of a
 * fixed size; capacity 0 is a rendezvous; send on a closed channel fails
 * (Go panics; a benchmark must not); a receive drains the buffer after
 * close and then reports closed; close wakes every blocked party.
 */
#ifndef SYNCBENCH_CHAN_H
#define SYNCBENCH_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lock_ops;

/* What a channel operation did. */
enum chan_result {
	CHAN_OK = 0,
	CHAN_CLOSED,		/* send: the channel is closed; recv: closed and drained */
	CHAN_WOULD_BLOCK,	/* try_send/try_recv only: not ready, not closed */
};

/* Elements larger than this are refused at creation (Go's limit is 64 KiB). */
#define CHAN_MAX_ELEM 65536

/* One case of a select (chan_ops.select): Go's `case ch <- *elem:` or `case *elem = <-ch:`. */
enum chan_dir { CHAN_SEND, CHAN_RECV };
struct chan_case {
	void *ch;		/* a channel of the primitive; NULL: Go's nil channel, never ready */
	enum chan_dir dir;
	void *elem;		/* send: the element sent; recv: where it goes (not NULL) */
};

/* What a select with a default case returns when no case could proceed. */
#define CHAN_SELECT_DEFAULT (-1)

struct chan_ops {
	/* Bytes of channel state for elem-byte elements and capacity cap. */
	size_t (*size)(size_t elem, size_t cap);
	/* On zeroed, CACHELINE-aligned memory; returns 0 or an errno value. */
	int (*init)(void *ch, size_t elem, size_t cap, const int64_t *params);
	void (*destroy)(void *ch);		/* NULL: nothing to release */
	/* Blocking: CHAN_OK or CHAN_CLOSED.  recv zeroes *elem when closed. */
	enum chan_result (*send)(void *ch, const void *elem);
	enum chan_result (*recv)(void *ch, void *elem);
	/* Go's select with a default case: never waits. */
	enum chan_result (*try_send)(void *ch, const void *elem);
	enum chan_result (*try_recv)(void *ch, void *elem);
	/* Returns CHAN_CLOSED if it was already closed (Go panics), else CHAN_OK. */
	enum chan_result (*close)(void *ch);
	/*
	 * NULL: the primitive has no select (workloads that declare
	 * NEEDS_CHAN_SELECT refuse it).  Go's select over cases[0..ncases):
	 * waits until one case can proceed, does it, and returns its index;
	 * with block false (a default case) returns CHAN_SELECT_DEFAULT
	 * instead of waiting.  A receive sets *recv_ok (if recv_ok is not
	 * NULL): true for a value, false for a closed channel (*elem zeroed).
	 * gochan's (locks/gochan.h) documents the semantics and the limits.
	 */
	int (*select)(const struct chan_case *cases, int ncases, bool block, bool *recv_ok);
};

/*
 * A channel of primitive p (p->chan non-NULL) with p's parameter values,
 * or NULL with errno set.  Free it with chan_free().
 */
void *chan_create(const struct lock_ops *p, const int64_t *params, size_t elem, size_t cap);
void chan_free(const struct lock_ops *p, void *ch);

#endif
