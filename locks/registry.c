#include <string.h>

#include "lock.h"

#define LOCK(id) extern const struct lock_ops id##_ops;
#include "registry.def"
#undef LOCK

#define LOCK(id) &id##_ops,
const struct lock_ops *const lock_registry[] = {
#include "registry.def"
};
#undef LOCK

const size_t lock_registry_len = sizeof(lock_registry) / sizeof(lock_registry[0]);

const struct lock_ops *lock_find(const char *name)
{
	for (size_t i = 0; i < lock_registry_len; i++)
		if (strcmp(lock_registry[i]->name, name) == 0)
			return lock_registry[i];
	return NULL;
}
