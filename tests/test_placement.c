/* Placement resolution on synthetic topologies, so the answer is known exactly. */
#include <string.h>

#include "../harness/topo.h"
#include "check.h"

static int resolve(struct topo *t, const char *spec, int n, int *pus)
{
	struct placement p;
	char err[256];
	CHECK(placement_parse(t, spec, &p, err, sizeof(err)) == 0, "%s: %s", spec, err);
	return placement_resolve(t, &p, n, 0, pus);
}

static void test_compact_and_scatter(void)
{
	/* 2 packages x 2 cores x 2 PUs: PUs 0,1 share core 0 of package 0. */
	struct topo *t = topo_load("pack:2 core:2 pu:2");
	int pus[16];
	CHECK(t && topo_pu_count(t) == 8, "synthetic topology has 8 PUs");

	CHECK(resolve(t, "compact", 4, pus) == 0, "4 of 8 is not oversubscribed");
	CHECK(pus[0] == 0 && pus[1] == 1 && pus[2] == 2 && pus[3] == 3,
	      "compact fills in order: %d %d %d %d", pus[0], pus[1], pus[2], pus[3]);

	resolve(t, "scatter", 2, pus);
	CHECK(pus[0] / 4 != pus[1] / 4, "scatter puts 2 threads on 2 packages: %d %d", pus[0], pus[1]);
	resolve(t, "scatter", 4, pus);
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			CHECK(pus[i] / 2 != pus[j] / 2, "scatter puts 4 threads on 4 cores: %d %d",
			      pus[i], pus[j]);

	CHECK(resolve(t, "compact", 10, pus) == 1, "10 threads on 8 PUs is oversubscribed");
	CHECK(pus[8] == 0 && pus[9] == 1, "threads beyond the PUs wrap around");
	CHECK(resolve(t, "scatter", 16, pus) == 1, "16 on 8 is oversubscribed");
	topo_free(t);
}

static void test_list_and_none(void)
{
	struct topo *t = topo_load("pack:1 core:4 pu:1");
	struct placement p;
	char err[256];
	int pus[8];

	CHECK(resolve(t, "list:3,1", 2, pus) == 0 && pus[0] == 3 && pus[1] == 1, "list order kept");
	CHECK(resolve(t, "list:2", 2, pus) == 1, "two threads on one listed PU are oversubscribed");
	CHECK(resolve(t, "none", 3, pus) == 0 && pus[0] == -1, "none binds nothing");
	CHECK(resolve(t, "none", 5, pus) == 1, "none with more threads than PUs is oversubscribed");

	const char *bad[] = { "list:4", "list:", "list:1,,2", "list:-1", "list:a", "spread", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(placement_parse(t, bad[i], &p, err, sizeof(err)) == -1, "'%s' accepted", bad[i]);
		CHECK(err[0] != '\0', "'%s' gives no reason", bad[i]);
	}

	char buf[64];
	placement_parse(t, "list:0,2", &p, err, sizeof(err));
	placement_format(&p, buf, sizeof(buf));
	CHECK(strcmp(buf, "list:0,2") == 0, "format round-trips: %s", buf);
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

int main(void)
{
	test_compact_and_scatter();
	test_list_and_none();
	test_pairs();
	return check_exit();
}
