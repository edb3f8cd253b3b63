/*
 * gochan_select, one select at a time (the exactly-once stress with many
 * selectors is test_select_stress.c; the panics are in test_go_fatal.c):
 *   - `select {}`, and a select of nil channels only, block forever (in a
 *     forked child, seen asleep in the kernel, then killed); with a
 *     default they return CHAN_SELECT_DEFAULT;
 *   - the default is taken exactly when no case is ready, over random
 *     sets of channel states, directions and nil cases; a case chosen was
 *     ready, and it did what it says (value, recv_ok, zeroing, buffering);
 *   - nil channels are never chosen;
 *   - a blocked select woken by a send, by a receive (plain, or another
 *     select's) and by a close, at capacity 0 and 1, each leaving no
 *     waiter behind on its other channels; a sender passes by the waiter
 *     of a select won elsewhere, to the receiver queued behind it;
 *   - fairness: Go's TestSelectFairness, then chi-square tests of the
 *     choice among ready cases (sends and receives, one channel in several
 *     cases, 100 cases) and of the independence of consecutive choices.
 * The main thread's own waits are bounded; an alarm is the backstop.
 */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../locks/gochan.h"
#include "lockkit.h"

#define ASLEEP_US 20000		/* long enough for a thread to be asleep in a channel */

static struct gochan *new_chan(size_t cap)
{
	struct gochan *c = gochan_new(sizeof(int), cap, 0);
	CHECK(c, "gochan_new(%zu)", cap);
	if (!c)
		exit(check_exit());
	return c;
}

static struct chan_case recv_case(struct gochan *c, int *elem)
{
	return (struct chan_case){ c, CHAN_RECV, elem };
}

static struct chan_case send_case(struct gochan *c, int *elem)
{
	return (struct chan_case){ c, CHAN_SEND, elem };
}

static int select_now(const struct chan_case *cases, int n, bool *ok)
{
	return gochan_select(cases, n, false, ok);
}

/* A send that cannot hang the test: try_send until it stops saying would-block, or the deadline. */
static enum chan_result send_bounded(struct gochan *c, int v)
{
	uint64_t end = now_ns() + KIT_DEADLINE_S * 1000000000ull;
	enum chan_result r;
	while ((r = gochan_try_send(c, &v)) == CHAN_WOULD_BLOCK && now_ns() < end)
		sleep_us(100);
	return r;
}

static enum chan_result recv_bounded(struct gochan *c, int *v)
{
	uint64_t end = now_ns() + KIT_DEADLINE_S * 1000000000ull;
	enum chan_result r;
	while ((r = gochan_try_recv(c, v)) == CHAN_WOULD_BLOCK && now_ns() < end)
		sleep_us(100);
	return r;
}

/* ---- blocking forever ---- */

/* The state letter of /proc/PID/stat ('S': asleep in the kernel), or '?'. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *paren;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[len] = '\0';
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' ? paren[2] : '?';
}

/* Whether pid is seen asleep on 5 polls in a row, 10 ms apart, within the deadline. */
static bool stays_asleep(pid_t pid)
{
	int in_a_row = 0;
	for (uint64_t end = now_ns() + KIT_DEADLINE_S * 1000000000ull; now_ns() < end;) {
		in_a_row = proc_state(pid) == 'S' ? in_a_row + 1 : 0;
		if (in_a_row == 5)
			return true;
		sleep_us(10000);
	}
	return false;
}

/*
 * A blocking select over cases in a child: it must sleep and never
 * return.  The test stops it with SIGKILL.  Forked before this process
 * starts any thread.
 */
static void check_blocks_forever(const char *what, const struct chan_case *cases, int n)
{
	int fd[2], status = 0;
	char started;

	fflush(NULL);
	if (pipe(fd) != 0) {
		CHECK(0, "pipe");
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(fd[0]);
		alarm(4 * KIT_DEADLINE_S);	/* never outlives a parent that died */
		if (write(fd[1], "s", 1) == 1)
			gochan_select(cases, n, true, NULL);
		_exit(3);
	}
	close(fd[1]);
	bool entered = pid > 0 && read(fd[0], &started, 1) == 1;
	close(fd[0]);
	bool asleep = entered && stays_asleep(pid);
	CHECK(asleep && waitpid(pid, &status, WNOHANG) == 0,
	      "%s: the select returned or never slept (wait status %#x)", what, status);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
}

