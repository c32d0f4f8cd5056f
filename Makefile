# Makefile - the whole build of ffkit, one non-recursive GNU make file.
#
#   make demo      install what is missing, build, print sample outputs
#   make check     install what is missing, build, run every test (plain and
#                  under AddressSanitizer+UBSan)
#   make all       build bin/ffgen and bin/ffintake
#   make asan      build under ASan+UBSan into build/asan and run the tests
#   make valgrind  build -O0 into build/vg and run the tests under valgrind
#   make bench     run the benchmarks in bench/ (not part of check)
#   make deps      only the install step (every build target first checks
#                  the build packages and names the missing ones)
#
# Sources are picked up by wildcard: core/*.c make build/.../libffcore.a,
# gen/*.c link into ffgen, intake/*.c into ffintake, each tests/test_*.c is
# its own test program, each tests/cli/*.sh a command-line test.
# core/ is on the quote include path only (-iquote): core/csv.h must not
# hide libcsv's <csv.h>.

.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD ?= build/plain
BIN ?= bin
CC ?= cc
OPT ?= -O2 -g
SANITIZE ?=

# Debian packages the build, the tests and the demo need.
DEBS := build-essential pkg-config libhpdf-dev libqrencode-dev libpng-dev \
        libcsv-dev libharfbuzz-dev libthai-dev libsqlite3-dev \
        libxlsxwriter-dev libsodium-dev libdeflate-dev fonts-tlwg-laksaman-ttf \
        libzip-dev libexpat1-dev libfreexl-dev python3-xlwt \
        zbar-tools poppler-utils mupdf-tools qpdf sqlite3 unzip libxml2-utils valgrind \
        python3 python3-reportlab time clang libclang-rt-14-dev \
        libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev libssl-dev \
        chromium inotify-tools curl

# The part of DEBS that compiling and linking need.  `make`, `make all` and
# every build target check these first (one dpkg-query, a few
# milliseconds) and stop with the names and the command that installs them,
# instead of "csv.h: No such file or directory" half-way through.  Skipped
# where dpkg-query does not exist (not Debian) or with FF_SKIP_DEPS_CHECK=1.
BUILD_DEBS := build-essential pkg-config libhpdf-dev libqrencode-dev \
        libpng-dev libcsv-dev libharfbuzz-dev libthai-dev libsqlite3-dev \
        libxlsxwriter-dev libsodium-dev libdeflate-dev \
        libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev \
        libzip-dev libexpat1-dev libfreexl-dev libssl-dev

# Libraries with a pkg-config file; libhpdf and libcsv have none on Debian 12.
PKGS := libqrencode libpng harfbuzz harfbuzz-subset libthai sqlite3 xlsxwriter libsodium libdeflate \
        libmicrohttpd jansson libcurl libzip expat freexl libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
HPDF_LIBS ?= -lhpdf
CSV_LIBS ?= -lcsv

FONT_DIR ?= /usr/share/fonts/truetype/tlwg

WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wold-style-definition -Wwrite-strings -Wundef \
        -Wformat=2 -Wvla -Wdouble-promotion
# Project flags first; a user's CFLAGS are appended, never replacing them.
ALL_CFLAGS := $(WARN) $(OPT) $(SANITIZE) -D_GNU_SOURCE -iquote core \
              -DFF_FONT_DIR='"$(FONT_DIR)"' -DFF_SOURCE_DIR='"$(CURDIR)"' \
              $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS := $(SANITIZE) $(LDFLAGS)
LIBS := $(HPDF_LIBS) $(CSV_LIBS) $(PKG_LIBS) -lpthread -lm

