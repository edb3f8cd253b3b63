#include "conditions.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"

#define CPU_SYSFS "/sys/devices/system/cpu"

/* The first line of root/path into buf (newline cut); false if unreadable or empty. */
static bool read_line(const char *root, const char *path, char *buf, size_t len)
{
	char full[512];
	snprintf(full, sizeof(full), "%s%s", root, path);
	FILE *f = fopen(full, "r");
	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] != '\0';
}

/* 1 or 0 from a file holding "1" or "0"; -1 otherwise. */
static int read_flag(const char *root, const char *path)
{
	char buf[16];
	if (!read_line(root, path, buf, sizeof(buf)))
		return -1;
	return strcmp(buf, "1") == 0 ? 1 : strcmp(buf, "0") == 0 ? 0 : -1;
}

/* The governor and driver of every cpufreq policy; "mixed" when they differ. */
static void read_cpufreq(struct run_conditions *c)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s" CPU_SYSFS "/cpufreq", c->root);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char path[512], governor[64], driver[64];
		if (strncmp(e->d_name, "policy", 6) != 0)
			continue;
		snprintf(path, sizeof(path), CPU_SYSFS "/cpufreq/%.200s/scaling_governor", e->d_name);
		if (!read_line(c->root, path, governor, sizeof(governor)))
			continue;
		snprintf(path, sizeof(path), CPU_SYSFS "/cpufreq/%.200s/scaling_driver", e->d_name);
		read_line(c->root, path, driver, sizeof(driver));
		if (c->cpufreq && strcmp(c->governor, governor) != 0)
			snprintf(c->governor, sizeof(c->governor), "mixed");
		else if (!c->cpufreq)
			snprintf(c->governor, sizeof(c->governor), "%s", governor);
		if (c->cpufreq && strcmp(c->driver, driver) != 0)
			snprintf(c->driver, sizeof(c->driver), "mixed");
		else if (!c->cpufreq)
			snprintf(c->driver, sizeof(c->driver), "%s", driver);
		c->cpufreq = true;
	}
	if (d)
		closedir(d);
}

/* intel_pstate says whether turbo is off; acpi-cpufreq and amd-pstate whether boost is on. */
static void read_turbo(struct run_conditions *c)
{
	static const struct { const char *path; bool inverted; } sources[] = {
		{ CPU_SYSFS "/intel_pstate/no_turbo", true },
		{ CPU_SYSFS "/cpufreq/boost", false },
		{ CPU_SYSFS "/cpufreq/policy0/boost", false },
	};
	c->turbo = -1;
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]) && c->turbo < 0; i++) {
		int v = read_flag(c->root, sources[i].path);
		if (v < 0)
			continue;
		c->turbo = sources[i].inverted ? !v : v;
		snprintf(c->turbo_from, sizeof(c->turbo_from), "%s", sources[i].path);
	}
}

static struct cpu_ticks read_cpu_ticks(const char *root)
{
	char line[512];
	struct cpu_ticks t = { 0 };
	unsigned long long v[8];
	/* user nice system idle iowait irq softirq steal; guest time is already in user. */
	if (read_line(root, "/proc/stat", line, sizeof(line)) &&
	    sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) == 8) {
		t.valid = true;
		for (int i = 0; i < 8; i++)
			t.total += v[i];
		t.steal = v[7];
	}
	return t;
}

void conditions_collect(struct run_conditions *c, const char *root, int threads_per_core)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->root, sizeof(c->root), "%s", root);
	read_cpufreq(c);
	read_turbo(c);
	c->smt_active = read_flag(root, CPU_SYSFS "/smt/active");
	read_line(root, CPU_SYSFS "/smt/control", c->smt_control, sizeof(c->smt_control));
	c->threads_per_core = threads_per_core;
	c->start = read_cpu_ticks(root);
	c->start_ns = now_ns();
}

double conditions_steal_fraction(const struct run_conditions *c, double *steal_s, double *over_s)
{
	struct cpu_ticks now = read_cpu_ticks(c->root);
	*over_s = (double)(now_ns() - c->start_ns) / 1e9;
	*steal_s = NAN;
	if (!c->start.valid || !now.valid || now.total < c->start.total ||
	    now.steal < c->start.steal)
		return NAN;
	*steal_s = (double)(now.steal - c->start.steal) / (double)sysconf(_SC_CLK_TCK);
	uint64_t total = now.total - c->start.total;
	/* No tick has passed yet: nothing was stolen that /proc/stat can show. */
	return total ? (double)(now.steal - c->start.steal) / (double)total : 0;
}

