/*
 * `syncbench export --format gbench`: Google Benchmark's JSON (as its
 * JSONReporter writes it, 1.7), so that its tools/compare.py reads any
 * sweep.  Per configuration, one run per repetition (real_time: wall ns
 * per operation, cpu_time: CPU ns per operation, iterations: operations)
 * and, as Google Benchmark adds them with --benchmark_repetitions, the
 * aggregates NAME_mean, NAME_median, NAME_stddev and NAME_cv over the
 * repetitions that did not fail.  A run that failed is marked as Google
 * Benchmark marks one that called SkipWithError: error_occurred and
 * error_message, its time as accumulated (a window without an operation:
 * its whole length, as Google Benchmark reports a run of 0 iterations).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "export.h"
#include "report.h"
#include "resultdoc.h"
#include "stats.h"

static json_t *real_or_zero(double v)
{
	return json_real(isfinite(v) ? v : 0);
}

/* Google Benchmark's cache types. */
static const char *cache_type(const char *ours)
{
	return !ours ? "Unknown" : strcmp(ours, "data") == 0 ? "Data" :
	       strcmp(ours, "instruction") == 0 ? "Instruction" :
	       strcmp(ours, "unified") == 0 ? "Unified" : "Unknown";
}

/* num_sharing: the PUs over the caches of that kind, as Google Benchmark counts CPUs per cache. */
static json_t *caches(json_t *topology)
{
	json_t *list = json_array(), *c;
	json_int_t pus = json_integer_value(json_object_get(topology, "pus"));
	size_t i;
	json_array_foreach(json_object_get(topology, "caches"), i, c) {
		json_int_t count = json_integer_value(json_object_get(c, "count"));
		json_array_append_new(list, json_pack("{s:s, s:O?, s:O?, s:I}",
			"type", cache_type(json_string_value(json_object_get(c, "type"))),
			"level", json_object_get(c, "level"), "size", json_object_get(c, "size_bytes"),
			"num_sharing", (json_int_t)(count > 0 && pus >= count ? pus / count : 1)));
	}
	return list;
}

/*
 * Google Benchmark's CPU scaling check: a cpufreq governor other than
 * performance; where the kernel shows no cpufreq (a VM), it reports
 * scaling unknown, written false.
 */
static bool scaling_enabled(json_t *ctx)
{
	json_t *cpufreq = json_object_get(json_object_get(ctx, "conditions"), "cpufreq");
	const char *governor = json_string_value(json_object_get(cpufreq, "governor"));
	return governor && strcmp(governor, "performance") != 0;
}

/* Google Benchmark's context, from the first document; ours rides along under syncbench_context. */
static json_t *gbench_context(json_t *doc)
{
	json_t *ctx = json_object_get(doc, "context"), *topology = json_object_get(ctx, "topology");
	const char *cflags = json_string_value(json_object_get(ctx, "cflags"));
	json_t *g = json_pack("{s:O?, s:O?, s:s, s:O?}", "date", json_object_get(ctx, "date"),
			      "host_name", json_object_get(ctx, "hostname"), "executable",
			      "syncbench", "num_cpus", json_object_get(topology, "pus"));
	/*
	 * The TSC's calibrated rate where the latency clock is the TSC, as
	 * Google Benchmark reads tsc_freq_khz first; otherwise not known here.
	 */
	json_t *clock = json_object_get(ctx, "latency_clock");
	const char *source = json_string_value(json_object_get(clock, "source"));
	json_t *ticks = json_object_get(clock, "ticks_per_ns");
	if (source && strcmp(source, "tsc") == 0 && json_is_number(ticks))
		json_object_set_new(g, "mhz_per_cpu",
				    json_integer((json_int_t)llround(json_number_value(ticks) * 1000)));
	json_object_set_new(g, "cpu_scaling_enabled", json_boolean(scaling_enabled(ctx)));
	json_object_set_new(g, "caches", caches(topology));
	json_object_set_new(g, "load_avg", json_array());
	json_object_set_new(g, "library_build_type",
			    json_string(cflags && strstr(cflags, "-O0") ? "debug" : "release"));
	json_object_set_new(g, "syncbench_schema", json_string(SCHEMA_VERSION));
	json_object_set(g, "syncbench_context", ctx);
	return g;
}

struct family {
	const char *name;
	json_int_t index, repetitions, threads;
};

static json_t *run_head(const struct family *f, const char *name, const char *run_type)
{
	return json_pack("{s:s, s:I, s:i, s:s, s:s, s:I}", "name", name, "family_index", f->index,
			 "per_family_instance_index", 0, "run_name", f->name, "run_type", run_type,
			 "repetitions", f->repetitions);
}

static void mark_error(json_t *run, const char *message)
{
	json_object_set_new(run, "error_occurred", json_true());
	json_object_set_new(run, "error_message", json_string(message));
}

static void set_times(json_t *run, json_int_t iterations, double real, double cpu)
{
	json_object_set_new(run, "iterations", json_integer(iterations));
	json_object_set_new(run, "real_time", real_or_zero(real));
	json_object_set_new(run, "cpu_time", real_or_zero(cpu));
	json_object_set_new(run, "time_unit", json_string("ns"));
}

