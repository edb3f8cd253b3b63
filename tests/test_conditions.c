/*
 * The run conditions (governor, turbo, SMT, steal) read from a fake sysfs
 * and /proc/stat, and the warnings they give: this VM has no cpufreq and
 * little steal, so the warnings can only be reached through a fake tree.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../harness/conditions.h"
#include "check.h"

static char root[64];

static void put(const char *path, const char *text)
{
	char full[512], dir[512];
	snprintf(full, sizeof(full), "%s%s", root, path);
	for (char *slash = strchr(full + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - full), full);
		mkdir(dir, 0755);
	}
	FILE *f = fopen(full, "w");
	CHECK(f != NULL, "cannot write %s", full);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static json_t *field(json_t *doc, const char *group, const char *name)
{
	return json_object_get(json_object_get(json_object_get(doc, "conditions"), group), name);
}

static bool warns(json_t *doc, const char *condition)
{
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(doc, "warnings"), i, w)
		if (strcmp(json_string_value(json_object_get(w, "condition")), condition) == 0)
			return true;
	return false;
}

/* How many lines conditions_warn prints. */
static int warned_lines(const struct run_conditions *c, bool at_end)
{
	char buf[4096] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	conditions_warn(f, c, at_end);
	fclose(f);
	int lines = 0;
	for (char *p = buf; (p = strstr(p, "syncbench: warning: ")); p++)
		lines++;
	return lines;
}

static void test_powersave_and_steal(void)
{
	struct run_conditions c;
	put("/sys/devices/system/cpu/cpufreq/policy0/scaling_governor", "powersave\n");
	put("/sys/devices/system/cpu/cpufreq/policy0/scaling_driver", "intel_pstate\n");
	put("/sys/devices/system/cpu/cpufreq/policy1/scaling_governor", "powersave\n");
	put("/sys/devices/system/cpu/cpufreq/policy1/scaling_driver", "intel_pstate\n");
	put("/sys/devices/system/cpu/intel_pstate/no_turbo", "0\n");
	put("/sys/devices/system/cpu/smt/active", "1\n");
	put("/sys/devices/system/cpu/smt/control", "on\n");
	put("/proc/stat", "cpu  100 0 100 1000 0 0 0 10 0 0\ncpu0 50 0 50 500 0 0 0 5 0 0\n");
	conditions_collect(&c, root, 2);
	/* 800 ticks pass, 100 of them stolen: 12.5%. */
	put("/proc/stat", "cpu  200 0 200 1500 0 0 0 110 0 0\n");

	json_t *doc = conditions_json(&c);
	CHECK(strcmp(json_string_value(field(doc, "cpufreq", "governor")), "powersave") == 0,
	      "governor read");
	CHECK(json_is_true(field(doc, "cpufreq", "turbo")), "no_turbo 0 means turbo on");
	CHECK(json_is_true(field(doc, "smt", "active")), "smt active read");
	CHECK_NEAR(json_number_value(field(doc, "steal", "fraction")), 0.125, 1e-9);
	CHECK(warns(doc, "cpu_scaling") && warns(doc, "steal"), "powersave and 12.5%% steal warn");
	CHECK(warned_lines(&c, false) == 1 && warned_lines(&c, true) == 1,
	      "the governor is warned about at the start, steal at the end");
	json_decref(doc);

	put("/sys/devices/system/cpu/cpufreq/policy1/scaling_governor", "performance\n");
	conditions_collect(&c, root, 2);
	doc = conditions_json(&c);
	CHECK(strcmp(json_string_value(field(doc, "cpufreq", "governor")), "mixed") == 0 &&
	      warns(doc, "cpu_scaling"), "mixed governors warn");
	json_decref(doc);
}

/* 3 stolen ticks in 20 are 15%, but could be 2 or 4: too few to warn about. */
static void test_too_few_ticks(void)
{
	struct run_conditions c;
	put("/proc/stat", "cpu  100 0 100 1000 0 0 0 10 0 0\n");
	conditions_collect(&c, root, 2);
	put("/proc/stat", "cpu  105 0 105 1007 0 0 0 13 0 0\n");
	json_t *doc = conditions_json(&c);
	CHECK(!warns(doc, "steal"), "3 ticks of steal warn");
	json_decref(doc);
}

static void test_quiet_machine(void)
{
	struct run_conditions c;
	put("/sys/devices/system/cpu/cpufreq/policy0/scaling_governor", "performance\n");
	put("/sys/devices/system/cpu/cpufreq/policy1/scaling_governor", "performance\n");
	put("/proc/stat", "cpu  100 0 100 1000 0 0 0 10 0 0\n");
	conditions_collect(&c, root, 2);
	/* 1000 ticks, 10 stolen: 1%, under the threshold. */
	put("/proc/stat", "cpu  300 0 300 1590 0 0 0 20 0 0\n");
	json_t *doc = conditions_json(&c);
	CHECK(json_array_size(json_object_get(doc, "warnings")) == 0, "performance and 1%% steal: no warning");
	CHECK_NEAR(json_number_value(field(doc, "steal", "fraction")), 0.01, 1e-9);
	CHECK(warned_lines(&c, false) == 0 && warned_lines(&c, true) == 0, "nothing printed");
	json_decref(doc);
}

static void test_nothing_exposed(void)
{
	struct run_conditions c;
	char empty[80];
	snprintf(empty, sizeof(empty), "%s/none", root);
	conditions_collect(&c, empty, 0);
	json_t *doc = conditions_json(&c);
	CHECK(json_is_null(field(doc, "cpufreq", "governor")) &&
	      json_is_string(field(doc, "cpufreq", "reason")), "no cpufreq: null with a reason");
	CHECK(json_is_null(field(doc, "smt", "active")), "no SMT information: null");
	CHECK(json_is_null(field(doc, "steal", "fraction")) &&
	      json_is_string(field(doc, "steal", "reason")), "no /proc/stat: null with a reason");
	CHECK(json_array_size(json_object_get(doc, "warnings")) == 0, "nothing known, nothing warned");
	json_decref(doc);
	conditions_collect(&c, empty, 2);
	doc = conditions_json(&c);
	CHECK(json_is_true(field(doc, "smt", "active")) &&
	      strcmp(json_string_value(field(doc, "smt", "from")), "topology") == 0,
	      "2 PUs per core in the topology: SMT on");
	json_decref(doc);
}

int main(void)
{
	snprintf(root, sizeof(root), "/tmp/syncbench-conditions-XXXXXX");
	CHECK(mkdtemp(root) != NULL, "mkdtemp");
	test_powersave_and_steal();
	test_quiet_machine();
	test_too_few_ticks();
	test_nothing_exposed();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0, "cleanup");
	return check_exit();
}
