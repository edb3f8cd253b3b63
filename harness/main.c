/*
 * syncbench: measures lock and synchronization primitives.
 *
 *   syncbench COMMAND [options]: the commands are the table below.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "build_info.h"
#include "cli.h"
#include "command.h"
#include "compare.h"
#include "completion.h"
#include "context.h"
#include "../examples/demo.h"
#include "export.h"
#include "merge.h"
#include "plan.h"
#include "report.h"
#include "run_command.h"
#include "safefile.h"
#include "suggest.h"
#include "sweep.h"

static const char list_usage[] =
	"usage: syncbench list [--all] | list events | list --sweep\n"
	"\n"
	"  list           workloads, primitives, parameters and placements\n"
	"  list --all     the same, with the deliberately broken test-only primitives\n"
	"  list events    the counters this machine can count, and the presets\n"
	"  list --sweep   for scripts: per workload, whether sweeps include it, the\n"
	"                 primitives they measure and its --set levels, default and full\n"
	"                 (tab-separated)\n"
	"  -h, --help     this text\n";

static int list_with(int argc, char **argv, const struct topo *t)
{
	static const char *const accepted[] = { "events", "--sweep", "--all", "--help" };
	char hint[128];
	bool all = false;
	if (argc == 2 && strcmp(argv[1], "events") == 0) {
		counters_print_list(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--sweep") == 0) {
		cli_print_sweep_plan(stdout);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0) {
			all = true;
			continue;
		}
		suggest_phrase(argv[i], accepted, 4, hint, sizeof(hint));
		usage_error("list: unknown argument '%s' (%saccepted: events, --sweep, --all, --help)",
			    argv[i], hint);
	}
	cli_print_list(stdout, t, all);
	return 0;
}

static int list_main(int argc, char **argv)
{
	struct topo *t = topo_load(NULL);
	if (!t) {
		fprintf(stderr, "syncbench: cannot read this machine's topology with hwloc\n");
		return 1;
	}
	int rc = list_with(argc, argv, t);
	topo_free(t);
	return rc;
}

static int help_main(int argc, char **argv);
static int version_main(int argc, char **argv);

static const char help_usage[] =
	"usage: syncbench help [COMMAND | --list]\n"
	"\n"
	"Without COMMAND, the commands and what each does; with one, its own help\n"
	"(the same as `syncbench COMMAND --help`).  --list prints the command names,\n"
	"one a line, for scripts.\n";

static const char version_usage[] =
	"usage: syncbench version   (or syncbench --version)\n"
	"\n"
	"The version, the commit it was built from (git describe; -dirty: with\n"
	"uncommitted edits), the result schema it writes and the compiler.\n";

static int completion_cmd(int argc, char **argv);

/*
 * The commands: usage, `help`, `help TOPIC`, the man page and the shell
 * completion are all generated from this table.
 */
