#include "plan.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char plan_usage[] =
	"usage: syncbench plan [--topology DESC] [--placement P] [--threads LIST] [--json]\n"
	"\n"
	"Prints, per thread count, the OS PU each thread gets and what the threads\n"
	"share, pinning nothing.  `run` places its threads with the same code.\n"
	"\n"
	"  --topology DESC   an hwloc synthetic description (\"pack:2 numa:2 core:16 pu:2\")\n"
	"                    or an XML file written by `lstopo --of xml FILE`; default: this\n"
	"                    machine as `run` sees it (taskset and cgroups apply)\n"
	"  --placement P     cores (the default), compact or scatter, each optionally\n"
	"                    confined with @package:N or @numa:N (logical index);\n"
	"                    list:CPUS (OS PU numbers, ranges as taskset: 0-7,16-23 or\n"
	"                    0-15:2); none; pairs (2 threads: every ordered pair of PUs)\n"
	"  --threads LIST    thread counts (default: the number of PUs)\n"
	"  --json            one object per line and thread count (per pair for pairs):\n"
	"                    {\"placement\", \"threads\", \"threads_at\": [{\"pu\", \"core\",\n"
	"                    \"package\", \"numa\"}, ...], \"shared\", \"oversubscribed\"}\n"
	"  -h, --help        this text\n"
	"\n"
	"pu is the OS number (as taskset and list: take it); core, package and numa are\n"
	"hwloc logical indices (lstopo -l), null where the topology has no such level.\n";

struct plan_request {
	const char *topology, *placement;
	char *threads;
	int json;
};

static json_t *index_or_null(int v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *flag_or_null(int v)
{
	return v >= 0 ? json_boolean(v) : json_null();
}

static json_t *sharing_json(const struct placement_sharing *s)
{
	return json_pack("{s:o, s:o, s:o, s:o}", "pu", flag_or_null(s->pu),
			 "core", flag_or_null(s->core), "package", flag_or_null(s->package),
			 "numa", flag_or_null(s->numa));
}

json_t *placement_record_json(const struct run_settings *s, const int *pus, int nthreads)
{
	struct placement_sharing shared;
	placement_sharing(s->topo, pus, nthreads, &shared);
	return json_pack("{s:o, s:o}", "shared", sharing_json(&shared),
			 "mem_node", s->mem_bound ? json_integer(s->mem_node) : json_null());
}

static json_t *threads_at_json(const struct topo *t, const int *pus, int n)
{
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		struct pu_location loc;
		topo_locate(t, pus[i], &loc);
		json_array_append_new(list, json_pack("{s:o, s:o, s:o, s:o}", "pu",
			index_or_null(pus[i]), "core", index_or_null(loc.core),
			"package", index_or_null(loc.package), "numa", index_or_null(loc.numa)));
	}
	return list;
}

static void print_json(const struct topo *t, const char *policy, const int *pus, int n,
		       int oversubscribed)
{
	struct placement_sharing shared;
	placement_sharing(t, pus, n, &shared);
	json_t *obj = json_pack("{s:s, s:i, s:o, s:o, s:b}", "placement", policy, "threads", n,
				"threads_at", threads_at_json(t, pus, n), "shared",
				sharing_json(&shared), "oversubscribed", oversubscribed);
	json_dumpf(obj, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(obj);
}

/* "16,0,0,0": threads per package (or NUMA node), "-" where unknown. */
static void per_object(const struct topo *t, const int *pus, int n, int nobjs, int numa,
		       char *buf, size_t len)
{
	int *count = calloc((size_t)(nobjs > 0 ? nobjs : 1), sizeof(*count));
	size_t used = 0;
	snprintf(buf, len, "-");
	for (int i = 0; count && i < n; i++) {
		struct pu_location loc;
		topo_locate(t, pus[i], &loc);
		int k = numa ? loc.numa : loc.package;
		if (k < 0 || k >= nobjs) {
			free(count);
			return;
		}
		count[k]++;
	}
	for (int k = 0; count && k < nobjs && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%d", k ? "," : "", count[k]);
	free(count);
}

/* "16 (1)": cores used, and the most threads on one of them. */
static void cores_used(const struct topo *t, const int *pus, int n, int ncores, char *buf,
		       size_t len)
{
	int *count = calloc((size_t)(ncores > 0 ? ncores : 1), sizeof(*count));
	int used = 0, most = 0;
	snprintf(buf, len, "-");
	for (int i = 0; count && i < n; i++) {
		struct pu_location loc;
		topo_locate(t, pus[i], &loc);
		if (loc.core < 0 || loc.core >= ncores) {
			free(count);
			return;
		}
		used += count[loc.core]++ == 0;
		most = count[loc.core] > most ? count[loc.core] : most;
	}
	if (count)
		snprintf(buf, len, "%d (%d)", used, most);
	free(count);
}

static void shared_words(const struct placement_sharing *s, char *buf, size_t len)
{
	const int flags[] = { s->pu, s->core, s->package, s->numa };
	const char *const names[] = { "pu", "core", "package", "numa" };
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < 4; i++) {
		if (flags[i] < 0) {
			snprintf(buf, len, "unknown");
			return;
		}
		if (flags[i])
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
						 names[i]);
	}
	if (!used)
		snprintf(buf, len, "nothing");
}

