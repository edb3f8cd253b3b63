/*
 * Placement on synthetic topologies, so the answer is known exactly: the
 * expected core, NUMA node and package of each PU are computed from the
 * description's arities, not asked of hwloc.
 */
#include <stdlib.h>
#include <string.h>

#include "../harness/topo.h"
#include "check.h"

#define MAX_PUS 256

static int resolve(struct topo *t, const char *spec, int n, int *pus)
{
	struct placement p;
	char err[512];
	CHECK(placement_parse(t, spec, &p, err, sizeof(err)) == 0, "%s: %s", spec, err);
	return placement_resolve(t, &p, n, 0, pus);
}

/*
 * "pack:P numa:N core:C pu:T", OS PU numbers in logical order: PU x sits
 * on core x / T, NUMA node x / (C T), package x / (N C T).
 */
struct machine {
	const char *desc;
	int packages, numa_per_package, cores_per_numa, pus_per_core;
};

static int pus_of(const struct machine *m)
{
	return m->packages * m->numa_per_package * m->cores_per_numa * m->pus_per_core;
}

static int cores_of(const struct machine *m)
{
	return pus_of(m) / m->pus_per_core;
}

static int core_of(const struct machine *m, int pu)
{
	return pu / m->pus_per_core;
}

static int numa_of(const struct machine *m, int pu)
{
	return pu / (m->cores_per_numa * m->pus_per_core);
}

static int package_of(const struct machine *m, int pu)
{
	return pu / (m->numa_per_package * m->cores_per_numa * m->pus_per_core);
}

/* The most threads any one core holds. */
static int most_per_core(const struct machine *m, const int *pus, int n)
{
	int count[MAX_PUS] = { 0 }, most = 0;
	for (int i = 0; i < n; i++) {
		int c = ++count[core_of(m, pus[i])];
		most = c > most ? c : most;
	}
	return most;
}

static void check_locations(struct topo *t, const struct machine *m)
{
	for (int pu = 0; pu < pus_of(m); pu++) {
		struct pu_location loc;
		topo_locate(t, pu, &loc);
		CHECK(loc.core == core_of(m, pu) && loc.numa == numa_of(m, pu) &&
		      loc.package == package_of(m, pu), "%s: PU %d located at core %d numa %d "
		      "package %d", m->desc, pu, loc.core, loc.numa, loc.package);
	}
}

/* cores: one thread per core until every core has one, then the second PUs, evenly. */
static void check_cores(const struct machine *m, int n, const int *pus)
{
	int want = (n + cores_of(m) - 1) / cores_of(m);
	CHECK(most_per_core(m, pus, n) == want, "%s: cores with %d threads puts %d on one core, "
	      "not %d", m->desc, n, most_per_core(m, pus, n), want);
}

/* compact: the first n PUs in order, so siblings fill up before the next core. */
static void check_compact(const struct machine *m, int n, const int *pus)
{
	int wrong = -1;
	for (int i = 0; i < n && wrong < 0; i++)
		if (pus[i] != i % pus_of(m))
			wrong = i;
	CHECK(wrong < 0, "%s: compact puts thread %d on PU %d", m->desc, wrong,
	      wrong >= 0 ? pus[wrong] : 0);
	if (n >= 2 && m->pus_per_core > 1)
		CHECK(core_of(m, pus[0]) == core_of(m, pus[1]), "%s: compact's first two threads "
		      "are not SMT siblings", m->desc);
}

/*
 * scatter: thread i on package i mod P, and within its package on NUMA
 * node (i / P) mod N; no core holds two threads while one is empty.
 */
