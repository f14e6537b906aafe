# zswapsim — build, run, test.
#
#   make run        install missing Debian packages, build, run configs/default.json
#   make test       build and run every test (unit + scenario + regression)
#   make asan       the same tests under AddressSanitizer + UBSan (build/asan/)
#   make bench      events/s of both timing backends, bytes per tracked slot, access-reader speed
#   make bench-large events/s and peak RSS at 10^8 page events against 10^7 (minutes)
#   make deps       apt-get install what is missing
#   make capture    the BPF capture tool (installs clang, bpftool, libbpf-dev, libelf-dev)
#   make fuzz       libFuzzer targets of the input parsers, FUZZ_SECONDS each (needs clang)
#   make fuzz-smoke every fuzz target a few seconds from its seeds (part of `make test`)
#
# Sources are picked up by wildcard: a new module is a new .c file in traces/,
# models/, models/policy/ or sim/ (sim/main.c is the binary's entry point); a new
# unit test is tests/unit/test_<name>.c; a new scenario test is
# tests/scenarios/<name>.sh.

BUILD   ?= build
SAN     ?=
CC      ?= gcc
CXX     ?= g++
PKGS    := simgrid gsl jansson liblz4 libzstd lzo2 zlib libdeflate libisal libxxhash
DEB_PKGS := libsimgrid-dev libgsl-dev libjansson-dev check pkg-config liblz4-dev libzstd-dev \
            liblzo2-dev zlib1g-dev libdeflate-dev libisal-dev libxxhash-dev python3 \
            python3-matplotlib parallel jq clang libclang-rt-14-dev

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libsimgrid is dlopen'ed on the first simgrid run (sim/timing_simgrid_lib.c),
# not linked: linked, the loader relocated it (and the C++ runtime) at every
# start of the binary, 29-31 ms of task-clock of `zswapsim --version` against
# 1.3-1.5 ms (perf stat, loaded machine).  Its soname, as -lsimgrid would
# have recorded it:
PKG_LIBS   := $(filter-out -lsimgrid,$(shell pkg-config --libs $(PKGS) 2>/dev/null))
SIMGRID_LIBDIR := $(shell pkg-config --variable=libdir simgrid 2>/dev/null)
SIMGRID_SONAME := $(shell objdump -p $(SIMGRID_LIBDIR)/libsimgrid.so 2>/dev/null | \
                    awk '$$1 == "SONAME" {print $$2}')
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

GIT_REV := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
VERSION := 0.1.0

OPT      ?= -O2
# Link-time optimisation of the zswapsim binary: the replay's hot path crosses
# models/, traces/ and sim/ (a call per step); inlining across them saves ~20 %
# of user CPU on make bench's none_random row.  Objects carry both forms (fat),
# so unit tests link fast without it; off for the sanitizer and fuzz builds.
LTO      ?= -flto=auto -ffat-lto-objects
ifneq ($(SAN)$(FUZZ),)
  LTO :=
endif
WARN     := -Wall -Wextra -Werror -Wno-error=deprecated-declarations
CFLAGS   += -std=c11 $(OPT) $(LTO) -g $(WARN) -D_GNU_SOURCE -I. $(PKG_CFLAGS) \
            -I$(BUILD)/gen -DZSWAPSIM_VERSION='"$(VERSION)"' -MMD -MP
