/*
 * The merged data set is a directory of ordinary syncbench/1 documents, one
 * per host x workload, named HOST.WORKLOAD.json.  One host per document
 * keeps "which machine" where every reader already looks (context), so
 * compare, export and plot.py need no second format, and the schema is the
 * same one.  The shards of one host's workload become one document; its
 * context is the first shard's, plus merged_from: what each input was.
 */
#include "merge.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "resultdoc.h"
#include "safefile.h"

const char merge_usage[] =
	"usage: syncbench merge --out DIR RESULT...\n"
	"\n"
	"Puts the results of one sweep from many hosts (each host's whole sweep, or\n"
	"one shard of it) into one data set: DIR/HOST.WORKLOAD.json, one syncbench/1\n"
	"document per host and workload, which compare, export and plot.py read.\n"
	"RESULT is a result document or a results directory (its *.json files).\n"
	"\n"
	"Refused (status 2, nothing written): a file that is not a syncbench/1\n"
	"document, results of different sweeps (context.sweep_id), shards of\n"
	"different splits or run on different topologies, DIR already existing.\n"
	"A configuration found twice for one host is a conflict: each is listed on\n"
	"stderr, nothing is written, status 1.  A shard in no input is noted on\n"
	"stderr.  Status 3: DIR could not be written.\n";