static void test_forever(void)
{
	struct chan_case nils[3] = { { NULL, CHAN_RECV, NULL }, { NULL, CHAN_SEND, NULL },
				     { NULL, CHAN_RECV, NULL } };
	bool ok = true;

	check_blocks_forever("select {}", NULL, 0);
	check_blocks_forever("one nil case", nils, 1);
	check_blocks_forever("three nil cases", nils, 3);
	CHECK(select_now(NULL, 0, &ok) == CHAN_SELECT_DEFAULT, "select { default: }");
	CHECK(select_now(nils, 1, &ok) == CHAN_SELECT_DEFAULT, "one nil case and a default");
	CHECK(select_now(nils, 3, &ok) == CHAN_SELECT_DEFAULT && ok,
	      "three nil cases and a default: the default, recv_ok untouched");
}

/* ---- the default case, and what a chosen case did ---- */

enum { PROBE_CHANS = 5 };

/* What one channel of a random probe holds. */
enum probe_state { EMPTY, HOLDS_ONE, FULL, CLOSED, NIL, PROBE_STATES };

struct probe {
	struct gochan *ch[PROBE_CHANS];
	enum probe_state state[PROBE_CHANS];
	int elem[PROBE_CHANS];
	struct chan_case cases[PROBE_CHANS];
};

static bool case_ready(const struct probe *p, int i)
{
	enum probe_state s = p->state[i];
	if (s == NIL)
		return false;
	return p->cases[i].dir == CHAN_RECV ? s != EMPTY : s != FULL;
}

/* Channels of capacity 2 put in random states, with a random direction each (no send on closed). */
static void probe_make(struct probe *p, uint64_t *rng)
{
	for (int i = 0; i < PROBE_CHANS; i++) {
		enum probe_state s = (enum probe_state)(rng_next(rng) % PROBE_STATES);
		enum chan_dir dir = s == CLOSED || rng_next(rng) % 2 ? CHAN_RECV : CHAN_SEND;
		p->ch[i] = new_chan(2);
		p->state[i] = s;
		p->elem[i] = -1;
		for (int k = 0; k < (s == HOLDS_ONE ? 1 : s == FULL ? 2 : 0); k++)
			gochan_try_send(p->ch[i], &(int){ 100 * i + k });
		if (s == CLOSED)
			gochan_close(p->ch[i]);
		if (dir == CHAN_SEND)
			p->elem[i] = 1000 + i;
		p->cases[i] = (struct chan_case){ s == NIL ? NULL : p->ch[i], dir, &p->elem[i] };
	}
}

/* The chosen case did what it reports: a value or a zeroed closed receive, a buffered send. */
static void probe_check_effect(struct probe *p, int i, bool ok)
{
	int v = -1, extra = -1;
	if (p->cases[i].dir == CHAN_RECV) {
		bool closed = p->state[i] == CLOSED;
		CHECK(ok == !closed && p->elem[i] == (closed ? 0 : 100 * i),
		      "case %d (%d): recv_ok %d, elem %d", i, p->state[i], ok, p->elem[i]);
		return;
	}
	int before = p->state[i] == HOLDS_ONE ? 1 : 0;
	for (int k = 0; k < before; k++)
		gochan_try_recv(p->ch[i], &extra);
	CHECK(gochan_try_recv(p->ch[i], &v) == CHAN_OK && v == 1000 + i,
	      "case %d: the sent value is not in the buffer (%d)", i, v);
}