CXXFLAGS += -std=c++17 $(OPT) -g $(WARN) -I. $(PKG_CFLAGS) -MMD -MP
# (-lstdc++ only with C++ sources: the sources are picked up below)
LDLIBS   += $(PKG_LIBS) $(if $(wildcard sim/*.cpp),-lstdc++) -lm -lpthread -ldl

ifeq ($(SAN),1)
  CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DZSWAPSIM_DEBUG_INVARIANTS=1
  CXXFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS  += -fsanitize=address,undefined
endif
ifeq ($(DEBUG),1)
  CFLAGS += -DZSWAPSIM_DEBUG_INVARIANTS=1
endif

LIB_C_SRCS   := $(filter-out sim/main.c,$(wildcard traces/*.c models/*.c models/policy/*.c sim/*.c))
LIB_CXX_SRCS := $(wildcard sim/*.cpp)
LIB_OBJS     := $(LIB_C_SRCS:%.c=$(BUILD)/obj/%.o) $(LIB_CXX_SRCS:%.cpp=$(BUILD)/obj/%.o)
LIB          := $(BUILD)/libzswapsim.a
BIN          := $(BUILD)/zswapsim

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TEST_SUPPORT_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/unit/support_*.c))

.PHONY: all run test unit scenarios asan bench bench-large deps check-deps clean plots baselines \
        capture test-kernel gallery docs
.DEFAULT_GOAL := all
# keep object files of unit tests (make would delete them as intermediates)
.SECONDARY:

all: $(BIN)

# --- build -----------------------------------------------------------------
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The revision goes into one generated header, rewritten only when it changes,
# so a commit rebuilds the two files that print it, not the whole tree.
GIT_REV_H := $(BUILD)/gen/git_rev.h
$(GIT_REV_H): FORCE
	@mkdir -p $(dir $@)
	@printf '#define ZSWAPSIM_GIT_REV "%s"\n' "$(GIT_REV)" >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
.PHONY: FORCE
FORCE:
$(BUILD)/obj/sim/report.o $(BUILD)/obj/sim/main.o: $(GIT_REV_H)
# (without simgrid's soname the file stops at its #error)
$(BUILD)/obj/sim/timing_simgrid_lib.o: CFLAGS += $(if $(SIMGRID_SONAME),-DZSWAPSIM_SIMGRID_LIB='"$(SIMGRID_SONAME)"')

$(BIN): $(BUILD)/obj/sim/main.o $(LIB)
	$(CC) $(LDFLAGS) $(if $(LTO),-flto=auto $(OPT)) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TEST_SUPPORT_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# --- dependencies ----------------------------------------------------------
# `make deps` installs what is missing (root or sudo); `check-deps` only checks.
deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	else echo "all Debian packages present"; fi

check-deps:
	@for p in $(PKGS) check; do pkg-config --exists $$p || { echo "missing pkg-config package '$$p': run 'make deps'" >&2; exit 2; }; done
	@command -v clang >/dev/null && ls "$$(clang --print-runtime-dir)"/libclang_rt.fuzzer-*.a >/dev/null 2>&1 || \
	  { echo "missing clang or libFuzzer (libclang-rt-14-dev; the fuzz smoke test of 'make test'): run 'make deps'" >&2; exit 2; }

# --- run -------------------------------------------------------------------
run: deps
	$(MAKE) $(BIN)
	$(BIN) run configs/default.json -o out/default/report.json

# --- tests -----------------------------------------------------------------
# Unit tests (Check, fork mode), then CLI scenario tests, then baselines.
# The normal build also runs the fuzz smoke test (clang: `make deps`).
test: check-deps $(BIN) $(UNIT_BINS) $(if $(filter build,$(BUILD)),fuzz-smoke-build)
	@BUILD=$(BUILD) scripts/run-tests.sh $(UNIT_BINS)

unit: $(UNIT_BINS)
	@BUILD=$(BUILD) scripts/run-tests.sh --unit-only $(UNIT_BINS)

scenarios: $(BIN)
	@BUILD=$(BUILD) scripts/run-tests.sh --scenarios-only

asan:
	$(MAKE) BUILD=build/asan SAN=1 OPT=-O1 test

BENCH_ACCESS := $(BUILD)/bench_access
$(BENCH_ACCESS): $(BUILD)/obj/tests/bench/bench_access.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bench: $(BIN) $(BENCH_ACCESS)
	@scripts/bench.sh $(BIN)

bench-large: $(BIN)
	@scripts/bench-large.sh $(BIN)

plots: $(BIN)
	@scripts/make-plots.sh $(BIN)

gallery: $(BIN)
	@scripts/make-gallery.sh $(BIN)

baselines: $(BIN)
	@scripts/make-baselines.sh $(BIN)

# The BPF capture tool (docs/capture.md) needs these too; `make capture`
# installs what is missing, then builds build/capture/.
CAPTURE_DEB_PKGS := clang bpftool libbpf-dev libelf-dev

capture:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) $(CAPTURE_DEB_PKGS)"
	$(MAKE) -C traces/capture BUILD=$(BUILD)

test-kernel: $(BIN)
	@scripts/test-kernel.sh $(BIN)

clean:
	rm -rf build out

docs: $(BIN)
	scripts/gen-config-doc.sh $(BIN) docs/config.md
	python3 scripts/gen-doc-samples.py --bin $(BIN)

# --- fuzzing ---------------------------------------------------------------
# `make fuzz` builds the libFuzzer targets tests/fuzz/fuzz_<name>.c with clang
# (ASan + UBSan, the whole library instrumented for coverage) into build/fuzz/
# and runs each for FUZZ_SECONDS from its seeds in tests/fuzz/corpus/<name>/
# (with the dictionary tests/fuzz/fuzz_<name>.dict if there is one).
# New inputs go to build/fuzz/corpus/<name>/, crashes to build/fuzz/crash-*.
# Only this target needs clang; see docs/testing.md.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_FLAGS   := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
                -fno-sanitize-recover=undefined
# A page store is whole 4 KiB pages: let the inputs grow to a few of them.
FUZZ_MAX_LEN_page_store := 20480

ifeq ($(FUZZ),1)
  CFLAGS   += $(FUZZ_FLAGS)
  CXXFLAGS += $(FUZZ_FLAGS)
  LDFLAGS  += -fsanitize=fuzzer,address,undefined
endif

$(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)

# `make fuzz-smoke` (run by `make test` as fuzz/smoke): build the targets, run
# each FUZZ_SMOKE_SECONDS (3) from the committed seeds (scripts/fuzz-smoke.sh).
fuzz-smoke-build:
	@$(MAKE) --no-print-directory BUILD=build/fuzz FUZZ=1 CC=clang CXX=clang++ OPT=-O1 fuzz-build

fuzz-smoke: fuzz-smoke-build
	@scripts/fuzz-smoke.sh

fuzz:
	@$(MAKE) --no-print-directory deps
	$(MAKE) BUILD=build/fuzz FUZZ=1 CC=clang CXX=clang++ OPT=-O1 fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  maxlen=4096; if [ $$t = page_store ]; then maxlen=$(FUZZ_MAX_LEN_page_store); fi; \
	  dict=; if [ -e tests/fuzz/fuzz_$$t.dict ]; then dict=-dict=tests/fuzz/fuzz_$$t.dict; fi; \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=$$maxlen $$dict \
	    -artifact_prefix=build/fuzz/ -print_final_stats=1 \
	    build/fuzz/corpus/$$t tests/fuzz/corpus/$$t 2>build/fuzz/fuzz_$$t.log \
	    || { tail -40 build/fuzz/fuzz_$$t.log; exit 1; }; \
	  grep -E '^(Done|stat::number_of_executed_units)' build/fuzz/fuzz_$$t.log; \
	done

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-smoke-build
