/*
 * ck-ticket: Concurrency Kit's ticket spinlock, the reference for
 * `ticket`.  Wraps ck_spinlock_ticket_{init,lock,trylock,unlock} from
 * <ck_spinlock.h> (spinlock/ticket.h), CK 0.7.1 (Debian libck-dev
 * 0.7.1-10; see locks/ck.h).
 *
 * On x86_64 CK builds its trylock-capable variant (it announces it with
 * CK_F_SPINLOCK_TICKET_TRYLOCK): one 32-bit word, the ticket now served
 * in the low 16 bits and the next ticket in the high 16.
 *   lock:    mine = fetch-and-add(word, 1 << 16) >> 16; PAUSE until
 *            word & 0xffff == mine.
 *   unlock:  a locked 16-bit increment of the low half.
 *   trylock: if both halves are equal, CAS word -> word + (1 << 16).
 * Where that variant is not built, CK falls back to two unsigned
 * counters without a trylock; the wrapper then leaves the slot NULL.
 *
 * Against `ticket`: the same FIFO algorithm, both counters on one line in
 * both; CK's counters are 16 bits (at most 65535 waiters, far above the
 * harness's 1024 threads), and its unlock is an atomic read-modify-write
 * (LOCK INCW) where ours is a plain release store.  Not for more runnable
 * threads than CPUs: a preempted next-in-line stalls everyone behind it.
 */
#include "ck.h"
#include "lock.h"

static int ck_ticket_init(void *lock, const int64_t *params)
{
	(void)params;
	ck_spinlock_ticket_init(lock);
	return 0;
}

static void ck_ticket_lock(void *lock, void *self)
{
	(void)self;
	ck_wrap_lock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_ticket_lock(lock);
	ck_wrap_lock_end(lock, CK_WRAP_WRITE, true);
}

#ifdef CK_F_SPINLOCK_TICKET_TRYLOCK
static bool ck_ticket_trylock(void *lock, void *self)
{
	(void)self;
	ck_wrap_lock_begin(lock, CK_WRAP_TRY);
	bool taken = ck_spinlock_ticket_trylock(lock);
	ck_wrap_lock_end(lock, CK_WRAP_TRY, taken);
	return taken;
}
#define CK_TICKET_TRYLOCK ck_ticket_trylock
#else
#define CK_TICKET_TRYLOCK NULL
#endif

static void ck_ticket_unlock(void *lock, void *self)
{
	(void)self;
	ck_wrap_unlock_begin(lock, CK_WRAP_WRITE);
	ck_spinlock_ticket_unlock(lock);
	ck_wrap_unlock_end(lock, CK_WRAP_WRITE);
}

const struct lock_ops ck_ticket_ops = {
	.name = "ck-ticket",
	.summary = "Concurrency Kit's ticket spinlock (FIFO; reference for ticket)",
	.size = sizeof(ck_spinlock_ticket_t),
	.init = ck_ticket_init,
	.lock = ck_ticket_lock,
	.trylock = CK_TICKET_TRYLOCK,
	.unlock = ck_ticket_unlock,
};