static void check_scatter(const struct machine *m, int n, const int *pus)
{
	int wrong = -1;
	for (int i = 0; i < n && i < pus_of(m) && wrong < 0; i++) {
		int package = i % m->packages, node = (i / m->packages) % m->numa_per_package;
		if (package_of(m, pus[i]) != package ||
		    numa_of(m, pus[i]) != package * m->numa_per_package + node)
			wrong = i;
	}
	CHECK(wrong < 0, "%s: scatter puts thread %d on PU %d (package %d)", m->desc, wrong,
	      wrong >= 0 ? pus[wrong] : 0, wrong >= 0 ? package_of(m, pus[wrong]) : 0);
	int want = (n + cores_of(m) - 1) / cores_of(m);
	CHECK(most_per_core(m, pus, n) == want, "%s: scatter with %d threads puts %d on one core",
	      m->desc, n, most_per_core(m, pus, n));
}

/* cores@numa:K and scatter@package:K stay inside, and keep their own rule there. */
static void check_confined(struct topo *t, const struct machine *m, int n)
{
	int pus[MAX_PUS], node = numa_of(m, pus_of(m) - 1), package = m->packages - 1;
	int node_pus = pus_of(m) / (m->packages * m->numa_per_package);
	char spec[64];

	snprintf(spec, sizeof(spec), "cores@numa:%d", node);
	CHECK(resolve(t, spec, n, pus) == (n > node_pus), "%s: %s with %d threads", m->desc, spec, n);
	for (int i = 0; i < n; i++)
		CHECK(numa_of(m, pus[i]) == node, "%s: %s puts thread %d on PU %d", m->desc, spec, i,
		      pus[i]);
	int node_cores = m->cores_per_numa;
	CHECK(most_per_core(m, pus, n) == (n + node_cores - 1) / node_cores,
	      "%s: %s doubles up a core too early", m->desc, spec);

	snprintf(spec, sizeof(spec), "scatter@package:%d", package);
	resolve(t, spec, n, pus);
	for (int i = 0; i < n; i++)
		CHECK(package_of(m, pus[i]) == package, "%s: %s puts thread %d on PU %d", m->desc,
		      spec, i, pus[i]);
	if (n >= 2 && m->numa_per_package > 1)
		CHECK(numa_of(m, pus[0]) != numa_of(m, pus[1]), "%s: %s does not alternate NUMA "
		      "nodes", m->desc, spec);
}

/* Thread counts 1 .. twice the PUs: every policy, and its prefixes stay put. */
static void check_machine(const struct machine *m)
{
	struct topo *t = topo_load(m->desc);
	static const char *const policies[] = { "compact", "cores", "scatter" };
	int pus[2 * MAX_PUS], all[3][2 * MAX_PUS];

	CHECK(t && topo_pu_count(t) == pus_of(m), "%s: %d PUs", m->desc, t ? topo_pu_count(t) : 0);
	if (!t)
		return;
	check_locations(t, m);
	for (int k = 0; k < 3; k++)
		resolve(t, policies[k], 2 * pus_of(m), all[k]);
	for (int n = 1; n <= 2 * pus_of(m); n++) {
		for (int k = 0; k < 3; k++) {
			CHECK(resolve(t, policies[k], n, pus) == (n > pus_of(m)),
			      "%s: %s, %d threads: wrong oversubscription", m->desc, policies[k], n);
			CHECK(memcmp(pus, all[k], (size_t)n * sizeof(int)) == 0, "%s: %s places "
			      "the first %d threads elsewhere than with more", m->desc, policies[k], n);
		}
		resolve(t, "compact", n, pus);
		check_compact(m, n, pus);
		resolve(t, "cores", n, pus);
		check_cores(m, n, pus);
		resolve(t, "scatter", n, pus);
		check_scatter(m, n, pus);
		if (n <= pus_of(m) / m->packages)
			check_confined(t, m, n);
	}
	topo_free(t);
}

static void test_synthetic_machines(void)
{
	static const struct machine machines[] = {
		{ "pack:2 numa:2 core:16 pu:2", 2, 2, 16, 2 },	/* 128 PUs: 2 sockets, SNC2, SMT2 */
		{ "pack:2 numa:1 core:32 pu:4", 2, 1, 32, 4 },	/* 256 PUs: SMT4 */
		{ "pack:4 numa:2 core:16 pu:2", 4, 2, 16, 2 },	/* 256 PUs: 4 sockets */
		{ "pack:1 numa:4 core:8 pu:2", 1, 4, 8, 2 },	/* one socket, 4 NUMA nodes */
		{ "pack:2 numa:1 core:64 pu:1", 2, 1, 64, 1 },	/* no SMT: cores = compact */
	};
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		check_machine(&machines[i]);
}

