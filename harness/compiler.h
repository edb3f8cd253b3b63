/* Machine facts and the few helpers every hot loop shares. */
#ifndef SYNCBENCH_COMPILER_H
#define SYNCBENCH_COMPILER_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * 128, not 64: x86's adjacent-line prefetcher fetches 64-byte lines in
 * pairs, so two hot words 64 bytes apart still interfere.  Every piece of
 * shared hot data is aligned and padded to this.  Override with
 * `make CACHELINE=N`.
 */
#ifndef CACHELINE
#define CACHELINE 128
#endif

/* The line that coherence moves: 64 bytes on x86 and most Arm cores. */
#define COHERENCE_LINE 64

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* size rounded up to whole lines. */
static inline size_t cacheline_round(size_t size)
{
	return (size + CACHELINE - 1) / CACHELINE * CACHELINE;
}

/*
 * size zeroed bytes on lines of their own: aligned to a line and rounded
 * up to whole lines, so that no other allocation shares the last one.
 * NULL if size is 0 or memory is short; free() releases it.
 */
static inline void *cacheline_zalloc(size_t size)
{
	size_t bytes = cacheline_round(size);
	void *p = bytes ? aligned_alloc(CACHELINE, bytes) : NULL;
	if (p)
		memset(p, 0, bytes);
	return p;
}

/* Tell the core we are spinning: saves power and frees the SMT sibling. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/*
 * n units of work: each unit is one step of a dependent integer chain
 * (a 64-bit LCG) that touches no memory.  The empty asm makes the value
 * opaque to the compiler, so the chain can be neither folded nor
 * vectorised away.  Workloads carry one chain per thread across all
 * their sections (bench_work() in benches/bench.h): chains that started
 * afresh at every call would overlap in the CPU and cost less than n
 * units.  harness/work.c calibrates ns per unit at start-up.
 */
static inline uint64_t work_units(uint64_t n, uint64_t x)
{
	for (uint64_t i = 0; i < n; i++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		__asm__ __volatile__("" : "+r"(x));
	}
	return x;
}

/* xorshift64*: cheap per-thread randomness for workloads. */
static inline uint64_t rng_next(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 2685821657736338717u;
}

#endif