#define PLAN_COLUMNS 6

/* One line of the table: its columns, allocated. */
struct plan_row {
	char *col[PLAN_COLUMNS];
};

struct plan_table {
	struct plan_row *rows;
	int n, capacity;
};

static int add_row(struct plan_table *tb, const struct topo *t, const struct topo_summary *sum,
		   const int *pus, int n)
{
	struct placement_sharing shared;
	size_t list_len = 16 * (size_t)n + 16;
	char col[PLAN_COLUMNS - 1][256], *list = malloc(list_len);

	if (tb->n == tb->capacity) {
		int capacity = 2 * tb->capacity + 8;
		struct plan_row *rows = realloc(tb->rows, (size_t)capacity * sizeof(*rows));
		if (!rows) {
			free(list);
			return -1;
		}
		tb->rows = rows;
		tb->capacity = capacity;
	}
	if (!list)
		return -1;
	placement_sharing(t, pus, n, &shared);
	snprintf(col[0], sizeof(col[0]), "%d", n);
	per_object(t, pus, n, sum->packages, 0, col[1], sizeof(col[1]));
	per_object(t, pus, n, sum->numa_nodes, 1, col[2], sizeof(col[2]));
	cores_used(t, pus, n, sum->cores, col[3], sizeof(col[3]));
	shared_words(&shared, col[4], sizeof(col[4]));
	if (pus[0] < 0)
		snprintf(list, list_len, "not pinned");
	else
		format_pu_list(pus, n, list, list_len);
	struct plan_row *row = &tb->rows[tb->n++];
	for (int c = 0; c < PLAN_COLUMNS - 1; c++)
		row->col[c] = strdup(col[c]);
	row->col[PLAN_COLUMNS - 1] = list;
	for (int c = 0; c < PLAN_COLUMNS; c++)
		if (!row->col[c])
			return -1;
	return 0;
}

static void free_table(struct plan_table *tb)
{
	for (int r = 0; r < tb->n; r++)
		for (int c = 0; c < PLAN_COLUMNS; c++)
			free(tb->rows[r].col[c]);
	free(tb->rows);
}

static void print_table(const struct plan_table *tb)
{
	static const char *const head[PLAN_COLUMNS] = {
		"threads", "per package", "per NUMA node", "cores (most on one)", "shared", "PUs",
	};
	int width[PLAN_COLUMNS];
	for (int c = 0; c < PLAN_COLUMNS; c++) {
		width[c] = (int)strlen(head[c]);
		for (int r = 0; r < tb->n; r++)
			if ((int)strlen(tb->rows[r].col[c]) > width[c])
				width[c] = (int)strlen(tb->rows[r].col[c]);
	}
	for (int r = -1; r < tb->n; r++) {
		for (int c = 0; c < PLAN_COLUMNS; c++) {
			const char *text = r < 0 ? head[c] : tb->rows[r].col[c];
			if (c == 0)
				printf("%*s", width[c], text);
			else if (c == PLAN_COLUMNS - 1)
				printf("  %s", text);
			else
				printf("  %-*s", width[c], text);
		}
		putchar('\n');
	}
}

static const char *plural(int n)
{
	return n == 1 ? "" : "s";
}

