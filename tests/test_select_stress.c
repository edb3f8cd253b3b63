/*
 * gochan_select under stress: many selectors on shared channels, where a
 * select that waits on every channel wins on one and must leave no
 * waiter behind on the others (a stale waiter would swallow a value, or
 * be handed one after its frame is gone: ASan's and this test's catch).
 *
 * Producers send PER_PRODUCER messages (producer, sequence number), each
 * by a plain send on a random channel or by a select over a send case on
 * every channel (and a nil case); consumers loop over a select of a
 * receive on every channel (and a nil case), blocking or with a default,
 * and switch a channel's case off (nil) once it reports closed.  Checks:
 * every message arrives exactly once, in order per producer and channel,
 * a closed receive is zeroed, and no send fails.  Capacities 0 and 1,
 * spin 0 and 200, one channel in every case too.  Every join has a
 * deadline; a thread that misses it fails the test.
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

enum { CHANS = 3, PRODUCERS = 2, CONSUMERS = 3, PER_PRODUCER = 1500 };
enum { NCASES = CHANS + 1 };	/* and a nil case */

struct stress_cfg {
	size_t cap[CHANS];
	bool same;		/* one channel in every case */
	bool select_send;	/* producers send by select */
	unsigned spin;
};

struct stress_thread {
	struct gochan *ch[CHANS];
	atomic_uint *seen;	/* [producer * PER_PRODUCER + seq]: arrivals */
	int id;
	bool with_default;	/* a consumer polling with a default case */
	bool select_send;
	uint64_t rng;
	int bad;		/* failed sends; bad, out-of-order or unzeroed receipts */
};

static struct gochan *new_chan(size_t cap, unsigned spin)
{
	struct gochan *c = gochan_new(2 * sizeof(uint32_t), cap, spin);
	CHECK(c, "gochan_new(%zu, %u)", cap, spin);
	if (!c)
		exit(check_exit());
	return c;
}

/* One message by a select over every channel: the same message in each send case. */
static void send_by_select(struct stress_thread *t, uint32_t msg[2])
{
	struct chan_case cases[NCASES];
	for (int k = 0; k < CHANS; k++)
		cases[k] = (struct chan_case){ t->ch[k], CHAN_SEND, msg };
	cases[CHANS] = (struct chan_case){ NULL, CHAN_SEND, msg };
	int got = gochan_select(cases, NCASES, true, NULL);
	t->bad += got < 0 || got >= CHANS;
}

static void *stress_produce(void *arg)
{
	struct stress_thread *t = arg;
	for (uint32_t seq = 0; seq < PER_PRODUCER; seq++) {
		uint32_t msg[2] = { (uint32_t)t->id, seq };
		if (t->select_send)
			send_by_select(t, msg);
		else
			t->bad += gochan_send(t->ch[rng_next(&t->rng) % CHANS], msg) != CHAN_OK;
	}
	return NULL;
}

/* Checks one receipt from channel k against the last one from its producer there. */
static void stress_note(struct stress_thread *t, const uint32_t msg[2], int k,
			int64_t last[PRODUCERS][CHANS])
{
	if (msg[0] >= PRODUCERS || msg[1] >= PER_PRODUCER || (int64_t)msg[1] <= last[msg[0]][k]) {
		t->bad++;
		return;
	}
	last[msg[0]][k] = msg[1];
	atomic_fetch_add(&t->seen[msg[0] * PER_PRODUCER + msg[1]], 1);
}

/* Receives until every channel has reported closed (each case then set to nil). */
static void *stress_consume(void *arg)
{
	struct stress_thread *t = arg;
	bool same = t->ch[0] == t->ch[1];
	int64_t last[PRODUCERS][CHANS];
	uint32_t msg[CHANS][2];
	struct chan_case cases[NCASES];
	int open = CHANS;

	memset(last, 0xff, sizeof(last));	/* -1: none yet */
	for (int k = 0; k < CHANS; k++)
		cases[k] = (struct chan_case){ t->ch[k], CHAN_RECV, msg[k] };
	cases[CHANS] = (struct chan_case){ NULL, CHAN_RECV, msg[0] };
	while (open > 0) {
		bool ok = false;
		int k = gochan_select(cases, NCASES, !t->with_default, &ok);
		if (k == CHAN_SELECT_DEFAULT) {
			sched_yield();
		} else if (k < 0 || k >= CHANS) {
			t->bad++;
			break;
		} else if (!ok) {
			t->bad += msg[k][0] != 0 || msg[k][1] != 0;
			cases[k].ch = NULL;	/* Go's idiom: a nil channel switches the case off */
			open--;
		} else {
			stress_note(t, msg[k], same ? 0 : k, last);
		}
	}
	return NULL;
}

