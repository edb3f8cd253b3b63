/*
 * libFuzzer target over the pure parsers: the `syncbench run` command line
 * (cli_parse_run: comma lists, numbers, --set through param_parse,
 * --placement through placement_parse, --events), param_parse and
 * placement_parse called directly on the whole input, and `plan
 * --topology`'s description parser (topo_open: synthetic or an XML file)
 * with a placement resolved on whatever it describes.  The first line also
 * goes to the readers' parsers: compare's and export's filters
 * (entry_filter_add, each option), compare's --metric (metric_parse), the
 * "did you mean" of names and options, and a duration with its unit as
 * --duration, --warmup and --interleave take it (through cli_parse_run).
 *
 * Input: one argument per line; the first line is also the text of the
 * direct calls and the topology description, the second the placement
 * planned on it.  (A command-line argument cannot hold a newline here, so
 * an error message that quotes one still is one line.)  Every input must end in success or a clean error --
 * exactly one non-empty line -- and a successful parse must respect its
 * declaration.  A crash, leak, hang or sanitizer report is a finding.
 * Built and run by `make fuzz`; seeds in tests/fuzz/corpus/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "../../harness/cli.h"
#include "../../harness/entry_filter.h"
#include "../../harness/metric.h"
#include "../../harness/suggest.h"

#define MAX_ARGS 64

static struct topo *topo;

static const char *const choices[] = { "spin", "park", "hybrid", NULL };
static const struct param_decl int_decl = { "n", PARAM_INT, 0, -5, 1000000, NULL, "" };
static const struct param_decl choice_decl = { "mode", PARAM_CHOICE, 0, 0, 0, choices, "" };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	topo = topo_load(NULL);
	return topo ? 0 : -1;
}

/* A clean error is one non-empty line. */
static void expect_one_line(const char *err)
{
	if (err[0] == '\0' || strchr(err, '\n'))
		__builtin_trap();
}

/* Every thread gets a PU of t (or none, -1, for policy none), and the answer is 0 or 1. */
static void check_resolved(const struct topo *t, const struct placement *p)
{
	int pus[9];
	for (int n = 1; n <= 9; n++) {
		int over = placement_resolve(t, p, n, 0, pus);
		if (over != 0 && over != 1)
			__builtin_trap();
		for (int i = 0; i < n; i++) {
			struct pu_location loc;
			topo_locate(t, pus[i], &loc);
			if (pus[i] < -1 || (p->policy != PLACE_NONE && pus[i] < 0))
				__builtin_trap();
			if (p->policy == PLACE_NONE && pus[i] != -1)
				__builtin_trap();
		}
		/* An unconfined policy needs no second thread on a PU before all have one. */
		if ((p->policy == PLACE_COMPACT || p->policy == PLACE_CORES ||
		     p->policy == PLACE_SCATTER) && p->within == SCOPE_MACHINE &&
		    over != (n > topo_pu_count(t)))
			__builtin_trap();
	}
}

/* The first line as a topology description; if it loads, the second as a placement on it. */
static void fuzz_topology(const char *desc, const char *placement)
{
	char err[512];
	struct placement *p = malloc(sizeof(*p));
	struct topo *t = p ? topo_open(desc, err, sizeof(err)) : NULL;
	if (p && !t)
		expect_one_line(err);
	if (t && topo_pu_count(t) > TOPO_MAX_DESCRIBED_PUS)
		__builtin_trap();
	if (t && placement && placement_parse(t, placement, p, err, sizeof(err)) != 0)
		expect_one_line(err);
	else if (t && placement && p->policy != PLACE_PAIRS)
		check_resolved(t, p);
	topo_free(t);
	free(p);
}

static void fuzz_direct(const char *text)
{
	char err[512];
	int64_t v;
	struct placement p;

	if (param_parse(&int_decl, text, &v, err, sizeof(err)) != 0)
		expect_one_line(err);
	else if (v < int_decl.min || v > int_decl.max)
		__builtin_trap();
	if (param_parse(&choice_decl, text, &v, err, sizeof(err)) != 0)
		expect_one_line(err);
	else if (v < 0 || v > 2)
		__builtin_trap();
	if (placement_parse(topo, text, &p, err, sizeof(err)) != 0)
		expect_one_line(err);
	else if (p.policy == PLACE_LIST && (p.nlisted < 1 || p.nlisted > PLACEMENT_MAX_LIST))
		__builtin_trap();
	else if (p.policy != PLACE_PAIRS)
		check_resolved(topo, &p);
}

/* The readers' parsers: every one ends in success or one clean line. */
static void fuzz_readers(const char *text)
{
	static const char *const options[] = { "--bench", "--prim", "--threads", "--set" };
	static const struct option table[] = {
		{ "metric", required_argument, NULL, 1 }, { "fail-on-regression", no_argument, NULL, 2 },
		{ NULL, 0, NULL, 0 },
	};
	char err[1024];
	struct metric m;
	struct entry_filter *f = calloc(1, sizeof(*f));
	for (int i = 0; f && i < 4; i++) {
		char *copy = strdup(text);
		if (copy && entry_filter_add(f, options[i], copy, err, sizeof(err)) != 0)
			expect_one_line(err);
		free(copy);
		memset(f, 0, sizeof(*f));
	}
	free(f);
	if (metric_parse(text, &m, err, sizeof(err)) != 0)
		expect_one_line(err);
	else if (!m.name[0] || !m.unit[0])
		__builtin_trap();
	suggest_option_error(text, table, err, sizeof(err));
	expect_one_line(err);
	static const char *const names[] = { "lock", "rw", "chan-pingpong" };
	const char *close = suggest_closest(text, names, 3);
	if (close && close != names[0] && close != names[1] && close != names[2])
		__builtin_trap();
	/* The same text as a duration. */
	char *argv[] = { "run", "--bench", "atomic", "--duration", (char *)text, "--warmup", (char *)text,
			 "--interleave", (char *)text, NULL };
	struct run_request *req = malloc(sizeof(*req));
	err[0] = '\0';
	if (req && cli_parse_run(9, argv, topo, req, err, sizeof(err)) < 0)
		expect_one_line(err);
	else if (req && (!(req->settings.duration_s >= 0.001 && req->settings.duration_s <= 3600) ||
			 !(req->settings.warmup_s >= 0 && req->settings.warmup_s <= 3600)))
		__builtin_trap();
	free(req);
}

static void fuzz_command_line(char *text)
{
	char *argv[MAX_ARGS + 2] = { "run" };
	int argc = 1;
	for (char *save = NULL, *a = strtok_r(text, "\n", &save); a && argc <= MAX_ARGS;
	     a = strtok_r(NULL, "\n", &save))
		argv[argc++] = a;
	argv[argc] = NULL;

	/* Too big for the stack of a sanitized build: a sweep holds many arrays. */
	struct run_request *req = malloc(sizeof(*req));
	char err[1024] = "";
	if (req && cli_parse_run(argc, argv, topo, req, err, sizeof(err)) < 0)
		expect_one_line(err);
	free(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	size_t first_len = strcspn(text, "\n");
	char *first = strndup(text, first_len);
	char *second = text[first_len] ? strndup(text + first_len + 1,
						 strcspn(text + first_len + 1, "\n")) : NULL;
	if (first) {
		fuzz_direct(first);
		fuzz_topology(first, second);
		fuzz_readers(first);
	}
	free(second);
	free(first);
	fuzz_command_line(text);
	free(text);
	return 0;
}