static const struct command commands[] = {
	{ "list", "[--all] | events | --sweep", "workloads, primitives, parameters and "
	  "placements; the counters; the sweep plan", list_usage, list_main },
	{ "run", "--bench NAME [--prim LIST] [options]", "measure a sweep of configurations",
	  cli_run_usage, run_main },
	{ "plan", "[--topology DESC] [--placement P] [--threads LIST]",
	  "where a placement puts each thread, here or on a described "
	  "machine",
	  plan_usage, plan_main },
	{ "export", "--format csv|jsonl|gbench RESULT...",
	  "results as tidy CSV or JSON Lines, or Google Benchmark JSON", export_usage, export_main },
	{ "compare", "[options] A B", "two result sets, per configuration: medians, change, U "
	  "test, false discovery rate", compare_usage, compare_main },
	{ "merge", "--out DIR RESULT...", "one data set from many hosts' results of one sweep",
	  merge_usage, merge_main },
	{ "demo", "catdogfish", "three threads print cat, dog, fish in turn, over gochans",
	  demo_usage, demo_main },
	{ "completion", "bash", "a bash completion script, from the registries", completion_usage,
	  completion_cmd },
	{ "help", "[COMMAND]", "this text, or a command's help", help_usage, help_main },
	{ "version", "", "version, commit and result schema", version_usage, version_main },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int completion_cmd(int argc, char **argv)
{
	return completion_main(argc, argv, commands, NCOMMANDS);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* "list, run, plan, ..." and the closest name to word, for refusals. */
static void command_names(const char *word, char *hint, size_t hintlen, char *names,
			  size_t len)
{
	const char *list[NCOMMANDS];
	size_t used = 0;
	names[0] = '\0';
	for (size_t i = 0; i < NCOMMANDS; i++) {
		list[i] = commands[i].name;
		if (used < len)
			used += (size_t)snprintf(names + used, len - used, "%s%s", i ? ", " : "",
						 commands[i].name);
	}
	suggest_phrase(word, list, NCOMMANDS, hint, hintlen);
}

static void print_usage(FILE *f)
{
	fprintf(f, "Usage: syncbench COMMAND [options]\n"
		"  or:  syncbench COMMAND --help     (or: syncbench help COMMAND)\n"
		"  or:  syncbench --version\n"
		"\n"
		"syncbench measures lock and synchronization primitives: throughput,\n"
		"fairness, CPU time and acquire latency per configuration, with the spread\n"
		"over repetitions and the machine, build and command that produced them.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s%s%s\n      %s\n", commands[i].name, commands[i].synopsis[0] ? " " : "",
			commands[i].synopsis, commands[i].summary);
	fprintf(f, "\n"
		"Durations take a unit (1s, 500ms, 20us, 40ns; a plain number is seconds).\n"
		"Exit status: 0 success; 1 a configuration failed (run) or a regression\n"
		"(compare --fail-on-regression); 2 bad input, nothing run or written; 3 the\n"
		"output could not be written; 4 interrupted.  results/README.md documents\n"
		"every field of a result.\n");
}

static int help_main(int argc, char **argv)
{
	char hint[128], names[256];
	if (argc == 1) {
		print_usage(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < NCOMMANDS; i++)
			printf("%s\n", commands[i].name);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(help_usage, stdout);
		return 0;
	}
	const struct command *c = argc == 2 ? find_command(argv[1]) : NULL;
	if (!c) {
		command_names(argv[1], hint, sizeof(hint), names, sizeof(names));
		usage_error("help: %s '%s' (%saccepted: %s, --list)",
			    argc == 2 ? "no such command" : "one topic at a time, not",
			    argc == 2 ? argv[1] : argv[2], argc == 2 ? hint : "", names);
	}
	fputs(c->usage, stdout);
	return 0;
}

static int version_main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(version_usage, stdout);
		return 0;
	}
	if (argc > 1)
		usage_error("version: unexpected argument '%s' (accepted: none, --help)", argv[1]);
	printf("syncbench %s\n"
	       "commit %s, result schema %s, built with %s\n",
	       BUILD_VERSION, BUILD_GIT_COMMIT, SCHEMA_VERSION, "cc " __VERSION__);
	return 0;
}

static bool is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

static int dispatch(int argc, char **argv)
{
	char hint[128], names[256];
	if (is_help(argv[1])) {
		print_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return version_main(1, argv + 1);
	const struct command *c = find_command(argv[1]);
	if (!c) {
		command_names(argv[1], hint, sizeof(hint), names, sizeof(names));
		usage_error("%s '%s' (%saccepted: %s, --help, --version)",
			    argv[1][0] == '-' ? "unknown option" : "unknown command", argv[1], hint,
			    names);
	}
	/* `COMMAND -h` is the command's help, whatever its own parser makes of the rest. */
	if (argc >= 3 && is_help(argv[2])) {
		fputs(c->usage, stdout);
		return 0;
	}
	return c->main(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	char err[512], names[256], hint[8];
	if (argc < 2) {
		command_names("", hint, sizeof(hint), names, sizeof(names));
		usage_error("a command is required (accepted: %s; syncbench --help says what each does)",
			    names);
	}
	/* A file-size limit (RLIMIT_FSIZE) reads as a failed write (EFBIG), like a full disk. */
	signal(SIGXFSZ, SIG_IGN);
	int rc = dispatch(argc, argv);
	/*
	 * Output that never arrived is a failure (status 3), not a success; an
	 * interrupted run (4) and bad input (2) keep their own status.
	 */
	if (safefile_close_stdout(err, sizeof(err)) != 0) {
		fprintf(stderr, "syncbench: %s\n", err);
		if (rc == 0 || rc == 1)
			rc = 3;
	}
	return rc;
}
