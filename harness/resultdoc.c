#include "resultdoc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "params.h"
#include "report.h"

/* The one validation path: takes doc, returns it or NULL with err set. */
static json_t *check_doc(json_t *doc, const json_error_t *jerr, const char *source, char *err,
			 size_t errlen)
{
	if (!doc) {
		/* jansson gives no position for a read error: line -1. */
		if (jerr->line > 0)
			snprintf(err, errlen, "%s: not valid JSON: %s (line %d, column %d)", source,
				 jerr->text, jerr->line, jerr->column);
		else
			snprintf(err, errlen, "%s: cannot read it as JSON: %s", source, jerr->text);
		return NULL;
	}
	const char *schema = json_string_value(json_object_get(doc, "schema"));
	if (!schema || strcmp(schema, SCHEMA_VERSION) != 0 ||
	    !json_is_array(json_object_get(doc, "results")) ||
	    !json_is_object(json_object_get(doc, "context"))) {
		snprintf(err, errlen, "%s: not a %s result document", source, SCHEMA_VERSION);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

json_t *resultdoc_parse(const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	return check_doc(json_loadb(text, len, 0, &jerr), &jerr, "(input)", err, errlen);
}

json_t *resultdoc_load(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	struct stat st;
	/* O_NONBLOCK: a FIFO named like a document must not hang the reader. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (a result document or a results "
			 "directory is expected)", path);
		close(fd);
		return NULL;
	}
	json_t *doc = json_loadfd(fd, 0, &jerr);
	close(fd);
	return check_doc(doc, &jerr, path, err, errlen);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends one document, and its file to files (if not NULL); -1 if it is not one. */
static int load_one(const char *path, json_t *docs, json_t *files, char *err, size_t errlen)
{
	json_t *doc = resultdoc_load(path, err, errlen);
	if (!doc)
		return -1;
	if (resultdoc_check_entries(doc, path, err, errlen) != 0) {
		json_decref(doc);
		return -1;
	}
	json_array_append_new(docs, doc);
	if (files)
		json_array_append_new(files, json_string(path));
	return 0;
}

/* Appends each *.json document in dir, in name order; -1 on the first bad one. */
static int load_dir(const char *dir, json_t *docs, json_t *files, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (!d) {
		snprintf(err, errlen, "%s: cannot open the directory: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		char **grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown)
			break;
		names = grown;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	/* names is NULL in a directory without documents, and qsort may not be given NULL. */
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (rc == 0)
			rc = load_one(path, docs, files, err, errlen);
		free(names[i]);
	}
	free(names);
	return rc;
}

json_t *resultdoc_load_all(char *const *paths, int n, json_t *files, char *err, size_t errlen)
{
	json_t *docs = json_array();
	for (int i = 0; i < n; i++) {
		struct stat st;
		bool dir = stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode);
		if ((dir ? load_dir(paths[i], docs, files, err, errlen)
			 : load_one(paths[i], docs, files, err, errlen)) != 0) {
			json_decref(docs);
			return NULL;
		}
	}
	if (json_array_size(docs) == 0) {
		snprintf(err, errlen, "no result document in %s", n ? paths[0] : "(no path)");
		json_decref(docs);
		return NULL;
	}
	return docs;
}

/* A missing or mistyped field reads "?", never a NULL passed to %s. */
static const char *string_or_unknown(json_t *v)
{
	const char *s = json_string_value(v);
	return s ? s : "?";
}

/* A workload that takes no primitive has prim null: "-", as the table prints it. */
static const char *prim_name(json_t *v)
{
	return json_is_null(v) ? "-" : string_or_unknown(v);
}

/* Cuts a multi-byte UTF-8 sequence that truncation left incomplete at the end of buf. */
static void trim_partial_utf8(char *buf, size_t len)
{
	size_t n = strnlen(buf, len), start = n;
	while (start > 0 && ((unsigned char)buf[start - 1] & 0xC0) == 0x80)
		start--;
	if (start == 0 || ((unsigned char)buf[start - 1] & 0x80) == 0)
		return;
	unsigned char lead = (unsigned char)buf[start - 1];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	if (n - (start - 1) < need)
		buf[start - 1] = '\0';
}

int resultdoc_config_name(json_t *entry, char *buf, size_t len)
{
	const char *key;
	json_t *v;
	size_t used = (size_t)snprintf(buf, len, "%s/%s/threads:%lld",
		string_or_unknown(json_object_get(entry, "bench")),
		prim_name(json_object_get(entry, "prim")),
		(long long)json_integer_value(json_object_get(entry, "threads")));
	json_t *asked = json_object_get(entry, "work_asked_ns");
	json_object_foreach(json_object_get(entry, "params"), key, v) {
		char time[32];
		if (used >= len)
			break;
		if (json_is_number(json_object_get(asked, key))) {
			format_time_ns(json_number_value(json_object_get(asked, key)), time, sizeof(time));
			used += (size_t)snprintf(buf + used, len - used, "/%s:%s", key, time);
		} else if (json_is_integer(v))
			used += (size_t)snprintf(buf + used, len - used, "/%s:%lld", key,
						 (long long)json_integer_value(v));
		else
			used += (size_t)snprintf(buf + used, len - used, "/%s:%s", key,
						 string_or_unknown(v));
	}
	const char *policy = json_string_value(
		json_object_get(json_object_get(entry, "placement"), "policy"));
	if (used < len && policy && strcmp(policy, "compact") != 0)
		used += (size_t)snprintf(buf + used, len - used, "/placement:%s", policy);
	json_t *mem_node = json_object_get(json_object_get(entry, "placement"), "mem_node");
	if (used < len && json_is_integer(mem_node))
		used += (size_t)snprintf(buf + used, len - used, "/mem_node:%lld",
					 (long long)json_integer_value(mem_node));
	/* One configuration per pair: the pair is part of what it is. */
	if (used < len && policy && strcmp(policy, "pairs") == 0) {
		size_t i;
		json_t *pu;
		json_array_foreach(json_object_get(json_object_get(entry, "placement"), "pus"), i, pu) {
			if (used < len)
				used += (size_t)snprintf(buf + used, len - used, "%c%lld",
							 i ? ',' : ':', (long long)json_integer_value(pu));
		}
	}
	if (used < len)
		return 0;
	if (len)
		trim_partial_utf8(buf, len);
	return -1;
}

double resultdoc_summary(json_t *entry, const char *group, const char *field)
{
	json_t *summary = json_object_get(entry, "summary");
	json_t *g = group ? json_object_get(summary, group) : summary;
	json_t *v = json_object_get(g, field);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

double resultdoc_number(json_t *entry, const char *field)
{
	json_t *v = json_object_get(entry, field);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *resultdoc_host(json_t *doc)
{
	json_t *context = json_object_get(doc, "context");
	const char *host = json_string_value(json_object_get(context, "host"));
	if (!host)
		host = json_string_value(json_object_get(context, "hostname"));
	return host ? host : "?";
}

int resultdoc_label_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 128 && s[0] != '.' &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}
