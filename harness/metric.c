#include "metric.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "suggest.h"

static const char *const names[] = {
	"ops_per_sec", "ns_per_op", "cpu_ns_per_op", "jain", "max_min", "handoff_fraction",
	"ns_per_handoff", "handoff_vs_floor", "p50", "p90", "p99", "p999", "max", "rate:",
	"counter:",
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

const char *const *metric_names(size_t *n)
{
	*n = NNAMES;
	return names;
}

static const struct {
	const char *name, *unit;
	enum metric_kind kind;
	bool higher_is_better;
} fixed[] = {
	{ "ops_per_sec", "ops/s", METRIC_OPS_PER_SEC, true },
	{ "ns_per_op", "ns/op", METRIC_NS_PER_OP, false },
	{ "cpu_ns_per_op", "CPU ns/op", METRIC_CPU_NS_PER_OP, false },
	{ "jain", "Jain index", METRIC_JAIN, true },
	{ "max_min", "max/min ops", METRIC_MAX_MIN, false },
	{ "handoff_fraction", "handoffs/op", METRIC_HANDOFF_FRACTION, true },
	{ "ns_per_handoff", "ns/handoff", METRIC_NS_PER_HANDOFF, false },
	{ "handoff_vs_floor", "x floor", METRIC_HANDOFF_VS_FLOOR, false },
};

static const char *const latency_fields[][2] = {
	{ "p50", "p50_ns" }, { "p90", "p90_ns" }, { "p99", "p99_ns" }, { "p999", "p999_ns" },
	{ "max", "max_ns" },
};

static int refuse(const char *text, char *err, size_t errlen)
{
	char hint[96], word[128];
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(text, ":"), text);
	suggest_phrase(word, names, NNAMES, hint, sizeof(hint));
	snprintf(err, errlen, "--metric: unknown figure '%s' (%saccepted: ops_per_sec, ns_per_op, "
		 "cpu_ns_per_op, jain, max_min, handoff_fraction, ns_per_handoff, handoff_vs_floor, "
		 "rate:KIND, counter:EVENT, p50, p90, p99, p999 or max, each latency optionally "
		 ":KIND)", text, hint);
	return -1;
}

/* What follows "prefix:" in text, if text starts so; NULL otherwise. */
static const char *after(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(text, prefix, n) == 0 && text[n] == ':' ? text + n + 1 : NULL;
}

int metric_parse(const char *text, struct metric *m, char *err, size_t errlen)
{
	const char *arg;
	*m = (struct metric){ .per_rep = true };
	if (strlen(text) >= sizeof(m->arg))
		return refuse(text, err, errlen);
	snprintf(m->name, sizeof(m->name), "%s", text);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (strcmp(text, fixed[i].name) == 0) {
			m->kind = fixed[i].kind;
			m->higher_is_better = fixed[i].higher_is_better;
			snprintf(m->unit, sizeof(m->unit), "%s", fixed[i].unit);
			return 0;
		}
	}
	if ((arg = after(text, "rate")) && *arg) {
		m->kind = METRIC_RATE;
		m->higher_is_better = true;
		snprintf(m->arg, sizeof(m->arg), "%s", arg);
		snprintf(m->unit, sizeof(m->unit), "%.50s/s", arg);
		return 0;
	}
	if ((arg = after(text, "counter")) && *arg) {
		m->kind = METRIC_COUNTER;
		snprintf(m->arg, sizeof(m->arg), "%s", arg);
		snprintf(m->unit, sizeof(m->unit), "%.50s/op", arg);
		return 0;
	}
	for (size_t i = 0; i < sizeof(latency_fields) / sizeof(latency_fields[0]); i++) {
		const char *p = latency_fields[i][0];
		arg = after(text, p);
		if (strcmp(text, p) != 0 && !(arg && *arg))
			continue;
		m->kind = METRIC_LATENCY;
		m->field = latency_fields[i][1];
		m->per_rep = false;
		snprintf(m->arg, sizeof(m->arg), "%s", arg ? arg : "");
		snprintf(m->unit, sizeof(m->unit), "%s ns", p);
		return 0;
	}
	return refuse(text, err, errlen);
}

static double integer_field(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? (double)json_integer_value(v) : NAN;
}

static double ratio(double num, double den)
{
	return den > 0 && isfinite(num) ? num / den : NAN;
}

