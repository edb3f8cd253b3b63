#include "counters.h"

#include <errno.h>
#include <math.h>
#include <perfmon/pfmlib_perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "suggest.h"

static const char *const software_events[] = {
	"task-clock", "context-switches", "cpu-migrations", "page-faults",
};
static const char *const hardware_events[] = {
	"cycles", "instructions", "branch-misses", "LLC-load-misses",
};

/* Cache-to-cache transfer events, keyed by the core PMU libpfm4 detects. */
static const struct {
	const char *pmu;
	const char *events[4];
} coherence_events[] = {
	{ "skx", { "skx::MEM_LOAD_L3_HIT_RETIRED:XSNP_HITM" } },
	{ "clx", { "clx::MEM_LOAD_L3_HIT_RETIRED:XSNP_HITM" } },
	{ "icx", { "icx::MEM_LOAD_L3_HIT_RETIRED:XSNP_HITM" } },
	{ "spr", { "spr::MEM_LOAD_L3_HIT_RETIRED:XSNP_FWD",
		   "spr::OCR:DEMAND_DATA_RD_L3_HIT_SNOOP_HITM",
		   "spr::OCR:DEMAND_RFO_L3_HIT_SNOOP_HITM" } },
	{ "amd64_fam17h_zen2", { "amd64_fam17h_zen2::DATA_CACHE_REFILLS_FROM_SYSTEM:LS_MABRESP_LCL_CACHE",
				 "amd64_fam17h_zen2::DATA_CACHE_REFILLS_FROM_SYSTEM:LS_MABRESP_RMT_CACHE" } },
	{ "amd64_fam19h_zen3", { "amd64_fam19h_zen3::ANY_DATA_CACHE_FILLS_FROM_SYSTEM:INT_CACHE",
				 "amd64_fam19h_zen3::ANY_DATA_CACHE_FILLS_FROM_SYSTEM:EXT_CACHE_LCL",
				 "amd64_fam19h_zen3::ANY_DATA_CACHE_FILLS_FROM_SYSTEM:EXT_CACHE_RMT" } },
	{ "amd64_fam19h_zen4", { "amd64_fam19h_zen4::ANY_DATA_CACHE_FILLS_FROM_SYSTEM:LOCAL_CCX",
				 "amd64_fam19h_zen4::ANY_DATA_CACHE_FILLS_FROM_SYSTEM:NEAR_CACHE_NEAR_FAR",
				 "amd64_fam19h_zen4::ANY_DATA_CACHE_FILLS_FROM_SYSTEM:FAR_CACHE_NEAR_FAR" } },
};

static int pfm_ready(void)
{
	static int state;	/* 0 untried, 1 ready, -1 failed: once per process */
	if (!state)
		state = pfm_initialize() == PFM_SUCCESS ? 1 : -1;
	return state > 0;
}

static const char *core_pmu(void)
{
	static pfm_pmu_info_t info;
	for (int p = PFM_PMU_NONE; p < PFM_PMU_MAX; p++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info((pfm_pmu_t)p, &info) == PFM_SUCCESS && info.is_present &&
		    info.type == PFM_PMU_TYPE_CORE)
			return info.name;
	}
	return NULL;
}

int counters_describe(char *version, size_t vlen, char *pmu, size_t pmulen)
{
	pmu[0] = '\0';
	if (!pfm_ready()) {
		snprintf(version, vlen, "unavailable");
		return -1;
	}
	int v = pfm_get_version();
	snprintf(version, vlen, "%d.%d", PFM_MAJ_VERSION(v), PFM_MIN_VERSION(v));
	const char *name = core_pmu();
	snprintf(pmu, pmulen, "%s", name ? name : "");
	return 0;
}

static long open_counter(struct perf_event_attr *attr, int group_fd)
{
	/* This thread, any CPU: each worker counts itself. */
	return syscall(SYS_perf_event_open, attr, 0, -1, group_fd, 0);
}