static void test_default_only_when_nothing_ready(void)
{
	uint64_t rng = 0x243f6a8885a308d3u;
	int defaults = 0, chosen_ready = 0;

	for (int round = 0; round < 3000; round++) {
		struct probe p;
		bool any = false, ok = false;
		probe_make(&p, &rng);
		int n = 2 + (int)(rng_next(&rng) % (PROBE_CHANS - 1));
		for (int i = 0; i < n; i++)
			any |= case_ready(&p, i);
		int got = select_now(p.cases, n, &ok);
		if (got == CHAN_SELECT_DEFAULT) {
			defaults++;
			CHECK(!any, "round %d: the default was taken with a ready case", round);
		} else {
			chosen_ready++;
			CHECK(got >= 0 && got < n && case_ready(&p, got),
			      "round %d: chose case %d, which was not ready", round, got);
			if (got >= 0 && got < n && case_ready(&p, got))
				probe_check_effect(&p, got, ok);
		}
		for (int i = 0; i < PROBE_CHANS; i++)
			gochan_free(p.ch[i]);
	}
	CHECK(defaults > 100 && chosen_ready > 100, "the probes took the default %d times of 3000",
	      defaults);
}

/* One-case selects are plain or non-blocking operations (Go's compiler rewrites them). */
static void test_one_case(void)
{
	struct gochan *c = new_chan(1);
	int v = 5, got = 0;
	bool ok = false;
	struct chan_case s = send_case(c, &v), r = recv_case(c, &got);

	CHECK(select_now(&r, 1, &ok) == CHAN_SELECT_DEFAULT, "one empty receive: default");
	CHECK(gochan_select(&s, 1, true, NULL) == 0, "one send with room");
	CHECK(select_now(&s, 1, NULL) == CHAN_SELECT_DEFAULT, "one send, full: default");
	CHECK(gochan_select(&r, 1, true, &ok) == 0 && ok && got == 5, "one receive");
	gochan_close(c);
	got = 9;
	CHECK(select_now(&r, 1, &ok) == 0 && !ok && got == 0, "one receive, closed: zeroed");
	gochan_free(c);
}

static void test_nil_never_chosen(void)
{
	struct gochan *a = new_chan(1), *b = new_chan(1);
	int va = 0, vb = 0, x = 0, hits[4] = { 0 };
	struct chan_case cases[4] = { { NULL, CHAN_RECV, &x }, recv_case(a, &va),
				      { NULL, CHAN_SEND, &x }, recv_case(b, &vb) };
	gochan_try_send(a, &(int){ 1 });
	gochan_try_send(b, &(int){ 2 });
	for (int i = 0; i < 400; i++) {
		int got = gochan_select(cases, 4, i % 2, NULL);
		if (got < 0 || got > 3) {
			CHECK(0, "a ready select returned %d", got);
			break;
		}
		hits[got]++;
		gochan_try_send(got == 1 ? a : b, &(int){ got });
	}
	CHECK(hits[0] == 0 && hits[2] == 0 && hits[1] > 0 && hits[3] > 0,
	      "nil cases chosen %d and %d times; the ready ones %d and %d", hits[0], hits[2],
	      hits[1], hits[3]);
	gochan_free(a);
	gochan_free(b);
}

/* ---- a blocked select, then one event ---- */

enum { CASE_A, CASE_B, CASE_C, CASE_NIL, NCASES };

/*
 * On its own thread: select { case va = <-a: case vb = <-b: case c <- 77:
 * case <-nil: }, then at once, from the same frame, a second select over
 * other channels, none of which can proceed, until the test closes
 * `next`.  A waiter that the first select left on a, b or c would now
 * point into the second select's frame, so a value sent there would
 * reach the second select: check_no_waiter_left() would see it taken.
 */
struct waiting_select {
	struct gochan *a, *b, *c, *next, *idle[2];
	int va, vb, vc, vnil, chosen;
	int vnext[NCASES], next_chosen;
	bool ok, next_ok;
	atomic_int phase;	/* 1: about to select, 2: the first returned, 3: the second */
};

static int __attribute__((noinline)) select_blocking(const struct chan_case *cases, bool *ok)
{
	return gochan_select(cases, NCASES, true, ok);
}

static void *select_twice(void *arg)
{
	struct waiting_select *w = arg;
	const struct chan_case cases[2][NCASES] = {
		{ [CASE_A] = recv_case(w->a, &w->va), [CASE_B] = recv_case(w->b, &w->vb),
		  [CASE_C] = send_case(w->c, &w->vc), [CASE_NIL] = { NULL, CHAN_RECV, &w->vnil } },
		{ recv_case(w->next, &w->vnext[0]), recv_case(w->idle[0], &w->vnext[1]),
		  send_case(w->idle[1], &w->vnext[2]), { NULL, CHAN_RECV, &w->vnext[3] } },
	};
	atomic_store(&w->phase, 1);
	for (int round = 0; round < 2; round++) {
		int got = select_blocking(cases[round], round ? &w->next_ok : &w->ok);
		*(round ? &w->next_chosen : &w->chosen) = got;
		atomic_store(&w->phase, 2 + round);
	}
	return NULL;
}

