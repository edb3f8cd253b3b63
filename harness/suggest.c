#include "suggest.h"

#include <ctype.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t suggest_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > SUGGEST_MAX_LEN || m > SUGGEST_MAX_LEN)
		return SUGGEST_MAX_LEN + 1;
	size_t d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + (ca != cb);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

const char *suggest_closest(const char *word, const char *const *candidates, size_t n)
{
	size_t len = strlen(word), limit = len <= 4 ? 1 : len / 3, best = limit + 1;
	const char *found = NULL;
	bool tie = false;
	if (len == 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!candidates[i])
			continue;
		size_t d = suggest_distance(word, candidates[i]);
		if (d < best) {
			best = d;
			found = candidates[i];
			tie = false;
		} else if (d == best && found && strcmp(found, candidates[i]) != 0) {
			tie = true;
		}
	}
	return tie ? NULL : found;
}

void suggest_phrase(const char *word, const char *const *candidates, size_t n, char *buf,
		    size_t len)
{
	const char *s = suggest_closest(word, candidates, n);
	if (s)
		snprintf(buf, len, "did you mean '%s'? ", s);
	else if (len)
		buf[0] = '\0';
}

void suggest_option_error(const char *typed, const struct option *table, char *buf,
			  size_t len)
{
	const char *names[128];
	char word[64];
	size_t n = 0, eq = strcspn(typed, "=");
	for (const struct option *o = table; o->name && n < 128; o++) {
		bool named = strncmp(typed, "--", 2) == 0 && strlen(o->name) == eq - 2 &&
			     strncmp(typed + 2, o->name, eq - 2) == 0;
		if (named && o->has_arg == required_argument && !typed[eq]) {
			snprintf(buf, len, "%s needs a value", typed);
			return;
		}
		if (named && o->has_arg == no_argument && typed[eq]) {
			snprintf(buf, len, "--%s takes no value", o->name);
			return;
		}
		names[n++] = o->name;
	}
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(typed + strspn(typed, "-"), "="),
		 typed + strspn(typed, "-"));
	const char *close = suggest_closest(word, names, n);
	snprintf(buf, len, "unknown option '%s'%s%s%s", typed, close ? ": did you mean '--" : "",
		 close ? close : "", close ? "'?" : "");
}
