/*
 * gochan's select over two receive cases (gochan_select_recv2 and its
 * default-case variant gochan_try_select_recv2):
 *   - only a ready, only b ready, neither ready, a closed one ready;
 *   - a blocked select woken by a later send on either channel (cap 0 and
 *     1) or by a close, and its other waiter gone afterwards;
 *   - a sender that meets the waiter of a select already won elsewhere
 *     passes it by, to the next receiver;
 *   - fairness: both cases always ready, each chosen 40% to 60% of 2000;
 *   - exactly-once and per-channel order under stress: producers on a and
 *     b, consumers looping over select, spin 0 and spin > 0, a == b too.
 * Every join has a deadline; a thread that misses it fails the test.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../locks/gochan.h"
#include "lockkit.h"

#define ASLEEP_US 20000		/* long enough for a thread to be asleep in a channel */

static struct gochan *new_chan(size_t elem, size_t cap, unsigned spin)
{
	struct gochan *c = gochan_new(elem, cap, spin);
	CHECK(c, "gochan_new(%zu, %zu, %u)", elem, cap, spin);
	if (!c)
		exit(check_exit());
	return c;
}

/* Joins t; a thread still running after the deadline means a hang: fail now. */
/* Sends v on c without risking a hang: try_send until it stops saying would-block, or the deadline. */
static enum chan_result send_bounded(struct gochan *c, int v)
{
	uint64_t end = now_ns() + KIT_DEADLINE_S * 1000000000ull;
	enum chan_result r;
	while ((r = gochan_try_send(c, &v)) == CHAN_WOULD_BLOCK && now_ns() < end)
		sleep_us(100);
	return r;
}

/* ---- one select, nothing concurrent ---- */

static void test_ready(void)
{
	struct gochan *a = new_chan(sizeof(uint64_t), 1, 0), *b = new_chan(sizeof(int), 1, 0);
	uint64_t va = 0, one = 1;
	int vb = 0, two = 2, chosen = -1;

	CHECK(gochan_try_select_recv2(a, &va, b, &vb, &chosen) == CHAN_WOULD_BLOCK && chosen == -1,
	      "neither ready: would block");
	gochan_send(a, &one);
	CHECK(gochan_select_recv2(a, &va, b, &vb, &chosen) == CHAN_OK && chosen == 0 && va == 1,
	      "only a ready: chose %d", chosen);
	gochan_send(b, &two);
	CHECK(gochan_try_select_recv2(a, &va, b, &vb, &chosen) == CHAN_OK && chosen == 1 && vb == 2,
	      "only b ready, default case: chose %d", chosen);
	gochan_close(b);
	vb = 5;
	CHECK(gochan_try_select_recv2(a, &va, b, &vb, &chosen) == CHAN_CLOSED && chosen == 1 &&
	      vb == 0, "b closed: ready, closed, zeroed");
	gochan_send(a, &one);
	for (int i = 0; i < 64 && chosen == 1; i++)
		gochan_select_recv2(a, &va, b, &vb, &chosen);
	CHECK(chosen == 0 && va == 1, "a ready and b closed: a is chosen sometimes");
	gochan_free(a);
	gochan_free(b);
}

/* ---- a blocked select, then one event ---- */

struct select_call {
	struct gochan *a, *b;
	int va, vb, chosen;
	enum chan_result r;
	atomic_int phase;	/* 1: entered select, 2: returned */
};

static void *select_once(void *arg)
{
	struct select_call *s = arg;
	atomic_store(&s->phase, 1);
	s->r = gochan_select_recv2(s->a, &s->va, s->b, &s->vb, &s->chosen);
	atomic_store(&s->phase, 2);
	return NULL;
}

/* Starts a select on a and b and lets it fall asleep. */
static void start_select(struct select_call *s, pthread_t *t)
{
	s->va = s->vb = 7;
	s->chosen = -1;
	atomic_init(&s->phase, 0);
	pthread_create(t, NULL, select_once, s);
	while (atomic_load(&s->phase) == 0)
		sleep_us(100);
	sleep_us(ASLEEP_US);
	CHECK(atomic_load(&s->phase) == 1, "a select on two empty channels returned");
}

/* A send of 42 on case `which` wakes it; afterwards its other case takes nothing. */
static void test_woken_by_send(size_t cap, int which)
{
	struct gochan *ch[2] = { new_chan(sizeof(int), cap, 0), new_chan(sizeof(int), cap, 0) };
	struct select_call s = { .a = ch[0], .b = ch[1] };
	pthread_t t;
	int v = 43;

	start_select(&s, &t);
	CHECK(send_bounded(ch[which], 42) == CHAN_OK, "cap %zu: send to a blocked select", cap);
	join_or_die(t, "select", "a select woken by a send");
	CHECK(s.r == CHAN_OK && s.chosen == which && (which ? s.vb : s.va) == 42,
	      "cap %zu: a send on case %d wakes the select: r %d chose %d", cap, which, s.r,
	      s.chosen);
	/* Its waiter on the other channel must be gone, not receive this. */
	struct gochan *other = ch[!which];
	if (cap == 0) {
		CHECK(gochan_try_send(other, &v) == CHAN_WOULD_BLOCK,
		      "cap 0: the select's losing waiter still takes values");
	} else {
		CHECK(gochan_try_send(other, &v) == CHAN_OK && gochan_try_recv(other, &v) == CHAN_OK &&
		      v == 43, "cap %zu: the value sent after the select stays in the buffer", cap);
	}
	gochan_free(ch[0]);
	gochan_free(ch[1]);
}

