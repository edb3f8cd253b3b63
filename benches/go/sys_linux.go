package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"syscall"
	"unsafe"
)

// maxPUs bounds the PU numbers a CPU mask can hold; sched_getaffinity
// fails with EINVAL when its buffer is smaller than the kernel's mask.
const maxPUs = 8192

type cpuMask [maxPUs / 64]uint64

func (m *cpuMask) set(pu int)      { m[pu/64] |= 1 << uint(pu%64) }
func (m *cpuMask) has(pu int) bool { return m[pu/64]&(1<<uint(pu%64)) != 0 }

func setAffinity(tid int, m *cpuMask) error {
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, uintptr(tid),
		unsafe.Sizeof(*m), uintptr(unsafe.Pointer(m)))
	if e != 0 {
		return e
	}
	return nil
}

// allowedPUs is the calling thread's affinity, which the process
// inherited: the PUs it may run on.
func allowedPUs() (cpuMask, error) {
	var m cpuMask
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0,
		unsafe.Sizeof(m), uintptr(unsafe.Pointer(&m)))
	if e != 0 {
		return m, e
	}
	return m, nil
}

// pinThread binds the calling OS thread to one PU; the caller has locked
// its goroutine to the thread.
func pinThread(pu int) error {
	var m cpuMask
	m.set(pu)
	return setAffinity(0, &m)
}

// confineProcess binds every thread of the process to the PUs in m.  A
// thread created later inherits the mask of the thread that clones it,
// and after this every thread has it; the walk repeats until it finds no
// thread it has not bound, for one created during the walk.
func confineProcess(m *cpuMask) error {
	bound := map[int]bool{}
	for {
		tids, err := processThreads()
		if err != nil {
			return err
		}
		fresh := 0
		for _, tid := range tids {
			if bound[tid] {
				continue
			}
			if err := setAffinity(tid, m); err != nil && err != syscall.ESRCH {
				return fmt.Errorf("thread %d: %v", tid, err)
			}
			bound[tid] = true
			fresh++
		}
		if fresh == 0 {
			return nil
		}
	}
}

func processThreads() ([]int, error) {
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, err
	}
	tids := make([]int, 0, len(entries))
	for _, e := range entries {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	sort.Ints(tids)
	return tids, nil
}

// currentPU is sched_getcpu(): the PU the calling thread runs on.
func currentPU() (int, error) {
	var cpu uint32
	_, _, e := syscall.RawSyscall(sysGetcpu, uintptr(unsafe.Pointer(&cpu)), 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(cpu), nil
}

const (
	clockProcessCPUTime = 2 // CLOCK_PROCESS_CPUTIME_ID
	clockThreadCPUTime  = 3 // CLOCK_THREAD_CPUTIME_ID
)

func clockNs(clock uintptr) int64 {
	var ts syscall.Timespec
	_, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clock, uintptr(unsafe.Pointer(&ts)), 0)
	if e != 0 {
		fail(1, "clock_gettime(%d): %v", clock, e)
	}
	return ts.Nano()
}

// contextSwitches is getrusage(who)'s voluntary and involuntary counts.
func contextSwitches(who int) (voluntary, involuntary int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		fail(1, "getrusage(%d): %v", who, err)
	}
	return ru.Nvcsw, ru.Nivcsw
}
