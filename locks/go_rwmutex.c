/*
 * go-rwmutex: Go's own sync.RWMutex, run by syncbench-go
 * (benches/go/lock.go): the original that gorwmutex ports.  Under `rw`
 * reads take RLock and writes Lock; under `lock` every operation takes
 * Lock, as gorwmutex does there.  Its parameter `mode` runs the workers as
 * goroutines or on pinned OS threads (locks/go_ref.h).  Each repetition is
 * one syncbench-go process (harness/external.c).
 */
#include "go_ref.h"

static const struct external_workload go_rwmutex_workloads[] = {
	{ "lock", "sync.RWMutex" },
	{ "rw", "sync.RWMutex" },
	{ NULL, NULL },
};

static const struct external_ref go_rwmutex_ref = {
	.program = GO_REF_PROGRAM,
	.package = GO_REF_PACKAGE,
	.workloads = go_rwmutex_workloads,
	.check_value = go_ref_check_value,
	.pins_threads = go_ref_pins_threads,
};

const struct lock_ops go_rwmutex_ops = {
	.name = "go-rwmutex",
	.summary = "Go's own sync.RWMutex, run by syncbench-go (the original of gorwmutex)",
	.params = go_ref_params,
	.nparams = GO_REF_NPARAMS,
	.external = &go_rwmutex_ref,
};
