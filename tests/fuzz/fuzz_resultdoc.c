/*
 * libFuzzer target over the result-document reader: resultdoc_parse runs
 * the checks resultdoc_load applies to every file that `run --resume`,
 * `export` and `compare` read, and resultdoc_check_entries the entry
 * checks that export, compare and merge then apply.  An input it accepts
 * then goes where those commands take a document: every configuration is
 * named (resultdoc_config_name) and its summary read (resultdoc_summary);
 * export's tables at both levels are built and written in both formats
 * (every table's rows with one set of columns, each column one type, no
 * configuration lost), and its Google Benchmark document; the document is
 * compared against itself in every output format and on several metrics
 * (compare's report goes to stdout, which points at /dev/null here); and
 * it is offered to `run --resume` (resume_check, resume_entries).  Every input must end in a document or a clean error
 * -- exactly one non-empty line -- an entry that passes the checks must
 * have a name, and resume must keep only entries that pass them.  A
 * crash, leak, hang or sanitizer report is a finding.  Built and run by
 * `make fuzz`; seeds in tests/fuzz/corpus_resultdoc/.
 */
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../harness/compare.h"
#include "../../harness/export.h"
#include "../../harness/resultdoc.h"
#include "../../harness/resume.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	int null = open("/dev/null", O_WRONLY);
	sink = fopen("/dev/null", "w");
	if (null < 0 || !sink || dup2(null, STDOUT_FILENO) < 0)
		return -1;
	close(null);
	return 0;
}

/* A clean error is one non-empty line. */
static void expect_one_line(const char *err)
{
	if (err[0] == '\0' || strchr(err, '\n'))
		__builtin_trap();
}

static void read_entries(json_t *doc)
{
	static const char *const fields[][2] = {
		{ "ops_per_sec", "median" }, { "ns_per_op", "mean" }, { "fairness", "jain" },
	};
	char name[1024];
	json_t *e;
	size_t i;
	json_array_foreach(json_object_get(doc, "results"), i, e) {
		/* Fitting or cut, the name stays UTF-8: export and compare use it as a JSON string. */
		resultdoc_config_name(e, name, sizeof(name));
		json_t *as_json = json_string(name);
		if (!as_json)
			__builtin_trap();
		json_decref(as_json);
		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			double v = resultdoc_summary(e, fields[k][0], fields[k][1]);
			(void)isnan(v);
		}
	}
}

/* A valid entry names its workload and primitive: no "?" in the name. */
static void check_valid_names(json_t *doc)
{
	char name[1024], why[256];
	json_t *e;
	size_t i;
	json_array_foreach(json_object_get(doc, "results"), i, e) {
		if (resultdoc_check_entry(e, why, sizeof(why)) != 0)
			continue;
		resultdoc_config_name(e, name, sizeof(name));
		if (name[0] == '?' || strstr(name, "/?/threads:"))
			__builtin_trap();
	}
}

/* Offered to --resume: a clean refusal, or only valid entries kept. */
static void check_resume(json_t *doc)
{
	static const struct event_set events = { .spec = "none" };
	struct sweep sw = { .bench = bench_find("lock") };
	struct run_settings s = { .duration_s = 1, .warmup_s = 0.2, .reps = 3, .events = &events };
	char err[1024] = "", why[256];
	const char *name;
	json_t *e;
	if (resume_check(doc, "fuzz.json", &sw, &s, err, sizeof(err)) != 0)
		expect_one_line(err);
	json_t *kept = resume_entries(doc, "fuzz.json", sink);
	json_object_foreach(kept, name, e) {
		if (resultdoc_check_entry(e, why, sizeof(why)) != 0)
			__builtin_trap();
	}
	json_decref(kept);
}

/*
 * Every table's rows: one per repetition (or per configuration), none
 * lost, and each column of one type, with a value in every row unless it
 * is real-valued.
 */
static void check_tables(json_t *docs, json_t *sources, enum export_level level)
{
	struct export_options o = { .format = EXPORT_JSONL, .level = level };
	int unmeasured = 0;
	size_t rows = 0, want = 0, i, r;
	const char *bench;
	json_t *e, *table, *row, *c;
	json_t *tables = export_tables(docs, sources, &o, &unmeasured);
	json_object_foreach(tables, bench, table) {
		json_t *columns = export_table_columns(table);
		rows += json_array_size(table);
		json_array_foreach(columns, i, c) {
			const char *name = json_string_value(json_object_get(c, "name"));
			bool real = strcmp(json_string_value(json_object_get(c, "type")), "number") == 0;
			json_array_foreach(table, r, row) {
				json_t *v = json_object_get(row, name);
				if (!real && (!v || json_is_null(v) || json_is_real(v)))
					__builtin_trap();
			}
		}
		json_decref(columns);
		export_write_table(sink, EXPORT_CSV, table);
		export_write_table(sink, EXPORT_JSONL, table);
	}
	size_t empty = 0;
	json_array_foreach(json_object_get(json_array_get(docs, 0), "results"), i, e) {
		size_t reps = json_array_size(json_object_get(e, "reps"));
		want += level == EXPORT_CONFIG ? 1 : reps;
		empty += reps == 0;
	}
	if (rows != want || (level == EXPORT_REP && (size_t)unmeasured != empty))
		__builtin_trap();
	json_decref(tables);
}

/* Compared against itself: every format, per repetition and per configuration figures. */
static void check_compare(json_t *docs)
{
	static const char *const metrics[] = { "ops_per_sec", "ns_per_op", "jain", "p99",
					       "counter:task-clock", "rate:handoff", "handoff_vs_floor" };
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		struct compare_options o;
		char err[256];
		compare_options_default(&o);
		if (metric_parse(metrics[i], &o.metric, err, sizeof(err)) != 0)
			__builtin_trap();
		o.format = (enum compare_format)(i % 3);
		compare_docs(docs, docs, (int)(i & 1), &o);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	json_t *doc = resultdoc_parse((const char *)data, size, err, sizeof(err));
	if (!doc) {
		expect_one_line(err);
		return 0;
	}
	read_entries(doc);
	if (resultdoc_check_entries(doc, "fuzz.json", err, sizeof(err)) != 0)
		expect_one_line(err);
	check_valid_names(doc);
	check_resume(doc);

	json_t *docs = json_pack("[o]", doc);
	json_t *sources = json_pack("[s]", "fuzz.json");
	if (docs && sources) {
		struct entry_filter none = { 0 };
		json_t *g = export_gbench(docs, &none);
		if (!g || !json_is_array(json_object_get(g, "benchmarks")))
			__builtin_trap();
		json_dumpf(g, sink, JSON_COMPACT);
		json_decref(g);
		check_tables(docs, sources, EXPORT_REP);
		check_tables(docs, sources, EXPORT_CONFIG);
		check_compare(docs);
		fflush(stdout);
	}
	json_decref(docs);
	json_decref(sources);
	return 0;
}
