/*
 * gorwmutex beyond what the validate workload checks:
 *   - TryLock and TryRLock, alone and with a writer waiting;
 *   - a reader that arrives after a waiting writer waits for it, and gets
 *     in when that writer leaves;
 *   - a writer is not starved by readers that overlap without a break;
 *   - exclusion under a mix of RLock, TryRLock, Lock and TryLock,
 *     oversubscribed (validate has no TryRLock).
 * Every wait has a deadline, after which the threads are let go.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "../locks/gorwmutex.h"
#include "lockkit.h"

#define DEADLINE_NS 5000000000ull

static struct instance new_rw(void)
{
	return instance_new(lock_find("gorwmutex"));
}

static void test_try_semantics(void)
{
	struct instance in = new_rw();
	const struct lock_ops *ops = in.ops;
	struct gorwmutex *rw = in.lock;
	void *me = in.self[0];

	CHECK(gorwmutex_tryrlock(rw), "TryRLock on a free lock");
	CHECK(gorwmutex_tryrlock(rw), "TryRLock beside a reader");
	CHECK(!ops->trylock(rw, me), "TryLock beside readers");
	CHECK(atomic_load(&rw->w.state) == 0, "a failed TryLock left w held");
	ops->runlock(rw, me);
	ops->runlock(rw, me);
	CHECK(ops->trylock(rw, me), "TryLock on a free lock");
	CHECK(!gorwmutex_tryrlock(rw), "TryRLock beside a writer");
	CHECK(!ops->trylock(rw, me), "TryLock beside a writer");
	ops->unlock(rw, me);
	CHECK(gorwmutex_tryrlock(rw), "TryRLock after the writer left");
	ops->runlock(rw, me);
	CHECK(atomic_load(&rw->reader_count) == 0, "reader_count %d at rest",
	      atomic_load(&rw->reader_count));
	instance_free(&in);
}

/* Who got in, in order; an atomic index, so that a broken lock cannot race on it. */
struct turns {
	struct instance in;
	atomic_int n;
	int who[4];
};

static void record(struct turns *t, int id)
{
	t->who[atomic_fetch_add(&t->n, 1)] = id;
}

enum { WRITER = 1, LATE_READER = 2 };

static void *write_once(void *arg)
{
	struct turns *t = arg;
	t->in.ops->lock(t->in.lock, t->in.self[WRITER]);
	record(t, WRITER);
	t->in.ops->unlock(t->in.lock, t->in.self[WRITER]);
	return NULL;
}

static void *read_once(void *arg)
{
	struct turns *t = arg;
	t->in.ops->rlock(t->in.lock, t->in.self[LATE_READER]);
	record(t, LATE_READER);
	t->in.ops->runlock(t->in.lock, t->in.self[LATE_READER]);
	return NULL;
}

/* Polls until n threads are queued on s; false at the deadline. */
static bool wait_parked(struct gosema *s, unsigned n)
{
	for (uint64_t start = now_ns(); now_ns() - start < DEADLINE_NS; sleep_us(50))
		if (atomic_load(&s->nwait) == n)
			return true;
	return false;
}

/*
 * The main thread reads; a writer asks and waits for it; then a reader
 * arrives.  Writer preference: the late reader waits for the writer, so
 * when the first reader leaves, the order is writer, then late reader.
 */
static void test_late_reader_waits(void)
{
	struct turns t = { .in = new_rw() };
	struct gorwmutex *rw = t.in.lock;
	pthread_t writer, reader;

	t.in.ops->rlock(rw, t.in.self[0]);
	pthread_create(&writer, NULL, write_once, &t);
	CHECK(wait_parked(&rw->writer_sem, 1), "the writer never waited for the reader");
	CHECK(atomic_load(&rw->reader_count) < 0, "the writer did not announce itself");
	CHECK(!gorwmutex_tryrlock(rw), "TryRLock succeeded with a writer waiting");
	CHECK(!t.in.ops->trylock(rw, t.in.self[0]), "TryLock succeeded with a writer waiting");
	pthread_create(&reader, NULL, read_once, &t);
	CHECK(wait_parked(&rw->reader_sem, 1), "the late reader did not wait");
	CHECK(atomic_load(&t.n) == 0, "%d got in while a reader held the lock", atomic_load(&t.n));
	t.in.ops->runlock(rw, t.in.self[0]);
	pthread_join(writer, NULL);
	pthread_join(reader, NULL);
	CHECK(atomic_load(&t.n) == 2 && t.who[0] == WRITER && t.who[1] == LATE_READER,
	      "order %d %d, want the writer (%d) then the late reader (%d)", t.who[0], t.who[1],
	      WRITER, LATE_READER);
	instance_free(&t.in);
}

/* Readers that overlap without a break, and one writer that needs the lock 20 times. */
struct stream {
	struct instance in;
	atomic_bool stop;
	atomic_bool writer_done;
	atomic_int readers_in;
};

struct stream_reader {
	struct stream *s;
	int id;
	pthread_t th;
};

