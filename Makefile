# One Makefile for jobd, the FastCGI responders, jobctl and the tests.
# make            build everything into build/
# make test       install what is missing, build, run unit + integration tests
# make asan       the same tests against an ASan+UBSan build
# make run        a local stack on 127.0.0.1:8080 (see README)

CC       ?= cc
PKGS     := json-c sqlite3 fcgi uuid inih libcrypto
SANITIZE ?=
BUILD    ?= build

WARN     := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
            -Wshadow -Wvla -Wformat=2 -Wno-format-nonliteral
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c17 -D_GNU_SOURCE -pthread $(WARN) -I. -MMD -MP \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
ifneq ($(SANITIZE),)
CFLAGS   += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

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
# Unit tests link the pure modules of jobd too (capture), not its main.
JOBD_LIB   := $(filter-out $(BUILD)/obj/jobd/main.o,$(JOBD_OBJ))
UNIT_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
# Helpers the integration tests run (hostile senders, probes).
TOOL_BIN   := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC))

BINS := $(BUILD)/jobd $(BUILD)/jobs-init $(BUILD)/jobs-fcgi $(BUILD)/jobctl \
        $(BUILD)/bench-ceiling

.SECONDARY:
.PHONY: all test unit integration asan valgrind run stop deps clean bench \
        bench-slurm
all: $(BINS) $(UNIT_BIN) $(TOOL_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/jobd: $(JOBD_OBJ) $(SHARED_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
# The first process of each job's PID namespace: no library needed.
$(BUILD)/jobs-init: $(call obj,jobd/jobinit.c)
	$(CC) $(LDFLAGS) -o $@ $^
$(BUILD)/jobs-fcgi: $(FCGI_OBJ) $(SHARED_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/jobctl: $(call obj,$(CTL_SRC)) $(SHARED_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/bench-ceiling: $(call obj,tests/bench/ceiling.c)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(JOBD_LIB) $(SHARED_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(SHARED_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

deps:
	@scripts/deps

unit: $(UNIT_BIN)
	@tests/run-unit $(BUILD)

integration: $(BINS) $(TOOL_BIN)
	@BUILD=$(BUILD) tests/run-integration

# The whole suite; the last line is "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tests/run-all

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=address,undefined all
	@BUILD=build-asan tests/run-all

valgrind: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) VALGRIND=1 SKIP_UNIT=1 tests/run-all

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run

stop:
	@scripts/stack down --dir $(CURDIR)/var

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench

# The same trivial jobs locally and through a one-node Slurm cluster.
bench-slurm: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench-slurm

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
