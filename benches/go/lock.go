package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// lock mirrors benches/lock.c: acquire; counter++; note the holder; cs
// units; release; ncs units.  The counter value read under the lock enters
// the worker's chain before the cs units, so they cannot start before the
// lock is held.  An operation whose previous holder was another worker is
// of kind handoff, one that re-took the lock its own worker released (or
// the first one) reacquire.  At the end the counter must equal every
// operation made.
const (
	kindHandoff = iota
	kindReacquire
)

type lockShared struct {
	_       pad
	mu      sync.Mutex
	_       pad
	rw      sync.RWMutex
	_       pad
	counter uint64 // on its own line, apart from the lock, as in lock.c
	holder  int    // the last holder's worker id + 1; 0 before anyone held it
	_       pad
}

type lockBase struct {
	s       *lockShared
	cs, ncs int64
}

func (b *lockBase) kinds() []string       { return []string{"handoff", "reacquire"} }
func (b *lockBase) leavesAtStop(int) bool { return true }
func (b *lockBase) left(*worker)          {}

func (b *lockBase) check(allOps uint64) (bool, string) {
	if b.s.counter == allOps {
		return true, ""
	}
	return false, fmt.Sprintf("counter %d != %d operations: the lock let threads in together",
		b.s.counter, allOps)
}

// section is the critical section, under the lock: the counter, the
// holder, and the cs units on the chain.  It returns the kind and the chain.
func (b *lockBase) section(w *worker) (int, uint64) {
	c := b.s.counter
	b.s.counter = c + 1
	kind := kindHandoff
	if previous := b.s.holder; previous == 0 || previous == w.id+1 {
		kind = kindReacquire
	}
	b.s.holder = w.id + 1
	return kind, workUnits(w.chain^c, b.cs)
}

type lockOnMutex struct{ lockBase }
type lockOnRWMutex struct{ lockBase }
type lockBroken struct{ lockBase }

func (l *lockOnMutex) op(w *worker) (int, bool) {
	t0 := w.lat.begin()
	l.s.mu.Lock()
	t1 := w.lat.stamp(t0)
	kind, x := l.section(w)
	l.s.mu.Unlock()
	w.lat.record(t0, t1, kind)
	w.chain = workUnits(x, l.ncs)
	return kind, true
}

func (l *lockOnRWMutex) op(w *worker) (int, bool) {
	t0 := w.lat.begin()
	l.s.rw.Lock()
	t1 := w.lat.stamp(t0)
	kind, x := l.section(w)
	l.s.rw.Unlock()
	w.lat.record(t0, t1, kind)
	w.chain = workUnits(x, l.ncs)
	return kind, true
}

// op without the lock: the check must fail (-test-break).  Every 16th
// operation yields between reading the counter and writing it back, so
// that another worker's increments are lost even where the workers share
// one CPU (a loaded machine): the failure does not wait for true
// parallelism or a preemption at the right instruction.
func (l *lockBroken) op(w *worker) (int, bool) {
	t0 := w.lat.begin()
	t1 := w.lat.stamp(t0)
	c := l.s.counter
	if c%16 == 0 {
		runtime.Gosched()
	}
	l.s.counter = c + 1
	kind := kindReacquire
	if previous := l.s.holder; previous != 0 && previous != w.id+1 {
		kind = kindHandoff
	}
	l.s.holder = w.id + 1
	x := workUnits(w.chain^c, l.cs)
	w.lat.record(t0, t1, kind)
	w.chain = workUnits(x, l.ncs)
	return kind, true
}

func newLock(c *config) (workload, error) {
	b := lockBase{s: &lockShared{}, cs: c.param("cs"), ncs: c.param("ncs")}
	switch {
	case c.testBreak:
		return &lockBroken{b}, nil
	case c.prim == "sync.RWMutex":
		return &lockOnRWMutex{b}, nil
	}
	return &lockOnMutex{b}, nil
}

// rw mirrors benches/rw.c: a read (read_pct%) checks under the read lock
// that the record's words agree, a write rewrites them under the write
// lock; cs units inside either, ncs outside.  A read that sees two values
// met a writer inside.  The value read or written enters the chain before
// the cs units, as in lock.
const recordWords = 8

