package main

import (
	"fmt"
	"sync/atomic"
)

// chan-pingpong mirrors benches/chan_pingpong.c: worker 0 sends a counter
// on ping and waits for it on pong, one operation of kind round_trip;
// worker 1 receives on ping and sends it back on pong, one of kind echo.
// Throughput counts round trips only (counted_kinds).  Worker 0 times
// every sample_every-th round trip, from before its send to after its
// receive.  Check: every value came back unchanged and in order.
//
// Stop: a Go send on a closed channel panics, so only worker 0 leaves at
// the stop phase (after a whole round trip, so worker 1 is then waiting on
// ping), and it closes ping as it leaves; worker 1 leaves when ping is
// closed.
type pingpongDriver struct {
	_         pad
	sent, bad uint64
	_         pad
}

type pingpong struct {
	ping, pong chan uint64
	driver     pingpongDriver
	corrupt    bool // -test-break: the echo changes every 16th value
}

func newPingpong(c *config) (workload, error) {
	capacity := int(c.param("cap"))
	return &pingpong{ping: make(chan uint64, capacity), pong: make(chan uint64, capacity),
		corrupt: c.testBreak}, nil
}

const (
	kindRoundTrip = iota
	kindEcho
)

func (p *pingpong) kinds() []string          { return []string{"round_trip", "echo"} }
func (p *pingpong) leavesAtStop(id int) bool { return id == 0 }

func (p *pingpong) left(w *worker) {
	if w.id == 0 {
		close(p.ping)
	}
}

func (p *pingpong) op(w *worker) (int, bool) {
	if w.id == 1 {
		v, ok := <-p.ping
		if !ok {
			return kindEcho, false
		}
		if p.corrupt && v%16 == 0 {
			v++
		}
		p.pong <- v
		return kindEcho, true
	}
	t0 := w.lat.begin()
	p.driver.sent++
	out := p.driver.sent
	p.ping <- out
	v := <-p.pong
	w.lat.record(t0, w.lat.stamp(t0), kindRoundTrip)
	if v != out {
		p.driver.bad++
	}
	return kindRoundTrip, true
}

func (p *pingpong) check(uint64) (bool, string) {
	if p.driver.bad == 0 {
		return true, ""
	}
	return false, fmt.Sprintf("%d of %d values came back changed or out of order",
		p.driver.bad, p.driver.sent)
}

// chan-prodcons mirrors benches/chan_prodcons.c: workers 0 .. producers-1
// send on one channel of capacity cap, the rest receive.  An element is
// elem_bytes long and starts with producer << 48 | sequence number; every
// consumer checks per producer that the numbers increase and keeps a count
// and a sum of mix(header).  Check: per producer, count == sent and the sum
// matches sequence numbers 0 .. sent-1 (exactly once), no reordering.
//
// Stop: producers leave at the stop phase (a blocked one finishes its send
// first: consumers keep receiving); the last to leave closes the channel,
// and consumers leave when they have drained it, so nothing is left in it
// for the check.
const (
	seqBits  = 48
	maxSide  = 64 // producers or consumers, as in chan_prodcons.c
	kindSend = 0
	kindRecv = 1
)

// element is elem_bytes long: the header, then padding of type P.
type element[P any] struct {
	header uint64
	_      P
}

type producerState struct {
	_    pad
	sent uint64
	_    pad
}

type consumerSeen struct {
	_       pad
	nextMin [maxSide]uint64 // lowest sequence number still acceptable
	count   [maxSide]uint64
	hash    [maxSide]uint64
	bad     uint64 // foreign producer, or order broken
	_       pad
}

func (s *consumerSeen) account(header uint64, producers int) {
	p, seq := header>>seqBits, header&(1<<seqBits-1)
	if p >= uint64(producers) || seq < s.nextMin[p] {
		s.bad++
		return
	}
	s.nextMin[p] = seq + 1
	s.count[p]++
	s.hash[p] += mix(header)
}

type prodcons[P any] struct {
	ch         chan element[P]
	producers  int
	producing  int32 // producers still in their loop
	prod       []producerState
	cons       []consumerSeen
	duplicates bool // -test-break: every 16th message is sent twice
}

// producersOf is chan_prodcons.c producers_of().
func producersOf(producers, consumers int64, threads int) int {
	switch {
	case producers != 0:
		return int(producers)
	case consumers != 0:
		return threads - int(consumers)
	}
	return threads / 2
}

func newProdconsOf[P any](c *config) workload {
	p := producersOf(c.param("producers"), c.param("consumers"), c.threads)
	return &prodcons[P]{ch: make(chan element[P], c.param("cap")), producers: p,
		producing: int32(p), prod: make([]producerState, p),
		cons: make([]consumerSeen, c.threads-p), duplicates: c.testBreak}
}

// Go's element type is fixed at compile time: one instantiation per size.
var prodconsSizes = map[int64]func(*config) workload{
	8: newProdconsOf[[0]byte], 16: newProdconsOf[[8]byte], 32: newProdconsOf[[24]byte],
	64: newProdconsOf[[56]byte], 128: newProdconsOf[[120]byte],
	256: newProdconsOf[[248]byte], 512: newProdconsOf[[504]byte],
	1024: newProdconsOf[[1016]byte], 2048: newProdconsOf[[2040]byte],
	4096: newProdconsOf[[4088]byte],
}

func newProdcons(c *config) (workload, error) {
	return prodconsSizes[c.param("elem_bytes")](c), nil
}

func (pc *prodcons[P]) kinds() []string          { return []string{"send", "recv"} }
func (pc *prodcons[P]) leavesAtStop(id int) bool { return id < pc.producers }

func (pc *prodcons[P]) left(w *worker) {
	if w.id < pc.producers && atomic.AddInt32(&pc.producing, -1) == 0 {
		close(pc.ch)
	}
}

func (pc *prodcons[P]) op(w *worker) (int, bool) {
	if w.id < pc.producers {
		st := &pc.prod[w.id]
		m := element[P]{header: uint64(w.id)<<seqBits | st.sent}
		pc.ch <- m
		st.sent++
		if pc.duplicates && st.sent%16 == 0 {
			pc.ch <- m
		}
		return kindSend, true
	}
	m, ok := <-pc.ch
	if !ok {
		return kindRecv, false
	}
	pc.cons[w.id-pc.producers].account(m.header, pc.producers)
	return kindRecv, true
}

func (pc *prodcons[P]) check(uint64) (bool, string) {
	bad := uint64(0)
	for i := range pc.cons {
		bad += pc.cons[i].bad
	}
	if bad != 0 {
		return false, fmt.Sprintf("%d messages arrived out of order per producer, or from no producer", bad)
	}
	for p := 0; p < pc.producers; p++ {
		sent, count, hash, want := pc.prod[p].sent, uint64(0), uint64(0), uint64(0)
		for i := range pc.cons {
			count += pc.cons[i].count[p]
			hash += pc.cons[i].hash[p]
		}
		for q := uint64(0); q < sent; q++ {
			want += mix(uint64(p)<<seqBits | q)
		}
		if count != sent || hash != want {
			detail := fmt.Sprintf("producer %d sent %d messages, %d arrived", p, sent, count)
			if count == sent {
				detail += ", but not each exactly once"
			}
			return false, detail
		}
	}
	return true, ""
}