/* One repetition; its ns per operation into real and cpu when it did not fail. */
static json_t *repetition(const struct family *f, json_t *e, json_t *rep, size_t index,
			  double *real, double *cpu)
{
	json_int_t ops = json_integer_value(json_object_get(rep, "ops"));
	double wall = (double)json_integer_value(json_object_get(rep, "wall_ns"));
	double cpu_ns = (double)json_integer_value(json_object_get(rep, "cpu_ns"));
	const char *status = json_string_value(json_object_get(e, "status"));
	json_t *run = run_head(f, f->name, "iteration");
	char message[1024];
	json_object_set_new(run, "repetition_index", json_integer((json_int_t)index));
	json_object_set_new(run, "threads", json_integer(f->threads));
	*real = *cpu = NAN;
	if (status && strcmp(status, "ok") != 0) {
		const char *detail = json_string_value(json_object_get(e, "status_detail"));
		snprintf(message, sizeof(message), "%s: %s", status, detail ? detail : "check failed");
		mark_error(run, message);
	} else if (ops == 0) {
		snprintf(message, sizeof(message), "no operation completed in its window of %.0f ns",
			 wall);
		mark_error(run, message);
	} else {
		*real = wall / (double)ops;
		*cpu = cpu_ns / (double)ops;
	}
	/* Google Benchmark reports a run of no iteration with its accumulated time. */
	set_times(run, ops, ops ? wall / (double)ops : wall, ops ? cpu_ns / (double)ops : cpu_ns);
	json_object_set(run, "ops_per_sec", json_object_get(rep, "ops_per_sec"));
	return run;
}

/* An entry that measured nothing (error, crashed, timeout): one failed run. */
static json_t *nothing_measured(const struct family *f, json_t *e)
{
	const char *status = json_string_value(json_object_get(e, "status"));
	const char *detail = json_string_value(json_object_get(e, "status_detail"));
	char message[1024];
	json_t *run = run_head(f, f->name, "iteration");
	json_object_set_new(run, "repetition_index", json_integer(0));
	json_object_set_new(run, "threads", json_integer(f->threads));
	snprintf(message, sizeof(message), "%s: %s", status ? status : "?",
		 detail ? detail : "nothing measured");
	mark_error(run, message);
	set_times(run, 0, 0, 0);
	return run;
}

/* NAME_mean, _median, _stddev and _cv over n >= 2 repetitions' figures. */
static void aggregates(json_t *list, const struct family *f, const double *real,
		       const double *cpu, size_t n)
{
	static const char *const names[] = { "mean", "median", "stddev", "cv" };
	struct welford wr = { 0 }, wc = { 0 };
	struct summary sr, sc;
	summarize(real, n, &sr);
	summarize(cpu, n, &sc);
	for (size_t i = 0; i < n; i++) {
		welford_add(&wr, real[i]);
		welford_add(&wc, cpu[i]);
	}
	double sd_r = sqrt(welford_variance(&wr)), sd_c = sqrt(welford_variance(&wc));
	const double value[][2] = { { wr.mean, wc.mean }, { sr.median, sc.median },
				    { sd_r, sd_c }, { sd_r / wr.mean, sd_c / wc.mean } };
	for (int k = 0; k < 4; k++) {
		char name[1400];
		snprintf(name, sizeof(name), "%s_%s", f->name, names[k]);
		json_t *run = run_head(f, name, "aggregate");
		json_object_set_new(run, "threads", json_integer(f->threads));
		json_object_set_new(run, "aggregate_name", json_string(names[k]));
		json_object_set_new(run, "aggregate_unit", json_string(k == 3 ? "percentage" : "time"));
		set_times(run, (json_int_t)n, value[k][0], value[k][1]);
		json_array_append_new(list, run);
	}
}

static void add_entry(json_t *list, const struct family *f, json_t *e)
{
	json_t *reps = json_object_get(e, "reps"), *rep;
	size_t n = json_array_size(reps), good = 0, i;
	double real[n ? n : 1], cpu[n ? n : 1];
	if (n == 0) {
		json_array_append_new(list, nothing_measured(f, e));
		return;
	}
	json_array_foreach(reps, i, rep) {
		json_array_append_new(list, repetition(f, e, rep, i, &real[good], &cpu[good]));
		good += isfinite(real[good]);
	}
	/* Google Benchmark aggregates the runs that did not fail, from two of them on. */
	if (good >= 2)
		aggregates(list, f, real, cpu, good);
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
 * Names are unique per benchmark: with several hosts (a merged data set)
 * they read HOST:CONFIG, as `syncbench compare` shows them.
 */
json_t *export_gbench(json_t *docs, const struct entry_filter *filter)
{
	json_t *list = json_array(), *doc, *e;
	size_t d, i;
	json_int_t family = 0;
	char config[1024], name[1300];
	bool by_host = several_hosts(docs);
	json_array_foreach(docs, d, doc) {
		json_array_foreach(json_object_get(doc, "results"), i, e) {
			if (!entry_filter_match(filter, e))
				continue;
			resultdoc_config_name(e, config, sizeof(config));
			snprintf(name, sizeof(name), "%s%s%s", by_host ? resultdoc_host(doc) : "",
				 by_host ? ":" : "", config);
			size_t reps = json_array_size(json_object_get(e, "reps"));
			struct family f = { name, family++, (json_int_t)(reps ? reps : 1),
					    json_integer_value(json_object_get(e, "threads")) };
			add_entry(list, &f, e);
		}
	}
	return json_pack("{s:o, s:o}", "context", gbench_context(json_array_get(docs, 0)),
			 "benchmarks", list);
}