CORE_SRC := $(wildcard core/*.c)
GEN_SRC := $(wildcard gen/*.c)
INTAKE_SRC := $(wildcard intake/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
BENCH_SRC := $(wildcard bench/*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
GEN_OBJ := $(GEN_SRC:%.c=$(BUILD)/%.o)
INTAKE_OBJ := $(INTAKE_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
# Each fuzz target twice: a replay program for `make check` (driver.c
# feeds it tests/fuzz/<name>/), and a libFuzzer binary for `make fuzz`.
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/%)
FUZZERS := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzzers/%)
FUZZ_SECONDS ?= 60
CORE_LIB := $(BUILD)/libffcore.a
# Unit tests may link the objects of gen/ and intake/ except their main.
GEN_LIBOBJ := $(filter-out $(BUILD)/gen/main.o,$(GEN_OBJ))
INTAKE_LIBOBJ := $(filter-out $(BUILD)/intake/main.o,$(INTAKE_OBJ))

.PHONY: all gen intake tests benchbins fuzz fuzzers check check-plain asan valgrind demo deps \
        bench clean dev builddeps
# ffintake is linked once intake/ has sources.
all: gen $(if $(INTAKE_SRC),intake)
gen: $(BIN)/ffgen
intake: $(BIN)/ffintake
tests: $(TEST_BIN) $(FUZZ_REPLAY)
fuzzers: $(FUZZERS)
benchbins: $(BENCH_BIN)

# Unit tests reach into gen/ and intake/; those two never include each other.
$(BUILD)/tests/%.o: ALL_CFLAGS += -iquote gen -iquote intake

# Every compile waits for the package check (order-only: it never makes a
# file out of date).
$(BUILD)/%.o: %.c | builddeps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BIN)/ffgen: $(GEN_OBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(GEN_OBJ) $(CORE_LIB) $(LIBS)

$(BIN)/ffintake: $(INTAKE_OBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(INTAKE_OBJ) $(CORE_LIB) $(LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(GEN_LIBOBJ) $(INTAKE_LIBOBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(GEN_LIBOBJ) $(INTAKE_LIBOBJ) \
	    $(CORE_LIB) $(LIBS)

$(BUILD)/tests/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/driver.o \
        $(GEN_LIBOBJ) $(INTAKE_LIBOBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/tests/fuzz/driver.o \
	    $(GEN_LIBOBJ) $(INTAKE_LIBOBJ) $(CORE_LIB) $(LIBS)

$(BUILD)/fuzzers/%: $(BUILD)/tests/fuzz/%.o $(GEN_LIBOBJ) $(INTAKE_LIBOBJ) \
        $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(GEN_LIBOBJ) \
	    $(INTAKE_LIBOBJ) $(CORE_LIB) $(LIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(CORE_LIB) $(LIBS)

# The install step: every Debian package above, by name.  As root it runs
# apt-get update once and installs what is missing; otherwise it names them.
deps:
	@missing=$$(for p in $(DEBS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing \
	        >/dev/null || exit 1; \
	else \
	    echo "missing Debian packages; as root run:" >&2; \
	    echo "  apt-get install -y $$missing" >&2; exit 1; \
	fi

builddeps:
	@[ -n "$(FF_SKIP_DEPS_CHECK)" ] && exit 0; \
	command -v dpkg-query > /dev/null 2>&1 || exit 0; \
	have=$$(dpkg-query -W -f='$${db:Status-Abbrev} $${Package}\n' \
	    $(BUILD_DEBS) 2>/dev/null | awk '$$1 == "ii" { print $$2 }'); \
	missing=$$(for p in $(BUILD_DEBS); do \
	    case " "$$(echo $$have)" " in *" $$p "*) ;; *) echo $$p;; esac; \
	    done); \
	[ -z "$$missing" ] && exit 0; \
	missing=$$(echo $$missing); \
	echo "ffkit: cannot build: missing Debian packages: $$missing" >&2; \
	echo "  install them with 'make deps' as root (or: sudo apt-get install $$missing);" >&2; \
	echo "  'make demo' and 'make check' install them too" >&2; \
	exit 1

# A sub-make after deps, so pkg-config sees freshly installed packages.
check: deps
	$(MAKE) check-plain
	$(MAKE) asan

check-plain: all tests
	tests/run.sh $(BUILD)/tests $(BIN)

asan:
	$(MAKE) BUILD=build/asan BIN=build/asan/bin OPT="-O1 -g" \
	    SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    all tests
	ASAN_OPTIONS=detect_leaks=1 tests/run.sh build/asan/tests build/asan/bin

valgrind: deps
	$(MAKE) BUILD=build/vg BIN=build/vg/bin OPT="-O0 -g" all tests
	FF_VALGRIND=1 tests/run.sh build/vg/tests build/vg/bin

# libFuzzer (clang): every target for FUZZ_SECONDS from tests/fuzz/<name>/.
fuzz: deps
	$(MAKE) BUILD=build/fuzz CC=clang OPT="-O1 -g" \
	    SANITIZE="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
	    fuzzers
	tests/fuzz/run.sh build/fuzz/fuzzers $(FUZZ_SECONDS)

dev:
	$(MAKE) CFLAGS="$(CFLAGS) -Werror" all tests

demo: deps
	$(MAKE) all
	@scripts/demo.sh $(BIN)

bench: deps
	$(MAKE) all benchbins
	bench/run.sh $(BIN) $(BUILD)/bench

clean:
	rm -rf build bin

-include $(CORE_OBJ:.o=.d) $(GEN_OBJ:.o=.d) $(INTAKE_OBJ:.o=.d) \
         $(TEST_BIN:=.d) $(BENCH_BIN:=.d) \
         $(FUZZ_SRC:tests/%.c=$(BUILD)/tests/%.d)