void counters_open_process(const struct event_set *set, pid_t pid, struct thread_counters *tc)
{
	for (int i = 0; i < set->n; i++) {
		struct perf_event_attr attr = set->ev[i].attr;
		/*
		 * Inherited by every thread the process creates; the kernel
		 * then sums them into what this fd reads, and enabling or
		 * disabling it reaches them all.  Each event leads a group of
		 * its own: an inherited group cannot be read as a group.
		 */
		attr.inherit = 1;
		tc->fd[i] = set->ev[i].available
			? (int)syscall(SYS_perf_event_open, &attr, pid, -1, -1, 0) : -1;
		tc->group[i] = tc->fd[i];
	}
}

static int paranoid_level(void)
{
	int level = -99;
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = -99;
		fclose(f);
	}
	return level;
}

static void explain_failure(struct event_spec *e, int err)
{
	switch (err) {
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
		snprintf(e->reason, sizeof(e->reason), "%s: %s",
			 e->hardware ? "no PMU can count it here (a VM without a virtual PMU?)"
				     : "not supported by this kernel",
			 strerror(err));
		break;
	case EACCES:
	case EPERM:
		snprintf(e->reason, sizeof(e->reason),
			 "permission denied (kernel.perf_event_paranoid = %d)", paranoid_level());
		break;
	default:
		snprintf(e->reason, sizeof(e->reason), "perf_event_open failed: %s", strerror(err));
	}
}

/* Opens the event once on this thread: only the kernel can say it counts. */
static int try_open(struct perf_event_attr *attr)
{
	long fd = open_counter(attr, -1);
	if (fd >= 0)
		close((int)fd);
	return fd >= 0 ? 0 : errno;
}

/*
 * Counts user and kernel time where allowed: a contended lock spends its
 * waits in futex calls, and context switches happen only in the kernel.
 * Where perf_event_paranoid forbids kernel counting, falls back to user space.
 */
static void probe(struct event_spec *e)
{
	int err = try_open(&e->attr);
	if (err == EACCES || err == EPERM) {
		e->attr.exclude_kernel = e->attr.exclude_hv = 1;
		e->user_only = 1;
		err = try_open(&e->attr);
	}
	e->available = err == 0;
	if (err)
		explain_failure(e, err);
}

static int is_hardware(const struct perf_event_attr *a)
{
	return a->type != PERF_TYPE_SOFTWARE && a->type != PERF_TYPE_TRACEPOINT;
}

/* The three event names of present PMUs closest to name. */
static void suggest(const char *name, char *buf, size_t len)
{
	char best[3][128] = { "", "", "" };
	size_t score[3] = { SIZE_MAX, SIZE_MAX, SIZE_MAX };
	char base[128];
	snprintf(base, sizeof(base), "%s", strstr(name, "::") ? strstr(name, "::") + 2 : name);
	base[strcspn(base, ":")] = '\0';

	for (int p = PFM_PMU_NONE; p < PFM_PMU_MAX; p++) {
		pfm_pmu_info_t pi = { .size = sizeof(pi) };
		if (pfm_get_pmu_info((pfm_pmu_t)p, &pi) != PFM_SUCCESS || !pi.is_present)
			continue;
		for (int i = pi.first_event; i != -1; i = pfm_get_event_next(i)) {
			pfm_event_info_t ei = { .size = sizeof(ei) };
			if (pfm_get_event_info(i, PFM_OS_NONE, &ei) != PFM_SUCCESS)
				continue;
			size_t d = suggest_distance(base, ei.name);
			for (int k = 0; k < 3; k++) {
				if (d < score[k]) {
					memmove(&best[k + 1], &best[k], sizeof(best[0]) * (size_t)(2 - k));
					memmove(&score[k + 1], &score[k], sizeof(score[0]) * (size_t)(2 - k));
					snprintf(best[k], sizeof(best[k]), "%s", ei.name);
					score[k] = d;
					break;
				}
			}
		}
	}
	snprintf(buf, len, "%s, %s, %s", best[0], best[1], best[2]);
}