/*
 * Channels of capacity cap; c full when buffered, so that no case can
 * proceed; then the select is started and given time to fall asleep.
 */
static void start_select(struct waiting_select *w, size_t cap, pthread_t *t)
{
	*w = (struct waiting_select){ .a = new_chan(cap), .b = new_chan(cap), .c = new_chan(cap),
				      .next = new_chan(0), .idle = { new_chan(0), new_chan(0) },
				      .va = 7, .vb = 7, .vc = 77, .vnil = 7, .chosen = -1,
				      .next_chosen = -1 };
	if (cap == 1)
		gochan_try_send(w->c, &(int){ 11 });
	atomic_init(&w->phase, 0);
	pthread_create(t, NULL, select_twice, w);
	while (atomic_load(&w->phase) == 0)
		sleep_us(100);
	sleep_us(ASLEEP_US);
	CHECK(atomic_load(&w->phase) == 1, "cap %zu: a select that cannot proceed returned", cap);
}

/* Afterwards no waiter of the select is left on a, b or c: nothing is taken or given. */
static void check_no_waiter_left(struct waiting_select *w, size_t cap, int won)
{
	int v = 43;
	for (int k = 0; k < 2; k++) {
		struct gochan *ch = k ? w->b : w->a;
		if (k == won)
			continue;
		if (cap == 0)
			CHECK(gochan_try_send(ch, &v) == CHAN_WOULD_BLOCK,
			      "cap 0: a waiter on case %d still takes values", k);
		else
			CHECK(gochan_try_send(ch, &v) == CHAN_OK && gochan_try_recv(ch, &v) == CHAN_OK &&
			      v == 43, "cap 1: case %d: a value sent afterwards stays in the buffer", k);
	}
	if (won == CASE_C)
		return;
	if (cap == 1)
		CHECK(gochan_try_recv(w->c, &v) == CHAN_OK && v == 11,
		      "cap 1: c holds what it held");
	CHECK(gochan_try_recv(w->c, &v) == CHAN_WOULD_BLOCK,
	      "cap %zu: a waiter on the send case still gives its value (%d)", cap, v);
}

/*
 * After the event: the first select chose `want`, left no waiter behind
 * while the second waits, and the second ends when next is closed.
 */
static void finish_select(struct waiting_select *w, pthread_t t, size_t cap, int want,
			  const char *event)
{
	uint64_t end = now_ns() + KIT_DEADLINE_S * 1000000000ull;
	while (atomic_load(&w->phase) < 2 && now_ns() < end)
		sleep_us(100);
	CHECK(atomic_load(&w->phase) >= 2, "cap %zu, %s: the select did not return", cap, event);
	sleep_us(ASLEEP_US);	/* the second select falls asleep */
	CHECK(w->chosen == want, "cap %zu, %s: chose %d, not %d", cap, event, w->chosen, want);
	check_no_waiter_left(w, cap, want);
	gochan_close(w->next);
	join_or_die(t, "select", event);
	CHECK(w->next_chosen == 0 && !w->next_ok, "cap %zu, %s: the next select chose %d", cap,
	      event, w->next_chosen);
	struct gochan *all[] = { w->a, w->b, w->c, w->next, w->idle[0], w->idle[1] };
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		gochan_free(all[i]);
}

static void test_woken_by_send(size_t cap, int which)
{
	struct waiting_select w;
	pthread_t t;
	start_select(&w, cap, &t);
	CHECK(send_bounded(which ? w.b : w.a, 42) == CHAN_OK, "cap %zu: a send to the select", cap);
	finish_select(&w, t, cap, which, "woken by a send");
	CHECK(w.ok && (which ? w.vb : w.va) == 42, "cap %zu: woken by a send on case %d: ok %d",
	      cap, which, w.ok);
}

