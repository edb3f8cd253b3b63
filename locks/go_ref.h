/*
 * What the Go references (go-mutex, go-rwmutex, go-chan) share: they are
 * run by syncbench-go (benches/go/), Go's own sync.Mutex, sync.RWMutex and
 * channels under the workloads of the same names, and take one parameter,
 * `mode`: goroutines (plain goroutines, GOMAXPROCS = threads, the process
 * confined to the placement's PUs) or threads (every worker on an OS
 * thread of its own, pinned to its PU: how the C ports run, and so the
 * default).  Not a primitive, not registered.
 */
#ifndef SYNCBENCH_GO_REF_H
#define SYNCBENCH_GO_REF_H

#include "lock.h"

enum { GO_REF_MODE };
enum { GO_MODE_GOROUTINES, GO_MODE_THREADS };

extern const struct param_decl go_ref_params[];
#define GO_REF_NPARAMS 1

int go_ref_check_value(const char *bench, const char *param, int64_t value, char *why,
		       size_t whylen);
bool go_ref_pins_threads(const int64_t *prim_params);

/* The program and its package, for every Go reference's external_ref. */
#define GO_REF_PROGRAM "syncbench-go"
#define GO_REF_PACKAGE "golang-go"

#endif
