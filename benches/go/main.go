// Command syncbench-go runs syncbench's workloads with Go's own
// sync.Mutex, sync.RWMutex and channels: the references for the C ports
// in locks/ (gomutex, gorwmutex, gochan).  One process is one repetition.
// syncbench runs it as the primitives go-mutex, go-rwmutex and go-chan
// (harness/external.c), and it runs on its own as well.
//
// Usage:
//
//	syncbench-go -workload W -threads N [-prim P] [-mode goroutines|threads]
//	             [-pus LIST] [-warmup S] [-duration S] [-min-ops N]
//	             [-max-window S] [-clock monotonic|tsc] [-ticks-per-ns F]
//	             [-pair-ticks N] [-notify-fd FD] [NAME=VALUE ...]
//
//	-workload  lock, rw, chan-pingpong, chan-prodcons or ring: the C
//	           workloads of the same names (benches/*.c), their operation,
//	           op kinds, counted kinds, parameters and check mirrored exactly
//	-prim      lock: sync.Mutex (default) or sync.RWMutex (its write lock);
//	           rw: sync.RWMutex (default) or sync.Mutex (both roles);
//	           chan-pingpong, chan-prodcons: chan; ring: none (see handoff)
//	-threads   workers, 1 to 1024 (chan-pingpong: 2; ring: 2 to 64)
//	-mode      goroutines (default): plain goroutines, GOMAXPROCS = N;
//	           threads: GOMAXPROCS = N and every worker on an OS thread of
//	           its own (runtime.LockOSThread)
//	-pus       OS PU numbers, one per worker, comma-separated.  threads:
//	           worker i's thread is pinned to the i-th (sched_setaffinity);
//	           goroutines: every thread of the process is confined to them
//	-warmup    seconds run before the window (default 0.2)
//	-duration  seconds in the window (default 1)
//	-min-ops   after -duration, the window goes on until it counts this many
//	           operations of the counted kinds, at the pace seen so far, up
//	           to -max-window seconds (harness/runner.c's extension; default
//	           0: never)
//	-max-window  the longest the window may be, in seconds (default: -duration)
//	-clock     the latency clock: monotonic (default; ticks are ns) or tsc
//	           (RDTSCP, as the C harness reads it where the TSC is invariant)
//	-ticks-per-ns  the tsc's rate (default: calibrated over 20 ms, as the
//	           harness does)
//	-pair-ticks  the cost of a clock pair, taken off every sample (default:
//	           the median of 4096 back-to-back pairs, as the harness
//	           measures it); syncbench passes its own clock, rate and pair,
//	           so that both sides read and correct the samples alike
//	-notify-fd one byte is written there when the workers are pinned and
//	           waiting ('r'), when the window opens ('m') and when it closes
//	           ('s'): syncbench ends the set-up's time limit and counts the
//	           process's events over the window by them
//	NAME=VALUE the workload's parameters, with the C workload's names,
//	           defaults and ranges; sample_every=0 times nothing.
//	           ring's handoff: chan, mutex (sync.Mutex batons) or cond.
//	           chan-prodcons's elem_bytes: a power of two, 8 to 4096.
//
// Output: exit status 0 and one JSON object on stdout, whether the check
// passed or not (a failure is in "check", not in the exit status):
//
//	program, go_version, workload, prim (null for ring), mode, threads,
//	gomaxprocs, ncpu (runtime.NumCPU()), affinity (the PUs the process
//	started on), pus (the PUs it pinned or confined to, null: none),
//	params {NAME: value}, warmup_s, duration_s, min_ops, max_window_s,
//	work_unit_ns     ns per work unit, calibrated as the C harness does
//	latency_clock    {name, ticks_per_ns, pair_ticks, pair_source:
//	                 "harness" (given) or "measured"}
//	wall_ns          the measured window, as the controller timed it
//	all_ops          every operation, warmup and after the stop included
//	op_kinds         the names of the kinds, as the C workload's
//	counted_kinds    the kinds that are its unit of throughput
//	per_thread[]     ops and ops_by_kind[] in the window; cpu_ns
//	                 (CLOCK_THREAD_CPUTIME_ID over the window), pu (getcpu
//	                 at the window's end), voluntary_ctx_switches and
//	                 involuntary_ctx_switches (RUSAGE_THREAD): threads mode
//	                 only, else null, with the reason in per_thread_null
//	process_cpu_ns, process_voluntary_ctx_switches,
//	process_involuntary_ctx_switches   the whole process over the window
//	gc_cycles        garbage collections during the run
//	goroutines_scheduled  times a goroutine went from runnable to running
//	                 in the window (runtime/metrics /sched/latencies): each
//	                 park ends with one, and so does each preemption
//	check            {result: "passed" or "failed", detail: string or null}
//	latency          null when nothing was sampled; else {sub_bits: 7,
//	                 max_bits: 44 (harness/latency.h's buckets, in ticks of
//	                 latency_clock), max_gap_ticks, kinds: {KIND: {count,
//	                 max_ticks, bucket_low_ticks[], count_per_bucket[]}}}
//	                 (nonzero buckets only; bucket_low_ticks is the bucket's
//	                 least value)
//
// Exit status 2: bad arguments, one line on stderr, nothing run.  Exit
// status 1: the run could not be carried out (a PU could not be pinned, a
// system call failed), one line on stderr, nothing on stdout.  A Go panic
// or fatal error also exits 2, with Go's trace on stderr.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