static void print_heading(const struct topo_summary *s, const char *desc, const char *policy)
{
	printf("placement %s on %s%s%s: %d package%s, %d NUMA node%s, %d core%s, %d PU%s\n",
	       policy, desc ? "\"" : "", desc ? desc : "this machine", desc ? "\"" : "",
	       s->packages, plural(s->packages), s->numa_nodes, plural(s->numa_nodes), s->cores,
	       plural(s->cores), s->pus, plural(s->pus));
}

static int parse_plan(int argc, char **argv, struct plan_request *req)
{
	enum { OPT_TOPOLOGY = 256, OPT_PLACEMENT, OPT_THREADS, OPT_JSON, OPT_HELP };
	static const struct option options[] = {
		{ "topology", required_argument, NULL, OPT_TOPOLOGY },
		{ "placement", required_argument, NULL, OPT_PLACEMENT },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	opterr = 0;
	optind = 0;
	for (;;) {
		int c = getopt_long(argc, argv, "h", options, NULL);
		switch (c) {
		case -1:
			if (optind < argc)
				usage_error("plan: unexpected argument '%s' (see syncbench plan --help)",
					    argv[optind]);
			return 0;
		case OPT_TOPOLOGY: req->topology = optarg; break;
		case OPT_PLACEMENT: req->placement = optarg; break;
		case OPT_THREADS: req->threads = optarg; break;
		case OPT_JSON: req->json = 1; break;
		case OPT_HELP:
		case 'h': return CLI_HELP;
		default:
			usage_error("plan: unknown or incomplete option '%s' (see syncbench plan --help)",
				    argv[optind - 1]);
		}
	}
}

/* Every count gets an assignment (pairs: 2 threads only), or nothing is printed. */
static void check_counts(const struct topo *t, const struct placement *p, const int *threads,
			 int n)
{
	for (int i = 0; i < n; i++)
		if (placement_variants(t, p, threads[i]) == 0)
			usage_error("--placement pairs places exactly 2 threads on 2 distinct PUs, not "
				    "%d threads on %d PUs (accepted: --threads 2)", threads[i],
				    topo_pu_count(t));
}

static int print_plan(const struct topo *t, const struct plan_request *req,
		      const struct placement *p, const int *threads, int ncounts)
{
	struct topo_summary sum;
	struct plan_table table = { 0 };
	char policy[8192];
	int rc = 0;

	topo_summarize(t, &sum);
	placement_format(p, policy, sizeof(policy));
	for (int i = 0; i < ncounts && rc == 0; i++) {
		int n = threads[i], *pus = malloc((size_t)n * sizeof(*pus));
		rc = pus ? 0 : -1;
		for (int v = 0; rc == 0 && v < placement_variants(t, p, n); v++) {
			int over = placement_resolve(t, p, n, v, pus);
			if (over < 0)
				rc = -1;
			else if (req->json)
				print_json(t, policy, pus, n, over);
			else
				rc = add_row(&table, t, &sum, pus, n);
		}
		free(pus);
	}
	if (rc == 0 && !req->json) {
		print_heading(&sum, req->topology, policy);
		print_table(&table);
	}
	free_table(&table);
	if (rc != 0)
		fprintf(stderr, "syncbench: out of memory planning the placement\n");
	return rc == 0 ? 0 : 1;
}

int plan_main(int argc, char **argv)
{
	struct plan_request req = { .placement = "cores" };
	char err[1024];
	int threads[SWEEP_MAX_VALUES], ncounts = 1;
	struct placement *p = malloc(sizeof(*p));

	if (!p)
		usage_error("out of memory");
	if (parse_plan(argc, argv, &req) == CLI_HELP) {
		fputs(plan_usage, stdout);
		free(p);
		return 0;
	}
	struct topo *t = req.topology ? topo_open(req.topology, err, sizeof(err)) : topo_load(NULL);
	if (!t)
		usage_error("%s", req.topology ? err : "cannot read this machine's topology with hwloc");
	if (req.threads && (ncounts = cli_parse_threads(req.threads, threads, err, sizeof(err))) < 0)
		usage_error("%s", err);
	if (!req.threads)
		threads[0] = topo_pu_count(t);
	if (placement_parse(t, req.placement, p, err, sizeof(err)) != 0)
		usage_error("--placement: %s", err);
	check_counts(t, p, threads, ncounts);
	int rc = print_plan(t, &req, p, threads, ncounts);
	free(p);
	topo_free(t);
	return rc;
}
