#include "export.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"
#include "resultdoc.h"
#include "safefile.h"

static const char export_usage[] =
	"usage: syncbench export --format csv|jsonl|gbench [--out FILE] RESULT...\n"
	"\n"
	"RESULT is a result document or a results directory (its *.json files).\n"
	"Writes to FILE, or to stdout.\n"
	"\n"
	"  csv     one row per configuration x repetition; units in the column\n"
	"          names; with --out, the context of each document goes to the\n"
	"          sidecar FILE.context.json, by the file it came from (the\n"
	"          rows' source column)\n"
	"  jsonl   the same rows, one JSON object per line (pandas.read_json(lines=True))\n"
	"  gbench  Google Benchmark's JSON, one entry per repetition, for its\n"
	"          tools/compare.py: real_time is wall ns per operation, cpu_time\n"
	"          CPU ns per operation; names are CONFIG, or HOST:CONFIG when the\n"
	"          results come from several hosts (a merged data set)\n"
	"\n"
	"Exit status: 0; 2 bad input (nothing written); 3 the output could not be\n"
	"written (FILE and its sidecar are then left as they were).\n";

static int bad_input(const char *fmt, const char *arg)
{
	fputs("syncbench: export: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 2;
}

static double jain_of_rep(json_t *rep)
{
	double sum = 0, squares = 0;
	size_t i, n = json_array_size(json_object_get(rep, "threads"));
	json_t *t;
	json_array_foreach(json_object_get(rep, "threads"), i, t) {
		double x = (double)json_integer_value(json_object_get(t, "ops"));
		sum += x;
		squares += x * x;
	}
	return squares > 0 ? sum * sum / ((double)n * squares) : NAN;
}

/* row[prefix + name] = v, at any length: a fixed buffer could cut a UTF-8 character. */
static void set_column(json_t *row, const char *prefix, const char *name, json_t *v)
{
	char *column;
	if (asprintf(&column, "%s%s", prefix, name) < 0)
		return;
	json_object_set(row, column, v);
	free(column);
}

static double number_or_nan(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* Each event's total over threads, scaled by enabled/running where multiplexed. */
static void add_counters(json_t *row, json_t *rep)
{
	json_t *totals = json_object(), *t, *reading;
	const char *name;
	size_t i;
	json_array_foreach(json_object_get(rep, "threads"), i, t) {
		json_object_foreach(json_object_get(t, "counters"), name, reading) {
			double value = (double)json_integer_value(json_object_get(reading, "value"));
			double enabled = (double)json_integer_value(json_object_get(reading, "enabled_ns"));
			double running = (double)json_integer_value(json_object_get(reading, "running_ns"));
			if (running > 0 && running < enabled)
				value *= enabled / running;
			json_t *sum = json_object_get(totals, name);
			json_object_set_new(totals, name, json_real(value + (sum ? json_real_value(sum) : 0)));
		}
	}
	json_object_foreach(totals, name, reading)
		set_column(row, "counter_", name, reading);
	json_decref(totals);
}

/* The entry's columns, shared by all its repetitions. */
static json_t *entry_row(const char *source, const char *host, json_t *e)
{
	char name[1024];
	const char *key;
	json_t *v;
	resultdoc_config_name(e, name, sizeof(name));
	json_t *placement = json_object_get(e, "placement");
	/* O?: a field missing from a damaged document is an empty cell, not a lost row. */
	json_t *row = json_pack("{s:s, s:s, s:s, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:I}",
		"source", source, "host", host, "config", name, "bench", json_object_get(e, "bench"),
		"prim", json_object_get(e, "prim"), "threads", json_object_get(e, "threads"),
		"placement", json_object_get(placement, "policy"),
		"oversubscribed", json_object_get(placement, "oversubscribed"),
		"status", json_object_get(e, "status"), "duration_s", json_object_get(e, "duration_s"),
		"reps", (json_int_t)json_array_size(json_object_get(e, "reps")));
	json_object_foreach(json_object_get(e, "params"), key, v)
		set_column(row, "param_", key, v);
	return row;
}

static json_t *rep_row(json_t *base, json_t *rep, size_t index)
{
	json_t *row = json_copy(base), *v;
	const char *kind;
	double ops = (double)json_integer_value(json_object_get(rep, "ops"));
	json_object_set_new(row, "rep", json_integer((json_int_t)index));
	json_object_set(row, "wall_ns", json_object_get(rep, "wall_ns"));
	json_object_set(row, "ops", json_object_get(rep, "ops"));
	json_object_set(row, "cpu_ns", json_object_get(rep, "cpu_ns"));
	json_object_set(row, "ops_per_sec", json_object_get(rep, "ops_per_sec"));
	json_object_set(row, "ns_per_op", json_object_get(rep, "ns_per_op"));
	json_object_set_new(row, "cpu_ns_per_op",
		real_or_null((double)json_integer_value(json_object_get(rep, "cpu_ns")) / ops));
	json_object_set_new(row, "jain", real_or_null(jain_of_rep(rep)));
	json_object_foreach(json_object_get(rep, "ops_by_kind"), kind, v)
		set_column(row, "ops_", kind, v);
	add_counters(row, rep);
	return row;
}

/*
 * One row per configuration x repetition.  An entry that measured nothing
 * (crashed, timeout, error) still gets one row, with empty figures, so
 * that it is not silently dropped.
 */
static json_t *tidy_rows(json_t *docs, json_t *sources)
{
	json_t *rows = json_array(), *doc, *e, *rep;
	size_t d, i, r;
	json_array_foreach(docs, d, doc) {
		const char *source = json_string_value(json_array_get(sources, d));
		json_array_foreach(json_object_get(doc, "results"), i, e) {
			json_t *base = entry_row(source, resultdoc_host(doc), e);
			json_array_foreach(json_object_get(e, "reps"), r, rep)
				json_array_append_new(rows, rep_row(base, rep, r));
			if (json_array_size(json_object_get(e, "reps")) == 0)
				json_array_append(rows, base);
			json_decref(base);
		}
	}
	return rows;
}

/* Every column any row has, in the order first seen. */
static json_t *columns_of(json_t *rows)
{
	json_t *columns = json_array(), *seen = json_object(), *row, *v;
	const char *key;
	size_t i;
	json_array_foreach(rows, i, row) {
		json_object_foreach(row, key, v) {
			if (json_object_get(seen, key))
				continue;
			json_object_set_new(seen, key, json_true());
			json_array_append_new(columns, json_string(key));
		}
	}
	json_decref(seen);
	return columns;
}

static void csv_field(FILE *f, json_t *v)
{
	if (json_is_integer(v)) {
		fprintf(f, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		fprintf(f, "%.10g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? "true" : "false", f);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (!strpbrk(s, ",\"\n\r")) {
			fputs(s, f);
			return;
		}
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	}
}

static void write_csv(FILE *f, json_t *rows)
{
	json_t *columns = columns_of(rows), *c, *row;
	size_t i, k;
	json_array_foreach(columns, k, c)
		fprintf(f, "%s%s", k ? "," : "", json_string_value(c));
	fputc('\n', f);
	json_array_foreach(rows, i, row) {
		json_array_foreach(columns, k, c) {
			if (k)
				fputc(',', f);
			csv_field(f, json_object_get(row, json_string_value(c)));
		}
		fputc('\n', f);
	}
	json_decref(columns);
}

static void write_jsonl(FILE *f, json_t *rows)
{
	json_t *row;
	size_t i;
	json_array_foreach(rows, i, row) {
		json_dumpf(row, f, JSON_COMPACT | JSON_REAL_PRECISION(10));
		fputc('\n', f);
	}
}

/* Google Benchmark's context, from the first document; ours rides along under syncbench_context. */
static json_t *gbench_context(json_t *doc)
{
	json_t *ctx = json_object_get(doc, "context");
	return json_pack("{s:O?, s:O?, s:s, s:O?, s:i, s:b, s:[], s:s, s:s, s:O}",
		"date", json_object_get(ctx, "date"), "host_name", json_object_get(ctx, "hostname"),
		"executable", "syncbench",
		"num_cpus", json_object_get(json_object_get(ctx, "topology"), "pus"),
		"mhz_per_cpu", 0, "cpu_scaling_enabled", 0, "caches",
		"library_build_type", "release", "syncbench_schema", SCHEMA_VERSION,
		"syncbench_context", ctx);
}

static json_t *gbench_entry(const char *name, size_t family, json_t *e, json_t *rep,
			    size_t index)
{
	double ops = (double)json_integer_value(json_object_get(rep, "ops"));
	double cpu_ns = (double)json_integer_value(json_object_get(rep, "cpu_ns"));
	json_t *g = json_pack("{s:s, s:I, s:i, s:s, s:s, s:I, s:I, s:O?, s:O?, s:o, s:o, s:s}",
		"name", name, "family_index", (json_int_t)family, "per_family_instance_index", 0,
		"run_name", name, "run_type", "iteration",
		"repetitions", (json_int_t)json_array_size(json_object_get(e, "reps")),
		"repetition_index", (json_int_t)index, "threads", json_object_get(e, "threads"),
		"iterations", json_object_get(rep, "ops"),
		"real_time", real_or_null(number_or_nan(json_object_get(rep, "ns_per_op"))),
		"cpu_time", real_or_null(cpu_ns / ops), "time_unit", "ns");
	json_object_set(g, "ops_per_sec", json_object_get(rep, "ops_per_sec"));
	json_object_set_new(g, "jain", real_or_null(jain_of_rep(rep)));
	return g;
}

static bool several_hosts(json_t *docs)
{
	json_t *doc;
	size_t d;
	json_array_foreach(docs, d, doc)
		if (strcmp(resultdoc_host(doc), resultdoc_host(json_array_get(docs, 0))) != 0)
			return true;
	return false;
}

/*
 * Only entries that measured something: Google Benchmark has no failed
 * runs to show.  Names are unique per benchmark: with several hosts (a
 * merged data set) they read HOST:CONFIG, as `syncbench compare` shows them.
 */
static json_t *gbench_document(json_t *docs)
{
	json_t *list = json_array(), *doc, *e, *rep;
	size_t d, i, r, family = 0;
	char config[1024], name[1300];
	bool by_host = several_hosts(docs);
	json_array_foreach(docs, d, doc) {
		json_array_foreach(json_object_get(doc, "results"), i, e) {
			if (json_array_size(json_object_get(e, "reps")) == 0)
				continue;
			resultdoc_config_name(e, config, sizeof(config));
			snprintf(name, sizeof(name), "%s%s%s", by_host ? resultdoc_host(doc) : "",
				 by_host ? ":" : "", config);
			json_array_foreach(json_object_get(e, "reps"), r, rep)
				json_array_append_new(list, gbench_entry(name, family, e, rep, r));
			family++;
		}
	}
	return json_pack("{s:o, s:o}", "context", gbench_context(json_array_get(docs, 0)),
			 "benchmarks", list);
}

/* FILE.context.json: each source document's context, by source path. */
static int write_sidecar(FILE *f, json_t *docs, json_t *sources)
{
	json_t *contexts = json_object(), *doc;
	size_t d;
	json_array_foreach(docs, d, doc)
		json_object_set(contexts, json_string_value(json_array_get(sources, d)),
				json_object_get(doc, "context"));
	json_t *side = json_pack("{s:s, s:o}", "schema", SCHEMA_VERSION, "contexts", contexts);
	int rc = json_dumpf(side, f, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	json_decref(side);
	return rc;
}

/*
 * The export and, for csv, its sidecar, each through a temporary file;
 * both are written and synced before either replaces what was there.
 * Returns 0, or 3 with the reason on stderr.
 */
static int write_files(const char *out, const char *format, json_t *docs, json_t *sources)
{
	struct safefile data, side = { 0 };
	char err[512], *side_path = NULL;
	int csv = strcmp(format, "csv") == 0, rc = -1;
	if (safefile_open(&data, out, err, sizeof(err)) != 0)
		goto report;
	if (csv && (asprintf(&side_path, "%s.context.json", out) < 0 ||
		    safefile_open(&side, side_path, err, sizeof(err)) != 0)) {
		if (!side_path)
			snprintf(err, sizeof(err), "out of memory");
		goto abort;
	}
	/* A formatter's failure shows as the stream's error, reported by safefile_close. */
	export_write(data.f, format, docs, sources);
	if (csv)
		write_sidecar(side.f, docs, sources);
	if (safefile_close(&data, err, sizeof(err)) != 0 ||
	    (csv && safefile_close(&side, err, sizeof(err)) != 0))
		goto abort;
	rc = safefile_commit(&data, err, sizeof(err));
	if (rc == 0 && csv)
		rc = safefile_commit(&side, err, sizeof(err));
	goto report;
abort:
	safefile_abort(&data);
	safefile_abort(&side);
report:
	free(side_path);
	if (rc != 0)
		fprintf(stderr, "syncbench: export: %s\n", err);
	return rc == 0 ? 0 : 3;
}

int export_write(FILE *f, const char *format, json_t *docs, json_t *sources)
{
	if (strcmp(format, "gbench") == 0) {
		json_t *g = gbench_document(docs);
		int rc = json_dumpf(g, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
		fputc('\n', f);
		json_decref(g);
		return rc;
	}
	json_t *rows = tidy_rows(docs, sources);
	if (strcmp(format, "csv") == 0)
		write_csv(f, rows);
	else
		write_jsonl(f, rows);
	json_decref(rows);
	return 0;
}

int export_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL, *out = NULL;
	struct stat st;
	char err[512];
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else if (c == 'o')
			out = optarg;
		else if (c == 'h')
			return fputs(export_usage, stdout), 0;
		else
			return bad_input("unknown or incomplete option '%s' (accepted: --format, --out, --help)",
					 argv[optind - 1]);
	}
	if (!format)
		return bad_input("%s", "--format is required (accepted: csv, jsonl, gbench)");
	if (strcmp(format, "csv") && strcmp(format, "jsonl") && strcmp(format, "gbench"))
		return bad_input("unknown --format '%s' (accepted: csv, jsonl, gbench)", format);
	if (optind == argc)
		return bad_input("%s", "no result file or directory given");
	/* --out is replaced by rename: never a directory, device or FIFO that happens to be there. */
	if (out && (!out[0] || (lstat(out, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) ||
		    (stat(out, &st) == 0 && S_ISDIR(st.st_mode))))
		return bad_input("--out needs the name of a regular file, not '%s'", out);

	json_t *sources = json_array();	/* the file each document came from */
	json_t *docs = resultdoc_load_all(argv + optind, argc - optind, sources, err, sizeof(err));
	if (!docs) {
		json_decref(sources);
		return bad_input("%s", err);
	}
	int rc = 0;
	if (out)
		rc = write_files(out, format, docs, sources);
	else
		export_write(stdout, format, docs, sources);	/* main checks that stdout took it */
	json_decref(docs);
	json_decref(sources);
	return rc;
}
