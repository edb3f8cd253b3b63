/* A set of comparisons as compare shows it: aligned text, CSV or JSON (compare.h). */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "export.h"

/* 16.83M, 434.7, 2.300G: four significant digits and an SI suffix from 1000 on. */
static void format_figure(double v, char *buf, size_t len)
{
	static const char suffix[] = { 'k', 'M', 'G', 'T' };
	double a = fabs(v);
	int s = -1;
	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	while (a >= 999.95 && s < 3) {
		a /= 1e3;
		v /= 1e3;
		s++;
	}
	if (s < 0)
		snprintf(buf, len, "%#.4g", v);
	else
		snprintf(buf, len, "%#.4g%c", v, suffix[s]);
}

/* "± 3%": the farther end of the median's interval, relative to it (benchstat's). */
static void format_spread(const struct compare_side *s, char *buf, size_t len)
{
	double d = fmax(s->hi - s->median, s->median - s->lo) / fabs(s->median) * 100;
	if (isnan(s->lo) || !isfinite(d))
		snprintf(buf, len, "± -");
	else
		snprintf(buf, len, d < 10 ? "± %.1f%%" : "± %.0f%%", d);
}

static void format_percent(double ratio, char *buf, size_t len)
{
	if (isfinite(ratio))
		snprintf(buf, len, "%+.1f%%", 100 * (ratio - 1));
	else
		snprintf(buf, len, "-");
}

static void format_p(double p, char *buf, size_t len)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, p < 0.0001 ? "%.1e" : "%.4f", p);
}

enum { COL_NAME, COL_A, COL_A_SPREAD, COL_A_N, COL_B, COL_B_SPREAD, COL_B_N, COL_CHANGE,
       COL_INTERVAL, COL_P, COL_Q, NCOLS };

static void format_row(const struct comparison *c, char cells[NCOLS][96])
{
	char lo[32], hi[32];
	snprintf(cells[COL_NAME], 96, "%s", "");
	format_figure(c->a.median, cells[COL_A], 96);
	format_spread(&c->a, cells[COL_A_SPREAD], 96);
	snprintf(cells[COL_A_N], 96, "%zu", c->a.n);
	format_figure(c->b.median, cells[COL_B], 96);
	format_spread(&c->b, cells[COL_B_SPREAD], 96);
	snprintf(cells[COL_B_N], 96, "%zu", c->b.n);
	if (c->verdict == VERDICT_SAME)
		snprintf(cells[COL_CHANGE], 96, "~");
	else
		format_percent(c->ratio, cells[COL_CHANGE], 96);
	format_percent(c->ratio_lo, lo, sizeof(lo));
	format_percent(c->ratio_hi, hi, sizeof(hi));
	if (isnan(c->ratio_lo))
		snprintf(cells[COL_INTERVAL], 96, "[-]");
	else
		snprintf(cells[COL_INTERVAL], 96, "[%s, %s]", lo, hi);
	format_p(c->p, cells[COL_P], 96);
	format_p(c->q, cells[COL_Q], 96);
}

