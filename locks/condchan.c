/*
 * condchan: the bounded queue a C programmer writes first, one pthread
 * mutex and two condition variables, as the baseline gochan is measured
 * against.  Same interface and semantics (chan.h): FIFO buffer of cap
 * elements, close drains, send on a closed channel fails.
 *
 *   send  wait on not_full while the buffer is full; append; signal
 *         not_empty.
 *   recv  wait on not_empty while it is empty; take the head; signal
 *         not_full.
 *   close set closed; broadcast both.
 *
 * Capacity 0 (rendezvous) uses a one-slot buffer, and the sender then
 * waits on not_full until a receiver has taken its element (the takes
 * count passes its ticket); receivers broadcast not_full there, since the
 * sender waiting for its take and senders waiting for the slot share it.
 * If close comes first, the element is withdrawn and the sender gets
 * CHAN_CLOSED, as a blocked Go sender would.  try_send on capacity 0
 * succeeds only while a receiver waits and the slot is free.
 *
 * Not FIFO among waiters (a condition variable wakes whom it likes), no
 * direct handoff: every element goes through the buffer, and every wait
 * is a futex wait inside glibc.  Use it to see what gochan's design buys.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "../harness/compiler.h"
#include "lock.h"

struct condchan {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	size_t head, count;		/* the elements, from head */
	uint64_t puts, takes;		/* capacity 0: the rendezvous tickets */
	unsigned waiting_receivers;
	bool closed;
	bool slot_blocking;		/* capacity 0: a blocked sender owns the slot */
	/* Read-only after init. */
	size_t cap, slots, elem;
	unsigned char *buf;
};

static size_t header_size(void)
{
	return (sizeof(struct condchan) + CACHELINE - 1) / CACHELINE * CACHELINE;
}

static size_t condchan_size(size_t elem, size_t cap)
{
	return header_size() + elem * (cap ? cap : 1);
}

static int condchan_init(void *ch, size_t elem, size_t cap, const int64_t *params)
{
	(void)params;
	struct condchan *c = ch;
	int e = pthread_mutex_init(&c->mu, NULL);
	if (e)
		return e;
	if ((e = pthread_cond_init(&c->not_empty, NULL)) != 0) {
		pthread_mutex_destroy(&c->mu);
		return e;
	}
	if ((e = pthread_cond_init(&c->not_full, NULL)) != 0) {
		pthread_cond_destroy(&c->not_empty);
		pthread_mutex_destroy(&c->mu);
		return e;
	}
	c->cap = cap;
	c->slots = cap ? cap : 1;
	c->elem = elem;
	c->buf = (unsigned char *)ch + header_size();
	return 0;
}

static void condchan_destroy(void *ch)
{
	struct condchan *c = ch;
	pthread_cond_destroy(&c->not_full);
	pthread_cond_destroy(&c->not_empty);
	pthread_mutex_destroy(&c->mu);
}

/* Under mu, with room. */
static void put(struct condchan *c, const void *elem)
{
	memcpy(c->buf + (c->head + c->count) % c->slots * c->elem, elem, c->elem);
	c->count++;
	c->puts++;
	pthread_cond_signal(&c->not_empty);
}

/* Under mu, with an element. */
static void take(struct condchan *c, void *elem)
{
	memcpy(elem, c->buf + c->head * c->elem, c->elem);
	c->head = (c->head + 1) % c->slots;
	c->count--;
	c->takes++;
	c->slot_blocking = false;
	if (c->cap == 0)
		pthread_cond_broadcast(&c->not_full);
	else
		pthread_cond_signal(&c->not_full);
}

static enum chan_result condchan_send(void *ch, const void *elem)
{
	struct condchan *c = ch;
	enum chan_result r = CHAN_OK;

	pthread_mutex_lock(&c->mu);
	while (!c->closed && c->count == c->slots)
		pthread_cond_wait(&c->not_full, &c->mu);
	if (c->closed) {
		r = CHAN_CLOSED;
	} else {
		put(c, elem);
		uint64_t ticket = c->puts;
		if (c->cap == 0) {
			c->slot_blocking = true;
			while (!c->closed && c->takes < ticket)
				pthread_cond_wait(&c->not_full, &c->mu);
			/* close withdrew our element (see condchan_close()) */
			r = c->takes < ticket ? CHAN_CLOSED : CHAN_OK;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return r;
}

static enum chan_result condchan_recv(void *ch, void *elem)
{
	struct condchan *c = ch;
	enum chan_result r = CHAN_OK;

	pthread_mutex_lock(&c->mu);
	c->waiting_receivers++;
	while (!c->closed && c->count == 0)
		pthread_cond_wait(&c->not_empty, &c->mu);
	c->waiting_receivers--;
	if (c->count > 0)
		take(c, elem);
	else
		r = CHAN_CLOSED;
	pthread_mutex_unlock(&c->mu);
	if (r == CHAN_CLOSED)
		memset(elem, 0, c->elem);
	return r;
}

static enum chan_result condchan_try_send(void *ch, const void *elem)
{
	struct condchan *c = ch;
	enum chan_result r = CHAN_WOULD_BLOCK;

	pthread_mutex_lock(&c->mu);
	if (c->closed)
		r = CHAN_CLOSED;
	else if (c->cap ? c->count < c->cap : c->count == 0 && c->waiting_receivers > 0)
		put(c, elem), r = CHAN_OK;
	pthread_mutex_unlock(&c->mu);
	return r;
}

static enum chan_result condchan_try_recv(void *ch, void *elem)
{
	struct condchan *c = ch;
	enum chan_result r = CHAN_WOULD_BLOCK;

	pthread_mutex_lock(&c->mu);
	if (c->count > 0)
		take(c, elem), r = CHAN_OK;
	else if (c->closed)
		r = CHAN_CLOSED;
	pthread_mutex_unlock(&c->mu);
	if (r == CHAN_CLOSED)
		memset(elem, 0, c->elem);
	return r;
}

static enum chan_result condchan_close(void *ch)
{
	struct condchan *c = ch;
	enum chan_result r = CHAN_OK;

	pthread_mutex_lock(&c->mu);
	if (c->closed) {
		r = CHAN_CLOSED;
	} else {
		c->closed = true;
		/* A blocked rendezvous sender's element was never received: withdraw it. */
		if (c->slot_blocking)
			c->count = 0, c->slot_blocking = false;
		pthread_cond_broadcast(&c->not_empty);
		pthread_cond_broadcast(&c->not_full);
	}
	pthread_mutex_unlock(&c->mu);
	return r;
}

static const struct chan_ops condchan_chan_ops = {
	.size = condchan_size,
	.init = condchan_init,
	.destroy = condchan_destroy,
	.send = condchan_send,
	.recv = condchan_recv,
	.try_send = condchan_try_send,
	.try_recv = condchan_try_recv,
	.close = condchan_close,
};

const struct lock_ops condchan_ops = {
	.name = "condchan",
	.summary = "bounded queue on one pthread mutex and two condition variables (baseline)",
	.chan = &condchan_chan_ops,
};
