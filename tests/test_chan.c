/*
 * Every channel primitive in the registry (gochan also with spin > 0):
 *   - exactly-once and per-producer order, capacities 0, 1, 7, 1024, with
 *     1 and 3 producers and 1 and 3 consumers (a seen-count per message);
 *   - close while receivers, then senders, are blocked: receivers see
 *     closed, senders the error, the buffer still drains, nobody hangs;
 *   - try_send/try_recv on empty, full and closed channels, and against
 *     a blocked peer on an unbuffered one;
 *   - a randomized stress, bounded in time, of blocking and non-blocking
 *     operations: a lost wakeup hangs a thread, which the deadline catches.
 * Every join has a deadline; a thread that misses it fails the test.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockkit.h"

#define PER_PRODUCER 2000
#define MAX_SIDE 3

struct chan_under_test {
	const struct lock_ops *p;
	int64_t params[MAX_PARAMS];
	const char *label;
};

static void *new_chan(const struct chan_under_test *c, size_t elem, size_t cap)
{
	void *ch = chan_create(c->p, c->params, elem, cap);
	CHECK(ch, "%s: chan_create(%zu, %zu)", c->label, elem, cap);
	if (!ch)
		exit(check_exit());
	return ch;
}

/* Joins t; a thread still running after the deadline means a hang: fail now. */
/* ---- exactly once, in order per producer ---- */

struct exchange {
	const struct chan_ops *ops;
	void *ch;
	int id;
	int producers;
	atomic_uint *seen;	/* [producer * PER_PRODUCER + seq]: arrivals */
	int sends_failed, order_broken;
};

static void *produce(void *arg)
{
	struct exchange *x = arg;
	for (uint32_t seq = 0; seq < PER_PRODUCER; seq++) {
		uint32_t msg[2] = { (uint32_t)x->id, seq };
		x->sends_failed += x->ops->send(x->ch, msg) != CHAN_OK;
	}
	return NULL;
}

static void *consume(void *arg)
{
	struct exchange *x = arg;
	int64_t last[MAX_SIDE] = { -1, -1, -1 };
	uint32_t msg[2];
	while (x->ops->recv(x->ch, msg) == CHAN_OK) {
		if (msg[0] >= (uint32_t)x->producers || msg[1] >= PER_PRODUCER ||
		    (int64_t)msg[1] <= last[msg[0]]) {
			x->order_broken++;
			continue;
		}
		last[msg[0]] = msg[1];
		atomic_fetch_add(&x->seen[msg[0] * PER_PRODUCER + msg[1]], 1);
	}
	return NULL;
}

static void test_exactly_once(const struct chan_under_test *c, size_t cap, int np, int nc)
{
	struct exchange px[MAX_SIDE], cx[MAX_SIDE];
	pthread_t pt[MAX_SIDE], ct[MAX_SIDE];
	atomic_uint *seen = calloc((size_t)np * PER_PRODUCER, sizeof(*seen));
	void *ch = new_chan(c, 2 * sizeof(uint32_t), cap);

	for (int i = 0; i < nc; i++) {
		cx[i] = (struct exchange){ c->p->chan, ch, i, np, seen, 0, 0 };
		pthread_create(&ct[i], NULL, consume, &cx[i]);
	}
	for (int i = 0; i < np; i++) {
		px[i] = (struct exchange){ c->p->chan, ch, i, np, seen, 0, 0 };
		pthread_create(&pt[i], NULL, produce, &px[i]);
	}
	for (int i = 0; i < np; i++)
		join_or_die(pt[i], c->label, "a producer");
	c->p->chan->close(ch);
	for (int i = 0; i < nc; i++)
		join_or_die(ct[i], c->label, "a consumer");
	int lost = 0, dup = 0, failed = 0, broken = 0;
	for (int i = 0; i < np * PER_PRODUCER; i++)
		lost += seen[i] == 0, dup += seen[i] > 1;
	for (int i = 0; i < np; i++)
		failed += px[i].sends_failed;
	for (int i = 0; i < nc; i++)
		broken += cx[i].order_broken;
	CHECK(!lost && !dup && !failed && !broken,
	      "%s cap %zu, %dP%dC: %d lost, %d duplicated, %d sends failed, %d out of order",
	      c->label, cap, np, nc, lost, dup, failed, broken);
	chan_free(c->p, ch);
	free(seen);
}

/* ---- close while blocked ---- */

struct blocked {
	const struct chan_ops *ops;
	void *ch;
	int sending;
	atomic_int entered;
	atomic_int results[CHAN_WOULD_BLOCK + 1];
};

static void *block_once(void *arg)
{
	struct blocked *b = arg;
	int v = 7;
	atomic_fetch_add(&b->entered, 1);
	enum chan_result r = b->sending ? b->ops->send(b->ch, &v) : b->ops->recv(b->ch, &v);
	if (r == CHAN_CLOSED && !b->sending && v != 0)
		r = CHAN_WOULD_BLOCK;	/* a closed receive must give the zero value */
	atomic_fetch_add(&b->results[r], 1);
	return NULL;
}

