#include <string.h>

#include "bench.h"

#define BENCH(id) extern const struct bench_ops id##_bench;
#include "registry.def"
#undef BENCH

#define BENCH(id) &id##_bench,
const struct bench_ops *const bench_registry[] = {
#include "registry.def"
};
#undef BENCH

const size_t bench_registry_len = sizeof(bench_registry) / sizeof(bench_registry[0]);

const struct bench_ops *bench_find(const char *name)
{
	for (size_t i = 0; i < bench_registry_len; i++)
		if (strcmp(bench_registry[i]->name, name) == 0)
			return bench_registry[i];
	return NULL;
}

/* An external program runs the workloads it lists, and no others. */
static bool external_runs(const struct external_ref *x, const struct bench_ops *b)
{
	for (const struct external_workload *w = x->workloads; w->bench; w++)
		if (strcmp(w->bench, b->name) == 0)
			return true;
	return false;
}

const char *bench_refusal(const struct bench_ops *b, const struct lock_ops *p)
{
	if (p->external)
		return b->needs != NEEDS_NOTHING && external_runs(p->external, b)
			? NULL : "an external reference whose program does not run it";
	switch (b->needs) {
	case NEEDS_LOCK: return p->chan ? "a channel, not a lock" : NULL;
	case NEEDS_CHAN: return p->chan ? NULL : "a lock, not a channel";
	case NEEDS_CHAN_SELECT:
		return !p->chan ? "a lock, not a channel" : !p->chan->select ? "a channel without select"
									      : NULL;
	case NEEDS_NOTHING: return "a primitive, for a workload that uses none";
	}
	return "of no kind this workload knows";
}

bool bench_accepts(const struct bench_ops *b, const struct lock_ops *p)
{
	return bench_refusal(b, p) == NULL;
}

bool bench_offers(const struct bench_ops *b, const struct lock_ops *p)
{
	return lock_listed(p) && bench_accepts(b, p);
}