/* Display width: UTF-8 continuation bytes take no column ("±" is one). */
static int width_of(const char *s)
{
	int w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void print_cell(FILE *f, const char *text, int width, bool left)
{
	int pad = width - width_of(text);
	if (!left)
		fprintf(f, "%*s", pad > 0 ? pad : 0, "");
	fputs(text, f);
	if (left)
		fprintf(f, "%*s", pad > 0 ? pad : 0, "");
}

static void print_text_row(FILE *f, const char *name, char cells[NCOLS][96], const int *width)
{
	print_cell(f, name, width[COL_NAME], true);
	for (int k = 1; k < NCOLS; k++) {
		fputs(k == COL_A_SPREAD || k == COL_B_SPREAD ? " " : "  ", f);
		print_cell(f, cells[k], width[k], k == COL_INTERVAL || k == COL_A_SPREAD ||
						     k == COL_B_SPREAD);
	}
	fputc('\n', f);
}

struct tally {
	size_t compared, tested, better, worse, raw_below, low_power, alone_blocked;
	double min_p;		/* the smallest of the configurations' smallest possible p */
	size_t ratios;
	double log_sum;
};

static struct tally count(const struct comparison_set *set, double alpha)
{
	struct tally t = { .compared = set->n, .min_p = 1 };
	for (size_t i = 0; i < set->n; i++) {
		const struct comparison *x = &set->items[i];
		t.tested += !isnan(x->p);
	}
	for (size_t i = 0; i < set->n; i++) {
		const struct comparison *c = &set->items[i];
		t.better += c->verdict == VERDICT_BETTER;
		t.worse += c->verdict == VERDICT_WORSE;
		t.raw_below += !isnan(c->p) && c->p < alpha;
		t.low_power += c->min_p >= alpha;
		/* Benjamini-Hochberg lets a change found alone through only at p <= alpha / tests. */
		t.alone_blocked += c->min_p > alpha / (double)t.tested;
		t.min_p = c->min_p < t.min_p ? c->min_p : t.min_p;
		if (isfinite(c->ratio) && c->ratio > 0) {
			t.log_sum += log(c->ratio);
			t.ratios++;
		}
	}
	return t;
}

static double geomean(const struct tally *t)
{
	return t->ratios ? exp(t->log_sum / (double)t->ratios) : NAN;
}

static void print_lists(FILE *f, const struct compare_report *r)
{
	size_t i;
	json_t *v;
	json_array_foreach(r->only_a, i, v)
		fprintf(f, "only in A: %s\n", json_string_value(v));
	json_array_foreach(r->only_b, i, v)
		fprintf(f, "only in B: %s\n", json_string_value(v));
	json_array_foreach(r->not_compared, i, v)
		fprintf(f, "not compared, %s in %s: %s\n",
			json_string_value(json_object_get(v, "status")),
			json_string_value(json_object_get(v, "side")),
			json_string_value(json_object_get(v, "name")));
}

static void print_text(FILE *f, const struct comparison_set *set, const struct compare_report *r)
{
	static const char *const heads[NCOLS] = { "configuration", "A", "", "n", "B", "", "n",
						   "change", "[95% CI]", "p", "q" };
	char (*cells)[NCOLS][96] = calloc(set->n ? set->n : 1, sizeof(*cells));
	int width[NCOLS];
	const struct metric *m = r->metric;
	if (!cells)
		return;
	for (int k = 0; k < NCOLS; k++)
		width[k] = width_of(heads[k]);
	for (size_t i = 0; i < set->n; i++) {
		format_row(&set->items[i], cells[i]);
		int w = width_of(set->items[i].name);
		width[COL_NAME] = w > width[COL_NAME] ? w : width[COL_NAME];
		for (int k = 1; k < NCOLS; k++)
			width[k] = width_of(cells[i][k]) > width[k] ? width_of(cells[i][k]) : width[k];
	}
	fprintf(f, "A: %s\nB: %s\n"
		"%s (%s, %s is better): the median of the repetitions ± the farther end of its 95%% "
		"interval, over n\n"
		"change: B/A - 1 with a 95%% bootstrap interval; p: Mann-Whitney U; q: p corrected for "
		"%zu tests (Benjamini-Hochberg); ~: q >= %g\n\n", r->label_a, r->label_b, m->name,
		m->unit, m->higher_is_better ? "higher" : "lower", count(set, r->alpha).tested,
		r->alpha);
	char head[NCOLS][96];
	for (int k = 0; k < NCOLS; k++)
		snprintf(head[k], 96, "%s", heads[k]);
	print_text_row(f, heads[COL_NAME], head, width);
	for (size_t i = 0; i < set->n; i++)
		print_text_row(f, set->items[i].name, cells[i], width);
	free(cells);
	print_lists(f, r);
	struct tally t = count(set, r->alpha);
	fprintf(f, "summary: %zu configurations compared; %zu changed at a false discovery rate "
		"of %g (%zu better, %zu worse); %zu had a raw p below %g; geometric mean of B/A "
		"%.4f\n", t.compared, t.better + t.worse, r->alpha, t.better, t.worse, t.raw_below,
		r->alpha, geomean(&t));
	if (t.low_power)
		fprintf(f, "note: %zu configurations have too few repetitions for any p below %g\n",
			t.low_power, r->alpha);
	else if (t.alone_blocked)
		fprintf(f, "note: over %zu tests a change found alone is significant only with p <= "
			"%.2g, and the repetitions of %zu configurations cannot give a p below %.2g: "
			"many changes together can still pass; for one, give more repetitions or compare "
			"fewer configurations (--bench, --prim, --threads, --set)\n", t.tested,
			r->alpha / (double)t.tested, t.alone_blocked, t.min_p);
	if (!m->per_rep)
		fprintf(f, "note: %s is one figure per configuration (every repetition's samples "
			"merged): no interval and no test\n", m->name);
}

static const char *verdict_name(enum compare_verdict v)
{
	static const char *const names[] = { [VERDICT_SAME] = "same", [VERDICT_BETTER] = "better",
					     [VERDICT_WORSE] = "worse", [VERDICT_UNTESTED] = "untested" };
	return names[v];
}

static void csv_number(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.10g", v);
	else
		fputc(',', f);
}

static void print_csv(FILE *f, const struct comparison_set *set, const struct compare_report *r)
{
	fputs("configuration,metric,unit,a_median,a_ci95_lo,a_ci95_hi,a_n,b_median,b_ci95_lo,"
	      "b_ci95_hi,b_n,ratio,ratio_ci95_lo,ratio_ci95_hi,change_pct,change_ci95_lo_pct,"
	      "change_ci95_hi_pct,p,q,verdict\n", f);
	for (size_t i = 0; i < set->n; i++) {
		const struct comparison *c = &set->items[i];
		export_csv_text(f, c->name);
		fputc(',', f);
		export_csv_text(f, r->metric->name);
		fputc(',', f);
		export_csv_text(f, r->metric->unit);
		csv_number(f, c->a.median);
		csv_number(f, c->a.lo);
		csv_number(f, c->a.hi);
		fprintf(f, ",%zu", c->a.n);
		csv_number(f, c->b.median);
		csv_number(f, c->b.lo);
		csv_number(f, c->b.hi);
		fprintf(f, ",%zu", c->b.n);
		csv_number(f, c->ratio);
		csv_number(f, c->ratio_lo);
		csv_number(f, c->ratio_hi);
		csv_number(f, 100 * (c->ratio - 1));
		csv_number(f, 100 * (c->ratio_lo - 1));
		csv_number(f, 100 * (c->ratio_hi - 1));
		csv_number(f, c->p);
		csv_number(f, c->q);
		fprintf(f, ",%s\n", verdict_name(c->verdict));
	}
}

static json_t *number_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *side_json(const struct compare_side *s)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o}", "n", (json_int_t)s->n, "median",
			 number_or_null(s->median), "ci95_lo", number_or_null(s->lo), "ci95_hi",
			 number_or_null(s->hi), "ci95_level", number_or_null(s->level));
}

