#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "clock.h"
#include "runner.h"

#define REDRAW_NS 200000000ull	/* a line a person can read, not a flood */

double progress_estimate_s(const struct progress_plan *p)
{
	return p->window_s + p->reps * PROGRESS_REP_OVERHEAD_S +
	       p->floor_reps * PROGRESS_FLOOR_PROBE_S + p->workloads * PROGRESS_WORKLOAD_SETUP_S;
}

void progress_format_duration(double s, char *buf, size_t len)
{
	if (s < 10)
		snprintf(buf, len, "%.1fs", s);
	else if (s < 60)
		snprintf(buf, len, "%.0fs", s);
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)s % 3600 / 60);
}

void progress_print_plan(const struct progress_plan *p)
{
	char window[32], total[32], kept[48] = "";
	progress_format_duration(p->window_s, window, sizeof(window));
	progress_format_duration(progress_estimate_s(p), total, sizeof(total));
	if (p->kept)
		snprintf(kept, sizeof(kept), " (%d kept from the file)", p->kept);
	fprintf(stderr, "syncbench: dry run: %d configuration%s to run%s, %d repetition%s: %s of "
		"warmups and windows, about %s in all with each repetition's process and set-up "
		"(%.0f ms each, %.0f ms more for each of the %d that first probe the coherence "
		"floor); a window that counts too few operations runs up to %d times longer, at most "
		"%.0f s more\n",
		p->configs, p->configs == 1 ? "" : "s", kept, p->reps, p->reps == 1 ? "" : "s",
		window, total, PROGRESS_REP_OVERHEAD_S * 1e3, PROGRESS_FLOOR_PROBE_S * 1e3,
		p->floor_reps, RUN_MAX_EXTENSION, RUN_MAX_EXTENSION_S);
}

void progress_init(struct progress *p, enum progress_mode mode)
{
	*p = (struct progress){ .plain = mode == PROGRESS_PLAIN,
				.in_place = mode == PROGRESS_AUTO && isatty(STDERR_FILENO) };
}

void progress_show(struct progress *p, const char *line, bool pass_end, bool force)
{
	uint64_t now = now_ns();
	if (p->plain && pass_end) {
		fprintf(stderr, "%s\n", line);
	} else if (p->in_place && (force || !p->drawn || now - p->last_ns >= REDRAW_NS)) {
		/* \r and erase-line: the next draw replaces this one. */
		fprintf(stderr, "\r\033[K%s", line);
		fflush(stderr);
		p->drawn = true;
		p->last_ns = now;
	}
}

void progress_clear(struct progress *p)
{
	if (!p->drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->drawn = false;
}