static void start_threads(const struct stress_cfg *cfg, struct gochan *const ch[CHANS],
			  atomic_uint *seen, struct stress_thread pt[PRODUCERS],
			  struct stress_thread ct[CONSUMERS], pthread_t ptid[PRODUCERS],
			  pthread_t ctid[CONSUMERS])
{
	for (int i = 0; i < CONSUMERS; i++) {
		ct[i] = (struct stress_thread){ .seen = seen, .id = i, .with_default = i == 0 };
		memcpy(ct[i].ch, ch, sizeof(ct[i].ch));
		pthread_create(&ctid[i], NULL, stress_consume, &ct[i]);
	}
	for (int i = 0; i < PRODUCERS; i++) {
		pt[i] = (struct stress_thread){ .seen = seen, .id = i, .select_send = cfg->select_send,
						.rng = 0x9e3779b97f4a7c15u * (uint64_t)(i + 3) };
		memcpy(pt[i].ch, ch, sizeof(pt[i].ch));
		pthread_create(&ptid[i], NULL, stress_produce, &pt[i]);
	}
}

static void test_stress(const struct stress_cfg *cfg)
{
	struct stress_thread pt[PRODUCERS], ct[CONSUMERS];
	pthread_t ptid[PRODUCERS], ctid[CONSUMERS];
	atomic_uint *seen = calloc(PRODUCERS * PER_PRODUCER, sizeof(*seen));
	struct gochan *ch[CHANS];

	for (int k = 0; k < CHANS; k++)
		ch[k] = cfg->same && k > 0 ? ch[0] : new_chan(cfg->cap[k], cfg->spin);
	start_threads(cfg, ch, seen, pt, ct, ptid, ctid);
	for (int i = 0; i < PRODUCERS; i++)
		join_or_die(ptid[i], "select stress", "a producer");
	/* One close per distinct channel; closing one twice would be Go's panic. */
	for (int k = 0; k < CHANS; k++)
		if (!cfg->same || k == 0)
			gochan_close(ch[k]);
	for (int i = 0; i < CONSUMERS; i++)
		join_or_die(ctid[i], "select stress", "a consumer");

	int lost = 0, dup = 0, bad = 0;
	for (int i = 0; i < PRODUCERS * PER_PRODUCER; i++)
		lost += seen[i] == 0, dup += seen[i] > 1;
	for (int i = 0; i < PRODUCERS; i++)
		bad += pt[i].bad;
	for (int i = 0; i < CONSUMERS; i++)
		bad += ct[i].bad;
	CHECK(!lost && !dup && !bad,
	      "caps %zu/%zu/%zu%s, %s sends, spin %u: %d lost, %d duplicated, %d bad", cfg->cap[0],
	      cfg->cap[1], cfg->cap[2], cfg->same ? " (one channel)" : "",
	      cfg->select_send ? "select" : "plain", cfg->spin, lost, dup, bad);
	for (int k = 0; k < CHANS; k++)
		if (!cfg->same || k == 0)
			gochan_free(ch[k]);
	free(seen);
}

int main(void)
{
	static const struct stress_cfg stress[] = {
		{ { 0, 0, 0 }, false, false, 0 },  { { 0, 1, 0 }, false, false, 0 },
		{ { 1, 1, 1 }, false, false, 0 },  { { 0, 0, 0 }, true, false, 0 },
		{ { 0, 0, 0 }, false, false, 200 }, { { 0, 1, 1 }, false, false, 200 },
		{ { 0, 0, 0 }, false, true, 0 },   { { 0, 1, 0 }, false, true, 0 },
		{ { 1, 1, 1 }, false, true, 0 },   { { 0, 0, 0 }, true, true, 0 },
		{ { 0, 1, 0 }, false, true, 200 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(stress); i++)
		test_stress(&stress[i]);
	return check_exit();
}
