/* Parameter parsing, and the declarations of every registered workload and primitive. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../benches/bench.h"
#include "../harness/work.h"
#include "check.h"

static const char *const colours[] = { "red", "green", NULL };
static const struct param_decl int_decl = { "cs", PARAM_INT, 0, 0, 100, NULL, "" };
static const struct param_decl choice_decl = { "colour", PARAM_CHOICE, 0, 0, 0, colours, "" };
static const struct param_decl work_decl = { "cs", PARAM_WORK, 0, 0, 1000000, NULL, "" };

/* Units as integers, or a time converted at the calibrated unit. */
static void test_work(void)
{
	int64_t v;
	char err[256];
	double unit = work_unit_ns();
	CHECK(unit > 0.01 && unit < 100, "a unit costs %g ns", unit);
	CHECK(param_parse(&work_decl, "40", &v, err, sizeof(err)) == 0 && v == 40, "40 units");
	CHECK(param_parse(&work_decl, "1us", &v, err, sizeof(err)) == 0 &&
	      v == work_units_for_ns(1000), "1us: %lld units", (long long)v);
	CHECK(llabs(v - llround(1000 / unit)) <= 1, "1us is 1000 ns of units: %lld", (long long)v);
	CHECK(param_parse(&work_decl, "1.5us", &v, err, sizeof(err)) == 0 &&
	      v == work_units_for_ns(1500), "1.5us");
	CHECK(param_parse(&work_decl, "0.1ms", &v, err, sizeof(err)) == 0 &&
	      v == work_units_for_ns(1e5), "0.1ms");
	CHECK(param_parse(&work_decl, "0ns", &v, err, sizeof(err)) == 0 && v == 0, "0ns is none");
	CHECK(param_parse(&work_decl, "0.001ns", &v, err, sizeof(err)) == 0 && v == 1,
	      "any time above 0 is at least one unit");
	const char *bad[] = { "1h", "ns", "1.2.3us", ".5us", "5.us", "-1us", "1 us", "1e3ns", "us5",
			      "10s" /* far more than 1000000 units */ };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(param_parse(&work_decl, bad[i], &v, err, sizeof(err)) == -1, "'%s' accepted", bad[i]);
		CHECK(strstr(err, "accepted: 0..1000000 units, or a time") != NULL, "'%s' message: %s",
		      bad[i], err);
	}
	double ns;
	CHECK(parse_time_ns("250ms", &ns) == 0 && ns == 250e6, "250ms");
	CHECK(parse_time_ns("3s", &ns) == 0 && ns == 3e9, "3s");
	CHECK(parse_time_ns("3", &ns) == -1, "a bare number is not a time");
}

static void test_parse(void)
{
	int64_t v;
	char err[256];

	CHECK(param_parse(&int_decl, "50", &v, err, sizeof(err)) == 0 && v == 50, "50");
	CHECK(param_parse(&int_decl, "0", &v, err, sizeof(err)) == 0 && v == 0, "0");
	CHECK(param_parse(&int_decl, "100", &v, err, sizeof(err)) == 0 && v == 100, "max");

	const char *bad[] = { "101", "-1", "", "5x", "x", "1e3", "99999999999999999999", " 5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(param_parse(&int_decl, bad[i], &v, err, sizeof(err)) == -1, "'%s'", bad[i]);
		CHECK(strstr(err, "accepted: 0..100") != NULL, "'%s' message: %s", bad[i], err);
	}

	CHECK(param_parse(&choice_decl, "green", &v, err, sizeof(err)) == 0 && v == 1, "green");
	CHECK(param_parse(&choice_decl, "blue", &v, err, sizeof(err)) == -1, "blue");
	CHECK(strstr(err, "red|green") != NULL, "message lists choices: %s", err);

	char buf[64];
	param_format(&choice_decl, 1, buf, sizeof(buf));
	CHECK(strcmp(buf, "green") == 0, "format choice: %s", buf);
	param_format(&int_decl, 42, buf, sizeof(buf));
	CHECK(strcmp(buf, "42") == 0, "format int: %s", buf);
}

