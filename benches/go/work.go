package main

import (
	"math"
	"time"
)

// cacheLine is the C suite's CACHELINE (harness/compiler.h): x86 fetches
// 64-byte lines in pairs, so hot data 64 bytes apart still interferes.
// Go cannot align a struct, so hot data is padded by a whole cacheLine on
// both sides instead.
const cacheLine = 128

type pad [cacheLine]byte

// One work unit is one step of the C suite's chain (harness/compiler.h):
// a 64-bit linear congruential step that touches no memory.  Each worker
// carries one chain through every unit of the whole run (worker.chain), so
// n units cost n dependent steps and consecutive sections cannot overlap.
const (
	lcgMul = 6364136223846793005
	lcgInc = 1442695040888963407
)

// workUnits advances the chain x by n units.  The caller stores the result
// in the worker's state, which keeps every step live: gc neither folds the
// loop nor vectorises it.
func workUnits(x uint64, n int64) uint64 {
	for ; n > 0; n-- {
		x = x*lcgMul + lcgInc
	}
	return x
}

// calibrationSink keeps the calibration chain live.
var calibrationSink uint64

// The work unit's calibration, as harness/work.c does it: sections of
// calShort and calLong units on one chain, each timed over calSections
// sections, the fastest of calTries tries each, and the slope between the
// two, so that the call's fixed cost cancels and what remains is the cost
// of one more unit.  A try of the long sections lasts about 0.3 ms: most
// run unpreempted even on a loaded machine.
const (
	calShort    = 100
	calLong     = 1100
	calTries    = 21
	calSections = 256
)

// sectionNs is ns per section of `units` units on the chain, as the
// workloads spend them (the chain stored back after every section).
func sectionNs(chain *uint64, units int64) float64 {
	t0 := nanotime()
	for i := 0; i < calSections; i++ {
		*chain = workUnits(*chain, units)
	}
	return float64(nanotime()-t0) / calSections
}

// calibrateWorkUnitNs returns ns per work unit (harness/work.c).
func calibrateWorkUnitNs() float64 {
	chain := uint64(nanotime())
	bestShort, bestLong := math.Inf(1), math.Inf(1)
	for i := 0; i < calTries; i++ {
		bestShort = math.Min(bestShort, sectionNs(&chain, calShort))
		bestLong = math.Min(bestLong, sectionNs(&chain, calLong))
	}
	calibrationSink = chain
	return (bestLong - bestShort) / (calLong - calShort)
}

var clockBase = time.Now()

// nanotime reads the monotonic clock (CLOCK_MONOTONIC, as the C suite's
// now_ns()): ns since the program started, plus 1, so that 0 can mean
// "no time taken".
func nanotime() int64 {
	return int64(time.Since(clockBase)) + 1
}

// rngNext is xorshift64*, the C workloads' per-thread randomness
// (harness/compiler.h rng_next).
func rngNext(state *uint64) uint64 {
	x := *state
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	*state = x
	return x * 2685821657736338717
}

// mix is splitmix64's finaliser, chan-prodcons's per-message term of the
// exactly-once sum (benches/chan_prodcons.c).
func mix(x uint64) uint64 {
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
