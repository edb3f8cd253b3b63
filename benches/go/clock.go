package main

import (
	"sort"
	"time"
)

// The clock acquire latencies are read with, as the C harness's
// (harness/latency.h): the TSC read with RDTSCP where the harness uses it,
// else the monotonic clock in ns.  Run by the harness, the program is told
// the clock, its rate and the cost of a clock pair, so that both sides
// read the same clock and take the same pair cost off every sample;
// standalone, it measures what it was not told.
const (
	clockMonotonic = "monotonic"
	clockTSC       = "tsc"
)

type latencyClock struct {
	name       string
	ticksPerNs float64
	pairTicks  uint64
	pairSource string // "harness" (-pair-ticks) or "measured"
}

var useTSC bool

// ticksNow reads the latency clock; never 0, so that 0 can mean "not sampled".
func ticksNow() uint64 {
	if useTSC {
		return rdtscp()
	}
	return uint64(nanotime())
}

// setUpClock chooses the clock (parseClock checked the name) and measures
// what the flags left out: ticksPerNs < 0 and pairTicks < 0 mean "not given".
func setUpClock(name string, ticksPerNs float64, pairTicks int64) latencyClock {
	c := latencyClock{name: name, ticksPerNs: 1, pairSource: "harness"}
	if name == clockTSC {
		useTSC = true
		c.ticksPerNs = ticksPerNs
		if ticksPerNs < 0 {
			c.ticksPerNs = calibrateTicksPerNs()
		}
	}
	if pairTicks >= 0 {
		c.pairTicks = uint64(pairTicks)
	} else {
		c.pairTicks, c.pairSource = measurePairTicks(), "measured"
	}
	return c
}

// calibrateTicksPerNs is harness/latency.c's: TSC ticks over a 20 ms sleep.
func calibrateTicksPerNs() float64 {
	t0, c0 := nanotime(), rdtscp()
	time.Sleep(20 * time.Millisecond)
	t1, c1 := nanotime(), rdtscp()
	return float64(c1-c0) / float64(t1-t0)
}

// measurePairTicks is the median of 4096 back-to-back reads of the clock
// with nothing between, as harness/latency.c measures it: what a sample
// pays for its own two reads.
func measurePairTicks() uint64 {
	const pairs = 4096
	d := make([]uint64, pairs)
	for i := range d {
		t0 := ticksNow()
		d[i] = ticksNow() - t0
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[pairs/2]
}
