#include "params.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "work.h"

static int parse_int(const struct param_decl *d, const char *text, int64_t *out,
		     char *err, size_t errlen)
{
	char range[64];
	param_describe_range(d, range, sizeof(range));

	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	/* strtoll would also take leading blanks and a '+': we take digits only. */
	int digits_only = isdigit((unsigned char)text[text[0] == '-']);
	if (!digits_only || end == text || *end != '\0' || errno == ERANGE) {
		snprintf(err, errlen, "%s=%s is not an integer (accepted: %s)",
			 d->name, text, range);
		return -1;
	}
	if (v < d->min || v > d->max) {
		snprintf(err, errlen, "%s=%s is out of range (accepted: %s)",
			 d->name, text, range);
		return -1;
	}
	*out = v;
	return 0;
}

int parse_time_ns(const char *text, double *ns)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 } };
	size_t digits = strspn(text, "0123456789."), len = strlen(text);
	if (digits == 0 || digits == len || strchr(text, '.') != strrchr(text, '.') ||
	    !isdigit((unsigned char)text[0]) || !isdigit((unsigned char)text[digits - 1]))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(text + digits, units[i].suffix) == 0) {
			*ns = strtod(text, NULL) * units[i].ns;
			return isfinite(*ns) ? 0 : -1;
		}
	}
	return -1;
}

void format_time_ns(double ns, char *buf, size_t len)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = { { "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 } };
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns >= units[i].ns) {
			snprintf(buf, len, "%.10g%s", ns / units[i].ns, units[i].suffix);
			return;
		}
	}
	snprintf(buf, len, "%.10gns", ns);
}

/* Units, or a time converted to units; range-checked like an integer. */
static int parse_work(const struct param_decl *d, const char *text, int64_t *out,
		      char *err, size_t errlen)
{
	double ns;
	if (parse_time_ns(text, &ns) != 0)
		return parse_int(d, text, out, err, errlen);
	int64_t units = work_units_for_ns(ns);
	if (units < d->min || units > d->max) {
		char range[64];
		param_describe_range(d, range, sizeof(range));
		snprintf(err, errlen, "%s=%s is %" PRId64 " units here, out of range (accepted: %s)",
			 d->name, text, units, range);
		return -1;
	}
	*out = units;
	return 0;
}

static int parse_choice(const struct param_decl *d, const char *text, int64_t *out,
			char *err, size_t errlen)
{
	for (int64_t i = 0; d->choices[i]; i++) {
		if (strcmp(d->choices[i], text) == 0) {
			*out = i;
			return 0;
		}
	}
	char range[256];
	param_describe_range(d, range, sizeof(range));
	snprintf(err, errlen, "%s=%s is not a known choice (accepted: %s)",
		 d->name, text, range);
	return -1;
}

int param_parse(const struct param_decl *d, const char *text, int64_t *out,
		char *err, size_t errlen)
{
	if (d->type == PARAM_CHOICE)
		return parse_choice(d, text, out, err, errlen);
	if (d->type == PARAM_WORK)
		return parse_work(d, text, out, err, errlen);
	return parse_int(d, text, out, err, errlen);
}

void param_describe_range(const struct param_decl *d, char *buf, size_t len)
{
	if (d->type == PARAM_INT) {
		snprintf(buf, len, "%" PRId64 "..%" PRId64, d->min, d->max);
		return;
	}
	if (d->type == PARAM_WORK) {
		snprintf(buf, len, "%" PRId64 "..%" PRId64 " units, or a time such as 40ns or 1.5us",
			 d->min, d->max);
		return;
	}
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; d->choices[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? "|" : "", d->choices[i]);
}

void param_format(const struct param_decl *d, int64_t v, char *buf, size_t len)
{
	if (d->type == PARAM_CHOICE)
		snprintf(buf, len, "%s", d->choices[v]);
	else
		snprintf(buf, len, "%" PRId64, v);
}

int param_find(const struct param_decl *decls, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(decls[i].name, name) == 0)
			return (int)i;
	return -1;
}

void param_defaults(const struct param_decl *decls, size_t n, int64_t *values)
{
	for (size_t i = 0; i < n; i++)
		values[i] = decls[i].def;
}