static int add_event(struct event_set *set, const char *name, char *err, size_t errlen)
{
	if (set->n == MAX_EVENTS) {
		snprintf(err, errlen, "--events: at most %d events are accepted", MAX_EVENTS);
		return -1;
	}
	struct event_spec *e = &set->ev[set->n];
	char *fstr = NULL;
	memset(e, 0, sizeof(*e));
	pfm_perf_encode_arg_t arg = { .attr = &e->attr, .fstr = &fstr, .size = sizeof(arg) };

	e->attr.size = sizeof(e->attr);
	/* PLM0|PLM3: kernel and user; probe() narrows it if not permitted. */
	int rc = pfm_get_os_event_encoding(name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
	if (rc != PFM_SUCCESS) {
		char close_names[512];
		suggest(name, close_names, sizeof(close_names));
		snprintf(err, errlen, "--events: libpfm4 cannot use '%s' (%s); closest known: %s",
			 name, pfm_strerror(rc), close_names);
		return -1;
	}
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->encoding, sizeof(e->encoding), "%s", fstr ? fstr : name);
	free(fstr);
	e->attr.disabled = 1;
	e->attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	e->hardware = is_hardware(&e->attr);
	probe(e);
	set->n++;
	return 0;
}

static int add_preset(struct event_set *set, const char *preset, char *err, size_t errlen)
{
	if (strcmp(preset, "default") == 0) {
		for (size_t i = 0; i < sizeof(software_events) / sizeof(*software_events); i++)
			if (add_event(set, software_events[i], err, errlen))
				return -1;
		for (size_t i = 0; i < sizeof(hardware_events) / sizeof(*hardware_events); i++)
			if (add_event(set, hardware_events[i], err, errlen))
				return -1;
		return 0;
	}
	const char *pmu = core_pmu();
	for (size_t i = 0; pmu && i < sizeof(coherence_events) / sizeof(*coherence_events); i++) {
		if (strcmp(coherence_events[i].pmu, pmu) != 0)
			continue;
		for (int k = 0; k < 4 && coherence_events[i].events[k]; k++)
			if (add_event(set, coherence_events[i].events[k], err, errlen))
				return -1;
		return 0;
	}
	snprintf(err, errlen, "--events coherence: no cache-to-cache events are known for PMU '%s' "
		 "(known: skx, clx, icx, spr, zen2, zen3, zen4); name events explicitly",
		 pmu ? pmu : "none");
	return -1;
}

int counters_resolve(const char *text, struct event_set *set, char *err, size_t errlen)
{
	memset(set, 0, sizeof(*set));
	if (!pfm_ready()) {
		snprintf(err, errlen, "--events: libpfm4 cannot be initialised; use --events none");
		return -1;
	}
	if (strcmp(text, "none") == 0 || strcmp(text, "default") == 0 ||
	    strcmp(text, "coherence") == 0) {
		snprintf(set->spec, sizeof(set->spec), "%s", text);
		return strcmp(text, "none") == 0 ? 0 : add_preset(set, text, err, errlen);
	}
	snprintf(set->spec, sizeof(set->spec), "list");
	char copy[1024];
	if (strlen(text) >= sizeof(copy) || text[0] == '\0' || text[0] == ',' ||
	    text[strlen(text) - 1] == ',' || strstr(text, ",,")) {
		snprintf(err, errlen, "--events needs %s", EVENTS_HELP);
		return -1;
	}
	snprintf(copy, sizeof(copy), "%s", text);
	for (char *save = NULL, *name = strtok_r(copy, ",", &save); name;
	     name = strtok_r(NULL, ",", &save))
		if (add_event(set, name, err, errlen))
			return -1;
	return 0;
}

/*
 * Events of one PMU (one perf type) share a group, so that they count the
 * same instants and are multiplexed together; when the PMU will not take
 * another member, a new group starts.
 */
void counters_open(const struct event_set *set, struct thread_counters *tc)
{
	for (int i = 0; i < set->n; i++) {
		struct perf_event_attr attr = set->ev[i].attr;
		int leader = -1;
		tc->fd[i] = -1;
		if (!set->ev[i].available)
			continue;
		for (int j = i - 1; j >= 0 && leader < 0; j--)
			if (tc->fd[j] >= 0 && set->ev[j].attr.type == attr.type)
				leader = tc->group[j];
		tc->fd[i] = leader >= 0 ? (int)open_counter(&attr, leader) : -1;
		tc->group[i] = leader;
		if (tc->fd[i] < 0) {
			tc->fd[i] = (int)open_counter(&attr, -1);
			tc->group[i] = tc->fd[i];
		}
	}
}

