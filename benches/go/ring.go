package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// ring mirrors benches/ring.c: the workers pass a token in strict order,
// worker i only after worker i-1 (mod n).  One operation is one turn: wait
// for the token, act, pass it on.  Acting checks the order: it reads who
// acted last, which must be the predecessor, and writes its own id.
//
// handoff:
//
//	chan   one unbuffered channel per worker: receive from one's own, send
//	       to the successor's (worker 0 starts with the token)
//	mutex  one sync.Mutex per worker as a baton, which Go allows (a Mutex
//	       is not tied to the goroutine that locked it): every baton starts
//	       locked but worker 0's; a worker locks its own, acts, and unlocks
//	       its successor's (ring.c's gomutex handoff)
//	cond   a sync.Mutex, one sync.Cond and a turn number; the passer
//	       broadcasts (ring.c's condvar handoff)
//
// Stop: a worker that is waiting for the token cannot see the stop phase,
// so only the token holder looks at it, and it releases everyone: it
// closes every channel (nobody else can be sending: there is one token),
// or unlocks every other baton (all are locked while one worker holds the
// token) after setting `stopped`, or sets `stopped` and broadcasts.  A
// worker released this way gives up its turn without acting.
const ringMax = 64

var ringHandoffs = []string{"chan", "mutex", "cond"}

const (
	handoffChan = iota
	handoffMutex
	handoffCond
)

type ringTurns struct {
	_                    pad
	last                 int
	handoffs, outOfOrder uint64
	_                    pad
}

type ringWorker struct {
	_       pad
	acted   uint64
	started bool // chan: worker 0's first turn needs no token
	_       pad
}

type baton struct {
	_  pad
	mu sync.Mutex
	_  pad
}

type ring struct {
	n        int
	handoff  int64
	noWait   bool // -test-break: nobody waits for the token; the check must fail
	turns    ringTurns
	workers  []ringWorker
	ch       []chan int
	batons   []baton
	stopped  atomic.Bool // mutex handoff
	mu       sync.Mutex  // cond handoff: turn and condStopped are under it
	cond     *sync.Cond
	turn     int
	condStop bool
}

func newRing(c *config) (workload, error) {
	n := c.threads
	r := &ring{n: n, handoff: c.param("handoff"), noWait: c.testBreak,
		workers: make([]ringWorker, n), ch: make([]chan int, n), batons: make([]baton, n)}
	r.turns.last = n - 1
	r.cond = sync.NewCond(&r.mu)
	for i := range r.ch {
		r.ch[i] = make(chan int)
	}
	for i := 1; i < n; i++ {
		r.batons[i].mu.Lock()
	}
	return r, nil
}

func (r *ring) kinds() []string { return []string{"op"} }

// Without waiting nobody blocks, so everyone can leave at the stop.
func (r *ring) leavesAtStop(int) bool { return r.noWait }
func (r *ring) left(*worker)          {}

// act is the turn itself: the order check.  Plain accesses: the handoff
// orders the previous holder's before ours.
func (r *ring) act(id int) {
	if r.turns.last != (id+r.n-1)%r.n {
		r.turns.outOfOrder++
	}
	r.turns.last = id
	r.turns.handoffs++
	r.workers[id].acted++
}

func (r *ring) op(w *worker) (int, bool) {
	id := w.id
	switch {
	case r.noWait:
		r.act(id)
		return 0, true
	case r.handoff == handoffChan:
		return 0, r.turnChan(w, id)
	case r.handoff == handoffMutex:
		return 0, r.turnMutex(w, id)
	}
	return 0, r.turnCond(w, id)
}

func (r *ring) turnChan(w *worker, id int) bool {
	me := &r.workers[id]
	if id != 0 || me.started {
		if _, ok := <-r.ch[id]; !ok {
			return false
		}
	}
	me.started = true
	if w.stopping() {
		for i := range r.ch {
			close(r.ch[i])
		}
		return false
	}
	r.act(id)
	r.ch[(id+1)%r.n] <- id
	return true
}

func (r *ring) turnMutex(w *worker, id int) bool {
	r.batons[id].mu.Lock()
	if r.stopped.Load() {
		return false
	}
	if w.stopping() {
		r.stopped.Store(true)
		for i := range r.batons {
			if i != id {
				r.batons[i].mu.Unlock()
			}
		}
		return false
	}
	r.act(id)
	r.batons[(id+1)%r.n].mu.Unlock()
	return true
}

func (r *ring) turnCond(w *worker, id int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.turn != id && !r.condStop {
		r.cond.Wait()
	}
	if r.condStop {
		return false
	}
	if w.stopping() {
		r.condStop = true
		r.cond.Broadcast()
		return false
	}
	r.act(id)
	r.turn = (id + 1) % r.n
	r.cond.Broadcast()
	return true
}

func (r *ring) check(uint64) (bool, string) {
	acted := uint64(0)
	for i := range r.workers {
		acted += r.workers[i].acted
	}
	if r.turns.outOfOrder == 0 && r.turns.handoffs == acted {
		return true, ""
	}
	return false, fmt.Sprintf("%d of %d turns out of order; %d counted of %d taken",
		r.turns.outOfOrder, acted, r.turns.handoffs, acted)
}
