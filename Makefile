# testigo - GNU Make build.  Variables: SANITIZE=address,undefined  O=build dir
#
#   make            build build/testigo
#   make check      install deps, build, run every test (normal + sanitizers)
#   make demo       install deps, build, run the demo on real sample media
#   make fuzz       run the fuzzers for longer (FUZZ_SECONDS, default 300)
#   make bench      run the benchmarks in bench/
#   make shot-model refit the gunshot models (lib/audio/*model_trees.h;
#                   SHOT_MODELS=chain: the chain model only)

CC      ?= cc
PKGS    := libavformat libavcodec libavutil libswscale libswresample \
           sqlite3 libcrypto libexif libcjson
VERSION := $(shell cat VERSION)

ifeq ($(SANITIZE),)
O       ?= build
SANFLAGS :=
else
O       ?= build-san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla \
           -Wformat=2 -Wno-format-nonliteral -Wpointer-arith -Wmissing-prototypes
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE -DTG_VERSION='"$(VERSION)"' $(WARN) \
           $(CFLAGS) $(SANFLAGS) -Ilib -I. -include lib/util/banned.h \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS)
ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC  := $(sort $(wildcard lib/*/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(O)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(O)/tests/%)

.PHONY: all deps check check-normal check-sanitize unit cli-tests demo fuzz \
        fuzz-smoke bench clean valgrind shot-model
.DELETE_ON_ERROR:

all: $(O)/testigo

deps:
	@./scripts/install-deps

$(O)/libtestigo.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(O)/testigo: $(CLI_OBJ) $(O)/libtestigo.a
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(O)/libtestigo.a $(LIBS)

$(O)/tests/%: tests/unit/%.c tests/unit/harness.h $(O)/libtestigo.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit $(ALL_LDFLAGS) -o $@ $< $(O)/libtestigo.a $(LIBS)

# the out-of-memory tests fail the library's allocations one at a time: the
# malloc family is wrapped at link time (tests/unit/oom_inject.h); the ones
# that run case operations share tests/unit/oom_case.h
OOM_WRAP := malloc calloc realloc av_malloc av_mallocz av_calloc
OOM_TESTS := test_oom test_oom_add test_oom_case
$(OOM_TESTS:%=$(O)/tests/%): ALL_LDFLAGS += $(OOM_WRAP:%=-Wl,--wrap=%)
$(OOM_TESTS:%=$(O)/tests/%): tests/unit/oom_inject.h
$(O)/tests/test_oom_add $(O)/tests/test_oom_case: tests/unit/oom_case.h

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# --- tests ----------------------------------------------------------------

unit: $(TEST_BIN)
	@./tests/run-unit $(TEST_BIN)

cli-tests: $(O)/testigo
	@TESTIGO=$(abspath $(O)/testigo) ./tests/run-cli

# make check builds on every processor (CI has two), and the runners run
# as many tests at once (tests/parallel.sh); a -j given to make itself
# is kept (its jobserver), and JOBS=1 runs one thing at a time
JOBS ?= $(shell nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
export TG_TEST_JOBS ?= $(JOBS)
JOBS_FLAG = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS))

check-normal:
	@$(MAKE) --no-print-directory $(JOBS_FLAG) all $(TEST_BIN)
	@$(MAKE) --no-print-directory unit cli-tests

# sanitizers find memory errors on a sample of the slowest conformance files
check-sanitize:
	TG_TEST_QUICK=1 $(MAKE) SANITIZE=address,undefined check-normal

check: deps
	$(MAKE) check-normal
	$(MAKE) check-sanitize
	$(MAKE) valgrind
	$(MAKE) fuzz-smoke
	@echo "check: all test suites passed"

# The CLI tests under valgrind: memory errors and definite leaks fail them.
VALGRIND_TESTS ?= tests/cli/t-init.sh tests/cli/t-add.sh tests/cli/t-verify.sh tests/cli/t-suncheck.sh
valgrind: all
	@TESTIGO=$(abspath $(O)/testigo) TESTIGO_WRAP='valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99' ./tests/run-cli $(VALGRIND_TESTS)

# --- fuzzing (clang libFuzzer) ----------------------------------------------

FUZZ_SECONDS ?= 300
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)

# the parsers of untrusted input: lib/media (files), lib/custody (logs from bags)
FUZZ_LIB_SRC := $(sort $(wildcard lib/util/*.c lib/hash/*.c lib/media/*.c lib/custody/*.c))

build-fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC)
	@mkdir -p build-fuzz
	$(Q)clang -std=c17 -D_GNU_SOURCE -DTG_VERSION='"$(VERSION)"' -g -O1 \
	  -fsanitize=fuzzer,address,undefined -Ilib -include lib/util/banned.h \
	  $(shell pkg-config --cflags $(PKGS)) -o $@ $< $(FUZZ_LIB_SRC) $(LIBS)

fuzz-smoke:
	@$(MAKE) --no-print-directory $(JOBS_FLAG) $(FUZZ_BIN)
	@./tests/run-fuzz 20 $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@./tests/run-fuzz $(FUZZ_SECONDS) $(FUZZ_BIN)

# --- demo and benchmarks ----------------------------------------------------

demo: deps
	$(MAKE) all
	@./scripts/demo $(abspath $(O)/testigo)

bench: all
	@for b in bench/*; do [ -x "$$b" ] && TESTIGO=$(abspath $(O)/testigo) "$$b"; done

# The gunshot models are fitted on the events the analyser finds in the
# development half of the generated clips and in the training clips
# (TG_SHOTS_TRAIN: more weapons and negatives, full and phone band;
# docs/audio.md, sixteenth round); run it twice
# after a change to the features, since the models' own decisions shape
# the bursts the next dump's events come from.
SHOT_DUMP := $(O)/shot-events.csv
shot-model: all
	@./scripts/install-deps --train
	rm -f $(O)/tests/test_shots
	$(MAKE) $(O)/tests/test_shots
	@# the dump is what counts here: a regression guard that fails after a
	@# change to the features is what the refit is for
	rm -f $(SHOT_DUMP)
	-TG_SHOTS_TRAIN=1 TG_SHOTS_CLIPS=400 TG_SHOTS_DUMP=$(SHOT_DUMP) $(O)/tests/test_shots >/dev/null
	scripts/train-shot-model $(if $(SHOT_MODELS),--only $(SHOT_MODELS)) $(SHOT_DUMP) lib/audio

clean:
	rm -rf build build-san build-fuzz
