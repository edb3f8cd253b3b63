/*
 * Reading result documents back: `run --resume`, `export` and `compare`
 * share this one loader, so they agree on what a valid file is and on how
 * a configuration is named.
 */
#ifndef SYNCBENCH_RESULTDOC_H
#define SYNCBENCH_RESULTDOC_H

#include <jansson.h>
#include <stddef.h>

/*
 * Loads one syncbench/1 document: NULL with a one-line reason in err if
 * the file cannot be read, is not JSON, or is not a syncbench/1 document.
 */
json_t *resultdoc_load(const char *path, char *err, size_t errlen);

/*
 * The same checks on len bytes of text already in memory (the fuzz target's
 * entry point); err names the source "(input)".
 */
json_t *resultdoc_parse(const char *text, size_t len, char *err, size_t errlen);

/*
 * Loads every path, a document or a results directory (each *.json file
 * in it, in name order), into a JSON array of documents; if files is not
 * NULL, appends to it the file each document came from, in the same
 * order.  NULL with the reason in err if any of them fails to load, holds
 * an entry that fails resultdoc_check_entry, or if none holds a document.
 */
json_t *resultdoc_load_all(char *const *paths, int n, json_t *files, char *err, size_t errlen);

/*
 * The configuration's name: bench/prim/threads:N/KEY:VALUE... with the
 * parameters in the document's order, /placement:P unless compact, and
 * /mem_node:N when the shared state was bound (--mem-node),
 * e.g. "lock/ticket/threads:2/cs:50/ncs:0/sample_every:16".  Two entries
 * with the same name measured the same thing.  A missing or mistyped
 * field reads "?".  Returns 0, or -1 if it does not fit in len bytes; buf
 * then holds as much as fits, cut at a UTF-8 character boundary.
 */
int resultdoc_config_name(json_t *entry, char *buf, size_t len);

/*
 * Whether entry has the shape of a syncbench/1 entry (results/schema.json)
 * as far as the readers rely on it: the fields of its status, their types,
 * one placement PU and one record per thread in each repetition.  0, or
 * -1 with what is wrong in why ("summary is not an object ...").
 */
int resultdoc_check_entry(json_t *entry, char *why, size_t whylen);

/* Every entry of doc: 0, or -1 with "SOURCE: results[I] is not ...: WHY" in err. */
int resultdoc_check_entries(json_t *doc, const char *source, char *err, size_t errlen);

/*
 * The name of the machine a document was measured on: context.host (run
 * --host), else context.hostname (documents from before hosts were named),
 * else "?".
 */
const char *resultdoc_host(json_t *doc);

/*
 * Whether s can name a host or a sweep: 1 to 128 letters, digits, '.', '_'
 * or '-', not starting with '.', since merge makes file names of them.
 */
int resultdoc_label_ok(const char *s);

/* entry[field], a number, or NaN. */
double resultdoc_number(json_t *entry, const char *field);

/* entry["summary"][group][field] (group NULL: summary[field]), or NaN. */
double resultdoc_summary(json_t *entry, const char *group, const char *field);

#endif
