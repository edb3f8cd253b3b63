#include "go_ref.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const go_modes[] = { [GO_MODE_GOROUTINES] = "goroutines",
					[GO_MODE_THREADS] = "threads", NULL };

const struct param_decl go_ref_params[GO_REF_NPARAMS] = {
	[GO_REF_MODE] = { "mode", PARAM_CHOICE, GO_MODE_THREADS, 0, 0, go_modes,
			  "threads: a pinned OS thread per worker; goroutines: GOMAXPROCS = threads" },
};

/*
 * A Go element's size is fixed at compile time: syncbench-go has one
 * channel type per power of two (benches/go/chan.go prodconsSizes).
 */
int go_ref_check_value(const char *bench, const char *param, int64_t value, char *why,
		       size_t whylen)
{
	if (strcmp(bench, "chan-prodcons") != 0 || strcmp(param, "elem_bytes") != 0 ||
	    (value >= 8 && value <= 4096 && (value & (value - 1)) == 0))
		return 0;
	snprintf(why, whylen, "elem_bytes=%" PRId64 ": Go fixes an element's size at compile time, "
		 "and syncbench-go has 8, 16, 32, ... 4096", value);
	return -1;
}

bool go_ref_pins_threads(const int64_t *prim_params)
{
	return prim_params[GO_REF_MODE] == GO_MODE_THREADS;
}