static void check_decls(const char *owner, const struct param_decl *d, size_t n)
{
	CHECK(n <= MAX_PARAMS, "%s declares %zu parameters, more than MAX_PARAMS", owner, n);
	for (size_t i = 0; i < n; i++) {
		CHECK(d[i].name && d[i].help && d[i].help[0], "%s: parameter %zu lacks a name or help",
		      owner, i);
		CHECK(param_find(d, n, d[i].name) == (int)i, "%s declares %s twice", owner, d[i].name);
		if (d[i].type == PARAM_INT || d[i].type == PARAM_WORK)
			CHECK(d[i].min <= d[i].def && d[i].def <= d[i].max,
			      "%s.%s default out of its range", owner, d[i].name);
	}
}

/*
 * A reference another program runs has no lock or channel slot, names its
 * program and package, and lists workloads that exist and take a primitive.
 */
static void check_external(const struct lock_ops *l)
{
	const struct external_ref *x = l->external;
	CHECK(!l->size && !l->init && !l->lock && !l->unlock && !l->trylock && !l->rlock && !l->chan,
	      "external %s: lock or channel slots set", l->name);
	CHECK(x->program && x->package && x->pins_threads && x->workloads && x->workloads[0].bench,
	      "external %s: a mandatory field missing", l->name);
	for (const struct external_workload *w = x->workloads; w->bench; w++) {
		const struct bench_ops *b = bench_find(w->bench);
		CHECK(b && b->needs != NEEDS_NOTHING && bench_accepts(b, l),
		      "external %s runs '%s', which is no workload that takes a primitive", l->name,
		      w->bench);
	}
}

/*
 * --set looks a key up in the workload first, then in the primitive: a
 * primitive parameter with a workload parameter's name could never be set.
 */
static void test_registry_declarations(void)
{
	for (size_t b = 0; b < bench_registry_len; b++) {
		const struct bench_ops *bench = bench_registry[b];
		check_decls(bench->name, bench->params, bench->nparams);
		CHECK(bench->op && bench->check, "%s lacks op or check", bench->name);
		for (const char *name = bench->sweep_prims; name;
		     name = strchr(name, ',') ? strchr(name, ',') + 1 : NULL) {
			char one[64];
			snprintf(one, sizeof(one), "%.*s", (int)strcspn(name, ","), name);
			const struct lock_ops *p = lock_find(one);
			CHECK(p && bench_accepts(bench, p), "%s sweeps '%s', not a primitive it accepts",
			      bench->name, one);
		}
		CHECK(bench_find(bench->name) == bench, "%s not found by name", bench->name);
		for (size_t p = 0; p < lock_registry_len; p++)
			for (size_t i = 0; i < lock_registry[p]->nparams; i++)
				CHECK(param_find(bench->params, bench->nparams,
						 lock_registry[p]->params[i].name) < 0,
				      "%s.%s shadows workload %s's parameter", lock_registry[p]->name,
				      lock_registry[p]->params[i].name, bench->name);
	}
	for (size_t p = 0; p < lock_registry_len; p++) {
		const struct lock_ops *l = lock_registry[p];
		check_decls(l->name, l->params, l->nparams);
		if (l->external)
			check_external(l);
		else if (l->chan)
			CHECK(!l->size && !l->init && !l->lock && !l->unlock && !l->trylock &&
			      !l->rlock && l->chan->size && l->chan->init && l->chan->send &&
			      l->chan->recv && l->chan->try_send && l->chan->try_recv && l->chan->close,
			      "channel %s: lock slots set, or a mandatory channel slot missing", l->name);
		else
			CHECK(l->size > 0 && l->init && l->lock && l->unlock,
			      "%s lacks a mandatory slot", l->name);
		CHECK(!l->rlock == !l->runlock, "%s has only one of rlock/runlock", l->name);
		CHECK(lock_find(l->name) == l, "%s not found by name (duplicate?)", l->name);
		CHECK(!l->original || (lock_find(l->original) && lock_find(l->original) != l),
		      "%s: its original '%s' is no other primitive", l->name, l->original);
	}
	CHECK(lock_find("no-such-lock") == NULL, "unknown names are not found");
}

int main(void)
{
	test_parse();
	test_work();
	test_registry_declarations();
	return check_exit();
}
