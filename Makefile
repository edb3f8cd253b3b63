# syncbench: measures lock and synchronization primitives.
#
#   make                     build ./syncbench, and ./syncbench-go (benches/go/) when go is installed
#   make check               the quick tier (about a minute here): the C unit tests,
#                            the layout and format checks, the exclusion stress,
#                            bad input and every workload once (test_smoke)
#   make test                every test: the quick tier, then end to end, exports,
#                            the report page, cluster jobs, the Go references
#   make SANITIZE=thread test     the same under ThreadSanitizer (build-thread/)
#   make SANITIZE=address test    under AddressSanitizer + UBSan (build-address/)
#   make check-tsan / check-asan  shorthands for the two lines above
#   make SANITIZE=thread check    the quick tier under a sanitizer (what CI runs)
#   make format              formats the C code changed since .clang-format came in
#                            as it says (git clang-format)
#   make test-slurm          as root: a real one-node Slurm cluster (installs slurm-wlm and
#                            munge), a 2-shard quick sweep through ./run.sh slurm, merged, checked
#   make torture             every primitive under random holds, yields and sleeps,
#                            2 to 4 x PUs threads; TORTURE_SECONDS per configuration
#   make fuzz                libFuzzer (clang), FUZZ_SECONDS (default 60) per target:
#                            fuzz_cli over the command-line and parameter parsers (seeds
#                            in tests/fuzz/corpus/), then fuzz_resultdoc over the result
#                            document reader, export and compare (tests/fuzz/corpus_resultdoc/)
#   make install PREFIX=/usr/local   syncbench (and syncbench-go if built) into PREFIX/bin,
#                            its man page (help2man, from the help text) into
#                            PREFIX/share/man/man1 and its bash completion (from the
#                            registries) into PREFIX/share/bash-completion/completions;
#                            DESTDIR= for staging.  `make man` and `make completion`
#                            build the two into $(BUILD)/
#   make clean
#
# Knobs: DEBUG=1 (-O0), CACHELINE=N (padding, default 128), CC=clang.
# Sources are found by wildcard: a new primitive or workload needs no edit here.

CC ?= cc
SANITIZE ?=
BUILD := build$(if $(SANITIZE),-$(SANITIZE))
BIN := $(if $(SANITIZE),$(BUILD)/syncbench,syncbench)
PYTHON ?= $(shell command -v /usr/bin/python3 || command -v python3)

OPT := $(if $(DEBUG),-O0,-O2)
SAN_thread := -fsanitize=thread
SAN_address := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Objects for the fuzz target: instrumented for libFuzzer, which links only there.
SAN_fuzzer := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
CFLAGS := -std=c11 -D_GNU_SOURCE $(OPT) -g -Wall -Wextra -Werror -pthread \
	$(if $(CACHELINE),-DCACHELINE=$(CACHELINE)) $(SAN_$(SANITIZE))
LDLIBS := -pthread -lm -lpfm

ifeq ($(filter clean,$(MAKECMDGOALS)),)
  ifeq ($(shell command -v pkg-config),)
    $(error pkg-config not found: install the Debian package pkg-config)
  endif
  ifneq ($(shell pkg-config --exists hwloc && echo ok),ok)
    $(error hwloc not found: install the Debian package libhwloc-dev)
  endif
  ifneq ($(shell pkg-config --exists jansson && echo ok),ok)
    $(error jansson not found: install the Debian package libjansson-dev)
  endif
  # -include, not an echoed '#include': make 4.3 keeps the backslash of '\#', and
  # the preprocessor then sees no directive at all and always succeeds.
  ifneq ($(shell $(CC) -E -include perfmon/pfmlib.h -x c /dev/null >/dev/null 2>&1 && echo ok),ok)
    $(error libpfm4 not found: install the Debian package libpfm4-dev)
  endif
  # Concurrency Kit, header-only: the reference locks in locks/ck_*.c.
  ifneq ($(shell $(CC) -E -include ck_spinlock.h -x c /dev/null >/dev/null 2>&1 && echo ok),ok)
    $(error Concurrency Kit not found: install the Debian package libck-dev)
  endif
  CFLAGS += $(shell pkg-config --cflags hwloc jansson)
  LDLIBS += $(shell pkg-config --libs hwloc jansson)
endif