/* Woken by a receive on c: a plain one, or a select's (one of whose cases is never ready). */
static void test_woken_by_recv(size_t cap, bool by_select)
{
	struct waiting_select w;
	struct gochan *never = new_chan(0);
	int first = -1, v = -1, idle = 0;
	pthread_t t;

	start_select(&w, cap, &t);
	if (by_select) {
		struct chan_case cases[2] = { recv_case(never, &idle), recv_case(w.c, &first) };
		bool ok = false;
		uint64_t end = now_ns() + KIT_DEADLINE_S * 1000000000ull;
		while (select_now(cases, 2, &ok) != 1 && now_ns() < end)
			sleep_us(100);
		CHECK(ok, "cap %zu: the receiving select got nothing", cap);
	} else {
		CHECK(recv_bounded(w.c, &first) == CHAN_OK, "cap %zu: a receive from the select", cap);
	}
	if (cap == 1)	/* the buffer's head came out; the select's value went in behind it */
		CHECK(first == 11 && gochan_try_recv(w.c, &v) == CHAN_OK && v == 77,
		      "cap 1: received %d then %d, not 11 then 77", first, v);
	else
		CHECK(first == 77, "cap 0: received %d, not the select's 77", first);
	finish_select(&w, t, cap, CASE_C, by_select ? "woken by a select" : "woken by a receive");
	gochan_free(never);
}

