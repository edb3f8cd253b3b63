package main

import "math"

// The C suite's log-linear latency buckets (harness/latency.h), in ticks
// of the latency clock (clock.go): values below 2^latencySubBits are
// exact; above, each power of two is cut into 2^latencySubBits buckets.
const (
	latencySubBits = 7
	latencyMaxBits = 44
	latencyBuckets = (latencyMaxBits - latencySubBits + 2) << latencySubBits
	maxKinds       = 4 // harness/latency.h MAX_OP_KINDS
)

type histogram struct {
	count, max uint64
	bucket     [latencyBuckets]uint64
}

// latencyBucket is harness/latency.h latency_bucket().
func latencyBucket(v uint64) int {
	if v < 1<<latencySubBits {
		return int(v)
	}
	e := 63
	for v>>uint(e) == 0 {
		e--
	}
	if e > latencyMaxBits {
		return latencyBuckets - 1
	}
	sub := int(v>>uint(e-latencySubBits)) & (1<<latencySubBits - 1)
	return (e-latencySubBits+1)<<latencySubBits + sub
}

// latencyBucketLow is harness/latency.c latency_bucket_low(): the least
// value in bucket i.
func latencyBucketLow(i int) uint64 {
	if i < 2<<latencySubBits {
		return uint64(i)
	}
	e := i>>latencySubBits + latencySubBits - 1
	sub := uint64(i & (1<<latencySubBits - 1))
	return 1<<uint(e) | sub<<uint(e-latencySubBits)
}

func (h *histogram) add(v uint64) {
	h.bucket[latencyBucket(v)]++
	h.count++
	if v > h.max {
		h.max = v
	}
}

func (h *histogram) merge(from *histogram) {
	for i, c := range from.bucket {
		h.bucket[i] += c
	}
	h.count += from.count
	if from.max > h.max {
		h.max = from.max
	}
}

// latencyRecorder samples every `every`-th operation as the C recorder
// does (harness/latency.h), with the rule of the C workloads: the clock is
// read before the acquisition and when it returns, and the sample is
// recorded after the release, so nothing but one clock read lands inside
// a critical section.  Each sample has the clock pair's cost (pairTicks)
// taken off, floored at 0.  every == 0 samples nothing.
type latencyRecorder struct {
	every        uint32
	countdown    uint32
	pairTicks    uint64
	lastAcquired uint64
	maxGap       uint64
	hist         *[maxKinds]histogram // nil when the workload samples nothing
}

// begin returns the start time if this operation is sampled, else 0.
// The common case, a countdown, stays inlinable.
func (r *latencyRecorder) begin() uint64 {
	if r.countdown > 1 {
		r.countdown--
		return 0
	}
	return r.sample()
}

func (r *latencyRecorder) sample() uint64 {
	if r.every == 0 {
		r.countdown = math.MaxUint32 // off: come back here rarely
		return 0
	}
	r.countdown = r.every
	return ticksNow()
}

// stamp reads the clock at the acquisition of an operation begin() sampled.
func (r *latencyRecorder) stamp(t0 uint64) uint64 {
	if t0 == 0 {
		return 0
	}
	return ticksNow()
}

// record files an operation begin() sampled, which acquired at t1, less
// the cost of the clock pair that timed it (harness/latency.h
// latency_net_ticks()).
func (r *latencyRecorder) record(t0, t1 uint64, kind int) {
	if t0 == 0 {
		return
	}
	ticks := uint64(0)
	if t1-t0 > r.pairTicks {
		ticks = t1 - t0 - r.pairTicks
	}
	r.hist[kind].add(ticks)
	if r.lastAcquired != 0 && t1-r.lastAcquired > r.maxGap {
		r.maxGap = t1 - r.lastAcquired
	}
	r.lastAcquired = t1
}

// clear forgets the warmup's samples when the measured window opens.
func (r *latencyRecorder) clear() {
	r.countdown = 0
	r.lastAcquired = 0
	r.maxGap = 0
	if r.hist != nil {
		*r.hist = [maxKinds]histogram{}
	}
}