SRCS := $(wildcard harness/*.c locks/*.c benches/*.c examples/*.c)
OBJS := $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS := $(filter-out $(BUILD)/harness/main.o,$(OBJS))
TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c))
GIT_COMMIT := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
# syncbench's own version (`syncbench --version`, the man page); the result
# documents carry their schema version apart (report.h, SCHEMA_VERSION).
VERSION := 0.1.0

# The Go reference program (benches/go/, standard library only), built when
# `go` is on PATH (Debian golang-go); without it everything else builds and
# tests/test_go_ref.sh says it is skipped.  It sits next to $(BIN).  Go
# needs a build cache: $HOME's, or one under $(BUILD) when there is no home.
GO := $(shell command -v go)
GO_BIN := $(if $(SANITIZE),$(BUILD)/syncbench-go,syncbench-go)
GO_SRCS := $(wildcard benches/go/*.go) benches/go/go.mod
GO_ENV := $(if $(or $(GOCACHE),$(XDG_CACHE_HOME),$(HOME)),,GOCACHE=$(abspath $(BUILD))/go-cache)

.PHONY: all check test test-slurm check-tsan check-asan torture fuzz man completion install format \
	clean FORCE
all: $(BIN) $(if $(GO),$(GO_BIN))

$(BIN): $(OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c $(BUILD)/build_info.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I$(BUILD) -MMD -MP -c -o $@ $<

$(GO_BIN): $(GO_SRCS)
	cd benches/go && $(GO_ENV) $(GO) build -trimpath -o $(abspath $@) .

$(BUILD)/tests/%: tests/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I$(BUILD) -o $@ $^ $(LDLIBS)

# Rewritten only when the commit or the flags change, so builds stay incremental.
$(BUILD)/build_info.h: FORCE
	@mkdir -p $(BUILD)
	@printf '#define BUILD_GIT_COMMIT "%s"\n#define BUILD_CFLAGS "%s"\n#define BUILD_VERSION "%s"\n' \
		'$(GIT_COMMIT)' '$(strip $(CFLAGS))' '$(VERSION)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@

# The quick tier: what a change to a primitive, a workload or the harness
# must pass before anything longer runs.
CHECK_SCRIPTS := tests/test_layout.sh tests/test_format.sh tests/test_exclusion.sh \
	tests/test_bad_input.sh tests/test_smoke.sh
check: $(BIN) $(TESTS)
	PYTHON=$(PYTHON) tests/run.sh $(BUILD) $(abspath $(BIN)) $(TESTS) $(CHECK_SCRIPTS)

test: $(BIN) $(TESTS) $(if $(GO),$(GO_BIN))
	PYTHON=$(PYTHON) tests/run.sh $(BUILD) $(abspath $(BIN))

format:
	FIX=1 bash tests/test_format.sh

test-slurm: $(BIN)
	PYTHON=$(PYTHON) tests/slurm.sh

TORTURE_SECONDS ?= 5
torture: $(BIN)
	BIN=$(abspath $(BIN)) PYTHON=$(PYTHON) TORTURE_SECONDS=$(TORTURE_SECONDS) tests/torture.sh

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_OBJS)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -I$(BUILD) -o $@ $^ $(LDLIBS)

# Two targets, FUZZ_SECONDS each, one after the other (CI passes 30: 60 s
# in all).  New inputs go to build-fuzzer/corpus_<target>; the seeds in the
# repository stay as they are.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := cli resultdoc
fuzz:
	$(MAKE) CC=clang SANITIZE=fuzzer $(FUZZ_TARGETS:%=build-fuzzer/fuzz_%)
	set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p build-fuzzer/corpus_$$t; \
		build-fuzzer/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-print_final_stats=1 -artifact_prefix=build-fuzzer/$$t- \
			build-fuzzer/corpus_$$t tests/fuzz/corpus$$([ $$t = cli ] || echo _$$t); \
	done

# The man page: help2man reads `syncbench --help` and `--version`; every
# command's own help (`syncbench help NAME`) follows in COMMANDS, as
# preformatted text (indented, backslashes escaped, so that roff reads no
# request in it).
PREFIX ?= /usr/local
MAN := $(BUILD)/syncbench.1
COMPLETION := $(BUILD)/syncbench.bash
man: $(MAN)
completion: $(COMPLETION)

$(MAN): $(BIN)
	@command -v help2man >/dev/null || { echo "help2man not found: install the Debian package help2man" >&2; exit 1; }
	{ echo '[COMMANDS]'; \
	  for c in $$($(abspath $(BIN)) help --list); do \
		echo ".SS $$c"; echo '.nf'; \
		$(abspath $(BIN)) help "$$c" | sed 's/\\/\\e/g; s/^/  /'; \
		echo '.fi'; \
	  done; \
	  echo '[SEE ALSO]'; \
	  echo 'README.md and results/README.md in the syncbench repository: every field of a result, the workloads and what their figures mean.'; \
	} > $(BUILD)/man-commands.h2m
	help2man --no-info --name='measures lock and synchronization primitives' \
		--include=$(BUILD)/man-commands.h2m --output=$@ $(abspath $(BIN))

$(COMPLETION): $(BIN)
	$(abspath $(BIN)) completion bash > $@.tmp && mv -f $@.tmp $@

install: $(BIN) $(MAN) $(COMPLETION)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/syncbench
	if [ -x $(GO_BIN) ]; then install -m 755 $(GO_BIN) $(DESTDIR)$(PREFIX)/bin/syncbench-go; fi
	install -m 644 $(MAN) $(DESTDIR)$(PREFIX)/share/man/man1/syncbench.1
	install -m 644 $(COMPLETION) $(DESTDIR)$(PREFIX)/share/bash-completion/completions/syncbench

check-tsan:
	$(MAKE) SANITIZE=thread test
check-asan:
	$(MAKE) SANITIZE=address test

clean:
	rm -rf build build-* syncbench syncbench-go

-include $(OBJS:.o=.d)
