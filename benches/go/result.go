package main

import (
	"runtime"
)

type threadResult struct {
	Ops       uint64   `json:"ops"`
	OpsByKind []uint64 `json:"ops_by_kind"`
	CPUNs     *int64   `json:"cpu_ns"`
	PU        *int     `json:"pu"`
	Vcsw      *int64   `json:"voluntary_ctx_switches"`
	Ivcsw     *int64   `json:"involuntary_ctx_switches"`
}

type checkResult struct {
	Result string  `json:"result"`
	Detail *string `json:"detail"`
}

type kindLatency struct {
	Count          uint64   `json:"count"`
	MaxTicks       uint64   `json:"max_ticks"`
	BucketLowTicks []uint64 `json:"bucket_low_ticks"`
	CountPerBucket []uint64 `json:"count_per_bucket"`
}

type latencyResult struct {
	SubBits     int                     `json:"sub_bits"`
	MaxBits     int                     `json:"max_bits"`
	MaxGapTicks uint64                  `json:"max_gap_ticks"`
	Kinds       map[string]*kindLatency `json:"kinds"`
}

type clockResult struct {
	Name       string  `json:"name"`
	TicksPerNs float64 `json:"ticks_per_ns"`
	PairTicks  uint64  `json:"pair_ticks"`
	PairSource string  `json:"pair_source"`
}

type result struct {
	Program       string         `json:"program"`
	GoVersion     string         `json:"go_version"`
	Workload      string         `json:"workload"`
	Prim          *string        `json:"prim"`
	Mode          string         `json:"mode"`
	Threads       int            `json:"threads"`
	Gomaxprocs    int            `json:"gomaxprocs"`
	NCPU          int            `json:"ncpu"`
	Affinity      string         `json:"affinity"`
	PUs           []int          `json:"pus"`
	Params        map[string]any `json:"params"`
	WarmupS       float64        `json:"warmup_s"`
	DurationS     float64        `json:"duration_s"`
	MinOps        uint64         `json:"min_ops"`
	MaxWindowS    float64        `json:"max_window_s"`
	WorkUnitNs    float64        `json:"work_unit_ns"`
	LatencyClock  clockResult    `json:"latency_clock"`
	WallNs        int64          `json:"wall_ns"`
	AllOps        uint64         `json:"all_ops"`
	OpKinds       []string       `json:"op_kinds"`
	CountedKinds  []string       `json:"counted_kinds"`
	PerThread     []threadResult `json:"per_thread"`
	PerThreadNull *string        `json:"per_thread_null"`
	ProcessCPUNs  int64          `json:"process_cpu_ns"`
	ProcessVcsw   int64          `json:"process_voluntary_ctx_switches"`
	ProcessIvcsw  int64          `json:"process_involuntary_ctx_switches"`
	GCCycles      uint32         `json:"gc_cycles"`
	Scheduled     uint64         `json:"goroutines_scheduled"`
	Check         checkResult    `json:"check"`
	Latency       *latencyResult `json:"latency"`
}

