/*
 * go-chan: Go's own channels, run by syncbench-go (benches/go/chan.go,
 * ring.go): the original that gochan ports, under chan-pingpong,
 * chan-prodcons and ring's chan handoff (one unbuffered channel per
 * worker).  Its parameter `mode` runs the workers as goroutines or on
 * pinned OS threads (locks/go_ref.h).  chan-prodcons's elem_bytes must be
 * a power of two: Go fixes an element's size at compile time.  Each
 * repetition is one syncbench-go process (harness/external.c).
 */
#include "go_ref.h"

static const struct external_workload go_chan_workloads[] = {
	{ "chan-pingpong", "chan" },
	{ "chan-prodcons", "chan" },
	{ "ring", NULL },	/* the handoff parameter says chan */
	{ NULL, NULL },
};

static const struct external_ref go_chan_ref = {
	.program = GO_REF_PROGRAM,
	.package = GO_REF_PACKAGE,
	.workloads = go_chan_workloads,
	.check_value = go_ref_check_value,
	.pins_threads = go_ref_pins_threads,
};

const struct lock_ops go_chan_ops = {
	.name = "go-chan",
	.summary = "Go's own channels, run by syncbench-go (the original of gochan)",
	.params = go_ref_params,
	.nparams = GO_REF_NPARAMS,
	.external = &go_chan_ref,
};