static void test_woken_by_close(size_t cap, int which)
{
	struct waiting_select w;
	pthread_t t;
	start_select(&w, cap, &t);
	gochan_close(which ? w.b : w.a);
	finish_select(&w, t, cap, which, "woken by a close");
	CHECK(!w.ok && (which ? w.vb : w.va) == 0, "cap %zu: woken by closing case %d: ok %d",
	      cap, which, w.ok);
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
 * A select waits on a, b and c, then a plain receiver on b behind it; a
 * send on a and at once one on b: the select gets a's value, and b's
 * goes past the select's waiter on b (won already, or soon dropped) to
 * the receiver.
 */
static void test_sender_skips_won_select(size_t cap)
{
	struct waiting_select w;
	pthread_t ts, tp;
	start_select(&w, cap, &ts);
	struct plain_recv p = { .c = w.b };
	pthread_create(&tp, NULL, recv_once, &p);
	sleep_us(ASLEEP_US);
	CHECK(send_bounded(w.a, 1) == CHAN_OK && send_bounded(w.b, 2) == CHAN_OK,
	      "cap %zu: sends to a select and a receiver behind it", cap);
	join_or_die(tp, "select", "the receiver behind the select");
	finish_select(&w, ts, cap, CASE_A, "the select before a receiver");
	CHECK(w.ok && w.va == 1, "cap %zu: the select got %d", cap, w.va);
	CHECK(p.r == CHAN_OK && p.v == 2, "cap %zu: the receiver behind the select got %d", cap,
	      p.v);
}

/* ---- fairness ---- */

/*
 * The chi-square statistic's bound at p = 1e-6 (Wilson-Hilferty, which
 * errs a little high here): a fair select fails one such check in a
 * million runs, a biased one by orders of magnitude.
 */
static double chi2_bound(int dof)
{
	double k = dof, z = 4.7534243, t = 1 - 2 / (9 * k) + z * sqrt(2 / (9 * k));
	return k * t * t * t;
}

static double chi2(const int *count, int cells, double expected)
{
	double x = 0;
	for (int i = 0; i < cells; i++)
		x += (count[i] - expected) * (count[i] - expected) / expected;
	return x;
}

/*
 * Go's TestSelectFairness: receives from c3, c4 (never ready), c1, c2
 * (always ready), 10000 times: |c1's share - 1/2| within 4.891676 /
 * (2 sqrt(10000)), Go's bound at a confidence of six nines.
 */
static void test_fairness_go(void)
{
	enum { TRIALS = 10000 };
	struct gochan *c1 = gochan_new(1, TRIALS + 1, 0), *c2 = gochan_new(1, TRIALS + 1, 0);
	struct gochan *c3 = gochan_new(1, 0, 0), *c4 = gochan_new(1, 0, 0);
	unsigned char one = 1, two = 2, b = 0;
	int cnt1 = 0, cnt2 = 0;

	for (int i = 0; i < TRIALS + 1; i++) {
		gochan_send(c1, &one);
		gochan_send(c2, &two);
	}
	struct chan_case cases[4] = { { c3, CHAN_RECV, &b }, { c4, CHAN_RECV, &b },
				      { c1, CHAN_RECV, &b }, { c2, CHAN_RECV, &b } };
	for (int i = 0; i < TRIALS; i++) {
		gochan_select(cases, 4, true, NULL);
		cnt1 += b == 1;
		cnt2 += b == 2;
	}
	double e = fabs((double)cnt1 / TRIALS - 0.5);
	CHECK(cnt1 + cnt2 == TRIALS && e <= 4.891676 / (2 * sqrt(TRIALS)),
	      "unfair select: in %d trials, results were %d, %d", TRIALS, cnt1, cnt2);
	gochan_free(c1);
	gochan_free(c2);
	gochan_free(c3);
	gochan_free(c4);
}

enum { MAX_FAIR = 100 };

/*
 * A select over cases of which `ready` are ready and stay so: each trial
 * is undone (a value received is sent back, one sent is taken out).
 * Counts each ready case's wins and each pair of consecutive winners.
 */
struct fair_run {
	struct chan_case cases[MAX_FAIR];
	int ncases, ready;		/* cases [0, ready) are the ready ones */
	int wins[MAX_FAIR];
	int *pairs;			/* [previous * ready + next] */
};

static bool fair_trials(struct fair_run *f, int trials, bool block)
{
	int prev = -1, v = 0;
	for (int t = 0; t < trials; t++) {
		int got = gochan_select(f->cases, f->ncases, block, NULL);
		if (got < 0 || got >= f->ready) {
			CHECK(0, "%d of %d ready cases: chose %d", f->ready, f->ncases, got);
			return false;
		}
		struct chan_case *cs = &f->cases[got];
		if (cs->dir == CHAN_RECV)
			gochan_try_send(cs->ch, cs->elem);
		else
			gochan_try_recv(cs->ch, &v);
		f->wins[got]++;
		if (f->pairs && prev >= 0)
			f->pairs[prev * f->ready + got]++;
		prev = got;
	}
	return true;
}

static void fair_check(struct fair_run *f, int trials, bool block, const char *what)
{
	memset(f->wins, 0, sizeof(f->wins));
	if (f->pairs)
		memset(f->pairs, 0, sizeof(int) * (size_t)(f->ready * f->ready));
	if (!fair_trials(f, trials, block))
		return;
	double x = chi2(f->wins, f->ready, (double)trials / f->ready);
	CHECK(x <= chi2_bound(f->ready - 1), "%s%s: chi-square %.1f over %d ready cases (bound %.1f)",
	      what, block ? "" : " (default)", x, f->ready, chi2_bound(f->ready - 1));
	if (!f->pairs)
		return;
	double xp = chi2(f->pairs, f->ready * f->ready, (double)(trials - 1) / (f->ready * f->ready));
	int dof = f->ready * f->ready - 1;
	CHECK(xp <= chi2_bound(dof), "%s%s: consecutive choices depend: chi-square %.1f (bound %.1f)",
	      what, block ? "" : " (default)", xp, chi2_bound(dof));
}

/* 3 receives and 2 sends ready, then a receive and a send never ready, and a nil case. */
static void test_fairness_mixed(void)
{
	struct gochan *ch[7];
	int elem[8] = { 0 }, pairs[25];
	struct fair_run f = { .ncases = 8, .ready = 5, .pairs = pairs };

	for (int i = 0; i < 7; i++)
		ch[i] = new_chan(i < 5 ? 2 : 0);
	for (int i = 0; i < 3; i++)
		gochan_try_send(ch[i], &(int){ i });
	for (int i = 0; i < 8; i++)
		f.cases[i] = (struct chan_case){ i < 7 ? ch[i] : NULL,
						 i == 3 || i == 4 || i == 6 ? CHAN_SEND : CHAN_RECV,
						 &elem[i] };
	fair_check(&f, 20000, true, "3 receives and 2 sends");
	fair_check(&f, 20000, false, "3 receives and 2 sends");
	for (int i = 0; i < 7; i++)
		gochan_free(ch[i]);
}

/* One channel in three receive cases, another in one: each case a quarter of the time. */
static void test_fairness_same_channel(void)
{
	struct gochan *a = new_chan(4), *b = new_chan(4);
	int elem[4] = { 0 }, pairs[16];
	struct fair_run f = { .ncases = 4, .ready = 4, .pairs = pairs };

	gochan_try_send(a, &(int){ 1 });
	gochan_try_send(b, &(int){ 2 });
	f.cases[0] = recv_case(a, &elem[0]);
	f.cases[1] = recv_case(b, &elem[1]);
	f.cases[2] = recv_case(a, &elem[2]);
	f.cases[3] = recv_case(a, &elem[3]);
	fair_check(&f, 20000, true, "a channel in 3 of 4 cases");
	gochan_free(a);
	gochan_free(b);
}

/* 100 ready cases: the select's frame on the heap. */
static void test_fairness_many(void)
{
	struct gochan *ch[MAX_FAIR];
	int elem[MAX_FAIR] = { 0 };
	struct fair_run f = { .ncases = MAX_FAIR, .ready = MAX_FAIR };

	for (int i = 0; i < MAX_FAIR; i++) {
		ch[i] = new_chan(1);
		gochan_try_send(ch[i], &i);
		f.cases[i] = recv_case(ch[i], &elem[i]);
	}
	fair_check(&f, 200 * MAX_FAIR, true, "100 cases");
	for (int i = 0; i < MAX_FAIR; i++)
		gochan_free(ch[i]);
}

/* A large select woken on one of its cases: the heap frame's waiters work as the stack's. */
struct many_select {
	struct chan_case *cases;
	int ncases, chosen;
};

static void *select_many(void *arg)
{
	struct many_select *m = arg;
	m->chosen = gochan_select(m->cases, m->ncases, true, NULL);
	return NULL;
}

static void test_many_cases_wake(void)
{
	enum { N = 300, WAKER = 250 };
	struct gochan **ch = calloc(N, sizeof(*ch));
	struct chan_case *cases = calloc(N, sizeof(*cases));
	int *elem = calloc(N, sizeof(*elem)), v = 0;
	struct many_select m = { cases, N, -1 };
	pthread_t t;

	for (int i = 0; i < N; i++) {
		ch[i] = new_chan(0);
		cases[i] = i % 7 == 3 ? (struct chan_case){ NULL, CHAN_RECV, &elem[i] }
				      : i % 2 ? send_case(ch[i], &elem[i]) : recv_case(ch[i], &elem[i]);
	}
	pthread_create(&t, NULL, select_many, &m);
	CHECK(send_bounded(ch[WAKER], 9) == CHAN_OK, "a send to a select of %d cases", N);
	join_or_die(t, "select", "a select of 300 cases");
	CHECK(m.chosen == WAKER && elem[WAKER] == 9, "300 cases: chose %d", m.chosen);
	for (int i = 0; i < N; i++) {
		if (cases[i].ch && i != WAKER)
			CHECK((cases[i].dir == CHAN_RECV ? gochan_try_send(ch[i], &v)
							 : gochan_try_recv(ch[i], &v)) == CHAN_WOULD_BLOCK,
			      "300 cases: case %d left a waiter behind", i);
		gochan_free(ch[i]);
	}
	free(ch);
	free(cases);
	free(elem);
}

int main(void)
{
	test_forever();		/* forks: before any thread starts */
	alarm(8 * KIT_DEADLINE_S);
	test_one_case();
	test_default_only_when_nothing_ready();
	test_nil_never_chosen();
	for (size_t cap = 0; cap <= 1; cap++) {
		for (int which = 0; which < 2; which++) {
			test_woken_by_send(cap, which);
			test_woken_by_close(cap, which);
		}
		test_woken_by_recv(cap, false);
		test_woken_by_recv(cap, true);
		test_sender_skips_won_select(cap);
	}
	test_fairness_go();
	test_fairness_mixed();
	test_fairness_same_channel();
	test_fairness_many();
	test_many_cases_wake();
	return check_exit();
}
