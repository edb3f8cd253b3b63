/*
 * gochan's C API, for code that uses the channel directly (the ring
 * workload, `syncbench demo catdogfish`, the tests).  The registered
 * primitive is gochan_ops; see gochan.c for the algorithm.
 */
#ifndef SYNCBENCH_GOCHAN_H
#define SYNCBENCH_GOCHAN_H

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
 * Go's `select { case *elem_a = <-a: case *elem_b = <-b: }`: waits until
 * a receive from a or b can proceed, does it, and sets *chosen to 0 (a)
 * or 1 (b); when both are ready it picks one uniformly at random.  A
 * closed channel is ready: CHAN_CLOSED for that case, its element zeroed.
 * a and b may be the same channel.  Returns CHAN_OK or CHAN_CLOSED.
 */
enum chan_result gochan_select_recv2(struct gochan *a, void *elem_a, struct gochan *b,
				     void *elem_b, int *chosen);
/* The same with a default case: CHAN_WOULD_BLOCK, *chosen untouched, when neither is ready. */
enum chan_result gochan_try_select_recv2(struct gochan *a, void *elem_a, struct gochan *b,
					 void *elem_b, int *chosen);

#endif
