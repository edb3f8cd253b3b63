/*
 * The options of `syncbench run` read against the registries: --prim,
 * --threads, --set, and the checks of the sweep they make (cli_parse.h).
 */
#include "cli_parse.h"

#include <stdio.h>
#include <string.h>

#include "external.h"
#include "suggest.h"

/* What `all` and the sweeps take: listed, accepted, and (if external) its program there. */
bool cli_in_all(const struct bench_ops *b, const struct lock_ops *p)
{
	return bench_offers(b, p) && external_available(p);
}

/* The primitives workload b can run on, for messages. */
void cli_prim_names(const struct bench_ops *b, char *buf, size_t len)
{
	size_t used = 0;
	for (size_t i = 0; i < lock_registry_len && used < len; i++)
		if (bench_offers(b, lock_registry[i]))
			used += (size_t)snprintf(buf + used, len - used, "%s, ",
						 lock_registry[i]->name);
	snprintf(buf + (used < len ? used : len - 1), len - (used < len ? used : len - 1), "all");
}

void cli_bench_names(char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < bench_registry_len && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 bench_registry[i]->name);
}

/* "did you mean 'lock'? " for a mistyped workload, or "". */
void cli_bench_hint(const char *word, char *hint, size_t len)
{
	const char *names[bench_registry_len];
	for (size_t i = 0; i < bench_registry_len; i++)
		names[i] = bench_registry[i]->name;
	suggest_phrase(word, names, bench_registry_len, hint, len);
}

/* The same for a primitive that workload b can run on ("" for word: no hint). */
static void prim_hint(const struct bench_ops *b, const char *word, char *hint, size_t len)
{
	const char *names[lock_registry_len];
	size_t n = 0;
	for (size_t i = 0; i < lock_registry_len; i++)
		if (bench_offers(b, lock_registry[i]))
			names[n++] = lock_registry[i]->name;
	suggest_phrase(word, names, n, hint, len);
}

static int add_prim(struct sweep *sw, const struct lock_ops *p, const struct cli_err *e)
{
	for (int i = 0; i < sw->nprims; i++)
		if (sw->prims[i] == p)
			return cli_fail(e, "--prim lists %s twice", p->name);
	sw->prims[sw->nprims++] = p;
	return 0;
}

int cli_parse_prims(struct sweep *sw, char *text, const struct cli_err *e)
{
	char *items[SWEEP_MAX_VALUES], names[1024], hint[128];
	int n = cli_split_list("--prim", text, items, SWEEP_MAX_VALUES, e);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (strcmp(items[i], "all") == 0) {
			for (size_t k = 0; k < lock_registry_len; k++)
				if (cli_in_all(sw->bench, lock_registry[k]) &&
				    add_prim(sw, lock_registry[k], e) != 0)
					return -1;
			continue;
		}
		const struct lock_ops *p = lock_find(items[i]);
		if (!p || !bench_accepts(sw->bench, p)) {
			cli_prim_names(sw->bench, names, sizeof(names));
			prim_hint(sw->bench, p ? "" : items[i], hint, sizeof(hint));
			return cli_fail(e, "%s%s primitive '%s' for workload %s (%saccepted: %s)",
				    p ? bench_refusal(sw->bench, p) : "unknown", p ? ":" : "", items[i],
				    sw->bench->name, hint, names);
		}
		if (add_prim(sw, p, e) != 0)
			return -1;
	}
	return 0;
}

int cli_parse_sweep_threads(struct sweep *sw, char *text, const struct cli_err *e)
{
	sw->nthreads = cli_parse_thread_list(text, sw->threads, e);
	return sw->nthreads < 0 ? -1 : 0;
}

/* The declaration of key among the workload's and the chosen primitives'. */
static const struct param_decl *find_decl(const struct sweep *sw, const char *key)
{
	int i = param_find(sw->bench->params, sw->bench->nparams, key);
	if (i >= 0)
		return &sw->bench->params[i];
	for (int p = 0; p < sw->nprims; p++) {
		i = param_find(sw->prims[p]->params, sw->prims[p]->nparams, key);
		if (i >= 0)
			return &sw->prims[p]->params[i];
	}
	return NULL;
}

static void declared_keys(const struct sweep *sw, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sw->bench->nparams && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 sw->bench->params[i].name);
	for (int p = 0; p < sw->nprims; p++)
		for (size_t i = 0; i < sw->prims[p]->nparams && used < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
						 sw->prims[p]->params[i].name);
	if (!buf[0])
		snprintf(buf, len, "none");
}