static void *read_continuously(void *arg)
{
	struct stream_reader *r = arg;
	struct stream *s = r->s;
	/* relaxed: a stop request, no data */
	while (!atomic_load_explicit(&s->stop, memory_order_relaxed)) {
		s->in.ops->rlock(s->in.lock, s->in.self[r->id]);
		atomic_fetch_add(&s->readers_in, 1);
		sleep_us(200);
		atomic_fetch_sub(&s->readers_in, 1);
		s->in.ops->runlock(s->in.lock, s->in.self[r->id]);
	}
	return NULL;
}

static void *write_repeatedly(void *arg)
{
	struct stream *s = arg;
	for (int i = 0; i < 20; i++) {
		sleep_us(500);
		s->in.ops->lock(s->in.lock, s->in.self[0]);
		CHECK(atomic_load(&s->readers_in) == 0, "a writer beside %d readers",
		      atomic_load(&s->readers_in));
		s->in.ops->unlock(s->in.lock, s->in.self[0]);
	}
	atomic_store(&s->writer_done, true);
	return NULL;
}

static void test_writer_not_starved(void)
{
	struct stream s = { .in = new_rw() };
	struct stream_reader r[3];
	pthread_t writer;

	for (int i = 0; i < 3; i++) {
		r[i] = (struct stream_reader){ .s = &s, .id = i + 1 };
		pthread_create(&r[i].th, NULL, read_continuously, &r[i]);
	}
	sleep_us(2000);	/* let the readers' sections overlap */
	uint64_t start = now_ns();
	pthread_create(&writer, NULL, write_repeatedly, &s);
	while (!atomic_load(&s.writer_done) && now_ns() - start < DEADLINE_NS)
		sleep_us(1000);
	uint64_t took = now_ns() - start;
	atomic_store(&s.stop, true);
	pthread_join(writer, NULL);	/* gets its turns once the readers stop */
	for (int i = 0; i < 3; i++)
		pthread_join(r[i].th, NULL);
	CHECK(took < DEADLINE_NS, "the writer was starved by the readers (%.1f s)", took / 1e9);
	printf("a writer beside 3 overlapping readers took its 20 turns in %.1f ms\n", took / 1e6);
	instance_free(&s.in);
}

/* The mix: each thread picks RLock, TryRLock, Lock or TryLock at random. */
struct mix {
	struct instance in;
	uint64_t until;
	atomic_int writers_in, readers_in;
	atomic_long overlaps, reads, writes;
};

struct mixer {
	struct mix *m;
	int id;
	pthread_t th;
};

static void read_section(struct mix *m)
{
	atomic_fetch_add(&m->readers_in, 1);
	if (atomic_load(&m->writers_in) != 0)
		atomic_fetch_add(&m->overlaps, 1);
	cpu_relax();
	atomic_fetch_sub(&m->readers_in, 1);
	atomic_fetch_add(&m->reads, 1);
}

static void write_section(struct mix *m)
{
	if (atomic_fetch_add(&m->writers_in, 1) != 0 || atomic_load(&m->readers_in) != 0)
		atomic_fetch_add(&m->overlaps, 1);
	cpu_relax();
	atomic_fetch_sub(&m->writers_in, 1);
	atomic_fetch_add(&m->writes, 1);
}

static void *mix_ops(void *arg)
{
	struct mixer *x = arg;
	struct mix *m = x->m;
	const struct lock_ops *ops = m->in.ops;
	void *lock = m->in.lock, *self = m->in.self[x->id];
	uint64_t rng = 0x9e3779b97f4a7c15u * (uint64_t)(x->id + 1);

	while (now_ns() < m->until) {
		switch (rng_next(&rng) % 4) {
		case 0:
			ops->rlock(lock, self);
			read_section(m);
			ops->runlock(lock, self);
			break;
		case 1:
			while (!gorwmutex_tryrlock(lock))
				cpu_relax();
			read_section(m);
			ops->runlock(lock, self);
			break;
		case 2:
			ops->lock(lock, self);
			write_section(m);
			ops->unlock(lock, self);
			break;
		default:
			while (!ops->trylock(lock, self))
				cpu_relax();
			write_section(m);
			ops->unlock(lock, self);
		}
	}
	return NULL;
}

static void test_mixed_exclusion(void)
{
	struct mix m = { .in = new_rw(), .until = now_ns() + 300000000u };
	int n = 2 * (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct mixer x[KIT_MAX_SELVES];

	n = n < 2 ? 2 : n > KIT_MAX_SELVES ? KIT_MAX_SELVES : n;
	for (int i = 0; i < n; i++) {
		x[i] = (struct mixer){ .m = &m, .id = i };
		pthread_create(&x[i].th, NULL, mix_ops, &x[i]);
	}
	for (int i = 0; i < n; i++)
		pthread_join(x[i].th, NULL);
	CHECK(atomic_load(&m.overlaps) == 0, "%ld overlapping sections", atomic_load(&m.overlaps));
	CHECK(atomic_load(&m.reads) > 0 && atomic_load(&m.writes) > 0, "%ld reads, %ld writes",
	      atomic_load(&m.reads), atomic_load(&m.writes));
	printf("%d threads mixing RLock/TryRLock/Lock/TryLock: %ld reads, %ld writes, no overlap\n",
	       n, atomic_load(&m.reads), atomic_load(&m.writes));
	instance_free(&m.in);
}

int main(void)
{
	test_try_semantics();
	test_late_reader_waits();
	test_writer_not_starved();
	test_mixed_exclusion();
	return check_exit();
}