static void test_woken_by_close(size_t cap, int which)
{
	struct gochan *ch[2] = { new_chan(sizeof(int), cap, 0), new_chan(sizeof(int), cap, 0) };
	struct select_call s = { .a = ch[0], .b = ch[1] };
	pthread_t t;

	start_select(&s, &t);
	gochan_close(ch[which]);
	join_or_die(t, "select", "a select woken by a close");
	CHECK(s.r == CHAN_CLOSED && s.chosen == which && (which ? s.vb : s.va) == 0,
	      "cap %zu: closing case %d wakes the select: r %d chose %d", cap, which, s.r,
	      s.chosen);
	gochan_free(ch[0]);
	gochan_free(ch[1]);
}

struct plain_recv {
	struct gochan *c;
	int v;
	enum chan_result r;
};

static void *recv_once(void *arg)
{
	struct plain_recv *p = arg;
	p->r = gochan_recv(p->c, &p->v);
	return NULL;
}

/*
 * A select waits on a and b, then a plain receiver on b behind it; a send
 * on a and at once one on b: the select gets a's value, and b's goes past
 * the select's waiter on b (won already, or soon dropped) to the receiver.
 */
static void test_sender_skips_won_select(size_t cap)
{
	struct gochan *a = new_chan(sizeof(int), cap, 0), *b = new_chan(sizeof(int), cap, 0);
	struct select_call s = { .a = a, .b = b };
	struct plain_recv p = { .c = b };
	pthread_t ts, tp;

	start_select(&s, &ts);
	pthread_create(&tp, NULL, recv_once, &p);
	sleep_us(ASLEEP_US);
	CHECK(send_bounded(a, 1) == CHAN_OK && send_bounded(b, 2) == CHAN_OK,
	      "cap %zu: sends to a select and a receiver behind it", cap);
	join_or_die(ts, "select", "the select");
	join_or_die(tp, "select", "the receiver behind it");
	CHECK(s.r == CHAN_OK && s.chosen == 0 && s.va == 1, "cap %zu: the select got a's value",
	      cap);
	CHECK(p.r == CHAN_OK && p.v == 2, "cap %zu: the receiver behind the select got b's value",
	      cap);
	gochan_free(a);
	gochan_free(b);
}

/* ---- fairness ---- */

/* Both cases always ready: how often case 0 is chosen out of n. */
static int count_first(struct gochan *a, struct gochan *b, int n, bool with_default)
{
	int v = 0, chosen, first = 0;
	for (int i = 0; i < n; i++) {
		enum chan_result r = with_default
			? gochan_try_select_recv2(a, &v, b, &v, &chosen)
			: gochan_select_recv2(a, &v, b, &v, &chosen);
		CHECK(r == CHAN_OK, "a ready select returned %d", r);
		first += chosen == 0;
		gochan_send(chosen ? b : a, &v);
	}
	return first;
}

/* Binomial(2000, 1/2): sd 1.1%, so 40%..60% is 9 sd out. */
static void test_fairness(void)
{
	enum { N = 2000 };
	struct gochan *a = new_chan(sizeof(int), 1, 0), *b = new_chan(sizeof(int), 1, 0);
	int v = 0;
	gochan_send(a, &v);
	gochan_send(b, &v);
	for (int with_default = 0; with_default < 2; with_default++) {
		int first = count_first(a, b, N, with_default);
		CHECK(first >= N * 2 / 5 && first <= N * 3 / 5, "%s: a chosen %d of %d",
		      with_default ? "with default" : "blocking", first, N);
	}
	gochan_free(a);
	gochan_free(b);

	struct gochan *c = new_chan(sizeof(int), 1, 0);
	gochan_send(c, &v);
	int first = count_first(c, c, N, false);
	CHECK(first >= N * 2 / 5 && first <= N * 3 / 5, "a == b: case 0 chosen %d of %d", first,
	      N);
	gochan_free(c);
}

/* ---- exactly once under stress ---- */

enum { PRODUCERS = 2, CONSUMERS = 3, PER_PRODUCER = 1500 };

struct stress_cfg {
	size_t cap[2];
	bool same;		/* a == b */
	unsigned spin;
};

struct stress_thread {
	struct gochan *ch[2];
	atomic_uint *seen;	/* [producer * PER_PRODUCER + seq]: arrivals */
	int id;
	bool with_default;	/* a consumer polling with gochan_try_select_recv2 */
	uint64_t rng;
	int bad;		/* failed sends; bad, out-of-order or unzeroed receipts */
};