/*
 * One ioctl per group, on its leader, for the whole group.  The kernel
 * still enables the members one after another, but within one syscall:
 * the first and last members of the default group start about 5 us apart
 * here, against 7 us with one ioctl per event.
 */
static void for_each_group(const struct event_set *set, struct thread_counters *tc,
			   unsigned long request)
{
	for (int i = 0; i < set->n; i++)
		if (tc->fd[i] >= 0 && tc->group[i] == tc->fd[i])
			ioctl(tc->fd[i], request, PERF_IOC_FLAG_GROUP);
}

void counters_enable(const struct event_set *set, struct thread_counters *tc)
{
	for_each_group(set, tc, PERF_EVENT_IOC_ENABLE);
}

void counters_finish(const struct event_set *set, struct thread_counters *tc,
		     struct counter_reading *out)
{
	for_each_group(set, tc, PERF_EVENT_IOC_DISABLE);
	for (int i = 0; i < set->n; i++) {
		uint64_t v[3];
		memset(&out[i], 0, sizeof(out[i]));
		if (tc->fd[i] < 0)
			continue;
		if (read(tc->fd[i], v, sizeof(v)) == (ssize_t)sizeof(v))
			out[i] = (struct counter_reading){ v[0], v[1], v[2], 1 };
		close(tc->fd[i]);
		tc->fd[i] = -1;
	}
}

double counter_scaled(const struct event_spec *e, const struct counter_reading *r)
{
	/*
	 * The kernel counts software events whenever the task runs; the two
	 * times can still differ by accounting slack under load, and scaling
	 * by them would only add error.
	 */
	if (!e->hardware || r->running_ns == r->enabled_ns)
		return (double)r->value;
	if (r->running_ns == 0)
		return NAN;	/* never on the PMU: unknown, not zero */
	return (double)r->value * (double)r->enabled_ns / (double)r->running_ns;
}

static void print_group(FILE *f, const char *title, const char *const *names, size_t n)
{
	char err[512];
	fprintf(f, "%s:\n", title);
	for (size_t i = 0; i < n; i++) {
		struct event_set one;
		if (counters_resolve(names[i], &one, err, sizeof(err)) != 0) {
			fprintf(f, "  %-24s unknown to libpfm4\n", names[i]);
			continue;
		}
		fprintf(f, "  %-24s %s\n", names[i],
			one.ev[0].available ? "counts here" : one.ev[0].reason);
	}
}

void counters_print_list(FILE *f)
{
	char version[32], pmu[64], err[512];
	if (counters_describe(version, sizeof(version), pmu, sizeof(pmu)) != 0) {
		fprintf(f, "libpfm4 cannot be initialised: no events can be counted\n");
		return;
	}
	fprintf(f, "libpfm4 %s, core PMU: %s\n\n", version, pmu[0] ? pmu : "none detected");
	print_group(f, "software events", software_events,
		    sizeof(software_events) / sizeof(*software_events));
	print_group(f, "hardware events", hardware_events,
		    sizeof(hardware_events) / sizeof(*hardware_events));
	fprintf(f, "\npresets (--events):\n");
	const char *const presets[] = { "default", "coherence" };
	for (int p = 0; p < 2; p++) {
		struct event_set set;
		if (counters_resolve(presets[p], &set, err, sizeof(err)) != 0) {
			fprintf(f, "  %-10s %s\n", presets[p], err);
			continue;
		}
		fprintf(f, "  %-10s", presets[p]);
		for (int i = 0; i < set.n; i++)
			fprintf(f, "%s%s%s", i ? ", " : " ", set.ev[i].name,
				set.ev[i].available ? "" : " (unavailable)");
		fputc('\n', f);
	}
	fprintf(f, "  %-10s no counters\n\nAny libpfm4 event string is accepted too, "
		   "e.g. perf::CONTEXT-SWITCHES or %s::<EVENT>:<UMASK>.\n",
		"none", pmu[0] ? pmu : "<pmu>");
}
