/* chan_create()/chan_free(): the allocation every user of a channel primitive shares. */
#include "chan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/compiler.h"
#include "lock.h"

void *chan_create(const struct lock_ops *p, const int64_t *params, size_t elem, size_t cap)
{
	if (elem == 0 || elem > CHAN_MAX_ELEM) {
		errno = EINVAL;
		return NULL;
	}
	void *ch = cacheline_zalloc(p->chan->size(elem, cap));
	if (!ch)
		return NULL;
	int e = p->chan->init(ch, elem, cap, params);
	if (e != 0) {
		free(ch);
		errno = e;
		return NULL;
	}
	return ch;
}

void chan_free(const struct lock_ops *p, void *ch)
{
	if (!ch)
		return;
	if (p->chan->destroy)
		p->chan->destroy(ch);
	free(ch);
}
