/*
 * "Did you mean ...?": the closest of a list of valid names to one that
 * was mistyped, for the one-line refusals of bad input.
 */
#ifndef SYNCBENCH_SUGGEST_H
#define SYNCBENCH_SUGGEST_H

#include <stddef.h>

/* Longer words are no one's typo of a registry name, and their table would be large. */
#define SUGGEST_MAX_LEN 64

/*
 * Optimal string alignment distance (Damerau-Levenshtein without
 * editing a substring twice), case-folded; SUGGEST_MAX_LEN + 1 when
 * either word is longer than that.
 */
size_t suggest_distance(const char *a, const char *b);

/*
 * The candidate closest to word in edits (an insertion, a deletion, a
 * substitution or two neighbours swapped count one each; case is
 * ignored), if it is close enough to be a likely typo: one edit for words
 * of up to 4 characters, else up to a third of the word's length.  NULL
 * when none is, or when two candidates are equally close.
 */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

/*
 * "did you mean 'X'? " for the closest candidate, or "" when there is
 * none: to put in front of a message's "accepted: ..." list.
 */
void suggest_phrase(const char *word, const char *const *candidates, size_t n, char *buf,
		    size_t len);

struct option;

/*
 * Why getopt_long refused typed (argv[optind - 1]), against its table:
 * "--out needs a value", "--resume takes no value", or "unknown option
 * '--durtion': did you mean '--duration'?".
 */
void suggest_option_error(const char *typed, const struct option *table, char *buf,
			  size_t len);

#endif