/* The threads' fewest and most operations, and Jain's index over them. */
static double thread_figure(json_t *rep, enum metric_kind kind)
{
	double sum = 0, squares = 0, lo = INFINITY, hi = 0;
	size_t i, n = 0;
	json_t *t;
	json_array_foreach(json_object_get(rep, "threads"), i, t) {
		double x = integer_field(t, "ops");
		if (isnan(x))
			return NAN;
		sum += x;
		squares += x * x;
		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
		n++;
	}
	if (kind == METRIC_JAIN)
		return squares > 0 ? sum * sum / ((double)n * squares) : NAN;
	return ratio(hi, lo);
}

/* Every kind's operations in the repetition, and the handoffs (kind "handoff"). */
static double kind_count(json_t *rep, const char *kind)
{
	const char *k;
	json_t *v;
	double all = 0;
	if (kind)
		return integer_field(json_object_get(rep, "ops_by_kind"), kind);
	json_object_foreach(json_object_get(rep, "ops_by_kind"), k, v)
		all += json_is_integer(v) ? (double)json_integer_value(v) : 0;
	return all;
}

/*
 * The event's count over the threads, scaled by enabled/running where the
 * summary says the PMU multiplexed it (hardware events only: software
 * events are never scaled, harness/counters.c).
 */
static double counter_total(json_t *entry, json_t *rep, const char *event)
{
	json_t *summary = json_object_get(json_object_get(json_object_get(entry, "summary"),
							  "counters"), event);
	bool scale = json_is_true(json_object_get(summary, "multiplexed"));
	double total = 0;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(rep, "threads"), i, t) {
		json_t *c = json_object_get(json_object_get(t, "counters"), event);
		double value = integer_field(c, "value"), enabled = integer_field(c, "enabled_ns");
		double running = integer_field(c, "running_ns");
		if (isnan(value))
			return NAN;
		if (!scale || running == enabled)
			total += value;
		else
			total += running > 0 ? value * enabled / running : NAN;
	}
	return total;
}

static double rep_value(const struct metric *m, json_t *entry, json_t *rep)
{
	double ops = integer_field(rep, "ops"), wall = integer_field(rep, "wall_ns");
	switch (m->kind) {
	case METRIC_OPS_PER_SEC: return ratio(ops * 1e9, wall);
	case METRIC_NS_PER_OP: return ratio(wall, ops);
	case METRIC_CPU_NS_PER_OP: return ratio(integer_field(rep, "cpu_ns"), ops);
	case METRIC_JAIN:
	case METRIC_MAX_MIN: return thread_figure(rep, m->kind);
	case METRIC_HANDOFF_FRACTION: return ratio(kind_count(rep, "handoff"), kind_count(rep, NULL));
	case METRIC_NS_PER_HANDOFF: return ratio(wall, kind_count(rep, "handoff"));
	case METRIC_HANDOFF_VS_FLOOR: {
		/* As the summary gives it: only where the lock is never idle. */
		json_t *saturated = json_object_get(json_object_get(entry, "summary"), "saturated");
		json_t *floor = json_object_get(rep, "floor_ns");
		if (!json_is_true(saturated) || !json_is_number(floor))
			return NAN;
		return ratio(ratio(wall, kind_count(rep, "handoff")), json_number_value(floor));
	}
	case METRIC_RATE: return ratio(kind_count(rep, m->arg) * 1e9, wall);
	case METRIC_COUNTER: return ratio(counter_total(entry, rep, m->arg), ops);
	case METRIC_LATENCY: break;
	}
	return NAN;
}

/* The named kind's latency figure, or the first kind's that has samples. */
static double latency_value(const struct metric *m, json_t *entry)
{
	json_t *kinds = json_object_get(
		json_object_get(json_object_get(entry, "summary"), "acquire_latency"), "kinds");
	const char *name;
	json_t *k;
	json_object_foreach(kinds, name, k) {
		if (m->arg[0] ? strcmp(name, m->arg) != 0 : integer_field(k, "samples") <= 0)
			continue;
		json_t *v = json_object_get(k, m->field);
		return json_is_number(v) && integer_field(k, "samples") > 0 ? json_number_value(v) : NAN;
	}
	return NAN;
}

size_t metric_values(const struct metric *m, json_t *entry, double *out, size_t max)
{
	size_t i, n = 0;
	json_t *rep;
	if (!m->per_rep) {
		double v = latency_value(m, entry);
		if (max > 0 && isfinite(v))
			out[n++] = v;
		return n;
	}
	json_array_foreach(json_object_get(entry, "reps"), i, rep) {
		double v = rep_value(m, entry, rep);
		if (n < max && isfinite(v))
			out[n++] = v;
	}
	return n;
}
