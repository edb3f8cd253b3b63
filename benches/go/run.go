package main

import (
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// A workload is the Go side of one of benches/*.c: what one operation is,
// who leaves when the window closes, and the check.
type workload interface {
	kinds() []string
	// op runs one operation of worker w and returns its kind; false when
	// the worker is done (its channel closed, the ring stopped), and then
	// the operation did not happen.
	op(w *worker) (kind int, more bool)
	// leavesAtStop says whether worker id leaves its loop when it sees the
	// stop phase; the others leave when op() says so.
	leavesAtStop(id int) bool
	// left is called by each worker once it has left its loop.
	left(w *worker)
	// check is the workload's consistency check over every operation made.
	check(allOps uint64) (passed bool, detail string)
}

// Where a repetition stands, as the C runner's enum bench_phase.
const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseStop
)

// phaseWord is read by every worker on every operation and written twice:
// a line of its own, so that nothing written during the run invalidates it.
type phaseWord struct {
	_ pad
	v int32
	_ pad
}

type run struct {
	cfg     *config
	w       workload
	counted uint // the kinds (bit k: kind k) that are the workload's throughput
	phase   phaseWord
	workers []*worker
	ready   sync.WaitGroup // workers pinned and waiting at the gate
	open    chan struct{}  // closed: the gate opens
	done    sync.WaitGroup
	pinMu   sync.Mutex
	pinErr  error // the first worker's pinning failure
}

// worker is one worker's state, on lines of its own (padded both sides):
// no false sharing between workers' counters.
type worker struct {
	_           pad
	id          int
	run         *run
	chain       uint64 // the work-unit chain, carried through the whole run
	rng         uint64
	lat         latencyRecorder
	ops         [maxKinds]uint64 // every operation, by kind
	before      [maxKinds]uint64 // at the window's opening
	window      [maxKinds]uint64 // in the window
	opened      bool
	closed      bool
	cpuStart    int64
	cpuNs       int64
	vcswStart   int64
	ivcswStart  int64
	vcsw, ivcsw int64
	pu          int // where the worker was when the window closed; -1 unknown
	_           pad
}

// stopping tells an operation that waits for others (the ring's token
// holder) that the window has closed.
func (w *worker) stopping() bool {
	return atomic.LoadInt32(&w.run.phase.v) == phaseStop
}

func (w *worker) lockedToThread() bool { return w.run.cfg.mode == modeThreads }

func (w *worker) openWindow() {
	w.opened = true
	w.before = w.ops
	w.lat.clear()
	if w.lockedToThread() {
		w.cpuStart = clockNs(clockThreadCPUTime)
		w.vcswStart, w.ivcswStart = contextSwitches(syscall.RUSAGE_THREAD)
	}
}

// closeWindow takes the window's figures; only the first call counts.
func (w *worker) closeWindow() {
	if w.closed {
		return
	}
	if !w.opened {
		w.openWindow() // the window closed before this worker saw it open
	}
	w.closed = true
	for k := range w.ops {
		w.window[k] = w.ops[k] - w.before[k]
	}
	if w.lockedToThread() {
		w.cpuNs = clockNs(clockThreadCPUTime) - w.cpuStart
		v, iv := contextSwitches(syscall.RUSAGE_THREAD)
		w.vcsw, w.ivcsw = v-w.vcswStart, iv-w.ivcswStart
		if pu, err := currentPU(); err == nil {
			w.pu = pu
		}
	}
}

// The one measurement loop, as harness/runner.c's worker_main: the phase
// is read before every operation.
func (r *run) work(w *worker) {
	defer r.done.Done()
	if r.cfg.mode == modeThreads {
		// Never unlocked: the thread exits with the goroutine, pinned or not.
		runtime.LockOSThread()
		if r.cfg.pus != nil {
			if err := pinThread(r.cfg.pus[w.id]); err != nil {
				r.pinFailed(fmt.Errorf("cannot pin worker %d to PU %d: %v", w.id, r.cfg.pus[w.id], err))
			}
		}
	}
	r.ready.Done()
	<-r.open
	seen := phaseWarmup
	for {
		phase := atomic.LoadInt32(&r.phase.v)
		if phase != seen {
			if seen == phaseWarmup {
				w.openWindow()
			}
			seen = phase
			if phase == phaseStop {
				w.closeWindow()
				if r.w.leavesAtStop(w.id) {
					break
				}
			}
		}
		kind, more := r.w.op(w)
		if !more {
			break
		}
		w.ops[kind]++
	}
	w.closeWindow()
	r.w.left(w)
}

