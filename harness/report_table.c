/* The table on stdout: a row per configuration, from its summary (report.h). */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* 12345678 -> "12.35M": enough digits to compare, few enough to scan. */
static void format_si(double v, char *buf, size_t len)
{
	static const char *const suffix[] = { "", "k", "M", "G", "T" };
	int i = 0;
	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, "%.2f%s", v, suffix[i]);
}

static void format_params(const struct config *c, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	const struct param_decl *decls[2] = { c->bench->params, c->prim ? c->prim->params : NULL };
	const size_t counts[2] = { c->bench->nparams, c->prim ? c->prim->nparams : 0 };
	const int64_t *values[2] = { c->bench_params, c->prim_params };
	const double *asked[2] = { c->bench_asked_ns, c->prim_asked_ns };
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < counts[k] && used < len; i++) {
			char v[64];
			if (k == 1 && values[k][i] == decls[k][i].def && asked[k][i] == 0)
				continue;	/* a primitive's defaults would only crowd the row */
			if (asked[k][i] > 0)
				format_time_ns(asked[k][i], v, sizeof(v));
			else
				param_format(&decls[k][i], values[k][i], v, sizeof(v));
			used += (size_t)snprintf(buf + used, len - used, "%s%s=%s",
						 used ? " " : "", decls[k][i].name, v);
		}
	}
}

/* The largest p99 acquire latency over the kinds, "*" when it stands on few samples. */
static void worst_p99(const struct config *c, const struct config_summary *cs, char *buf,
		      size_t len)
{
	int worst = -1;
	for (int k = 0; cs && cs->sampled && k < bench_kind_count(c->bench); k++)
		if (cs->latency[k].samples &&
		    (worst < 0 || cs->latency[k].p99_ns > cs->latency[worst].p99_ns))
			worst = k;
	if (worst < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f%s", cs->latency[worst].p99_ns,
			 cs->latency[worst].samples < LATENCY_FEW_SAMPLES ? "*" : "");
}

void report_table_header(FILE *f)
{
	fprintf(f, "%-8s %-14s %4s  %-24s %9s %10s %-21s %6s %8s %10s %10s  %s\n", "bench",
		"prim", "thr", "params", "ops/s", "ns/op", "[95% CI]", "jain", "max/min",
		"cpu ns/op", "p99 acq ns", "status");
}

void report_table_footer(FILE *f)
{
	fprintf(f, "ops/s and ns/op: medians over the repetitions; [95%% CI]: the interval of the "
		"ns/op median (none under %zu repetitions); p99 marked * stands on fewer than %d "
		"samples\n", median_interval_min_n(), LATENCY_FEW_SAMPLES);
}

void report_table_row(FILE *f, const struct config *c, const char *status, const char *detail,
		      const struct config_summary *cs)
{
	char params[256], ops[32], ci[48], p99[32];
	format_params(c, params, sizeof(params));
	worst_p99(c, cs, p99, sizeof(p99));
	format_si(cs ? cs->ops_per_sec.median : NAN, ops, sizeof(ops));
	if (cs && isfinite(cs->ns_per_op.ci95_lo))
		snprintf(ci, sizeof(ci), "[%.1f, %.1f]", cs->ns_per_op.ci95_lo, cs->ns_per_op.ci95_hi);
	else
		snprintf(ci, sizeof(ci), "[-]");
	const char *flag = cs && (cs->flags & FLAG_FEW_OPS) ? " few_ops" : "";
	fprintf(f, "%-8s %-14s %4d  %-24s %9s %10.1f %-21s %6.3f %8.2f %10.1f %10s  %s%s%s%s\n",
		c->bench->name, c->prim ? c->prim->name : "-", c->threads, params, ops,
		cs ? cs->ns_per_op.median : NAN, ci, cs ? cs->jain : NAN,
		cs ? cs->max_min_ratio : NAN, cs ? cs->cpu_ns_per_op.median : NAN, p99, status, flag,
		detail && detail[0] ? ": " : "", detail ? detail : "");
	fflush(f);
}
