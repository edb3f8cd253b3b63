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

#endif