static void *stress_produce(void *arg)
{
	struct stress_thread *t = arg;
	for (uint32_t seq = 0; seq < PER_PRODUCER; seq++) {
		uint32_t msg[2] = { (uint32_t)t->id, seq };
		t->bad += gochan_send(t->ch[rng_next(&t->rng) & 1], msg) != CHAN_OK;
	}
	return NULL;
}

/* Checks one receipt from channel k against the last one from its producer there. */
static void stress_note(struct stress_thread *t, const uint32_t msg[2], int k,
			int64_t last[PRODUCERS][2])
{
	if (msg[0] >= PRODUCERS || msg[1] >= PER_PRODUCER || (int64_t)msg[1] <= last[msg[0]][k]) {
		t->bad++;
		return;
	}
	last[msg[0]][k] = msg[1];
	atomic_fetch_add(&t->seen[msg[0] * PER_PRODUCER + msg[1]], 1);
}

/* Receives until both channels report closed. */
static void *stress_consume(void *arg)
{
	struct stress_thread *t = arg;
	bool same = t->ch[0] == t->ch[1];
	int64_t last[PRODUCERS][2];
	unsigned closed = 0;
	uint32_t msg[2];
	int chosen;

	memset(last, 0xff, sizeof(last));	/* -1: none yet */
	while (closed != 3) {
		enum chan_result r = t->with_default
			? gochan_try_select_recv2(t->ch[0], msg, t->ch[1], msg, &chosen)
			: gochan_select_recv2(t->ch[0], msg, t->ch[1], msg, &chosen);
		if (r == CHAN_WOULD_BLOCK) {
			sched_yield();
		} else if (r == CHAN_CLOSED) {
			closed |= same ? 3u : 1u << chosen;
			t->bad += msg[0] != 0 || msg[1] != 0;
		} else {
			stress_note(t, msg, same ? 0 : chosen, last);
		}
	}
	return NULL;
}

static void test_stress(const struct stress_cfg *cfg)
{
	struct stress_thread pt[PRODUCERS], ct[CONSUMERS];
	pthread_t ptid[PRODUCERS], ctid[CONSUMERS];
	atomic_uint *seen = calloc(PRODUCERS * PER_PRODUCER, sizeof(*seen));
	struct gochan *a = new_chan(2 * sizeof(uint32_t), cfg->cap[0], cfg->spin);
	struct gochan *b = cfg->same ? a : new_chan(2 * sizeof(uint32_t), cfg->cap[1], cfg->spin);

	for (int i = 0; i < CONSUMERS; i++) {
		ct[i] = (struct stress_thread){ { a, b }, seen, i, i == 0, 0, 0 };
		pthread_create(&ctid[i], NULL, stress_consume, &ct[i]);
	}
	for (int i = 0; i < PRODUCERS; i++) {
		pt[i] = (struct stress_thread){ { a, b }, seen, i, false, 0x9e3779b97f4a7c15u * (i + 3),
						0 };
		pthread_create(&ptid[i], NULL, stress_produce, &pt[i]);
	}
	for (int i = 0; i < PRODUCERS; i++)
		join_or_die(ptid[i], "select", "a stress producer");
	gochan_close(a);
	if (b != a)
		gochan_close(b);
	for (int i = 0; i < CONSUMERS; i++)
		join_or_die(ctid[i], "select", "a stress consumer");

	int lost = 0, dup = 0, bad = 0;
	for (int i = 0; i < PRODUCERS * PER_PRODUCER; i++)
		lost += seen[i] == 0, dup += seen[i] > 1;
	for (int i = 0; i < PRODUCERS; i++)
		bad += pt[i].bad;
	for (int i = 0; i < CONSUMERS; i++)
		bad += ct[i].bad;
	CHECK(!lost && !dup && !bad, "caps %zu/%zu%s spin %u: %d lost, %d duplicated, %d bad",
	      cfg->cap[0], cfg->cap[1], cfg->same ? " (a == b)" : "", cfg->spin, lost, dup, bad);
	if (b != a)
		gochan_free(b);
	gochan_free(a);
	free(seen);
}

int main(void)
{
	static const struct stress_cfg stress[] = {
		{ { 0, 0 }, false, 0 },   { { 0, 1 }, false, 0 },   { { 1, 1 }, false, 0 },
		{ { 0, 0 }, true, 0 },    { { 0, 0 }, false, 200 }, { { 0, 1 }, false, 200 },
		{ { 1, 1 }, false, 200 },
	};

	/* A backstop: the main thread's own selects and sends below have no deadline of their own. */
	alarm(4 * KIT_DEADLINE_S);
	test_ready();
	for (size_t cap = 0; cap <= 1; cap++) {
		for (int which = 0; which < 2; which++) {
			test_woken_by_send(cap, which);
			test_woken_by_close(cap, which);
		}
		test_sender_skips_won_select(cap);
	}
	test_fairness();
	for (size_t i = 0; i < ARRAY_SIZE(stress); i++)
		test_stress(&stress[i]);
	return check_exit();
}