/* n threads block on ch (sending or receiving), then ch is closed. */
static void close_under(const struct chan_under_test *c, void *ch, int sending, int n)
{
	struct blocked b = { .ops = c->p->chan, .ch = ch, .sending = sending };
	pthread_t t[4];
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, block_once, &b);
	while (atomic_load(&b.entered) < n)
		sleep_us(100);
	sleep_us(20000);	/* long enough for them to be asleep in the channel */
	CHECK(atomic_load(&b.results[CHAN_OK]) == 0, "%s: an operation completed on a stuck channel",
	      c->label);
	CHECK(c->p->chan->close(ch) == CHAN_OK, "%s: first close", c->label);
	for (int i = 0; i < n; i++)
		join_or_die(t[i], c->label, sending ? "a blocked sender" : "a blocked receiver");
	CHECK(atomic_load(&b.results[CHAN_CLOSED]) == n, "%s: %d of %d blocked %s saw closed",
	      c->label, atomic_load(&b.results[CHAN_CLOSED]), n, sending ? "senders" : "receivers");
}

static void test_close(const struct chan_under_test *c)
{
	for (size_t cap = 0; cap <= 2; cap += 2) {
		void *ch = new_chan(c, sizeof(int), cap);
		close_under(c, ch, 0, 3);
		chan_free(c->p, ch);

		ch = new_chan(c, sizeof(int), cap);
		int v = 1;
		for (size_t i = 0; i < cap; i++, v++)
			c->p->chan->send(ch, &v);
		close_under(c, ch, 1, 3);
		for (int want = 1; want <= (int)cap; want++)
			CHECK(c->p->chan->recv(ch, &v) == CHAN_OK && v == want,
			      "%s cap %zu: after close, the buffer drains in order", c->label, cap);
		CHECK(c->p->chan->recv(ch, &v) == CHAN_CLOSED && v == 0,
		      "%s cap %zu: drained and closed", c->label, cap);
		CHECK(c->p->chan->send(ch, &v) == CHAN_CLOSED, "%s: send on closed", c->label);
		CHECK(c->p->chan->close(ch) == CHAN_CLOSED, "%s: second close", c->label);
		chan_free(c->p, ch);
	}
}

/* ---- try_send / try_recv ---- */

static void *recv_one(void *arg)
{
	struct blocked *b = arg;
	int v = -1;
	atomic_fetch_add(&b->entered, 1);
	atomic_fetch_add(&b->results[b->ops->recv(b->ch, &v) == CHAN_OK && v == 42 ? CHAN_OK
										  : CHAN_CLOSED], 1);
	return NULL;
}

static void *send_one(void *arg)
{
	struct blocked *b = arg;
	int v = 43;
	atomic_fetch_add(&b->entered, 1);
	atomic_fetch_add(&b->results[b->ops->send(b->ch, &v)], 1);
	return NULL;
}

/* Retries a try_send or try_recv until it stops saying CHAN_WOULD_BLOCK, or the deadline. */
static enum chan_result try_until(const struct chan_ops *o, bool sending, void *ch, int *v)
{
	uint64_t end = now_ns() + KIT_DEADLINE_S * 1000000000ull;
	enum chan_result r;
	while ((r = sending ? o->try_send(ch, v) : o->try_recv(ch, v)) == CHAN_WOULD_BLOCK &&
	       now_ns() < end)
		sleep_us(100);
	return r;
}

static void test_unbuffered_try(const struct chan_under_test *c)
{
	const struct chan_ops *o = c->p->chan;
	void *ch = new_chan(c, sizeof(int), 0);
	struct blocked b = { .ops = o, .ch = ch };
	pthread_t t;
	int v = 42;

	CHECK(o->try_send(ch, &v) == CHAN_WOULD_BLOCK, "%s: try_send, no receiver", c->label);
	CHECK(o->try_recv(ch, &v) == CHAN_WOULD_BLOCK, "%s: try_recv, no sender", c->label);
	pthread_create(&t, NULL, recv_one, &b);
	CHECK(try_until(o, true, ch, &v) == CHAN_OK, "%s: try_send to a waiting receiver",
	      c->label);
	join_or_die(t, c->label, "a receiver");
	CHECK(atomic_load(&b.results[CHAN_OK]) == 1, "%s: the receiver got 42", c->label);

	pthread_create(&t, NULL, send_one, &b);
	CHECK(try_until(o, false, ch, &v) == CHAN_OK && v == 43,
	      "%s: try_recv from a waiting sender got %d", c->label, v);
	join_or_die(t, c->label, "a sender");
	o->close(ch);
	CHECK(o->try_send(ch, &v) == CHAN_CLOSED, "%s: try_send on closed", c->label);
	CHECK(o->try_recv(ch, &v) == CHAN_CLOSED && v == 0, "%s: try_recv on closed", c->label);
	chan_free(c->p, ch);
}

