package main

import "testing"

// Known answers from the C suite's latency_bucket() and
// latency_bucket_low() (harness/latency.h, latency.c), printed by a C
// program on this scheme: value, its bucket, that bucket's least value.
var cBuckets = []struct {
	v      uint64
	bucket int
	low    uint64
}{
	{0, 0, 0}, {1, 1, 1}, {127, 127, 127}, {128, 128, 128}, {129, 129, 129},
	{255, 255, 255}, {256, 256, 256}, {257, 256, 256}, {1000, 506, 1000},
	{4095, 767, 4080}, {4096, 768, 4096}, {123456789, 2667, 123207680},
	{1 << 44, 4864, 1 << 44}, {1<<45 - 1, 4991, 35046933135360},
	{1 << 45, 4991, 35046933135360}, {^uint64(0), 4991, 35046933135360},
}

func TestBucketsAsTheCSuite(t *testing.T) {
	if latencyBuckets != 4992 {
		t.Fatalf("%d buckets, the C suite has 4992", latencyBuckets)
	}
	for _, c := range cBuckets {
		if b := latencyBucket(c.v); b != c.bucket {
			t.Errorf("latencyBucket(%d) = %d, C says %d", c.v, b, c.bucket)
		}
		if low := latencyBucketLow(c.bucket); low != c.low {
			t.Errorf("latencyBucketLow(%d) = %d, C says %d", c.bucket, low, c.low)
		}
	}
}

// Every bucket holds exactly the values from its least one up to the next's.
func TestBucketBounds(t *testing.T) {
	for i := 0; i < latencyBuckets-1; i++ {
		low, next := latencyBucketLow(i), latencyBucketLow(i+1)
		if next <= low || latencyBucket(low) != i || latencyBucket(next-1) != i {
			t.Fatalf("bucket %d: [%d, %d) does not map back to it", i, low, next)
		}
	}
}

func TestRecorderSamplesEveryNth(t *testing.T) {
	for _, every := range []uint32{0, 1, 2, 16} {
		r := latencyRecorder{every: every, hist: new([maxKinds]histogram)}
		for i := 0; i < 64; i++ {
			t0 := r.begin()
			r.record(t0, r.stamp(t0), 0)
		}
		want := uint64(0)
		if every != 0 {
			want = uint64(64 / every)
		}
		if got := r.hist[0].count; got != want {
			t.Errorf("every %d: %d samples of 64 operations, want %d", every, got, want)
		}
	}
}

// The chain is the C suite's: x = x*6364136223846793005 + 1442695040888963407.
func TestWorkUnits(t *testing.T) {
	if workUnits(7, 0) != 7 {
		t.Fatal("0 units changed the chain")
	}
	x, mul, inc := uint64(7), uint64(6364136223846793005), uint64(1442695040888963407)
	one := x*mul + inc // wraps, as the C chain does
	if workUnits(x, 1) != one || workUnits(x, 2) != one*mul+inc {
		t.Fatal("the chain is not the C suite's LCG")
	}
}

// A sample loses the clock pair's cost, floored at 0 (harness/latency.h
// latency_net_ticks()).
func TestRecordTakesOffThePair(t *testing.T) {
	r := latencyRecorder{every: 1, pairTicks: 10, hist: new([maxKinds]histogram)}
	r.record(100, 150, 0)
	r.record(200, 205, 1)
	if r.hist[0].count != 1 || r.hist[0].max != 40 {
		t.Errorf("50 ticks less a pair of 10: max %d over %d samples, want 40", r.hist[0].max,
			r.hist[0].count)
	}
	if r.hist[1].count != 1 || r.hist[1].max != 0 {
		t.Errorf("5 ticks less a pair of 10: max %d, want 0", r.hist[1].max)
	}
	if r.maxGap != 55 {
		t.Errorf("acquisitions at 150 and 205: max gap %d, want 55", r.maxGap)
	}
}

// The lock's kinds follow lock.c: the first acquisition and a re-take by
// the last holder are reacquire, one from another worker a handoff.
func TestLockKinds(t *testing.T) {
	b := lockBase{s: &lockShared{}}
	w0, w1 := &worker{id: 0}, &worker{id: 1}
	want := []struct {
		w    *worker
		kind int
	}{{w0, kindReacquire}, {w0, kindReacquire}, {w1, kindHandoff}, {w0, kindHandoff}, {w1, kindHandoff}}
	for i, s := range want {
		if kind, _ := b.section(s.w); kind != s.kind {
			t.Errorf("acquisition %d by worker %d: kind %d, want %d", i, s.w.id, kind, s.kind)
		}
	}
	if b.s.counter != uint64(len(want)) {
		t.Errorf("counter %d after %d sections", b.s.counter, len(want))
	}
}

func TestCountedKinds(t *testing.T) {
	pp, _ := findWorkload("chan-pingpong")
	if c := countedKinds(pp, []string{"round_trip", "echo"}); c.mask != 1 || len(c.names) != 1 {
		t.Errorf("chan-pingpong counts round trips only: mask %b, names %v", c.mask, c.names)
	}
	lk, _ := findWorkload("lock")
	if c := countedKinds(lk, []string{"handoff", "reacquire"}); c.mask != 3 {
		t.Errorf("lock counts every kind: mask %b", c.mask)
	}
}
