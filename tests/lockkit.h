/*
 * What the C tests that drive primitives themselves share: a primitive
 * instance (its lock and one self per thread, allocated as the harness
 * does), short sleeps, and joins that turn a hang into a failure.
 */
#ifndef SYNCBENCH_TEST_LOCKKIT_H
#define SYNCBENCH_TEST_LOCKKIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../harness/clock.h"
#include "../harness/compiler.h"
#include "../locks/lock.h"
#include "check.h"

#define KIT_MAX_SELVES 8

struct instance {
	const struct lock_ops *ops;
	void *lock;
	void *self[KIT_MAX_SELVES];
};

/*
 * Whether these tests can drive p in this process: a lock, not a channel,
 * and not a reference that another program runs (its own checks and
 * tests/test_go_harness.sh cover those).
 */
static inline bool kit_in_process_lock(const struct lock_ops *p)
{
	return !p->chan && !p->external;
}

/* An initialised instance of ops with its default parameters. */
static inline struct instance instance_new(const struct lock_ops *ops)
{
	struct instance in = { .ops = ops, .lock = cacheline_zalloc(ops->size) };
	int64_t params[MAX_PARAMS];

	for (int i = 0; i < KIT_MAX_SELVES; i++)
		in.self[i] = cacheline_zalloc(ops->self_size);
	param_defaults(ops->params, ops->nparams, params);
	CHECK(in.lock && ops->init(in.lock, params) == 0, "%s: init", ops->name);
	return in;
}

static inline void instance_free(struct instance *in)
{
	if (in->ops->destroy)
		in->ops->destroy(in->lock);
	for (int i = 0; i < KIT_MAX_SELVES; i++)
		free(in->self[i]);
	free(in->lock);
}

static inline void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 };
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* How long a test thread may take before the test calls it a hang. */
#define KIT_DEADLINE_S 20

/* Joins t, or fails the test (label: what is under test) if it has not finished in time. */
static inline void join_or_die(pthread_t t, const char *label, const char *what)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += KIT_DEADLINE_S;
	if (pthread_timedjoin_np(t, NULL, &ts) != 0) {
		fprintf(stderr, "%s: %s did not finish within %d s: hang (lost wakeup?)\n", label,
			what, KIT_DEADLINE_S);
		exit(1);
	}
}

#endif
