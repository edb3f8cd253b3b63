/*
 * go-mutex: Go's own sync.Mutex, run by syncbench-go (benches/go/lock.go):
 * the original that gomutex and gomutex-normal port.  Under `lock` it is
 * the lock; under `rw` it serves both roles, as a plain lock does there.
 * Its parameter `mode` runs the workers as goroutines or on pinned OS
 * threads (locks/go_ref.h).  Each repetition is one syncbench-go process
 * (harness/external.c).
 */
#include "go_ref.h"

static const struct external_workload go_mutex_workloads[] = {
	{ "lock", "sync.Mutex" },
	{ "rw", "sync.Mutex" },
	{ NULL, NULL },
};

static const struct external_ref go_mutex_ref = {
	.program = GO_REF_PROGRAM,
	.package = GO_REF_PACKAGE,
	.workloads = go_mutex_workloads,
	.check_value = go_ref_check_value,
	.pins_threads = go_ref_pins_threads,
};

const struct lock_ops go_mutex_ops = {
	.name = "go-mutex",
	.summary = "Go's own sync.Mutex, run by syncbench-go (the original of gomutex)",
	.params = go_ref_params,
	.nparams = GO_REF_NPARAMS,
	.external = &go_mutex_ref,
};