static void param_hint(const struct sweep *sw, const char *word, char *hint, size_t len)
{
	const char *names[MAX_PARAMS * (SWEEP_MAX_VALUES + 1)];
	size_t n = 0;
	for (size_t i = 0; i < sw->bench->nparams; i++)
		names[n++] = sw->bench->params[i].name;
	for (int p = 0; p < sw->nprims; p++)
		for (size_t i = 0; i < sw->prims[p]->nparams; i++)
			names[n++] = sw->prims[p]->params[i].name;
	suggest_phrase(word, names, n, hint, len);
}

int cli_parse_set(struct sweep *sw, char *text, const struct cli_err *e)
{
	char *eq = strchr(text, '=');
	char keys[1024], err[512], hint[128];
	if (!eq || eq == text)
		return cli_fail(e, "--set '%s' is not KEY=V[,V...]", text);
	*eq = '\0';
	const struct param_decl *d = find_decl(sw, text);
	if (!d) {
		declared_keys(sw, keys, sizeof(keys));
		param_hint(sw, text, hint, sizeof(hint));
		return cli_fail(e, "--set %s: no such parameter of workload %s or the chosen primitives "
			    "(%saccepted: %s)", text, sw->bench->name, hint, keys);
	}
	for (int k = 0; k < sw->nsets; k++)
		if (strcmp(sw->sets[k].name, d->name) == 0)
			return cli_fail(e, "--set %s is given twice; list its values in one --set",
				    d->name);

	struct param_sweep *ps = &sw->sets[sw->nsets++];
	char *items[SWEEP_MAX_VALUES];
	ps->name = d->name;
	ps->nvalues = cli_split_list("--set", eq + 1, items, SWEEP_MAX_VALUES, e);
	if (ps->nvalues < 0)
		return -1;
	for (int i = 0; i < ps->nvalues; i++) {
		if (param_parse(d, items[i], &ps->values[i], err, sizeof(err)) != 0)
			return cli_fail(e, "--set %s", err);
		double ns;
		ps->asked_ns[i] = d->type == PARAM_WORK && parse_time_ns(items[i], &ns) == 0 ? ns : 0;
		for (int k = 0; k < i; k++)
			if (ps->values[k] == ps->values[i])
				return cli_fail(e, "--set %s: %s and %s are the same value here (%lld)", d->name,
					    items[k], items[i], (long long)ps->values[i]);
	}
	return 0;
}

/*
 * Without --prim, whether some combination of the workload's --set values
 * uses a primitive (bench_uses_prim()); every --set is then the workload's.
 */
bool cli_some_config_uses_prim(const struct sweep *sw)
{
	int digit[2 * MAX_PARAMS] = { 0 };
	int64_t params[MAX_PARAMS];
	for (;;) {
		param_defaults(sw->bench->params, sw->bench->nparams, params);
		for (int k = 0; k < sw->nsets; k++)
			params[param_find(sw->bench->params, sw->bench->nparams, sw->sets[k].name)] =
				sw->sets[k].values[digit[k]];
		if (bench_uses_prim(sw->bench, params))
			return true;
		int k = sw->nsets - 1;
		while (k >= 0 && ++digit[k] == sw->sets[k].nvalues)
			digit[k--] = 0;
		if (k < 0)
			return false;
	}
}

/* Every thread count must get a PU assignment; returns the most any one gets. */
int cli_check_placement(const struct sweep *sw, const struct topo *t,
			   const struct placement *p, const struct cli_err *e)
{
	int most = 1;
	for (int i = 0; i < sw->nthreads; i++) {
		int n = placement_variants(t, p, sw->threads[i]);
		if (n == 0)
			return cli_fail(e, "--placement pairs runs exactly 2 threads on 2 distinct PUs, "
				    "not %d threads on %d PUs (accepted: --threads 2)",
				    sw->threads[i], topo_pu_count(t));
		most = n > most ? n : most;
	}
	return most;
}

int cli_check_config_count(const struct sweep *sw, int variants, const struct cli_err *e)
{
	/* A workload without a primitive runs each combination once. */
	double n = (double)(sw->nprims ? sw->nprims : 1) * sw->nthreads * variants;
	for (int k = 0; k < sw->nsets; k++)
		n *= sw->sets[k].nvalues;
	if (n > MAX_CONFIGS)
		return cli_fail(e, "the sweep has %.0f configurations; at most %d are accepted", n,
			    MAX_CONFIGS);
	return 0;
}
