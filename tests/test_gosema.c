/*
 * gosema's park spin (park_spin_ns, the parameter of gomutex and
 * gorwmutex): a waiter whose wake comes within its spin never sleeps on
 * the futex, so it makes no voluntary context switch while it waits; and
 * it still gets its token.  The wake comes 1 ms after the waiter queued,
 * the spin lasts 10 s, so a loaded machine has 4 orders of magnitude of
 * slack; preemption shows only as involuntary switches, which are not
 * counted.  With no spin, the same waiter must still get its token.
 */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>

#include "../locks/gosema.h"
#include "lockkit.h"

struct waiter {
	struct gosema *sem;
	atomic_bool done;
	unsigned parks;
	long voluntary;		/* the waiter's voluntary context switches while it waited */
};

static long voluntary_switches(void)
{
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nvcsw;
}

static void *wait_for_token(void *arg)
{
	struct waiter *w = arg;
	long before = voluntary_switches();
	w->parks = gosema_acquire(w->sem, false);
	w->voluntary = voluntary_switches() - before;
	atomic_store_explicit(&w->done, true, memory_order_release);
	return NULL;
}

/* One waiter, released after about a millisecond; returns its voluntary context switches. */
static long wait_then_release(uint64_t spin_ns, const char *label)
{
	struct gosema sem;
	struct waiter w = { .sem = &sem };
	pthread_t t;
	CHECK(gosema_init(&sem, spin_ns) == 0, "%s: init", label);
	pthread_create(&t, NULL, wait_for_token, &w);
	/* Until the waiter is queued (or a bounded while: the test then fails below). */
	for (int i = 0; i < 5000 && atomic_load_explicit(&sem.nwait, memory_order_relaxed) == 0; i++)
		sleep_us(1000);
	sleep_us(1000);
	gosema_release(&sem, false);
	join_or_die(t, label, "waiting for its token");
	CHECK(atomic_load_explicit(&w.done, memory_order_acquire) && w.parks == 1,
	      "%s: the waiter queued once and got the token (parks %u)", label, w.parks);
	gosema_destroy(&sem);
	return w.voluntary;
}

/*
 * A spinning waiter never sleeps on its futex before the token comes: of
 * 3 tries, one at least has no voluntary switch at all.  (One try may:
 * the semaphore's own lock, contended at the release, or a sanitizer's
 * runtime can put the thread to sleep for a moment.)  A waiter that
 * sleeps at once switches in every try.
 */
int main(void)
{
	long fewest = LONG_MAX;
	for (int try = 0; try < 3 && fewest > 0; try++) {
		long v = wait_then_release(10 * 1000000000ull, "park_spin_ns=10s");
		fewest = v < fewest ? v : fewest;
	}
	CHECK(fewest == 0,
	      "park_spin_ns=10s: the waiter slept %ld times within its spin, in each of 3 tries",
	      fewest);
	wait_then_release(0, "park_spin_ns=0");
	return check_exit();
}
