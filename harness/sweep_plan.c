/*
 * A sweep's plan, before anything runs: the odometer over primitives x
 * parameter values x thread counts x placement variants, in sweep order,
 * this run's shard of it, the configurations --resume keeps, and what a
 * dry run lists (sweep_private.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "report.h"
#include "resultdoc.h"
#include "sweep_private.h"

bool sweep_probes_floor(const struct config *c, const int *pus)
{
	if (!(c->bench->flags & BENCH_WANTS_FLOOR))
		return false;
	for (int i = 1; i < c->threads; i++)
		if (pus[i] >= 0 && pus[i] != pus[0])
			return true;
	return false;
}

/* Fills params with defaults, then the values the odometer points at. */
static void apply_sets(const struct sweep *sw, struct config *c, const int *applies,
		       const int *digit)
{
	param_defaults(c->bench->params, c->bench->nparams, c->bench_params);
	if (c->prim)
		param_defaults(c->prim->params, c->prim->nparams, c->prim_params);
	memset(c->bench_asked_ns, 0, sizeof(c->bench_asked_ns));
	memset(c->prim_asked_ns, 0, sizeof(c->prim_asked_ns));
	for (int k = 0; k < sw->nsets; k++) {
		if (!applies[k])
			continue;
		const struct param_sweep *ps = &sw->sets[k];
		int i = param_find(c->bench->params, c->bench->nparams, ps->name);
		if (i >= 0) {
			c->bench_params[i] = ps->values[digit[k]];
			c->bench_asked_ns[i] = ps->asked_ns[digit[k]];
		} else {
			i = param_find(c->prim->params, c->prim->nparams, ps->name);
			c->prim_params[i] = ps->values[digit[k]];
			c->prim_asked_ns[i] = ps->asked_ns[digit[k]];
		}
	}
}

/* Advances the odometer over the sets that apply; false when it wraps. */
static int next_combination(const struct sweep *sw, const int *applies, int *digit)
{
	for (int k = sw->nsets - 1; k >= 0; k--) {
		if (!applies[k])
			continue;
		if (++digit[k] < sw->sets[k].nvalues)
			return 1;
		digit[k] = 0;
	}
	return 0;
}

/*
 * A --set applies to a primitive when the workload or the primitive
 * declares it; without a primitive, when the workload does.
 */
static void sets_for_prim(const struct sweep *sw, const struct lock_ops *prim, int *applies)
{
	for (int k = 0; k < sw->nsets; k++)
		applies[k] = param_find(sw->bench->params, sw->bench->nparams, sw->sets[k].name) >= 0 ||
			     (prim && param_find(prim->params, prim->nparams, sw->sets[k].name) >= 0);
}

static int grow_plan(struct sweep_state *st)
{
	int capacity = st->capacity ? 2 * st->capacity : 64;
	struct planned *p = realloc(st->plan, (size_t)capacity * sizeof(*p));
	if (!p)
		return -1;
	st->plan = p;
	st->capacity = capacity;
	return 0;
}

/*
 * Round robin over the sweep order rather than a hash of the name: the
 * order groups a primitive's thread counts together, and the expensive ones
 * (oversubscribed, slow locks) sit next to each other, so dealing them out
 * in turn spreads them evenly over the shards.
 */
static bool in_shard(const struct sweep_output *out, int position)
{
	return out->shard_count == 0 || position % out->shard_count == out->shard_index - 1;
}

static void count_dry_run(struct progress_plan *dry, const struct config *c,
			  const struct run_settings *s, const int *pus, bool kept)
{
	if (kept) {
		dry->kept++;
		return;
	}
	dry->configs++;
	dry->reps += s->reps;
	dry->window_s += s->reps * (s->warmup_s + s->duration_s);
	dry->floor_reps += sweep_probes_floor(c, pus) ? s->reps : 0;
}

/*
 * Appends a configuration of the job's shard to the plan, or lists it for
 * --dry-run; -1 if out of memory.
 */