static int __attribute__((format(printf, 1, 2))) bad_input(const char *fmt, ...)
{
	va_list ap;
	fputs("syncbench: merge: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

/* Entries are checked on loading (resultdoc_load_all); the host names a file here. */
static int check_host(json_t *doc, const char *source)
{
	if (!resultdoc_label_ok(resultdoc_host(doc)))
		return bad_input("%s: context names no usable host ('%s'; accepted: letters, digits, "
				 "'.', '_' and '-')", source, resultdoc_host(doc));
	return 0;
}

static const char *sweep_id(json_t *doc)
{
	const char *id = json_string_value(json_object_get(json_object_get(doc, "context"), "sweep_id"));
	return id ? id : "(none)";
}

/* context.shard.field; a document without one is a whole sweep, shard 1 of 1. */
static json_int_t shard_field(json_t *doc, const char *field)
{
	json_t *v = json_object_get(json_object_get(json_object_get(doc, "context"), "shard"), field);
	return json_is_integer(v) ? json_integer_value(v) : 1;
}

/*
 * One sweep, split one way: the same sweep id and shard count everywhere,
 * and, for a split sweep, one topology, since the split is exact only when
 * every shard planned the same configurations.  Returns 0 or 2.
 */
static int check_one_sweep(json_t *docs, json_t *sources)
{
	json_t *first = json_array_get(docs, 0), *doc;
	const char *src0 = json_string_value(json_array_get(sources, 0));
	json_int_t count = shard_field(first, "count");
	size_t i;
	json_array_foreach(docs, i, doc) {
		const char *src = json_string_value(json_array_get(sources, i));
		json_int_t index = shard_field(doc, "index");
		if (strcmp(sweep_id(doc), sweep_id(first)) != 0)
			return bad_input("results of different sweeps: %s has sweep_id %s, %s has %s "
					 "(merge the results of one sweep: one ./run.sh slurm or k8s "
					 "submission, or runs given the same --sweep-id)",
					 src0, sweep_id(first), src, sweep_id(doc));
		if (shard_field(doc, "count") != count || index < 1 || index > count)
			return bad_input("%s is shard %lld/%lld, %s is of %lld shards: one sweep is split "
					 "one way", src, (long long)index, (long long)shard_field(doc, "count"),
					 src0, (long long)count);
		if (count > 1 && !json_equal(json_object_get(json_object_get(doc, "context"), "topology"),
					     json_object_get(json_object_get(first, "context"), "topology")))
			return bad_input("the shards of sweep %s ran on different topologies (%s, %s): a "
					 "sweep splits exactly only over identical machines; use --per-host "
					 "to compare machines", sweep_id(first), src0, src);
	}
	return 0;
}

/* A shard in no input is a hole in the data set: said, not refused. */
static void note_missing_shards(json_t *docs)
{
	json_int_t count = shard_field(json_array_get(docs, 0), "count");
	char *seen = calloc((size_t)count + 1, 1);
	json_t *doc;
	size_t i;
	if (!seen)
		return;
	json_array_foreach(docs, i, doc)
		seen[shard_field(doc, "index")] = 1;
	for (json_int_t s = 1; s <= count; s++)
		if (!seen[s])
			fprintf(stderr, "syncbench: merge: note: shard %lld/%lld is in no input: its "
				"configurations are missing\n", (long long)s, (long long)count);
	free(seen);
}

/* The document that HOST.WORKLOAD.json will hold, started from doc's context. */
static json_t *new_group(json_t *doc)
{
	json_t *context = json_deep_copy(json_object_get(doc, "context"));
	json_object_del(context, "shard");
	json_object_set_new(context, "merged_from", json_array());
	return json_pack("{s:s, s:o, s:b, s:n, s:[]}", "schema", SCHEMA_VERSION, "context", context,
			 "complete", 1, "interrupted_by", "results");
}

/* Records that group holds entries of doc, from source. */
static void add_source(json_t *group, json_t *doc, const char *source)
{
	json_t *ctx = json_object_get(doc, "context");
	json_array_append_new(json_object_get(json_object_get(group, "context"), "merged_from"),
		json_pack("{s:s, s:O*, s:O*, s:O*, s:O*}", "source", source, "date",
			  json_object_get(ctx, "date"), "command_line", json_object_get(ctx, "command_line"),
			  "git_commit", json_object_get(ctx, "git_commit"), "shard",
			  json_object_get(ctx, "shard")));
	if (!json_is_true(json_object_get(doc, "complete"))) {
		json_object_set_new(group, "complete", json_false());
		if (json_is_null(json_object_get(group, "interrupted_by")))
			json_object_set(group, "interrupted_by", json_object_get(doc, "interrupted_by"));
	}
}

/*
 * Files each entry under groups[HOST.WORKLOAD]; a configuration that a host
 * already has is a conflict, printed.  Returns the number of conflicts.
 */
static int group_entries(json_t *docs, json_t *sources, json_t *groups)
{
	json_t *seen = json_object(), *doc, *e;
	size_t d, i;
	int conflicts = 0;
	char name[1024];
	json_array_foreach(docs, d, doc) {
		const char *source = json_string_value(json_array_get(sources, d));
		const char *host = resultdoc_host(doc);
		json_t *touched = json_object();
		json_array_foreach(json_object_get(doc, "results"), i, e) {
			char *key = NULL, *file = NULL;
			resultdoc_config_name(e, name, sizeof(name));
			if (asprintf(&key, "%s\t%s", host, name) < 0 ||
			    asprintf(&file, "%s.%s", host, json_string_value(json_object_get(e, "bench"))) < 0) {
				free(key);
				fprintf(stderr, "syncbench: merge: out of memory\n");
				exit(1);
			}
			const char *before = json_string_value(json_object_get(seen, key));
			if (before) {
				fprintf(stderr, "syncbench: merge: conflict: host %s, configuration %s: in %s "
					"and in %s\n", host, name, before, source);
				conflicts++;
			} else {
				json_object_set_new(seen, key, json_string(source));
				if (!json_object_get(groups, file))
					json_object_set_new(groups, file, new_group(doc));
				json_array_append(json_object_get(json_object_get(groups, file), "results"), e);
				json_object_set_new(touched, file, json_true());
			}
			free(key);
			free(file);
		}
		const char *file;
		json_t *v;
		json_object_foreach(touched, file, v)
			add_source(json_object_get(groups, file), doc, source);
		json_decref(touched);
	}
	json_decref(seen);
	return conflicts;
}

/* dir/file.json, or NULL when out of memory. */
static char *group_path(const char *dir, const char *file)
{
	char *path;
	return asprintf(&path, "%s/%s.json", dir, file) < 0 ? NULL : path;
}

static void remove_partial(const char *dir, json_t *groups)
{
	const char *file;
	json_t *v;
	json_object_foreach(groups, file, v) {
		char *path = group_path(dir, file);
		if (path)
			unlink(path);
		free(path);
	}
	rmdir(dir);
}

/*
 * Every group into a fresh directory of a random name beside out, renamed
 * to out when all are written, unless out has appeared meanwhile: 0 or 3.
 */
static int write_groups(const char *out, json_t *groups)
{
	char err[512];
	const char *file;
	json_t *doc;
	char *tmp = safefile_mkdtemp(out, err, sizeof(err));
	if (!tmp) {
		fprintf(stderr, "syncbench: merge: %s\n", err);
		return 3;
	}
	int rc = 0;
	json_object_foreach(groups, file, doc) {
		char *path = group_path(tmp, file);
		if (!path || report_write_atomic(doc, path, err, sizeof(err)) != 0) {
			fprintf(stderr, "syncbench: merge: %s\n", path ? err : "out of memory");
			rc = 3;
		}
		free(path);
		if (rc)
			break;
	}
	if (rc == 0 && safefile_rename_new(tmp, out, err, sizeof(err)) != 0) {
		fprintf(stderr, "syncbench: merge: %s\n", err);
		rc = 3;
	}
	if (rc)
		remove_partial(tmp, groups);
	free(tmp);
	return rc;
}

static void print_summary(const char *out, json_t *docs, json_t *groups)
{
	json_t *hosts = json_object(), *doc, *v;
	size_t i, configs = 0;
	const char *name;
	json_array_foreach(docs, i, doc)
		json_object_set_new(hosts, resultdoc_host(doc), json_true());
	json_object_foreach(groups, name, doc)
		configs += json_array_size(json_object_get(doc, "results"));
	printf("merge: sweep %s: %zu configurations from %zu hosts (", sweep_id(json_array_get(docs, 0)),
	       configs, json_object_size(hosts));
	i = 0;
	json_object_foreach(hosts, name, v)
		printf("%s%s", i++ ? ", " : "", name);
	printf(") in %zu documents into %s/\n", json_object_size(groups), out);
	json_decref(hosts);
}

static int merge(const char *out, char *const *inputs, int n)
{
	json_t *sources = json_array(), *groups = json_object(), *doc;
	char err[512];
	size_t i;
	/* docs[i] came from the file sources[i] */
	json_t *docs = resultdoc_load_all(inputs, n, sources, err, sizeof(err));
	int rc = docs ? 0 : bad_input("%s", err);
	json_array_foreach(docs, i, doc) {
		if (rc == 0)
			rc = check_host(doc, json_string_value(json_array_get(sources, i)));
	}
	if (rc == 0)
		rc = check_one_sweep(docs, sources);
	if (rc == 0) {
		note_missing_shards(docs);
		int conflicts = group_entries(docs, sources, groups);
		if (conflicts) {
			fprintf(stderr, "syncbench: merge: %d conflicts (a host measured the same "
				"configuration twice): nothing written\n", conflicts);
			rc = 1;
		}
	}
	if (rc == 0)
		rc = write_groups(out, groups);
	if (rc == 0)
		print_summary(out, docs, groups);
	json_decref(docs);
	json_decref(sources);
	json_decref(groups);
	return rc;
}

int merge_main(int argc, char **argv)
{
	struct stat st;
	const char *out = NULL;
	int first = 1;
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return fputs(merge_usage, stdout), 0;
	if (argc >= 3 && strcmp(argv[1], "--out") == 0) {
		out = argv[2];
		first = 3;
	}
	if (!out || !out[0] || first >= argc)
		return bad_input("usage: syncbench merge --out DIR RESULT... (see syncbench merge --help)");
	if (stat(out, &st) == 0)
		return bad_input("--out %s exists; merge writes a new directory", out);
	for (int i = first; i < argc; i++)
		if (argv[i][0] == '-')
			return bad_input("unknown option '%s' (accepted: --out DIR, --help)", argv[i]);
	return merge(out, argv + first, argc - first);
}
