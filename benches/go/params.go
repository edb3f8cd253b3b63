package main

import (
	"fmt"
	"strconv"
	"strings"
)

// paramDecl is one workload parameter as the C workload declares it
// (benches/*.c): name, default, accepted range or choices.
type paramDecl struct {
	name     string
	def      int64
	min, max int64
	choices  []string // a choice parameter's values; its value is the index
	help     string
}

type workloadDecl struct {
	name    string
	prims   []string // the first is the default; nil: no primitive (ring)
	params  []paramDecl
	samples bool // it times operations (sample_every)
	// The kinds that are its unit of throughput, as the C workload's
	// counted_kinds; nil: every kind.
	counted []string
	make    func(*config) (workload, error)
}

// sampleEvery is the C workloads' sampling parameter, with the C
// workload's default; 0 turns sampling off.
func sampleEvery(def int64) paramDecl {
	return paramDecl{"sample_every", def, 0, 1 << 30, nil,
		"time every Nth operation (0: none)"}
}

// workUnitParam is a cs or ncs parameter: 0 to 10^6 units, default 0.
func workUnitParam(name, help string) paramDecl {
	return paramDecl{name: name, max: 1000000, help: help}
}

// The C defaults of sample_every: harness/latency.h LATENCY_SAMPLE_EVERY
// for lock and rw, benches/chan_pingpong.c CPP_SAMPLE_DEFAULT.
const (
	lockSampleEvery     = 1024
	pingpongSampleEvery = 16
)

var workloads = []workloadDecl{
	{name: "lock", prims: []string{"sync.Mutex", "sync.RWMutex"}, params: []paramDecl{
		workUnitParam("cs", "work units inside the critical section"),
		workUnitParam("ncs", "work units outside, between releases and acquires"),
		sampleEvery(lockSampleEvery),
	}, samples: true, make: newLock},
	{name: "rw", prims: []string{"sync.RWMutex", "sync.Mutex"}, params: []paramDecl{
		{"read_pct", 90, 0, 100, nil, "percentage of operations that read"},
		workUnitParam("cs", "work units inside each read or write section"),
		workUnitParam("ncs", "work units outside, between operations"),
		sampleEvery(lockSampleEvery),
	}, samples: true, make: newRW},
	{name: "chan-pingpong", prims: []string{"chan"}, params: []paramDecl{
		{"cap", 0, 0, 1 << 20, nil, "capacity of each channel (0: unbuffered)"},
		sampleEvery(pingpongSampleEvery),
	}, samples: true, counted: []string{"round_trip"}, make: newPingpong},
	{name: "chan-prodcons", prims: []string{"chan"}, params: []paramDecl{
		{"cap", 16, 0, 1 << 20, nil, "channel capacity (0: unbuffered)"},
		{"elem_bytes", 8, 8, 4096, nil, "bytes per element: 8, 16, 32, ... 4096"},
		{"producers", 0, 0, maxSide, nil, "producing workers (0: half the workers)"},
		{"consumers", 0, 0, maxSide, nil, "consuming workers (0: the workers the producers leave)"},
	}, counted: []string{"recv"}, make: newProdcons},
	{name: "ring", params: []paramDecl{
		{"handoff", handoffChan, 0, 0, ringHandoffs, "how the token passes"},
	}, make: newRing},
}

func findWorkload(name string) (*workloadDecl, error) {
	names := make([]string, len(workloads))
	for i := range workloads {
		if workloads[i].name == name {
			return &workloads[i], nil
		}
		names[i] = workloads[i].name
	}
	return nil, fmt.Errorf("-workload: unknown '%s' (accepted: %s)", name, strings.Join(names, ", "))
}

func (d *paramDecl) accepted() string {
	if d.choices != nil {
		return strings.Join(d.choices, "|")
	}
	return fmt.Sprintf("%d..%d", d.min, d.max)
}

func (d *paramDecl) parse(text string) (int64, error) {
	if d.choices != nil {
		for i, c := range d.choices {
			if c == text {
				return int64(i), nil
			}
		}
	} else if v, err := strconv.ParseInt(text, 10, 64); err == nil && v >= d.min && v <= d.max {
		return v, nil
	}
	return 0, fmt.Errorf("%s (%s): '%s' is not accepted (accepted: %s)", d.name, d.help, text,
		d.accepted())
}

// parseParams reads NAME=VALUE arguments into one value per declaration,
// defaults for the rest.
func parseParams(wd *workloadDecl, args []string) ([]int64, error) {
	values := make([]int64, len(wd.params))
	given := make([]bool, len(wd.params))
	for i := range wd.params {
		values[i] = wd.params[i].def
	}
	for _, arg := range args {
		name, text, ok := strings.Cut(arg, "=")
		i := wd.paramIndex(name)
		switch {
		case !ok:
			return nil, fmt.Errorf("'%s' is not NAME=VALUE", arg)
		case i < 0:
			return nil, fmt.Errorf("%s has no parameter '%s' (accepted: %s)", wd.name, name,
				wd.paramNames())
		case given[i]:
			return nil, fmt.Errorf("%s given twice", name)
		}
		v, err := wd.params[i].parse(text)
		if err != nil {
			return nil, err
		}
		values[i], given[i] = v, true
	}
	return values, nil
}

func (wd *workloadDecl) paramIndex(name string) int {
	for i := range wd.params {
		if wd.params[i].name == name {
			return i
		}
	}
	return -1
}

func (wd *workloadDecl) paramNames() string {
	names := make([]string, len(wd.params))
	for i := range wd.params {
		names[i] = wd.params[i].name
	}
	return strings.Join(names, ", ")
}
