/* The value parsers of `syncbench run` that need no registry: counts, lists, durations, labels (cli_parse.h). */
#include "cli_parse.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resultdoc.h"
#include "suggest.h"

int cli_fail(const struct cli_err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->buf, e->len, fmt, ap);
	va_end(ap);
	return -1;
}

int cli_split_list(const char *option, char *text, char **items, int max, const struct cli_err *e)
{
	int n = 0;
	if (text[0] == '\0' || text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,"))
		return cli_fail(e, "%s needs a comma-separated list without empty items", option);
	for (char *save = NULL, *p = text;; p = NULL) {
		char *item = strtok_r(p, ",", &save);
		if (!item)
			break;
		if (n == max)
			return cli_fail(e, "%s lists more than %d values", option, max);
		items[n++] = item;
	}
	return n;
}

int cli_parse_count(const char *option, const char *text, long min, long max, long *out,
		       const struct cli_err *e)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (end == text || *end || errno || v < min || v > max)
		return cli_fail(e, "%s: '%s' is not a whole number in [%ld, %ld]", option, text, min,
			    max);
	*out = v;
	return 0;
}

int cli_parse_thread_list(char *text, int *threads, const struct cli_err *e)
{
	char *items[SWEEP_MAX_VALUES];
	int n = cli_split_list("--threads", text, items, SWEEP_MAX_VALUES, e);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		long v;
		if (cli_parse_count("--threads", items[i], 1, MAX_THREADS, &v, e) != 0)
			return -1;
		for (int k = 0; k < i; k++)
			if (threads[k] == v)
				return cli_fail(e, "--threads lists %ld twice", v);
		threads[i] = (int)v;
	}
	return n;
}

int cli_parse_threads(char *text, int *threads, char *err, size_t errlen)
{
	const struct cli_err e = { err, errlen };
	return cli_parse_thread_list(text, threads, &e);
}

/*
 * A duration: a number with a unit (1s, 500ms, 20us, 40ns: parse_time_ns)
 * or a plain number of seconds, as before units were accepted.
 */
int cli_parse_duration(const char *option, const char *text, double min, double max,
			  double *out, const struct cli_err *e)
{
	char *end;
	double ns, v;
	errno = 0;
	if (parse_time_ns(text, &ns) == 0) {
		v = ns / 1e9;
	} else {
		v = strtod(text, &end);
		if (end == text || *end || errno)
			v = NAN;
	}
	if (!isfinite(v) || v < min || v > max)
		return cli_fail(e, "%s: '%s' is not a duration in [%g s, %g s] (accepted: a number "
			    "with a unit, as 1s, 500ms, 20us, or plain seconds)", option, text, min,
			    max);
	*out = v;
	return 0;
}

int cli_parse_progress(const char *text, struct sweep_output *out, const struct cli_err *e)
{
	static const char *const modes[] = { "auto", "plain", "none" };
	const char *slash = strchr(text, '/');
	char done[32], hint[64];
	long total, finished;
	for (int m = 0; m < 3; m++) {
		if (strcmp(text, modes[m]) == 0) {
			out->progress = (enum progress_mode)m;
			return 0;
		}
	}
	if (!slash || (size_t)(slash - text) >= sizeof(done)) {
		suggest_phrase(text, modes, 3, hint, sizeof(hint));
		return cli_fail(e, "--progress: '%s' is not a mode or DONE/TOTAL (%saccepted: auto, "
			    "plain, none, DONE/TOTAL)", text, hint);
	}
	memcpy(done, text, (size_t)(slash - text));
	done[slash - text] = '\0';
	if (cli_parse_count("--progress TOTAL", slash + 1, 1, INT_MAX, &total, e) != 0 ||
	    cli_parse_count("--progress DONE", done, 0, total, &finished, e) != 0)
		return -1;
	out->progress = PROGRESS_PLAIN;
	out->progress_total = (int)total;
	out->progress_done = (int)finished;
	return 0;
}

int cli_parse_shard(const char *text, struct sweep_output *out, const struct cli_err *e)
{
	char index[32];
	long count, i;
	const char *slash = strchr(text, '/');
	if (!slash || (size_t)(slash - text) >= sizeof(index))
		return cli_fail(e, "--shard: '%s' is not I/N (e.g. 2/4: the second of 4 shards)", text);
	memcpy(index, text, (size_t)(slash - text));
	index[slash - text] = '\0';
	if (cli_parse_count("--shard N", slash + 1, 1, MAX_CONFIGS, &count, e) != 0 ||
	    cli_parse_count("--shard I", index, 1, count, &i, e) != 0)
		return -1;
	out->shard_index = (int)i;
	out->shard_count = (int)count;
	return 0;
}

/* A sweep id or a host name ends up in file names (merge writes HOST.WORKLOAD.json). */
int cli_parse_label(const char *option, const char *text, const char **out,
		       const struct cli_err *e)
{
	if (!resultdoc_label_ok(text))
		return cli_fail(e, "%s: '%s' is not 1 to 128 letters, digits, '.', '_' or '-' "
			    "(not starting with '.')", option, text);
	*out = text;
	return 0;
}
