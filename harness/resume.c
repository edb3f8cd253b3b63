#include "resume.h"

#include <stdio.h>
#include <string.h>

#include "report.h"
#include "resultdoc.h"

/*
 * Seconds as the document writes them (10 significant digits), so that
 * "--duration 0.1" matches the 0.1 read back from the file.
 */
static int same_seconds(double a, double b)
{
	char x[32], y[32];
	snprintf(x, sizeof(x), "%.10g", a);
	snprintf(y, sizeof(y), "%.10g", b);
	return strcmp(x, y) == 0;
}

static int refuse(char *err, size_t errlen, const char *path, const char *option, const char *then,
		  const char *now, json_t *entry)
{
	char name[256];
	resultdoc_config_name(entry, name, sizeof(name));
	snprintf(err, errlen, "--resume: %s was measured with %s %s (e.g. %s), this run asks for %s: "
		 "resume with the settings it was started with, or give another --out", path, option,
		 then, name, now);
	return -1;
}

/* One entry's settings against the run's; 0 or -1 with err. */
static int check_settings(json_t *e, const char *path, const struct run_settings *s, char *err,
			  size_t errlen)
{
	char then[32], now[32];
	double duration = json_number_value(json_object_get(e, "duration_s"));
	double warmup = json_number_value(json_object_get(e, "warmup_s"));
	const char *status = json_string_value(json_object_get(e, "status"));
	size_t reps = json_array_size(json_object_get(e, "reps"));
	int measured = strcmp(status, "ok") == 0 || strcmp(status, "failed") == 0;

	if (!same_seconds(duration, s->duration_s)) {
		snprintf(then, sizeof(then), "%g", duration);
		snprintf(now, sizeof(now), "%g", s->duration_s);
		return refuse(err, errlen, path, "--duration", then, now, e);
	}
	if (!same_seconds(warmup, s->warmup_s)) {
		snprintf(then, sizeof(then), "%g", warmup);
		snprintf(now, sizeof(now), "%g", s->warmup_s);
		return refuse(err, errlen, path, "--warmup", then, now, e);
	}
	if (measured && reps != (size_t)s->reps) {
		snprintf(then, sizeof(then), "%zu", reps);
		snprintf(now, sizeof(now), "%d", s->reps);
		return refuse(err, errlen, path, "--reps", then, now, e);
	}
	return 0;
}

/* The counters the document's context asked for, against the run's: "default" or a list. */
static int check_events(json_t *previous, const char *path, const struct event_set *events,
			char *err, size_t errlen)
{
	json_t *counters = json_object_get(json_object_get(previous, "context"), "counters");
	const char *preset = json_string_value(json_object_get(counters, "preset"));
	json_t *listed = json_object_get(counters, "events");
	int same = preset && strcmp(preset, events->spec) == 0 &&
		   json_array_size(listed) == (size_t)events->n;
	for (int i = 0; same && i < events->n; i++) {
		const char *name = json_string_value(json_object_get(json_array_get(listed, i), "name"));
		same = name && strcmp(name, events->ev[i].name) == 0;
	}
	if (same)
		return 0;
	snprintf(err, errlen, "--resume: %s counted --events %s, this run asks for %s: resume with "
		 "the events it was started with, or give another --out", path,
		 preset ? preset : "(unknown)", events->spec);
	return -1;
}

int resume_check(json_t *previous, const char *path, const struct sweep *sw,
		 const struct run_settings *s, char *err, size_t errlen)
{
	char why[256];
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(previous, "results"), i, e) {
		const char *bench = json_string_value(json_object_get(e, "bench"));
		if (bench && strcmp(bench, sw->bench->name) != 0) {
			snprintf(err, errlen, "--resume: %s holds results of workload %.128s, this run "
				 "measures %s: one document holds one workload (give each its own --out)",
				 path, bench, sw->bench->name);
			return -1;
		}
		/* A damaged entry says nothing about the settings: it is measured again. */
		if (resultdoc_check_entry(e, why, sizeof(why)) == 0 &&
		    check_settings(e, path, s, err, errlen) != 0)
			return -1;
	}
	return check_events(previous, path, s->events, err, errlen);
}

json_t *resume_entries(json_t *previous, const char *path, FILE *notes)
{
	json_t *by_name = json_object(), *e;
	size_t i;
	char name[1024], why[256];
	json_array_foreach(json_object_get(previous, "results"), i, e) {
		if (resultdoc_check_entry(e, why, sizeof(why)) != 0)
			fprintf(notes, "syncbench: --resume: %s: results[%zu] is not kept, it is damaged "
				"(%s): this run measures its configuration afresh if the sweep has it\n",
				path, i, why);
		else if (resultdoc_config_name(e, name, sizeof(name)) != 0)
			fprintf(notes, "syncbench: --resume: %s: results[%zu] is not kept: its "
				"configuration's name is longer than %zu bytes\n", path, i, sizeof(name));
		else if (json_object_get(by_name, name))
			fprintf(notes, "syncbench: --resume: %s: results[%zu] is not kept: it repeats "
				"configuration %s\n", path, i, name);
		else
			json_object_set(by_name, name, e);
	}
	return by_name;
}

/* A resumed document keeps the context it was started with, and says when it was resumed. */
json_t *resume_document(const struct run_context *ctx, json_t *previous)
{
	json_t *doc = report_document(ctx);
	json_t *fresh = json_object_get(doc, "context");
	json_t *context = json_deep_copy(json_object_get(previous, "context"));
	json_t *resumes = json_object_get(context, "resumes");
	if (!json_is_array(resumes)) {
		resumes = json_array();
		json_object_set_new(context, "resumes", resumes);
	}
	/* The entries this process adds are compared with the floor it measured. */
	json_array_append_new(resumes, json_pack("{s:O, s:O, s:O*}", "date",
		json_object_get(fresh, "date"), "command_line", json_object_get(fresh, "command_line"),
		"coherence_floor", json_object_get(fresh, "coherence_floor")));
	json_object_set_new(doc, "context", context);
	return doc;
}