const maxThreads = 1024 // harness/cli.c MAX_THREADS

const (
	modeGoroutines = "goroutines"
	modeThreads    = "threads"
)

type config struct {
	wd        *workloadDecl
	prim      string // "" for ring
	threads   int
	mode      string
	pus       []int // nil: no pinning
	warmup    time.Duration
	duration  time.Duration
	minOps    uint64        // extend the window until it counts this many (0: never)
	maxWindow time.Duration // the longest the window may grow to
	clockName string
	// -ticks-per-ns and -pair-ticks, or -1 where not given (setUpClock)
	ticksPerNs float64
	pairTicks  int64
	notify     *os.File // -notify-fd, or nil
	values     []int64  // one per wd.params
	testBreak  bool
}

func (c *config) param(name string) int64 {
	return c.values[c.wd.paramIndex(name)]
}

func fail(status int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "syncbench-go: "+format+"\n", args...)
	os.Exit(status)
}

func main() {
	c, err := parseArgs(os.Args[1:])
	if err != nil {
		fail(2, "%v", err)
	}
	out, err := runOnce(c)
	if err != nil {
		fail(1, "%v", err)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fail(1, "writing the result: %v", err)
	}
}

func parseArgs(args []string) (*config, error) {
	fs := flag.NewFlagSet("syncbench-go", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported in one line below
	workloadName := fs.String("workload", "", "")
	prim := fs.String("prim", "", "")
	threads := fs.String("threads", "", "")
	mode := fs.String("mode", modeGoroutines, "")
	pus := fs.String("pus", "", "")
	warmup := fs.String("warmup", "0.2", "")
	duration := fs.String("duration", "1", "")
	minOps := fs.String("min-ops", "0", "")
	maxWindow := fs.String("max-window", "", "")
	clockName := fs.String("clock", clockMonotonic, "")
	ticksPerNs := fs.String("ticks-per-ns", "", "")
	pairTicks := fs.String("pair-ticks", "", "")
	notifyFd := fs.String("notify-fd", "", "")
	// For the tests only: break the workload's synchronization, so that
	// its check must fail.
	testBreak := fs.Bool("test-break", false, "")
	// Flags and NAME=VALUE arguments may come in any order: the flag
	// package stops at the first non-flag, so parsing resumes after it.
	var named []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errors.New("usage: syncbench-go -workload W -threads N [-prim P] " +
					"[-mode goroutines|threads] [-pus LIST] [-warmup S] [-duration S] [-min-ops N] " +
					"[-max-window S] [-clock monotonic|tsc] [-ticks-per-ns F] [-pair-ticks N] " +
					"[-notify-fd FD] [NAME=VALUE ...]")
			}
			return nil, err
		}
		if args = fs.Args(); len(args) == 0 {
			break
		}
		named, args = append(named, args[0]), args[1:]
	}
	if *workloadName == "" {
		return nil, errors.New("-workload is required (accepted: lock, rw, chan-pingpong, chan-prodcons, ring)")
	}
	wd, err := findWorkload(*workloadName)
	if err != nil {
		return nil, err
	}
	c := &config{wd: wd, mode: *mode, testBreak: *testBreak}
	if c.prim, err = parsePrim(wd, *prim); err != nil {
		return nil, err
	}
	if c.threads, err = parseCount("-threads", *threads, 1, maxThreads); err != nil {
		return nil, err
	}
	if c.mode != modeGoroutines && c.mode != modeThreads {
		return nil, fmt.Errorf("-mode: unknown '%s' (accepted: goroutines, threads)", c.mode)
	}
	if c.warmup, err = parseSeconds("-warmup", *warmup, 0); err != nil {
		return nil, err
	}
	if c.duration, err = parseSeconds("-duration", *duration, 0.001); err != nil {
		return nil, err
	}
	if err := parseWindow(c, *minOps, *maxWindow); err != nil {
		return nil, err
	}
	if err := parseClock(c, *clockName, *ticksPerNs, *pairTicks); err != nil {
		return nil, err
	}
	if *notifyFd != "" {
		fd, err := parseCount("-notify-fd", *notifyFd, 3, 1<<20)
		if err != nil {
			return nil, err
		}
		c.notify = os.NewFile(uintptr(fd), "notify")
	}
	if c.values, err = parseParams(wd, named); err != nil {
		return nil, err
	}
	if err := validate(c); err != nil {
		return nil, err
	}
	if *pus != "" {
		if c.pus, err = parsePUs(*pus, c.threads); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func parsePrim(wd *workloadDecl, prim string) (string, error) {
	if wd.prims == nil {
		if prim != "" {
			return "", fmt.Errorf("-prim: %s runs on no primitive (its handoff parameter says how)", wd.name)
		}
		return "", nil
	}
	if prim == "" {
		return wd.prims[0], nil
	}
	for _, p := range wd.prims {
		if p == prim {
			return p, nil
		}
	}
	return "", fmt.Errorf("-prim: %s does not run on '%s' (accepted: %s)", wd.name, prim,
		strings.Join(wd.prims, ", "))
}

func parseCount(what, text string, min, max int) (int, error) {
	v, err := strconv.Atoi(text)
	if err != nil || v < min || v > max {
		if text == "" {
			return 0, fmt.Errorf("%s is required (%d to %d)", what, min, max)
		}
		return 0, fmt.Errorf("%s: '%s' is not an integer from %d to %d", what, text, min, max)
	}
	return v, nil
}

// parseWindow reads -min-ops and -max-window (default: the duration, which
// -max-window may only extend).
func parseWindow(c *config, minOps, maxWindow string) error {
	n, err := strconv.ParseUint(minOps, 10, 64)
	if err != nil {
		return fmt.Errorf("-min-ops: '%s' is not a whole number of operations", minOps)
	}
	c.minOps, c.maxWindow = n, c.duration
	if maxWindow != "" {
		if c.maxWindow, err = parseSeconds("-max-window", maxWindow, c.duration.Seconds()); err != nil {
			return err
		}
	}
	return nil
}

// parseClock reads -clock, -ticks-per-ns and -pair-ticks; runOnce sets the clock up.
func parseClock(c *config, name, ticksPerNs, pairTicks string) error {
	if name != clockMonotonic && (name != clockTSC || !haveTSC) {
		return fmt.Errorf("-clock: '%s' is not a clock here (accepted: monotonic%s)", name,
			map[bool]string{true: ", tsc"}[haveTSC])
	}
	rate, pair := -1.0, int64(-1)
	if ticksPerNs != "" {
		v, err := strconv.ParseFloat(ticksPerNs, 64)
		if err != nil || !(v > 0 && v < 1e3) || name != clockTSC {
			return fmt.Errorf("-ticks-per-ns: '%s' is not a rate above 0 and below 1000 "+
				"(and only -clock tsc takes one)", ticksPerNs)
		}
		rate = v
	}
	if pairTicks != "" {
		v, err := strconv.ParseInt(pairTicks, 10, 64)
		if err != nil || v < 0 || v > 1<<30 {
			return fmt.Errorf("-pair-ticks: '%s' is not a whole number of ticks from 0 to %d",
				pairTicks, 1<<30)
		}
		pair = v
	}
	c.clockName, c.ticksPerNs, c.pairTicks = name, rate, pair
	return nil
}

func parseSeconds(what, text string, min float64) (time.Duration, error) {
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || !(v >= min && v <= 3600) {
		return 0, fmt.Errorf("%s: '%s' is not a number of seconds from %g to 3600", what, text, min)
	}
	return time.Duration(v * 1e9), nil
}

// validate refuses the configurations the C workloads' validate() refuses.
func validate(c *config) error {
	switch c.wd.name {
	case "chan-pingpong":
		if c.threads != 2 {
			return fmt.Errorf("chan-pingpong runs exactly 2 threads, not %d (accepted: -threads 2)", c.threads)
		}
	case "ring":
		if c.threads < 2 || c.threads > ringMax {
			return fmt.Errorf("ring runs 2 to %d threads, not %d", ringMax, c.threads)
		}
	case "chan-prodcons":
		prod, cons := c.param("producers"), c.param("consumers")
		p := producersOf(prod, cons, c.threads)
		if !(c.threads >= 2 && p >= 1 && c.threads-p >= 1 && p <= maxSide && c.threads-p <= maxSide &&
			(cons == 0 || int(cons) == c.threads-p)) {
			return fmt.Errorf("chan-prodcons: producers (%d) + consumers (%d) must equal -threads %d, "+
				"each side 1 to %d (0: split the threads evenly)", prod, cons, c.threads, maxSide)
		}
		if _, ok := prodconsSizes[c.param("elem_bytes")]; !ok {
			return fmt.Errorf("elem_bytes: %d is not a power of two from 8 to 4096 (Go fixes an "+
				"element's size at compile time: accepted 8, 16, 32, ... 4096)", c.param("elem_bytes"))
		}
	}
	return nil
}

// parsePUs reads one PU per worker, each one the process may run on.
func parsePUs(text string, threads int) ([]int, error) {
	allowed, err := allowedPUs()
	if err != nil {
		return nil, fmt.Errorf("-pus: cannot read the process's affinity: %v", err)
	}
	items := strings.Split(text, ",")
	if len(items) != threads {
		return nil, fmt.Errorf("-pus: %d PUs for %d threads (give one per thread)", len(items), threads)
	}
	pus := make([]int, len(items))
	for i, item := range items {
		pu, err := strconv.Atoi(item)
		if err != nil || pu < 0 || pu >= maxPUs {
			return nil, fmt.Errorf("-pus: '%s' is not a PU number from 0 to %d", item, maxPUs-1)
		}
		if !allowed.has(pu) {
			return nil, fmt.Errorf("-pus: PU %d is not one this process may run on (%s)", pu,
				formatPUs(&allowed))
		}
		pus[i] = pu
	}
	return pus, nil
}

func formatPUs(m *cpuMask) string {
	var list []string
	for pu := 0; pu < maxPUs; pu++ {
		if m.has(pu) {
			list = append(list, strconv.Itoa(pu))
		}
	}
	return strings.Join(list, ",")
}