// runOnce runs one repetition of c and gathers its result.
func runOnce(c *config) (*result, error) {
	runtime.GOMAXPROCS(c.threads)
	startMask, err := allowedPUs()
	if err != nil {
		return nil, err
	}
	if c.mode == modeGoroutines && c.pus != nil {
		var m cpuMask
		for _, pu := range c.pus {
			m.set(pu)
		}
		if err := confineProcess(&m); err != nil {
			return nil, err
		}
	}
	unitNs := calibrateWorkUnitNs()
	clock := setUpClock(c.clockName, c.ticksPerNs, c.pairTicks)
	w, err := c.wd.make(c)
	if err != nil {
		return nil, err
	}
	counted := countedKinds(c.wd, w.kinds())
	r := &run{cfg: c, w: w, counted: counted.mask}
	every := uint32(0)
	if c.wd.samples {
		every = uint32(c.param("sample_every"))
	}
	for i := 0; i < c.threads; i++ {
		// As harness/runner.c seeds them: the chain from 0, the rng per thread.
		wk := &worker{id: i, run: r, rng: uint64(i+1) * 0x9e3779b97f4a7c15, pu: -1}
		wk.lat.every, wk.lat.pairTicks = every, clock.pairTicks
		if every != 0 {
			wk.lat.hist = new([maxKinds]histogram)
		}
		r.workers = append(r.workers, wk)
	}
	var gc0, gc1 runtime.MemStats
	runtime.ReadMemStats(&gc0)
	win, err := r.execute()
	if err != nil {
		return nil, err
	}
	runtime.ReadMemStats(&gc1)

	out := &result{Program: "syncbench-go", GoVersion: runtime.Version(), Workload: c.wd.name,
		Mode: c.mode, Threads: c.threads, Gomaxprocs: runtime.GOMAXPROCS(0),
		NCPU: runtime.NumCPU(), Affinity: formatPUs(&startMask), PUs: c.pus,
		Params: map[string]any{}, WarmupS: c.warmup.Seconds(), DurationS: c.duration.Seconds(),
		MinOps: c.minOps, MaxWindowS: c.maxWindow.Seconds(), WorkUnitNs: unitNs,
		LatencyClock: clockResult{Name: clock.name, TicksPerNs: clock.ticksPerNs,
			PairTicks: clock.pairTicks, PairSource: clock.pairSource},
		WallNs: win.wallNs, OpKinds: w.kinds(), CountedKinds: counted.names,
		ProcessCPUNs: win.processCPUNs, ProcessVcsw: win.vcsw, ProcessIvcsw: win.ivcsw,
		GCCycles: gc1.NumGC - gc0.NumGC, Scheduled: win.goroutinesScheduled}
	if c.prim != "" {
		out.Prim = &c.prim
	}
	for i, d := range c.wd.params {
		if d.choices != nil {
			out.Params[d.name] = d.choices[c.values[i]]
		} else {
			out.Params[d.name] = c.values[i]
		}
	}
	if c.mode == modeGoroutines {
		why := "goroutines move between OS threads: per-thread CPU time, PU and context " +
			"switches do not exist; see process_cpu_ns"
		out.PerThreadNull = &why
	}
	for _, wk := range r.workers {
		out.PerThread = append(out.PerThread, threadFigures(wk, len(out.OpKinds), c.mode))
		for _, n := range wk.ops {
			out.AllOps += n
		}
	}
	passed, detail := w.check(out.AllOps)
	out.Check = checkResult{Result: "passed"}
	if !passed {
		out.Check = checkResult{Result: "failed", Detail: &detail}
	}
	out.Latency = latencyFigures(r.workers, out.OpKinds)
	return out, nil
}

func threadFigures(wk *worker, kinds int, mode string) threadResult {
	t := threadResult{OpsByKind: make([]uint64, kinds)}
	for k := 0; k < kinds; k++ {
		t.OpsByKind[k] = wk.window[k]
		t.Ops += wk.window[k]
	}
	if mode == modeThreads {
		cpu, vcsw, ivcsw := wk.cpuNs, wk.vcsw, wk.ivcsw
		t.CPUNs, t.Vcsw, t.Ivcsw = &cpu, &vcsw, &ivcsw
		if wk.pu >= 0 {
			pu := wk.pu
			t.PU = &pu
		}
	}
	return t
}

// latencyFigures merges every worker's samples per kind; nil if none.
func latencyFigures(workers []*worker, kinds []string) *latencyResult {
	if workers[0].lat.hist == nil {
		return nil
	}
	out := &latencyResult{SubBits: latencySubBits, MaxBits: latencyMaxBits,
		Kinds: map[string]*kindLatency{}}
	var merged [maxKinds]histogram
	for _, wk := range workers {
		for k := range kinds {
			merged[k].merge(&wk.lat.hist[k])
		}
		if wk.lat.maxGap > out.MaxGapTicks {
			out.MaxGapTicks = wk.lat.maxGap
		}
	}
	for k, name := range kinds {
		h := &merged[k]
		kl := &kindLatency{Count: h.count, MaxTicks: h.max, BucketLowTicks: []uint64{},
			CountPerBucket: []uint64{}}
		for i, n := range h.bucket {
			if n != 0 {
				kl.BucketLowTicks = append(kl.BucketLowTicks, latencyBucketLow(i))
				kl.CountPerBucket = append(kl.CountPerBucket, n)
			}
		}
		out.Kinds[name] = kl
	}
	return out
}

// counted is the workload's counted kinds, as names and as a mask of kind indices.
type counted struct {
	names []string
	mask  uint
}

func countedKinds(wd *workloadDecl, kinds []string) counted {
	if wd.counted == nil {
		return counted{names: kinds, mask: 1<<uint(len(kinds)) - 1}
	}
	c := counted{names: wd.counted}
	for k, name := range kinds {
		for _, n := range wd.counted {
			if n == name {
				c.mask |= 1 << uint(k)
			}
		}
	}
	return c
}