const (
	kindRead = iota
	kindWrite
)

type rwShared struct {
	_      pad
	mu     sync.Mutex
	_      pad
	rw     sync.RWMutex
	_      pad
	record [recordWords]uint64 // one line, apart from the lock
	_      pad
	torn   uint64 // counted on a line of its own, so counting never disturbs readers
	_      pad
}

type rwBase struct {
	s       *rwShared
	readPct uint64
	cs, ncs int64
}

func (b *rwBase) kinds() []string       { return []string{"read", "write"} }
func (b *rwBase) leavesAtStop(int) bool { return true }
func (b *rwBase) left(*worker)          {}

func (b *rwBase) check(uint64) (bool, string) {
	torn := atomic.LoadUint64(&b.s.torn)
	if torn == 0 {
		return true, ""
	}
	return false, fmt.Sprintf("%d reads saw a half-written record: a writer was not excluded", torn)
}

func (b *rwBase) reading(w *worker) bool {
	return rngNext(&w.rng)%100 < b.readPct
}

// read is the read section: the record's check and the cs units.
func (b *rwBase) read(w *worker) uint64 {
	first := b.s.record[0]
	torn := false
	for i := 1; i < recordWords; i++ {
		if b.s.record[i] != first {
			torn = true
		}
	}
	x := workUnits(w.chain^first, b.cs)
	if torn {
		atomic.AddUint64(&b.s.torn, 1)
	}
	return x
}

// write is the write section: a new value in every word, and the cs units.
func (b *rwBase) write(w *worker) uint64 {
	next := b.s.record[0] + 1
	for i := range b.s.record {
		b.s.record[i] = next
	}
	return workUnits(w.chain^next, b.cs)
}

type rwOnRWMutex struct{ rwBase }
type rwOnMutex struct{ rwBase }
type rwBroken struct{ rwBase }

func (r *rwOnRWMutex) op(w *worker) (int, bool) {
	reading := r.reading(w)
	t0 := w.lat.begin()
	var x uint64
	kind := kindWrite
	if reading {
		kind = kindRead
		r.s.rw.RLock()
		t1 := w.lat.stamp(t0)
		x = r.read(w)
		r.s.rw.RUnlock()
		w.lat.record(t0, t1, kind)
	} else {
		r.s.rw.Lock()
		t1 := w.lat.stamp(t0)
		x = r.write(w)
		r.s.rw.Unlock()
		w.lat.record(t0, t1, kind)
	}
	w.chain = workUnits(x, r.ncs)
	return kind, true
}

// A plain mutex serves both roles, as a plain lock does in rw.c.
func (r *rwOnMutex) op(w *worker) (int, bool) {
	reading := r.reading(w)
	t0 := w.lat.begin()
	var x uint64
	kind := kindWrite
	r.s.mu.Lock()
	t1 := w.lat.stamp(t0)
	if reading {
		kind = kindRead
		x = r.read(w)
	} else {
		x = r.write(w)
	}
	r.s.mu.Unlock()
	w.lat.record(t0, t1, kind)
	w.chain = workUnits(x, r.ncs)
	return kind, true
}

// op without any lock: readers meet writers and the check must fail
// (-test-break).  A write yields halfway through the record, so that a
// reader sees it half-written even where the workers share one CPU.
func (r *rwBroken) op(w *worker) (int, bool) {
	kind := kindWrite
	var x uint64
	if r.reading(w) {
		kind = kindRead
		x = r.read(w)
	} else {
		next := r.s.record[0] + 1
		for i := range r.s.record {
			r.s.record[i] = next
			if i == recordWords/2 {
				runtime.Gosched()
			}
		}
		x = workUnits(w.chain^next, r.cs)
	}
	w.chain = workUnits(x, r.ncs)
	return kind, true
}

func newRW(c *config) (workload, error) {
	b := rwBase{s: &rwShared{}, readPct: uint64(c.param("read_pct")), cs: c.param("cs"),
		ncs: c.param("ncs")}
	switch {
	case c.testBreak:
		return &rwBroken{b}, nil
	case c.prim == "sync.Mutex":
		return &rwOnMutex{b}, nil
	}
	return &rwOnRWMutex{b}, nil
}
