/*
 * `syncbench export`: its options, and the files it writes (through a
 * temporary file each, all or none); the tables are export_table.c's,
 * their rows export_rows.c's, Google Benchmark's JSON export_gbench.c's.
 */
#include "export.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"
#include "resultdoc.h"
#include "safefile.h"
#include "suggest.h"

const char export_usage[] =
	"usage: syncbench export --format csv|jsonl|gbench [options] RESULT...\n"
	"\n"
	"RESULT is a result document or a results directory (its *.json files).\n"
	"Writes to stdout, or to --out FILE.\n"
	"\n"
	"  --format csv     a tidy table: one row per configuration x repetition (or per\n"
	"                   configuration, --level config); the thread count, every\n"
	"                   parameter (param_*, typed as declared), the series key (the\n"
	"                   primitive and its own parameters) and the contention level are\n"
	"                   columns; units are in the column names (_ns, _s, _per_s,\n"
	"                   _count); raw integer counts beside scaled figures.  A table\n"
	"                   holds one workload, whose parameters are its columns: with\n"
	"                   several, --out FILE writes FILE with .WORKLOAD before its\n"
	"                   extension for each (run.csv: run.lock.csv, run.rw.csv, ...)\n"
	"  --format jsonl   the same rows, one JSON object per line; on stdout every\n"
	"                   workload's rows in turn, with --out one file per workload as\n"
	"                   for csv\n"
	"  --format gbench  Google Benchmark's JSON for its tools/compare.py: per\n"
	"                   configuration one run per repetition and the aggregates _mean,\n"
	"                   _median, _stddev and _cv; real_time is wall ns per operation,\n"
	"                   cpu_time CPU ns per operation; a configuration that failed or\n"
	"                   measured nothing is marked error_occurred, as Google Benchmark\n"
	"                   marks a run that skipped with an error; names are the\n"
	"                   configurations', HOST:CONFIG with several hosts\n"
	"  --level rep|config  rows per repetition (default) or per configuration (its\n"
	"                   summary: n, median, min, max, mean, cv and the median's 95%\n"
	"                   interval of each figure); csv and jsonl\n"
	"  --bench LIST, --prim LIST (- for none), --threads LIST, --set KEY=V[,V]\n"
	"                   only these configurations (as compare takes them)\n"
	"  --out FILE       write there, through temporary files renamed into place; csv\n"
	"                   and jsonl also write FILE.context.json, each document's\n"
	"                   context by the file it came from (the rows' source column)\n"
	"  -h, --help       this text\n"
	"\n"
	"results/export-rep.schema.json and export-config.schema.json describe the\n"
	"columns.  pandas: pd.read_csv(f) gives each column its type; for JSON Lines,\n"
	"pd.read_json(f, lines=True, dtype=False) (without dtype=False pandas turns\n"
	"whole-valued real columns into integers).  A repetition table has no row for a\n"
	"configuration that measured nothing: stderr counts them, --level config lists\n"
	"them with their status.\n"
	"\n"
	"Exit status: 0; 2 bad input (nothing written); 3 the output could not be\n"
	"written (every file is then left as it was).\n";

static const char *const format_names[] = { "csv", "jsonl", "gbench" };

const char *const *export_format_names(size_t *n)
{
	*n = 3;
	return format_names;
}

static int __attribute__((format(printf, 1, 2))) bad_input(const char *fmt, ...)
{
	va_list ap;
	fputs("syncbench: export: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

/* --- Files. --- */

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

/* "run.csv" with workload lock: "run.lock.csv" (no extension: "run.lock"). */
static char *table_path(const char *out, const char *bench)
{
	const char *slash = strrchr(out, '/'), *dot = strrchr(out, '.');
	char *path;
	if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : out))
		dot = out + strlen(out);
	if (asprintf(&path, "%.*s.%s%s", (int)(dot - out), out, bench, dot) < 0)
		return NULL;
	return path;
}

/* What one export writes: its files, each through its own temporary file. */
struct export_files {
	int n;
	struct safefile *file;
	char **path;
};

