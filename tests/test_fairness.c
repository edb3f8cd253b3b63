/*
 * Go's TestMutexFairness (sync/mutex_test.go) for every lock that
 * excludes: one thread holds the lock for 100 us at a time in a loop,
 * another needs it 10 times, sleeping 100 us before each; the second must
 * be done within Go's 10 s.  A lock that lets the holder take it back
 * every time, before the woken waiter runs, fails.
 *
 * Test-and-set spinlocks (LOCK_UNBOUNDED_WAIT) promise no bound: the needy
 * thread gets in only when its atomic happens to land in the holder's
 * release window.  They usually finish in milliseconds, but a loaded
 * machine or a sanitizer build can stretch that past 10 s, so they are held
 * to UNBOUNDED_LIMIT_NS instead, which still catches a lock that never
 * lets go.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "lockkit.h"

#define LIMIT_NS 10000000000ull	/* Go's bound */
#define UNBOUNDED_LIMIT_NS 60000000000ull

struct fairness {
	struct instance in;
	atomic_bool holding;	/* the holder has had the lock once */
	atomic_bool stop;	/* tells the holder to quit */
	atomic_bool done;	/* the needy thread got its 10 */
};

static void *holder(void *arg)
{
	struct fairness *f = arg;
	/* relaxed: a stop request, no data */
	while (!atomic_load_explicit(&f->stop, memory_order_relaxed)) {
		f->in.ops->lock(f->in.lock, f->in.self[0]);
		atomic_store_explicit(&f->holding, true, memory_order_relaxed);
		sleep_us(100);
		f->in.ops->unlock(f->in.lock, f->in.self[0]);
	}
	return NULL;
}

static void *needy(void *arg)
{
	struct fairness *f = arg;
	for (int i = 0; i < 10; i++) {
		sleep_us(100);
		f->in.ops->lock(f->in.lock, f->in.self[1]);
		f->in.ops->unlock(f->in.lock, f->in.self[1]);
	}
	/* relaxed: the main thread only polls it; join orders the rest */
	atomic_store_explicit(&f->done, true, memory_order_relaxed);
	return NULL;
}

/* Waits for the needy thread until LIMIT_NS; returns the time it took or more. */
static uint64_t wait_done(struct fairness *f, uint64_t start, uint64_t limit)
{
	uint64_t now = start;
	while (!atomic_load_explicit(&f->done, memory_order_relaxed) && now - start <= limit) {
		sleep_us(1000);
		now = now_ns();
	}
	return now - start;
}

static void test_fairness(const struct lock_ops *l)
{
	struct fairness f = { .in = instance_new(l) };
	pthread_t th[2];

	pthread_create(&th[0], NULL, holder, &f);
	/* The lock is free, so this takes one acquisition: no deadline needed. */
	while (!atomic_load_explicit(&f.holding, memory_order_relaxed))
		sleep_us(100);
	uint64_t start = now_ns();
	pthread_create(&th[1], NULL, needy, &f);
	uint64_t limit = l->flags & LOCK_UNBOUNDED_WAIT ? UNBOUNDED_LIMIT_NS : LIMIT_NS;
	uint64_t took = wait_done(&f, start, limit);
	atomic_store_explicit(&f.stop, true, memory_order_relaxed);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);	/* gets its turns once the holder stops */
	CHECK(took <= limit, "%s: can't acquire the lock in %.0f seconds", l->name,
	      (double)limit / 1e9);
	printf("%-16s needed %.3f s for its 10 acquisitions\n", l->name, (double)took / 1e9);
	instance_free(&f.in);
}

int main(void)
{
	for (size_t i = 0; i < lock_registry_len; i++)
		if (lock_listed(lock_registry[i]) &&
		    !(lock_registry[i]->flags & LOCK_NO_EXCLUSION) &&
		    kit_in_process_lock(lock_registry[i]))
			test_fairness(lock_registry[i]);
	return check_exit();
}