static int plan_one(struct sweep_state *st, struct job_state *js, const struct config *c,
		    int variant)
{
	const struct sweep_job *job = js->job;
	char name[1024];
	if (!in_shard(job->output, js->position++))
		return 0;
	int *pus = malloc((size_t)c->threads * sizeof(*pus));
	int oversubscribed = pus ? placement_resolve(job->settings->topo, &job->settings->placement,
						     c->threads, variant, pus) : -1;
	if (oversubscribed < 0 || (st->nplanned == st->capacity && grow_plan(st) != 0)) {
		free(pus);
		return -1;
	}
	json_t *entry = report_entry_head(c, job->settings, pus, oversubscribed);
	json_object_update_new(json_object_get(entry, "placement"),
			       placement_record_json(job->settings, pus, c->threads));
	json_t *previous = NULL;
	/* Only an ok entry stands for its configuration; any other is measured again. */
	if (resultdoc_config_name(entry, name, sizeof(name)) == 0)
		previous = json_object_get(js->previous, name);
	const char *status = json_string_value(json_object_get(previous, "status"));
	if (!status || strcmp(status, "ok") != 0)
		previous = NULL;
	if (job->output->dry_run) {
		printf("%s\t%s\n", previous ? "kept" : "run", name);
		count_dry_run(&st->dry, c, job->settings, pus, previous != NULL);
		json_decref(entry);
		free(pus);
		return 0;
	}
	if (previous) {
		json_decref(entry);
		entry = json_incref(previous);
	}
	st->plan[st->nplanned++] = (struct planned){ .job = js, .c = *c, .pus = pus, .entry = entry,
						     .kept = previous, .finished = previous };
	return 0;
}

/*
 * Plans the job's configurations on prim, or, with prim NULL, those that
 * use no primitive: each configuration is in exactly one of these passes.
 */
static int plan_prim(struct sweep_state *st, struct job_state *js, const struct lock_ops *prim)
{
	const struct sweep *sw = js->job->sweep;
	const struct run_settings *s = js->job->settings;
	int applies[2 * MAX_PARAMS], digit[2 * MAX_PARAMS] = { 0 };
	struct config c = { .bench = sw->bench, .prim = prim };

	sets_for_prim(sw, prim, applies);
	do {
		apply_sets(sw, &c, applies, digit);
		if (bench_uses_prim(c.bench, c.bench_params) != (prim != NULL))
			continue;	/* to the odometer: it is planned in the other pass */
		for (int t = 0; t < sw->nthreads; t++) {
			c.threads = sw->threads[t];
			int variants = placement_variants(s->topo, &s->placement, c.threads);
			for (int v = 0; v < variants; v++)
				if (plan_one(st, js, &c, v) != 0)
					return -1;
		}
	} while (next_combination(sw, applies, digit));
	return 0;
}

int sweep_validate(const struct sweep *sw, char *why, size_t whylen)
{
	int applies[2 * MAX_PARAMS], digit[2 * MAX_PARAMS] = { 0 };
	struct config c = { .bench = sw->bench };

	if (!sw->bench->validate)
		return 0;
	sets_for_prim(sw, NULL, applies);
	do {
		apply_sets(sw, &c, applies, digit);
		for (int t = 0; t < sw->nthreads; t++)
			if (sw->bench->validate(c.bench_params, sw->threads[t], why, whylen) != 0)
				return -1;
	} while (next_combination(sw, applies, digit));
	return 0;
}

/*
 * Plans every configuration of every job, job by job: in each, those
 * without a primitive first, then each primitive's.
 */
int sweep_plan_run(struct sweep_state *st)
{
	for (int j = 0; j < st->njobs; j++) {
		struct job_state *js = &st->jobs[j];
		if (plan_prim(st, js, NULL) != 0)
			return -1;
		for (int p = 0; p < js->job->sweep->nprims; p++)
			if (plan_prim(st, js, js->job->sweep->prims[p]) != 0)
				return -1;
	}
	return 0;
}