/* Linux numbers an Intel server's second hyperthreads after every first one. */
static void test_os_numbering(void)
{
	struct topo *t = topo_load("pack:2 core:4 pu:2(indexes=0,8,1,9,2,10,3,11,4,12,5,13,6,14,7,15)");
	int pus[16];
	CHECK(t != NULL, "interleaved synthetic topology loads");
	if (!t)
		return;
	resolve(t, "compact", 4, pus);
	CHECK(pus[0] == 0 && pus[1] == 8 && pus[2] == 1 && pus[3] == 9,
	      "compact takes siblings by topology, not by number: %d %d %d %d", pus[0], pus[1],
	      pus[2], pus[3]);
	resolve(t, "cores", 9, pus);
	for (int i = 0; i < 8; i++)
		CHECK(pus[i] == i, "cores puts thread %d on PU %d", i, pus[i]);
	CHECK(pus[8] == 8, "cores' ninth thread is core 0's sibling, PU 8, not %d", pus[8]);
	resolve(t, "scatter", 4, pus);
	CHECK(pus[0] == 0 && pus[1] == 4 && pus[2] == 1 && pus[3] == 5,
	      "scatter alternates packages: %d %d %d %d", pus[0], pus[1], pus[2], pus[3]);
	struct placement_sharing s;
	int siblings[2] = { 3, 11 }, apart[2] = { 3, 4 };
	placement_sharing(t, siblings, 2, &s);
	CHECK(s.pu == 0 && s.core == 1 && s.package == 1 && s.numa == 1, "PUs 3 and 11 share a core");
	placement_sharing(t, apart, 2, &s);
	CHECK(s.core == 0 && s.package == 0 && s.numa == 1, "PUs 3 and 4: other packages, one node");
	int unpinned[2] = { -1, -1 };
	placement_sharing(t, unpinned, 2, &s);
	CHECK(s.core == -1 && s.numa == -1, "unpinned threads share nothing known");
	topo_free(t);
}

static void test_list_and_none(void)
{
	struct topo *t = topo_load("pack:1 core:4 pu:1");
	struct placement p;
	char err[512];
	int pus[8];

	CHECK(resolve(t, "list:3,1", 2, pus) == 0 && pus[0] == 3 && pus[1] == 1, "list order kept");
	CHECK(resolve(t, "list:2", 2, pus) == 1, "two threads on one listed PU are oversubscribed");
	CHECK(resolve(t, "none", 3, pus) == 0 && pus[0] == -1, "none binds nothing");
	CHECK(resolve(t, "none", 5, pus) == 1, "none with more threads than PUs is oversubscribed");

	const char *bad[] = { "list:4", "list:", "list:1,,2", "list:-1", "list:a", "spread", "",
			      "list:3-1", "list:0-2:0", "list:1-", "list:0-2:", "list:0-1x",
			      "list:0@numa:0", "cores@", "cores@numa", "cores@numa:", "cores@numa:1",
			      "cores@numa:x", "cores@numa:-1", "scatter@core:0", "compact@package:0x",
			      "pairs@numa:0", "none@package:0", "cores@@numa:0", "Cores" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(placement_parse(t, bad[i], &p, err, sizeof(err)) == -1, "'%s' accepted", bad[i]);
		CHECK(err[0] != '\0' && !strchr(err, '\n'), "'%s' gives no one-line reason", bad[i]);
	}

	char buf[64];
	placement_parse(t, "list:0,2", &p, err, sizeof(err));
	placement_format(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "list:0,2") == 0, "format round-trips: %s", buf);
	topo_free(t);
}