static int open_files(struct export_files *fs, const char *out, const struct export_options *o,
		      json_t *tables, char *err, size_t errlen)
{
	size_t ntables = json_object_size(tables);
	bool split = o->format != EXPORT_GBENCH && ntables > 1;
	int want = (split ? (int)ntables : 1) + (o->format != EXPORT_GBENCH);
	const char *bench;
	json_t *rows;
	fs->file = calloc((size_t)want, sizeof(*fs->file));
	fs->path = calloc((size_t)want, sizeof(*fs->path));
	if (!fs->file || !fs->path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (split) {
		json_object_foreach(tables, bench, rows)
			fs->path[fs->n++] = table_path(out, bench);
	} else {
		fs->path[fs->n++] = strdup(out);
	}
	if (o->format != EXPORT_GBENCH && asprintf(&fs->path[fs->n++], "%s.context.json", out) < 0)
		fs->path[fs->n - 1] = NULL;
	for (int i = 0; i < fs->n; i++) {
		if (!fs->path[i]) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (safefile_open(&fs->file[i], fs->path[i], err, errlen) != 0)
			return -1;
	}
	return 0;
}

static void free_files(struct export_files *fs, bool abort)
{
	for (int i = 0; i < fs->n; i++) {
		if (abort)
			safefile_abort(&fs->file[i]);
		free(fs->path[i]);
	}
	free(fs->file);
	free(fs->path);
}

static void write_gbench(FILE *f, json_t *docs, const struct export_options *o)
{
	json_t *g = export_gbench(docs, &o->filter);
	json_dumpf(g, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	fputc('\n', f);
	json_decref(g);
}

/*
 * Every file of the export, each through a temporary file; all are
 * written and synced before any replaces what was there.  Returns 0, or
 * 3 with the reason on stderr.
 */
static int write_files(const char *out, const struct export_options *o, json_t *docs,
		       json_t *sources, json_t *tables)
{
	struct export_files fs = { 0 };
	char err[1024];
	const char *bench;
	json_t *rows;
	int i = 0;
	if (open_files(&fs, out, o, tables, err, sizeof(err)) != 0)
		goto fail;
	/* A formatter's failure shows as the stream's error, reported by safefile_close. */
	if (o->format == EXPORT_GBENCH) {
		write_gbench(fs.file[0].f, docs, o);
	} else {
		json_object_foreach(tables, bench, rows)
			export_write_table(fs.file[i++].f, o->format, rows);
		write_sidecar(fs.file[fs.n - 1].f, docs, sources);
	}
	for (i = 0; i < fs.n; i++)
		if (safefile_close(&fs.file[i], err, sizeof(err)) != 0)
			goto fail;
	for (i = 0; i < fs.n; i++)
		if (safefile_commit(&fs.file[i], err, sizeof(err)) != 0)
			goto fail;
	if (o->format != EXPORT_GBENCH && json_object_size(tables) > 1)
		fprintf(stderr, "syncbench: export: %zu workloads, one table each: %s ... %s\n",
			json_object_size(tables), fs.path[0], fs.path[fs.n - 2]);
	free_files(&fs, false);
	return 0;
fail:
	fprintf(stderr, "syncbench: export: %s\n", err);
	free_files(&fs, true);
	return 3;
}

/* --- The command. --- */

static int parse_choice(const char *option, const char *text, const char *const *names, int n,
			int *out)
{
	char hint[64], accepted[128] = "";
	for (int i = 0; i < n; i++) {
		if (strcmp(text, names[i]) == 0) {
			*out = i;
			return 0;
		}
		snprintf(accepted + strlen(accepted), sizeof(accepted) - strlen(accepted), "%s%s",
			 i ? ", " : "", names[i]);
	}
	suggest_phrase(text, names, (size_t)n, hint, sizeof(hint));
	return bad_input("unknown %s '%s' (%saccepted: %s)", option, text, hint, accepted);
}

static const struct option option_table[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "level", required_argument, NULL, 'l' },
	{ "out", required_argument, NULL, 'o' },
	{ "bench", required_argument, NULL, 'b' },
	{ "prim", required_argument, NULL, 'p' },
	{ "threads", required_argument, NULL, 't' },
	{ "set", required_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int unknown_option(const char *typed)
{
	char why[256];
	suggest_option_error(typed, option_table, why, sizeof(why));
	return bad_input("%s (accepted: --format, --level, --out, --bench, --prim, --threads, "
			 "--set, --help)", why);
}

/* Options into o and *out; returns 0, 1 for --help, or 2 (bad input, said on stderr). */
static int parse_export(int argc, char **argv, struct export_options *o, const char **out)
{
	static const char *const levels[] = { "rep", "config" };
	const char *format = NULL;
	char err[1024];
	int c, v;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", option_table, NULL)) != -1) {
		static const char *const filters[] = { ['b'] = "--bench", ['p'] = "--prim",
						       ['t'] = "--threads", ['s'] = "--set" };
		switch (c) {
		case 'f': format = optarg; break;
		case 'o': *out = optarg; break;
		case 'h': return 1;
		case 'l':
			if (parse_choice("--level", optarg, levels, 2, &v) != 0)
				return 2;
			o->level = (enum export_level)v;
			break;
		case 'b': case 'p': case 't': case 's':
			if (entry_filter_add(&o->filter, filters[c], optarg, err, sizeof(err)) != 0)
				return bad_input("%s", err);
			break;
		default:
			return unknown_option(argv[optind - 1]);
		}
	}
	if (!format)
		return bad_input("--format is required (accepted: csv, jsonl, gbench)");
	if (parse_choice("--format", format, format_names, 3, &v) != 0)
		return 2;
	o->format = (enum export_format)v;
	if (optind == argc)
		return bad_input("no result file or directory given (see syncbench export --help)");
	return 0;
}

/* --out is replaced by rename: never a directory, device or FIFO that happens to be there. */
static int check_out(const char *out)
{
	struct stat st;
	char why[1024];
	if (!out[0] || (lstat(out, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) ||
	    (stat(out, &st) == 0 && S_ISDIR(st.st_mode)))
		return bad_input("--out needs the name of a regular file, not '%s'", out);
	if (safefile_check_dir(out, why, sizeof(why)) != 0)
		return bad_input("--out: %s", why);
	return 0;
}

/* On stdout a CSV table holds one workload, so that its parameters can be its columns. */
static int check_one_table(json_t *tables)
{
	char names[1024] = "";
	const char *bench;
	json_t *rows;
	if (json_object_size(tables) <= 1)
		return 0;
	json_object_foreach(tables, bench, rows)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 names[0] ? ", " : "", bench);
	return bad_input("the results hold %zu workloads (%s) and a CSV table holds one, its "
			 "parameters as columns: choose one with --bench NAME, or give --out FILE "
			 "for one file per workload", json_object_size(tables), names);
}

int export_main(int argc, char **argv)
{
	struct export_options o = { .level = EXPORT_REP };
	const char *out = NULL;
	char err[1024];
	int rc = parse_export(argc, argv, &o, &out);
	if (rc == 1)
		return fputs(export_usage, stdout) < 0;
	if (rc != 0 || (out && check_out(out) != 0))
		return 2;
	json_t *sources = json_array();	/* the file each document came from */
	json_t *docs = resultdoc_load_all(argv + optind, argc - optind, sources, err, sizeof(err));
	if (!docs) {
		json_decref(sources);
		return bad_input("%s", err);
	}
	int unmeasured = 0;
	json_t *tables = o.format == EXPORT_GBENCH ? json_object() :
			 export_tables(docs, sources, &o, &unmeasured);
	if (o.format != EXPORT_GBENCH && json_object_size(tables) == 0)
		rc = entry_filter_empty(&o.filter)
			? bad_input("the results hold no %sconfiguration%s", o.level == EXPORT_REP ?
				    "measured " : "", o.level == EXPORT_REP ?
				    " (--level config lists every one, with its status)" : "")
			: bad_input("no configuration passes the filters (--bench, --prim, --threads, "
				    "--set)");
	else if (o.format == EXPORT_CSV && !out)
		rc = check_one_table(tables);
	if (rc == 0 && unmeasured)
		fprintf(stderr, "syncbench: export: %d configuration%s measured no repetition (error, "
			"crashed or timeout): no row here; --level config lists %s\n", unmeasured,
			unmeasured == 1 ? "" : "s", unmeasured == 1 ? "it" : "them");
	if (rc == 0 && out) {
		rc = write_files(out, &o, docs, sources, tables);
	} else if (rc == 0 && o.format == EXPORT_GBENCH) {
		write_gbench(stdout, docs, &o);	/* main checks that stdout took it */
	} else if (rc == 0) {
		const char *bench;
		json_t *rows;
		json_object_foreach(tables, bench, rows)
			export_write_table(stdout, o.format, rows);
	}
	json_decref(tables);
	json_decref(docs);
	json_decref(sources);
	return rc;
}