func (r *run) pinFailed(err error) {
	r.pinMu.Lock()
	defer r.pinMu.Unlock()
	if r.pinErr == nil {
		r.pinErr = err
	}
}

// window is what the controller measures: the window and the whole process over it.
type window struct {
	wallNs, processCPUNs int64
	vcsw, ivcsw          int64
	// goroutinesScheduled counts the times a goroutine went from runnable
	// to running during the window (runtime/metrics /sched/latencies):
	// each park ends with one, and so does each preemption.
	goroutinesScheduled uint64
}

// execute runs one repetition: starts and pins the workers, opens the
// gate, warms up, measures, stops, and waits for every worker to leave.
func (r *run) execute() (window, error) {
	r.open = make(chan struct{})
	for i := range r.workers {
		r.ready.Add(1)
		r.done.Add(1)
		go r.work(r.workers[i])
	}
	r.ready.Wait()
	if r.pinErr != nil { // the workers' Done() ordered their writes before Wait()
		atomic.StoreInt32(&r.phase.v, phaseStop)
		close(r.open)
		r.done.Wait()
		return window{}, r.pinErr
	}
	r.notify('r')
	close(r.open)
	time.Sleep(r.cfg.warmup)
	cpu0 := clockNs(clockProcessCPUTime)
	v0, iv0 := contextSwitches(syscall.RUSAGE_SELF)
	sched0 := goroutinesScheduled()
	before := r.countedOps()
	atomic.StoreInt32(&r.phase.v, phaseMeasure)
	t0 := nanotime()
	r.notify('m')
	time.Sleep(r.cfg.duration)
	r.extendWindow(t0, before)
	atomic.StoreInt32(&r.phase.v, phaseStop)
	win := window{wallNs: nanotime() - t0}
	r.notify('s')
	win.processCPUNs = clockNs(clockProcessCPUTime) - cpu0
	v1, iv1 := contextSwitches(syscall.RUSAGE_SELF)
	win.vcsw, win.ivcsw = v1-v0, iv1-iv0
	win.goroutinesScheduled = goroutinesScheduled() - sched0
	r.done.Wait()
	return win, nil
}

// notify tells the harness, on -notify-fd, that the workers are pinned
// and waiting ('r': its set-up is over), that the window opened ('m') or
// that it closed ('s'): it counts the process's events over the window only.
func (r *run) notify(what byte) {
	if r.cfg.notify == nil {
		return
	}
	if _, err := r.cfg.notify.Write([]byte{what}); err != nil {
		fail(1, "-notify-fd: %v", err)
	}
}

// countedOps is the workers' operations so far, of the kinds the workload
// counts.  Each worker increments its counts with plain writes, and this
// reads them while they run: a race on word-sized values, in which the Go
// memory model has each read observe some value that was written, which
// is all an estimate of the window's progress needs (harness/runner.c
// reads its workers' counts relaxed, for the same purpose).
func (r *run) countedOps() uint64 {
	n := uint64(0)
	for _, w := range r.workers {
		for k := range w.ops {
			if r.counted&(1<<k) != 0 {
				n += atomic.LoadUint64(&w.ops[k])
			}
		}
	}
	return n
}

// extendWindow is harness/runner.c's extend_window(): once the planned
// duration is over, while the window holds fewer than -min-ops counted
// operations, it goes on, at the pace seen so far plus a quarter, up to
// -max-window seconds.
func (r *run) extendWindow(t0 int64, before uint64) {
	maxS := r.cfg.maxWindow.Seconds()
	for {
		elapsed := float64(nanotime()-t0) / 1e9
		ops := r.countedOps() - before
		if ops >= r.cfg.minOps || elapsed >= maxS {
			return
		}
		more := elapsed
		if ops > 0 {
			more = elapsed * (float64(r.cfg.minOps)/float64(ops) - 1) * 1.25
		}
		more = math.Min(math.Max(more, 1e-3), maxS-elapsed)
		time.Sleep(time.Duration(more * 1e9))
	}
}

const schedLatencies = "/sched/latencies:seconds"

// goroutinesScheduled is the count of the runtime's scheduling-latency
// histogram: one per goroutine that went from runnable to running.
func goroutinesScheduled() uint64 {
	s := []metrics.Sample{{Name: schedLatencies}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		fail(1, "runtime/metrics has no %s", schedLatencies)
	}
	n := uint64(0)
	for _, c := range s[0].Value.Float64Histogram().Counts {
		n += c
	}
	return n
}