/* list: ranges as taskset reads them, and the canonical spelling writes them back. */
static void test_list_ranges(void)
{
	struct topo *t = topo_load("pack:2 core:8 pu:2");
	struct placement p;
	char err[512], buf[256];
	static const struct { const char *in, *canonical; int n, last; } cases[] = {
		{ "list:0-7,16-23", "list:0-7,16-23", 16, 23 },
		{ "list:0-15:2", "list:0-14:2", 8, 14 },
		{ "list:5", "list:5", 1, 5 },
		{ "list:1,0,3-4,2", "list:1,0,3,4,2", 5, 2 },
		{ "list:0-1,2-3", "list:0-3", 4, 3 },
		{ "list:31-31", "list:31", 1, 31 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(placement_parse(t, cases[i].in, &p, err, sizeof(err)) == 0, "%s: %s",
		      cases[i].in, err);
		placement_format(&p, buf, sizeof(buf));
		CHECK(p.nlisted == cases[i].n && p.listed[p.nlisted - 1] == cases[i].last &&
		      strcmp(buf, cases[i].canonical) == 0, "%s: %d PUs, last %d, written %s",
		      cases[i].in, p.nlisted, p.listed[p.nlisted - 1], buf);
	}
	CHECK(placement_parse(t, "list:0-32", &p, err, sizeof(err)) == -1 && strstr(err, "PU 32"),
	      "a range past the PUs is refused: %s", err);
	CHECK(placement_parse(t, "cores@package:1", &p, err, sizeof(err)) == 0, "%s", err);
	placement_format(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "cores@package:1") == 0, "confinement round-trips: %s", buf);
	CHECK(placement_parse(t, "scatter@pack:0", &p, err, sizeof(err)) == 0, "%s", err);
	placement_format(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "scatter@package:0") == 0, "pack is written package: %s", buf);
	topo_free(t);
}

/* pairs: every ordered pair of distinct PUs once, and only for 2 threads. */
static void test_pairs(void)
{
	struct topo *t = topo_load("pack:1 core:3 pu:1");
	struct placement p;
	char err[256], buf[64];
	int pus[2], seen[3][3] = { { 0 } };

	CHECK(placement_parse(t, "pairs", &p, err, sizeof(err)) == 0, "pairs: %s", err);
	CHECK(placement_variants(t, &p, 2) == 6, "3 PUs give 6 ordered pairs, not %d",
	      placement_variants(t, &p, 2));
	CHECK(placement_variants(t, &p, 3) == 0, "pairs gives 3 threads no assignment");
	for (int v = 0; v < 6; v++) {
		CHECK(placement_resolve(t, &p, 2, v, pus) == 0, "pair %d is not oversubscribed", v);
		CHECK(pus[0] != pus[1], "pair %d puts both threads on PU %d", v, pus[0]);
		seen[pus[0]][pus[1]]++;
	}
	for (int a = 0; a < 3; a++)
		for (int b = 0; b < 3; b++)
			CHECK(seen[a][b] == (a != b), "pair (%d,%d) seen %d times", a, b, seen[a][b]);
	placement_format(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "pairs") == 0, "format round-trips: %s", buf);
	topo_free(t);
}

/* Descriptions: synthetic or a file; bad ones and huge ones refused in one line. */
static void test_descriptions(void)
{
	char err[512];
	struct topo *t = topo_open("pack:2 numa:2 core:16 pu:2", err, sizeof(err));
	CHECK(t && topo_pu_count(t) == 128 && topo_numa_count(t) == 4, "described machine: %s", err);
	topo_free(t);
	const char *bad[] = { "", "pack:2 frob:3", "core:2 pack:2", "pu:100000", "pack:64 core:64 pu:64",
			      "/nonexistent/topology.xml", "/dev/null", "/", "tests" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		t = topo_open(bad[i], err, sizeof(err));
		CHECK(!t && err[0] && !strchr(err, '\n'), "'%s' gives no one-line refusal", bad[i]);
		topo_free(t);
	}
}

int main(void)
{
	test_synthetic_machines();
	test_os_numbering();
	test_list_and_none();
	test_list_ranges();
	test_pairs();
	test_descriptions();
	return check_exit();
}
