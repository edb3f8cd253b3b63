/*
 * Which configurations a reader takes: `compare` and `export` filter
 * entries by workload, primitive, thread count and parameter values.
 */
#ifndef SYNCBENCH_ENTRY_FILTER_H
#define SYNCBENCH_ENTRY_FILTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define FILTER_MAX_VALUES 64
#define FILTER_MAX_SETS 16

struct filter_list {
	int n;
	const char *values[FILTER_MAX_VALUES];
};

struct entry_filter {
	struct filter_list bench, prim, threads;
	int nsets;
	struct {
		const char *key;
		struct filter_list values;
	} sets[FILTER_MAX_SETS];
};

/*
 * Takes one filter option: "--bench LIST", "--prim LIST" ("-" for
 * configurations without a primitive), "--threads LIST" or "--set
 * KEY=V[,V...]" (values as the document holds them: work parameters in
 * units).  text is split in place and must outlive f.  Names are checked
 * against the registries.  Returns 0, or -1 with one line in err.
 */
int entry_filter_add(struct entry_filter *f, const char *option, char *text, char *err,
		     size_t errlen);

/* Whether entry passes every filter given (an empty filter passes all). */
bool entry_filter_match(const struct entry_filter *f, json_t *entry);

bool entry_filter_empty(const struct entry_filter *f);

#endif
