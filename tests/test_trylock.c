/* Single-threaded semantics of every lock in the registry. */
#include "lockkit.h"

static void test_lock(const struct lock_ops *l)
{
	int64_t params[MAX_PARAMS];
	void *lock = cacheline_zalloc(l->size);
	void *self = cacheline_zalloc(l->self_size);

	param_defaults(l->params, l->nparams, params);
	CHECK(l->init(lock, params) == 0, "%s: init", l->name);
	for (int round = 0; round < 3; round++) {
		l->lock(lock, self);
		if (l->trylock && !(l->flags & LOCK_NO_EXCLUSION))
			CHECK(!l->trylock(lock, self), "%s: trylock succeeded on a held lock", l->name);
		l->unlock(lock, self);
		if (l->trylock) {
			CHECK(l->trylock(lock, self), "%s: trylock failed on a free lock", l->name);
			l->unlock(lock, self);
		}
		if (l->rlock) {
			l->rlock(lock, self);
			l->rlock(lock, self);	/* readers share */
			if (l->trylock)
				CHECK(!l->trylock(lock, self), "%s: writer got in with readers", l->name);
			l->runlock(lock, self);
			l->runlock(lock, self);
		}
	}
	if (l->destroy)
		l->destroy(lock);
	free(self);
	free(lock);
}

int main(void)
{
	for (size_t i = 0; i < lock_registry_len; i++)
		if (lock_listed(lock_registry[i]) && kit_in_process_lock(lock_registry[i]))
			test_lock(lock_registry[i]);
	return check_exit();
}
