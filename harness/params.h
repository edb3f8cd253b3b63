/*
 * Declared parameters.  A workload or primitive declares each parameter
 * once; parsing, validation, `syncbench list` and the JSON `params` object
 * are all derived from that declaration.
 */
#ifndef SYNCBENCH_PARAMS_H
#define SYNCBENCH_PARAMS_H

#include <stddef.h>
#include <stdint.h>

/* Enough for any workload plus any primitive; checked by a test. */
#define MAX_PARAMS 16

enum param_type {
	PARAM_INT,	/* an integer in [min, max] */
	PARAM_CHOICE,	/* one of choices[]; the value is its index */
	/*
	 * Work units (harness/work.h), an integer in [min, max], also given
	 * as a time (`40ns`, `1.5us`) that converts to the nearest whole
	 * number of units at the calibrated cost; results also report each
	 * such parameter in nanoseconds (`work_ns`).  A value given as a time
	 * is named by that time (`work_asked_ns`), so that a configuration has
	 * one name on every machine and in every run, whatever its calibration.
	 */
	PARAM_WORK,
};

struct param_decl {
	const char *name;
	enum param_type type;
	int64_t def;
	int64_t min, max;		/* PARAM_INT and PARAM_WORK */
	const char *const *choices;	/* PARAM_CHOICE: NULL-terminated */
	const char *help;
};

/*
 * Parses one value of `d`.  Returns 0, or -1 with a one-line reason that
 * names what is accepted in err.
 */
int param_parse(const struct param_decl *d, const char *text, int64_t *out,
		char *err, size_t errlen);

/*
 * A time with its unit (ns, us, ms or s; a decimal number, as in "1.5us")
 * into nanoseconds.  Returns 0, or -1 if text is not such a time.
 */
int parse_time_ns(const char *text, double *ns);

/*
 * ns as a time in its largest whole unit, as parse_time_ns reads it back
 * ("20us", "1.5us", "40ns"): the same time has one spelling.
 */
void format_time_ns(double ns, char *buf, size_t len);

/* Writes the accepted values of d ("0..1000" or "a|b|c") into buf. */
void param_describe_range(const struct param_decl *d, char *buf, size_t len);

/* Writes v as the user would type it. */
void param_format(const struct param_decl *d, int64_t v, char *buf, size_t len);

/* Index of name in decls[0..n), or -1. */
int param_find(const struct param_decl *decls, size_t n, const char *name);

/* Fills values[] with each declaration's default. */
void param_defaults(const struct param_decl *decls, size_t n, int64_t *values);

#endif
