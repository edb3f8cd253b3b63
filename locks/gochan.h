/*
 * gochan's C API, for code that uses the channel directly (the ring
 * workload, `syncbench demo catdogfish`, the tests).  The registered
 * primitive is gochan_ops; see gochan.c for the algorithm.
 */
#ifndef SYNCBENCH_GOCHAN_H
#define SYNCBENCH_GOCHAN_H

#include <stdbool.h>
#include <stddef.h>

#include "chan.h"

struct gochan;

/*
 * A channel of elem-byte elements and capacity cap (0: unbuffered); a
 * blocked party polls its wake word spin times before sleeping on it.
 * NULL with errno set on failure.
 */
struct gochan *gochan_new(size_t elem, size_t cap, unsigned spin);
void gochan_free(struct gochan *c);

enum chan_result gochan_send(struct gochan *c, const void *elem);
enum chan_result gochan_recv(struct gochan *c, void *elem);
enum chan_result gochan_try_send(struct gochan *c, const void *elem);
enum chan_result gochan_try_recv(struct gochan *c, void *elem);
enum chan_result gochan_close(struct gochan *c);

/*
 * Go's select statement (runtime/select.go's selectgo, and the compiler's
 * rewrites of small selects), over cases[0..ncases), each a send or a
 * receive on a gochan or on NULL (Go's nil channel: never ready, so a
 * case to switch off by setting its channel to NULL).  Returns the index
 * of the case that proceeded; for a receive, *recv_ok (when recv_ok is not
 * NULL) says whether a value arrived (true) or the channel was closed
 * (false, *elem zeroed).  Semantics, as Go's:
 *   - block false is a `default:` case: CHAN_SELECT_DEFAULT when no case
 *     can proceed at the moment select holds all the channels' locks;
 *   - when several cases can proceed, each is chosen with equal
 *     probability (the cases are polled in a uniformly random order);
 *   - a receive from a closed channel can always proceed;
 *   - a send on a closed channel is Go's panic: "panic: send on closed
 *     channel" on stderr, then abort();
 *   - a blocking select with no case, or with only nil channels (Go's
 *     `select {}`), blocks its thread forever: nothing can wake it.
 * The limit is Go's: at most GOCHAN_SELECT_MAX_CASES cases (a larger or
 * negative ncases is a fatal error).  Up to 64 cases the select's own
 * state lives on the caller's stack, about 40 bytes a case; beyond, it is
 * allocated for the call.  A receive's elem must not be NULL.  The same
 * channel may appear in several cases.  A select that waits polls first
 * as long as the largest spin (gochan_new) of its channels.  gochan.c's
 * header names each step of Go's selectgo it follows, and its departure.
 */
#define GOCHAN_SELECT_MAX_CASES 65536
int gochan_select(const struct chan_case *cases, int ncases, bool block, bool *recv_ok);

#endif