#define MAX_WARNINGS 2

struct warning {
	const char *condition;
	char message[320];
};

static int collect_warnings(const struct run_conditions *c, bool with_steal, struct warning *w)
{
	int n = 0;
	if (c->cpufreq && strcmp(c->governor, "performance") != 0) {
		w[n].condition = "cpu_scaling";
		snprintf(w[n++].message, sizeof(w[0].message),
			 "CPU frequency scaling governor is '%s', not 'performance': figures may be "
			 "noisy and below what this machine can do (cpupower frequency-set -g "
			 "performance)", c->governor);
	}
	double steal_s, over_s, fraction = with_steal ? conditions_steal_fraction(c, &steal_s, &over_s)
						      : NAN;
	if (isfinite(fraction) && fraction > STEAL_WARN_FRACTION && steal_s >= STEAL_WARN_MIN_S) {
		w[n].condition = "steal";
		snprintf(w[n++].message, sizeof(w[0].message),
			 "the hypervisor stole %.1f%% of the CPUs' time over the run (%.2f s in "
			 "%.1f s; warning above %.0f%% and %.2f s): another guest ran, and "
			 "wall-clock figures include that time", 100 * fraction, steal_s, over_s,
			 100 * STEAL_WARN_FRACTION, STEAL_WARN_MIN_S);
	}
	return n;
}

static json_t *string_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *flag_or_null(int v)
{
	return v >= 0 ? json_boolean(v) : json_null();
}

static json_t *number_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *cpufreq_json(const struct run_conditions *c)
{
	const char *reason = NULL;
	if (!c->cpufreq)
		reason = "no cpufreq policy under " CPU_SYSFS "/cpufreq: the kernel exposes no "
			 "frequency control here (usual in a VM, where the host decides)";
	else if (c->turbo < 0)
		reason = "turbo: no boost control exposed (intel_pstate/no_turbo, cpufreq/boost)";
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "governor",
			 string_or_null(c->cpufreq ? c->governor : NULL), "driver",
			 string_or_null(c->cpufreq ? c->driver : NULL), "turbo", flag_or_null(c->turbo),
			 "turbo_from", string_or_null(c->turbo < 0 ? NULL : c->turbo_from), "reason",
			 string_or_null(reason));
}

static json_t *smt_json(const struct run_conditions *c)
{
	/* Without the kernel's word, the topology tells whether cores hold several PUs. */
	int active = c->smt_active >= 0 ? c->smt_active
		     : c->threads_per_core > 0 ? c->threads_per_core > 1 : -1;
	return json_pack("{s:o, s:s, s:o, s:o}", "active", flag_or_null(active), "from",
			 c->smt_active >= 0 ? "sysfs" : "topology", "control",
			 string_or_null(c->smt_control), "threads_per_core",
			 c->threads_per_core > 0 ? json_integer(c->threads_per_core) : json_null());
}

static json_t *steal_json(const struct run_conditions *c)
{
	double steal_s, over_s, fraction = conditions_steal_fraction(c, &steal_s, &over_s);
	return json_pack("{s:o, s:o, s:f, s:f, s:f, s:o}", "fraction", number_or_null(fraction),
			 "seconds", number_or_null(steal_s), "over_s", over_s, "warn_above",
			 STEAL_WARN_FRACTION, "warn_from_s", STEAL_WARN_MIN_S, "reason",
			 isfinite(fraction) ? json_null() : json_string("/proc/stat is unreadable"));
}

json_t *conditions_json(const struct run_conditions *c)
{
	struct warning w[MAX_WARNINGS];
	int n = collect_warnings(c, true, w);
	json_t *warnings = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(warnings, json_pack("{s:s, s:s}", "condition", w[i].condition,
							  "message", w[i].message));
	return json_pack("{s:{s:o, s:o, s:o}, s:o}", "conditions", "cpufreq", cpufreq_json(c),
			 "smt", smt_json(c), "steal", steal_json(c), "warnings", warnings);
}

void conditions_warn(FILE *f, const struct run_conditions *c, bool at_end)
{
	struct warning w[MAX_WARNINGS];
	int n = collect_warnings(c, at_end, w);
	for (int i = 0; i < n; i++)
		if (at_end == (strcmp(w[i].condition, "steal") == 0))
			fprintf(f, "syncbench: warning: %s\n", w[i].message);
}
