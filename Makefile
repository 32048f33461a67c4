# One Makefile for jobd, the FastCGI responders, jobctl and the tests.
# make            build everything into build/
# make test       install what is missing, build, run unit, fuzz (3 s each)
#                 and integration tests
# make asan       the same tests against an ASan+UBSan build
# make fuzz       each libFuzzer target FUZZ_SECONDS (60) over its corpus
# make run        a local stack on 127.0.0.1:8080 (see README)

CC       ?= cc
PKGS     := json-c sqlite3 fcgi uuid inih libcrypto
SANITIZE ?=
BUILD    ?= build

WARN     := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
            -Wshadow -Wvla -Wformat=2 -Wno-format-nonliteral
# CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS are the user's (make CFLAGS=-O0
# or LDFLAGS=... keeps the project's warnings, standard, sanitizer and
# library flags, which live apart: a variable set on the command line
# would swallow a += here).
CFLAGS   ?= -O2 -g
# Quiet here, as every target reads this, deps and clean too; a missing
# package stops the build at its first compile instead (pkgs-present).
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
PROJ_CFLAGS := -std=c17 -D_GNU_SOURCE -pthread $(WARN) -I. -MMD -MP $(PKG_CFLAGS)
PROJ_LDFLAGS :=
PROJ_LDLIBS  := $(PKG_LIBS) -pthread
ifneq ($(SANITIZE),)
PROJ_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
PROJ_LDFLAGS += -fsanitize=$(SANITIZE)
endif
ALL_CFLAGS  = $(PROJ_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(PROJ_LDFLAGS) $(LDFLAGS)
ALL_LDLIBS  = $(LDLIBS) $(PROJ_LDLIBS)

SHARED_SRC := $(wildcard shared/*.c)
JOBD_SRC   := $(filter-out jobd/jobctl.c jobd/jobinit.c,$(wildcard jobd/*.c))
FCGI_SRC   := $(wildcard fcgi/*.c)
CTL_SRC    := jobd/jobctl.c
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
TOOL_SRC   := $(wildcard tests/tools/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
SHARED_OBJ := $(call obj,$(SHARED_SRC))
JOBD_OBJ   := $(call obj,$(JOBD_SRC))
FCGI_OBJ   := $(call obj,$(FCGI_SRC))
# Unit tests link the pure modules of jobd too (capture), not its main,
# and the responders' (req, route), not theirs.
JOBD_LIB   := $(filter-out $(BUILD)/obj/jobd/main.o,$(JOBD_OBJ))
FCGI_LIB   := $(filter-out $(BUILD)/obj/fcgi/main.o,$(FCGI_OBJ))
UNIT_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
# Helpers the integration tests run (hostile senders, probes).
TOOL_BIN   := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC))

# libFuzzer targets (tests/fuzz/), built by clang into build-fuzz/ with
# ASan and UBSan; skipped, saying so, where clang or its libFuzzer is not.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,$(BUILD)/%,$(FUZZ_SRC))

BINS := $(BUILD)/jobd $(BUILD)/jobs-init $(BUILD)/jobs-fcgi $(BUILD)/jobctl \
        $(BUILD)/bench-ceiling $(BUILD)/bench-ticker

.SECONDARY:
.PHONY: all test unit integration asan valgrind run stop deps clean bench pkgs-present \
	queue-test crash-test fuzz fuzz-smoke fuzz-build fuzz-bins install uninstall \
	bench-slurm
all: $(BINS) $(UNIT_BIN) $(TOOL_BIN)

$(BUILD)/obj/%.o: %.c | pkgs-present
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# Say which library is missing instead of failing on a header.
pkgs-present:
	@command -v pkg-config >/dev/null || { echo "make: pkg-config is" \
	    "missing; scripts/deps installs it (as root, or make deps)" >&2; \
	    exit 1; }; \
	missing=; for p in $(PKGS); do pkg-config --exists $$p || \
	    missing="$$missing $$p"; done; \
	[ -z "$$missing" ] || { echo "make: missing development packages" \
	    "(pkg-config):$$missing; scripts/deps installs them (as root," \
	    "or make deps)" >&2; exit 1; }

$(BUILD)/jobd: $(JOBD_OBJ) $(SHARED_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)
# The first process of each job's PID namespace: no library needed.
$(BUILD)/jobs-init: $(call obj,jobd/jobinit.c)
	$(CC) $(ALL_LDFLAGS) -o $@ $^
$(BUILD)/jobs-fcgi: $(FCGI_OBJ) $(SHARED_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)
$(BUILD)/jobctl: $(call obj,$(CTL_SRC)) $(SHARED_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)
$(BUILD)/bench-ceiling: $(call obj,tests/bench/ceiling.c)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)
$(BUILD)/bench-ticker: $(call obj,tests/bench/ticker.c)
	$(CC) $(ALL_LDFLAGS) -o $@ $^
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(JOBD_LIB) $(FCGI_LIB) \
    $(SHARED_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(SHARED_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)
$(FUZZ_BIN): $(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(JOBD_LIB) \
    $(FCGI_LIB) $(SHARED_OBJ)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(ALL_LDLIBS)

deps:
	@scripts/deps

unit: $(UNIT_BIN)
	@tests/run-unit $(BUILD)

integration: $(BINS) $(TOOL_BIN)
	@BUILD=$(BUILD) tests/run-integration

# The whole suite (the fuzz targets 3 s each); the last line is
# "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory all fuzz-build
	@BUILD=$(BUILD) tests/run-all

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=address,undefined all
	@BUILD=build-asan SKIP_FUZZ=1 tests/run-all

valgrind: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) VALGRIND=1 SKIP_UNIT=1 SKIP_FUZZ=1 \
	    tests/run-all

# The fuzz build is a make of its own (BUILD=build-fuzz, CC=clang).
fuzz-build:
	@if tests/run-fuzz --can-build "$(FUZZ_CC)"; then \
		CFLAGS="-O1 -g" $(MAKE) --no-print-directory BUILD=build-fuzz \
		    CC="$(FUZZ_CC)" SANITIZE=fuzzer-no-link,address,undefined \
		    fuzz-bins; \
	fi
fuzz-bins: $(FUZZ_BIN)
	@:

fuzz:
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_CC="$(FUZZ_CC)" tests/run-fuzz $(FUZZ_SECONDS)

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_CC="$(FUZZ_CC)" tests/run-fuzz 3

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run

stop:
	@scripts/stack down --dir $(CURDIR)/var

# make install [PREFIX=/usr/local] [DESTDIR=]: binaries (jobs-init beside
# jobd, which looks for it there), systemd units, sysusers and tmpfiles
# entries, the web page, the nginx snippets and a sample configuration
# rendered for these paths, and the man pages.
PREFIX   ?= /usr/local
SBINDIR  := $(PREFIX)/sbin
DATADIR  := $(PREFIX)/share/jobs
UNITDIR  := $(PREFIX)/lib/systemd/system
CONFDIR  ?= /etc/jobs
MANPAGES := $(wildcard doc/man/*.[1-9])
UNITS    := jobd.service jobs-fcgi.socket jobs-fcgi.service
RENDER    = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@CONFIG@|$(CONFDIR)/jobs.ini|g' \
	-e 's|@UNITDIR@|$(UNITDIR)|g' \
	-e 's|/usr/share/jobs|$(DATADIR)|g' -e 's|@INSTANCE@|jobs|' \
	-e 's|@STATE_DIR@|/var/lib/jobs|' -e 's|@DOWNLOAD_DIR@|/srv/jobs/downloads|g' \
	-e 's|@SOCKET@|/run/jobs/fcgi.sock|g' -e 's|@VOTIFY@|/usr/local/bin/votify|'

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(PREFIX)/lib/sysusers.d $(DESTDIR)$(PREFIX)/lib/tmpfiles.d \
	    $(DESTDIR)$(DATADIR)/web $(DESTDIR)$(DATADIR)/nginx
	install -m 0755 $(BUILD)/jobd $(BUILD)/jobs-init $(BUILD)/jobs-fcgi \
	    $(BUILD)/jobctl $(DESTDIR)$(SBINDIR)/
	for u in $(UNITS); do $(RENDER) scripts/systemd/$$u.in > \
	    $(DESTDIR)$(UNITDIR)/$$u && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; done
	install -m 0644 scripts/systemd/jobs.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/jobs.conf
	install -m 0644 scripts/systemd/jobs.tmpfiles $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/jobs.conf
	install -d $(DESTDIR)$(DATADIR)/web/errors
	install -m 0644 web/*.html web/*.css web/*.js $(DESTDIR)$(DATADIR)/web/
	install -m 0644 web/errors/* $(DESTDIR)$(DATADIR)/web/errors/
	install -m 0644 nginx/jobs-locations.inc nginx/jobs-limits.conf \
	    nginx/lighttpd-jobs.conf nginx/lighttpd-jobs-socket.conf \
	    nginx/lighttpd-jobs-spawn.conf nginx/lighttpd-remote-user.conf \
	    $(DESTDIR)$(DATADIR)/nginx/
	for f in jobs-vhost.conf jobs-vhost-remote-user.conf; do $(RENDER) nginx/$$f > \
	    $(DESTDIR)$(DATADIR)/nginx/$$f && chmod 0644 $(DESTDIR)$(DATADIR)/nginx/$$f; done
	$(RENDER) scripts/jobs.ini.in > $(DESTDIR)$(DATADIR)/jobs.ini.sample
	chmod 0644 $(DESTDIR)$(DATADIR)/jobs.ini.sample
	for m in $(MANPAGES); do s=$${m##*.}; install -d $(DESTDIR)$(PREFIX)/share/man/man$$s && \
	    install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,jobd jobs-init jobs-fcgi jobctl)
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	rm -f $(DESTDIR)$(PREFIX)/lib/sysusers.d/jobs.conf $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/jobs.conf
	rm -rf $(DESTDIR)$(DATADIR)
	for m in $(MANPAGES); do rm -f $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/$${m##*/}; done

# Long forms of two integration tests (make test runs short ones).
queue-test: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) QUEUE_JOBS=20000 IT_TIMEOUT=900 TESTS=0041-queue-many.sh tests/run-integration
crash-test: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) CRASH_KILLS=100 IT_TIMEOUT=1800 TESTS=0046-crash-loop.sh tests/run-integration

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench
	@scripts/bench-scale

# The same trivial jobs locally and through a one-node Slurm cluster.
bench-slurm: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench-slurm

clean:
	rm -rf $(BUILD) build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