static void print_json(FILE *f, const struct comparison_set *set, const struct compare_report *r)
{
	json_t *list = json_array();
	for (size_t i = 0; i < set->n; i++) {
		const struct comparison *c = &set->items[i];
		json_array_append_new(list, json_pack(
			"{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "configuration", c->name,
			"a", side_json(&c->a), "b", side_json(&c->b), "ratio", number_or_null(c->ratio),
			"ratio_ci95_lo", number_or_null(c->ratio_lo), "ratio_ci95_hi",
			number_or_null(c->ratio_hi), "p", number_or_null(c->p), "q",
			number_or_null(c->q), "verdict", verdict_name(c->verdict)));
	}
	struct tally t = count(set, r->alpha);
	json_t *doc = json_pack(
		"{s:s, s:s, s:{s:s, s:s, s:b, s:b}, s:f, s:s, s:O, s:o, s:O, s:O, s:O, "
		"s:{s:I, s:I, s:I, s:I, s:I, s:o}}",
		"a", r->label_a, "b", r->label_b, "metric", "name", r->metric->name, "unit",
		r->metric->unit, "higher_is_better", r->metric->higher_is_better, "per_repetition",
		r->metric->per_rep, "alpha", r->alpha, "correction", "benjamini-hochberg",
		"warnings", r->warnings, "comparisons", list, "only_in_a", r->only_a, "only_in_b",
		r->only_b, "not_compared", r->not_compared, "summary", "compared",
		(json_int_t)t.compared, "tested", (json_int_t)t.tested, "better",
		(json_int_t)t.better, "worse", (json_int_t)t.worse, "raw_p_below_alpha",
		(json_int_t)t.raw_below, "geomean_ratio", number_or_null(geomean(&t)));
	json_dumpf(doc, f, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	fputc('\n', f);
	json_decref(doc);
}

void comparison_set_print(FILE *f, const struct comparison_set *set,
			  const struct compare_report *report)
{
	if (report->format == COMPARE_CSV)
		print_csv(f, set, report);
	else if (report->format == COMPARE_JSON)
		print_json(f, set, report);
	else
		print_text(f, set, report);
}