static void test_buffered_try(const struct chan_under_test *c)
{
	const struct chan_ops *o = c->p->chan;
	void *ch = new_chan(c, sizeof(int), 2);
	int v;

	CHECK(o->try_recv(ch, &v) == CHAN_WOULD_BLOCK, "%s: try_recv on empty", c->label);
	for (v = 1; v <= 2; v++)
		CHECK(o->try_send(ch, &v) == CHAN_OK, "%s: try_send %d with room", c->label, v);
	CHECK(o->try_send(ch, &v) == CHAN_WOULD_BLOCK, "%s: try_send on full", c->label);
	CHECK(o->try_recv(ch, &v) == CHAN_OK && v == 1, "%s: try_recv head", c->label);
	o->close(ch);
	CHECK(o->try_send(ch, &v) == CHAN_CLOSED, "%s: try_send on closed", c->label);
	CHECK(o->try_recv(ch, &v) == CHAN_OK && v == 2, "%s: try_recv drains closed", c->label);
	CHECK(o->try_recv(ch, &v) == CHAN_CLOSED && v == 0, "%s: try_recv on closed, empty",
	      c->label);
	chan_free(c->p, ch);
}

/* ---- randomized stress ---- */

struct stress {
	const struct chan_ops *ops;
	void *ch;
	atomic_bool *senders_stop;
	uint64_t rng;
	int sender;
	uint64_t ok;
};

static void *stress_main(void *arg)
{
	struct stress *s = arg;
	int v = 1;
	for (;;) {
		uint64_t r = rng_next(&s->rng);
		if (s->sender && atomic_load(s->senders_stop))
			return NULL;
		if (r % 16 == 0)
			sched_yield();
		enum chan_result res = s->sender
			? (r & 32 ? s->ops->try_send(s->ch, &v) : s->ops->send(s->ch, &v))
			: (r & 32 ? s->ops->try_recv(s->ch, &v) : s->ops->recv(s->ch, &v));
		if (res == CHAN_OK)
			s->ok++;
		else if (res == CHAN_CLOSED)
			return NULL;	/* receivers: closed and drained */
	}
}

static void test_stress(const struct chan_under_test *c, size_t cap, double seconds)
{
	enum { N = 4 };
	struct stress s[N];
	pthread_t t[N];
	atomic_bool stop = false;
	void *ch = new_chan(c, sizeof(int), cap);

	for (int i = 0; i < N; i++) {
		s[i] = (struct stress){ c->p->chan, ch, &stop, 0x9e3779b97f4a7c15u * (i + 7), i % 2, 0 };
		pthread_create(&t[i], NULL, stress_main, &s[i]);
	}
	sleep_us((long)(seconds * 1e6));
	atomic_store(&stop, true);
	for (int i = 0; i < N; i += 2)
		join_or_die(t[i + 1], c->label, "a stress sender");
	c->p->chan->close(ch);
	for (int i = 0; i < N; i += 2)
		join_or_die(t[i], c->label, "a stress receiver");
	CHECK(s[0].ok + s[2].ok == s[1].ok + s[3].ok && s[0].ok + s[2].ok > 0,
	      "%s cap %zu stress: %llu received, %llu sent", c->label, cap,
	      (unsigned long long)(s[0].ok + s[2].ok), (unsigned long long)(s[1].ok + s[3].ok));
	chan_free(c->p, ch);
}

static void test_chan(const struct chan_under_test *c)
{
	static const size_t caps[] = { 0, 1, 7, 1024 };
	static const int sides[] = { 1, 3 };
	for (size_t k = 0; k < ARRAY_SIZE(caps); k++)
		for (int p = 0; p < 2; p++)
			for (int q = 0; q < 2; q++)
				test_exactly_once(c, caps[k], sides[p], sides[q]);
	test_close(c);
	test_unbuffered_try(c);
	test_buffered_try(c);
	for (size_t k = 0; k < 3; k++)
		test_stress(c, caps[k], 0.3);
}

int main(void)
{
	int tested = 0;
	for (size_t i = 0; i < lock_registry_len; i++) {
		const struct lock_ops *p = lock_registry[i];
		if (!p->chan)
			continue;
		struct chan_under_test c = { .p = p, .label = p->name };
		param_defaults(p->params, p->nparams, c.params);
		test_chan(&c);
		tested++;
		int spin = param_find(p->params, p->nparams, "spin");
		if (spin >= 0) {
			char label[64];
			snprintf(label, sizeof(label), "%s spin=200", p->name);
			c.params[spin] = 200;
			c.label = label;
			test_chan(&c);
		}
	}
	CHECK(tested >= 2, "%d channel primitives in the registry", tested);
	return check_exit();
}
