/*
 * `syncbench demo catdogfish`: three threads, cat, dog and fish, print
 * their names in that order 100 times, each thread its own name, handing
 * the turn on over unbuffered gochans (cat -> dog -> fish -> cat).  The
 * output is exactly 300 lines in order; the channels are the only
 * synchronisation (a receive that completes a send happens after it, so
 * each print follows the previous one).
 */
#include "demo.h"
#include "../harness/suggest.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../locks/gochan.h"
#include "../harness/cli.h"

#define ROUNDS 100

struct animal {
	const char *name;
	struct gochan *in, *out, *last_out;	/* last_out: where the final turn goes */
	pthread_t thread;
	int failed;
};

static void *animal_main(void *arg)
{
	struct animal *a = arg;
	int token;
	for (int r = 0; r < ROUNDS; r++) {
		if (gochan_recv(a->in, &token) != CHAN_OK || puts(a->name) == EOF) {
			a->failed = 1;
			return NULL;
		}
		gochan_send(r + 1 < ROUNDS ? a->out : a->last_out, &token);
	}
	return NULL;
}

static int catdogfish(void)
{
	static const char *const names[] = { "cat", "dog", "fish" };
	struct animal a[3];
	struct gochan *ch[3], *done = gochan_new(sizeof(int), 0, 0);
	int token = 0, rc = 0, started = 0;

	for (int i = 0; i < 3; i++)
		ch[i] = gochan_new(sizeof(int), 0, 0);
	if (!done || !ch[0] || !ch[1] || !ch[2]) {
		fprintf(stderr, "syncbench: demo: cannot create the channels\n");
		return 1;
	}
	for (int i = 0; i < 3; i++) {
		/* fish's last turn goes to us, not back to cat, who is done */
		a[i] = (struct animal){ names[i], ch[i], ch[(i + 1) % 3], i == 2 ? done : ch[i + 1], 0, 0 };
		if (pthread_create(&a[i].thread, NULL, animal_main, &a[i]) != 0)
			break;
		started++;
	}
	if (started == 3) {
		gochan_send(ch[0], &token);
		gochan_recv(done, &token);
	} else {
		fprintf(stderr, "syncbench: demo: cannot create the threads\n");
		rc = 1;
		for (int i = 0; i < 3; i++)
			gochan_close(ch[i]);	/* releases the ones that started */
	}
	for (int i = 0; i < started; i++) {
		pthread_join(a[i].thread, NULL);
		rc |= a[i].failed;
	}
	for (int i = 0; i < 3; i++)
		gochan_free(ch[i]);
	gochan_free(done);
	return fflush(stdout) == 0 ? rc : 1;
}

const char demo_usage[] =
	"usage: syncbench demo catdogfish\n"
	"\n"
	"  catdogfish   three threads print cat, dog and fish in turn, 100 times each,\n"
	"               each name from its own thread, the turn passed over unbuffered\n"
	"               gochans (Go's channels, locks/gochan.c)\n";

int demo_main(int argc, char **argv)
{
	static const char *const demos[] = { "catdogfish" };
	char hint[64];
	if (argc == 2 && strcmp(argv[1], "catdogfish") == 0)
		return catdogfish();
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return fputs(demo_usage, stdout) < 0;
	suggest_phrase(argc == 2 ? argv[1] : "", demos, 1, hint, sizeof(hint));
	if (argc == 2)
		usage_error("demo: no such demo '%s' (%saccepted: catdogfish)", argv[1], hint);
	usage_error("demo: name one demo (accepted: catdogfish)");
}
