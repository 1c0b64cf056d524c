# holoflow top-level Makefile: a thin GNU make wrapper around CMake and the
# scripts in scripts/, giving the project its two everyday commands:
#
#   make            configure + build into build/ (RelWithDebInfo, -j2)
#   make check      deps, build, every test; last line "N passed, M failed"
#
# and also: make deps | demo | docs | format | bench | fuzz | clean.
#
# `make check` runs, in order: the unit tests (ctest in build/), the same
# under ASan+UBSan (build-asan/, skip with ASAN=0), the tests of the
# runtime's threads under ThreadSanitizer (build-tsan/, TSAN_TESTS; skip
# with TSAN=0), every executable
# tests/e2e/*.sh and tests/integration/*.sh with a private PostgreSQL
# started in build/pg (PGHOST, PGPORT, PGUSER, PGDATABASE, HF_PG_DIR and
# HOLOFLOW=<repo>/build/holoflow exported; each test gets TEST_TIMEOUT
# seconds and no stdin), tests/docs_drift.sh when present,
# and `holoflow check` on every examples/*.sql (except *-setup.sql, plain SQL
# for psql). It keeps going after a failure so that all failures show, stops
# the private PostgreSQL at the end whatever happens, and exits non-zero if
# anything failed. Builds stay at -j2 so CI on two cores finishes well
# inside 30 minutes.
#
# Each recipe runs as one bash script (.ONESHELL) with -euo pipefail.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.NOTPARALLEL:
.DEFAULT_GOAL := build

JOBS ?= 2
BUILD_TYPE ?= RelWithDebInfo
BUILD ?= build
ASAN_BUILD ?= build-asan
ASAN ?= 1
TSAN_BUILD ?= build-tsan
TSAN ?= 1
# The unit tests whose threads share batches, inboxes and the checkpoint
# coordinator: run again under ThreadSanitizer.
TSAN_TESTS ?= test_rbuf test_ops test_runtime test_state_runtime test_exchange test_parallel_runtime test_metrics
PG_DIR ?= $(CURDIR)/$(BUILD)/pg
TEST_TIMEOUT ?= 900
CTEST_FLAGS ?=

PG := $(CURDIR)/scripts/pg-private.sh
# Where the cluster goes when PG_DIR is unreachable by the server's user
# (running as root in a checkout under /root): stable per checkout.
PG_FALLBACK = /tmp/holoflow-pg-$(shell printf '%s' '$(PG_DIR)' | cksum | cut -d' ' -f1)
HOLOFLOW_BIN := $(CURDIR)/$(BUILD)/holoflow

.PHONY: all build deps check demo docs format bench fuzz clean

all: build

deps:
	@scripts/deps.sh

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)
	cmake --build $(BUILD) -j$(JOBS)

# Shell fragment: starts the private PostgreSQL in $(PG_DIR), or, when that
# directory is not reachable by the server's user (pg-private.sh exit 3:
# e.g. a checkout under /root while running as root), in $(PG_FALLBACK)
# (/tmp/holoflow-pg-<checksum of PG_DIR>). Sets pg_dir, pg_tmp (1 for the /tmp fallback), pg_env (the
# settings printed by pg-private.sh), pg_rc (0 when running) and pg_keep (1
# when it was already running, e.g. left by `make demo`: stop_pg leaves it).
define start_pg
pg_dir='$(PG_DIR)'
pg_tmp=0
pg_rc=0
pg_keep=0
if "$(PG)" status "$$pg_dir" >/dev/null 2>&1; then pg_keep=1; fi
pg_env=$$("$(PG)" start "$$pg_dir") || pg_rc=$$?
if [ "$$pg_rc" = 3 ]; then
    pg_dir='$(PG_FALLBACK)'
    pg_tmp=1
    pg_rc=0
    mkdir -p -m 0755 "$$pg_dir"
    case $$(stat -c %U "$$pg_dir") in
    root | postgres | holoflow) ;;
    *)
        echo "make: $$pg_dir belongs to another user; remove it" >&2
        pg_rc=1
        ;;
    esac
    if [ "$$pg_rc" = 0 ]; then
        echo "make: using $$pg_dir for the private PostgreSQL instead" >&2
        if "$(PG)" status "$$pg_dir" >/dev/null 2>&1; then pg_keep=1; fi
        pg_env=$$("$(PG)" start "$$pg_dir") || pg_rc=$$?
    fi
fi
endef

# Shell fragment: stops what start_pg started (idempotent); removes the
# /tmp fallback directory unless the cluster there was kept.
define stop_pg
if [ "$$pg_keep" != 1 ]; then
    "$(PG)" stop "$$pg_dir" >&2 || true
    if [ "$$pg_tmp" = 1 ]; then rm -rf "$$pg_dir"; fi
fi
endef

check: deps
	@pass=0
	fail=0
	failed=()
	pg_dir=
	pg_tmp=0
	pg_keep=0
	test_pid=
	summary() {
	    echo
	    if [ "$${#failed[@]}" -gt 0 ]; then
	        echo "failed:"
	        printf '  %s\n' "$${failed[@]}"
	    fi
	    echo "$$pass passed, $$fail failed"
	}
	cleanup() {
	    if [ -n "$$test_pid" ]; then
	        kill -TERM "$$test_pid" 2>/dev/null || true
	        wait "$$test_pid" 2>/dev/null || true
	    fi
	    if [ -n "$$pg_dir" ]; then
	        $(stop_pg)
	    fi
	}
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# ctest in one build dir; adds its totals to pass/fail.
	run_ctest() {
	    local dir=$$1 log rc=0 line="" nfail=0 total=0
	    log=$$(mktemp)
	    ctest --test-dir "$$dir" --output-on-failure $(CTEST_FLAGS) \
	        </dev/null 2>&1 | tee "$$log" || rc=$$?
	    line=$$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' \
	        "$$log" | tail -n 1 || true)
	    rm -f "$$log"
	    if [ -n "$$line" ]; then
	        nfail=$$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$$line")
	        total=$$(sed -E 's/.*failed out of ([0-9]+).*/\1/' <<<"$$line")
	        pass=$$((pass + total - nfail))
	        fail=$$((fail + nfail))
	        if [ "$$nfail" -gt 0 ]; then
	            failed+=("ctest $$dir: $$nfail of $$total tests")
	        fi
	    fi
	    if [ "$$rc" -ne 0 ] && [ "$$nfail" -eq 0 ]; then
	        fail=$$((fail + 1))
	        failed+=("ctest $$dir: exit status $$rc")
	    fi
	}
	# Runs one test command; "$$1" names it in the summary. timeout puts the
	# test in its own process group, so it runs as a background job that
	# cleanup can signal (an interrupted `make check` ends it too).
	run_one() {
	    local name=$$1 rc=0
	    shift
	    echo "=== $$name"
	    timeout $(TEST_TIMEOUT) "$$@" </dev/null &
	    test_pid=$$!
	    wait "$$test_pid" || rc=$$?
	    test_pid=
	    if [ "$$rc" -eq 0 ]; then
	        pass=$$((pass + 1))
	        echo "PASS $$name"
	    else
	        fail=$$((fail + 1))
	        failed+=("$$name (exit $$rc)")
	        echo "FAIL $$name (exit $$rc)"
	    fi
	}

	echo "=== build ($(BUILD))"
	if ! { cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) &&
	    cmake --build $(BUILD) -j$(JOBS); }; then
	    fail=$$((fail + 1))
	    failed+=("build $(BUILD)")
	    summary
	    exit 1
	fi
	echo "=== unit tests ($(BUILD))"
	run_ctest $(BUILD)

	if [ "$(ASAN)" = 1 ]; then
	    echo "=== ASan+UBSan build ($(ASAN_BUILD))"
	    if cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug \
	            -DHF_SANITIZE=ON &&
	        cmake --build $(ASAN_BUILD) -j$(JOBS); then
	        echo "=== unit tests under ASan+UBSan ($(ASAN_BUILD))"
	        export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
	        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	        run_ctest $(ASAN_BUILD)
	        unset ASAN_OPTIONS UBSAN_OPTIONS
	    else
	        fail=$$((fail + 1))
	        failed+=("build $(ASAN_BUILD)")
	    fi
	fi

	if [ "$(TSAN)" = 1 ]; then
	    echo "=== ThreadSanitizer build ($(TSAN_BUILD): $(TSAN_TESTS))"
	    if cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug \
	            -DHF_TSAN=ON &&
	        cmake --build $(TSAN_BUILD) -j$(JOBS) --target $(TSAN_TESTS); then
	        echo "=== unit tests under ThreadSanitizer ($(TSAN_BUILD))"
	        export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan.supp"
	        for t in $(TSAN_TESTS); do
	            run_one "tsan/$$t" "$(TSAN_BUILD)/$$t"
	        done
	        unset TSAN_OPTIONS
	    else
	        fail=$$((fail + 1))
	        failed+=("build $(TSAN_BUILD)")
	    fi
	fi

	echo "=== private PostgreSQL"
	$(start_pg)
	shell_tests=()
	for t in tests/e2e/*.sh tests/integration/*.sh; do
	    [ -e "$$t" ] || continue
	    if [ -x "$$t" ]; then
	        shell_tests+=("$$t")
	    else
	        echo "SKIP $$t (not executable)"
	    fi
	done
	if [ "$$pg_rc" -eq 0 ]; then
	    eval "export $$pg_env"
	    export HF_PG_DIR=$$pg_dir
	    export HOLOFLOW='$(HOLOFLOW_BIN)'
	    echo "$$pg_env"
	    for t in "$${shell_tests[@]}"; do
	        run_one "$$t" "./$$t"
	    done
	else
	    fail=$$((fail + 1))
	    failed+=("private PostgreSQL in $$pg_dir did not start; not run: $${shell_tests[*]}")
	fi

	if [ -f tests/docs_drift.sh ]; then
	    run_one tests/docs_drift.sh bash tests/docs_drift.sh
	fi
	# Examples take connection settings from $${PGHOST} etc.; check connects
	# nowhere, but the variables must be set (also when PostgreSQL did not
	# start), so give each a harmless default.
	for f in examples/*.sql; do
	    [ -e "$$f" ] || continue
	    case $$f in *-setup.sql) continue ;; esac
	    run_one "holoflow check $$f" env \
	        PGHOST="$${PGHOST:-localhost}" PGPORT="$${PGPORT:-5432}" \
	        PGDATABASE="$${PGDATABASE:-postgres}" \
	        PGUSER="$${PGUSER:-postgres}" PGPASSWORD="$${PGPASSWORD:-unused}" \
	        "$(HOLOFLOW_BIN)" check "$$f"
	done

	summary
	[ "$$fail" -eq 0 ]

demo: deps build
	@if [ ! -f examples/realtime-upsert.sql ]; then
	    echo "make demo: examples/realtime-upsert.sql does not exist" >&2
	    exit 1
	fi
	$(start_pg)
	if [ "$$pg_rc" -ne 0 ]; then
	    echo "make demo: the private PostgreSQL did not start (see above)" >&2
	    exit 1
	fi
	eval "export $$pg_env"
	export HF_PG_DIR=$$pg_dir
	# The job takes its password from $${PGPASSWORD}; the private cluster
	# trusts its user, so any value does.
	export PGPASSWORD="$${PGPASSWORD:-unused}"
	rc=0
	echo "=== psql -f examples/demo-setup.sql"
	psql -X -q -v ON_ERROR_STOP=1 -f examples/demo-setup.sql || rc=$$?
	if [ "$$rc" -eq 0 ]; then
	    echo "=== $(BUILD)/holoflow run examples/realtime-upsert.sql"
	    "$(HOLOFLOW_BIN)" run examples/realtime-upsert.sql || rc=$$?
	fi
	if [ "$$rc" -eq 0 ]; then
	    echo "=== psql -c 'SELECT count(*), sum(price) FROM realtime_sink'"
	    psql -X -v ON_ERROR_STOP=1 \
	        -c 'SELECT count(*), sum(price) FROM realtime_sink' || rc=$$?
	fi
	echo
	echo "The demo's PostgreSQL is still running in $$pg_dir:"
	echo "  $$pg_env" | head -n 1
	echo "Connect:  eval \"export \$$(scripts/pg-private.sh env $$pg_dir)\"; psql"
	echo "Stop:     scripts/pg-private.sh stop $$pg_dir"
	echo "More examples: $(BUILD)/holoflow run examples/demo.sql (statement set)"
	exit "$$rc"

docs: build
	"$(HOLOFLOW_BIN)" options --write-docs docs

format:
	@if ! command -v clang-format >/dev/null 2>&1; then
	    echo "make format: clang-format not found;" \
	        "install it with: scripts/deps.sh clang-format" >&2
	    exit 1
	fi
	dirs=()
	for d in src cli include tests; do [ ! -d "$$d" ] || dirs+=("$$d"); done
	find "$${dirs[@]}" -name '*.[ch]' -print0 | xargs -0 -r clang-format -i

bench: deps build
	@pg_dir=
	pg_tmp=0
	pg_keep=0
	cleanup() {
	    if [ -n "$$pg_dir" ]; then
	        $(stop_pg)
	    fi
	}
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	$(start_pg)
	if [ "$$pg_rc" -ne 0 ]; then
	    echo "make bench: the private PostgreSQL did not start (see above)" >&2
	    exit 1
	fi
	eval "export $$pg_env"
	export HF_PG_DIR=$$pg_dir
	export HOLOFLOW='$(HOLOFLOW_BIN)'
	nfail=0
	for b in bench/*.sh; do
	    [ -e "$$b" ] || continue
	    echo "=== $$b"
	    if bash "$$b" </dev/null; then
	        echo "PASS $$b"
	    else
	        echo "FAIL $$b (exit $$?)"
	        nfail=$$((nfail + 1))
	    fi
	done
	[ "$$nfail" -eq 0 ]

# make fuzz: builds the libFuzzer targets of tests/fuzz/ with clang
# (-fsanitize=fuzzer,address,undefined, CMake option HF_FUZZ) in
# $(FUZZ_BUILD) and runs each of FUZZ_TARGETS for FUZZ_TIME seconds.
# New inputs go to $(FUZZ_BUILD)/corpus/<target>/ (the committed seeds in
# tests/fuzz/corpus/<target>/ are only read), crash inputs to
# $(FUZZ_BUILD)/crashes/<target>/; FUZZ_FLAGS are extra libFuzzer flags
# (-jobs=2, -max_len=...). Fails if any target found something. See
# docs/fuzzing.md.
FUZZ_BUILD ?= $(BUILD)/fuzz
FUZZ_TIME ?= 60
FUZZ_TARGETS ?= sql format opts avro_resolve sync run
FUZZ_FLAGS ?=
FUZZ_CC ?= clang-14

fuzz:
	@scripts/deps.sh clang-14 libclang-rt-14-dev
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=$(FUZZ_CC) \
	    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHF_FUZZ=ON -DHF_TESTS=OFF
	cmake --build $(FUZZ_BUILD) -j$(JOBS) \
	    $(foreach t,$(FUZZ_TARGETS),--target fuzz_$(t))
	export ASAN_OPTIONS=detect_leaks=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	failed=()
	for t in $(FUZZ_TARGETS); do
	    work=$(FUZZ_BUILD)/corpus/$$t crashes=$(FUZZ_BUILD)/crashes/$$t
	    mkdir -p "$$work" "$$crashes"
	    dict=()
	    d=tests/fuzz/$$t.dict
	    [ "$$t" = run ] && d=tests/fuzz/sql.dict # SQL scripts too
	    if [ -f "$$d" ]; then dict=(-dict="$$d"); fi
	    echo "=== fuzz_$$t for $(FUZZ_TIME) s (log $(FUZZ_BUILD)/fuzz_$$t.log)"
	    rc=0
	    $(FUZZ_BUILD)/fuzz_$$t "$$work" tests/fuzz/corpus/$$t "$${dict[@]}" \
	        -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
	        -artifact_prefix="$$crashes/" $(FUZZ_FLAGS) \
	        >$(FUZZ_BUILD)/fuzz_$$t.log 2>&1 || rc=$$?
	    grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added)' \
	        $(FUZZ_BUILD)/fuzz_$$t.log || true
	    if [ "$$rc" -ne 0 ]; then
	        failed+=("fuzz_$$t")
	        grep -E -A12 'ERROR: |runtime error|fuzz check failed|round trip' \
	            $(FUZZ_BUILD)/fuzz_$$t.log | head -n 40 || true
	        echo "FAIL fuzz_$$t (exit $$rc): inputs in $$crashes/"
	    else
	        echo "PASS fuzz_$$t"
	    fi
	done
	if [ "$${#failed[@]}" -gt 0 ]; then
	    echo "make fuzz: found problems in: $${failed[*]}; reproduce with" \
	        "$(FUZZ_BUILD)/fuzz_<target> <crash file> (see docs/fuzzing.md)" >&2
	    exit 1
	fi

clean:
	@"$(PG)" stop "$(PG_DIR)" || true
	if [ -d '$(PG_FALLBACK)' ]; then
	    "$(PG)" stop '$(PG_FALLBACK)' || true
	    rm -rf '$(PG_FALLBACK)'
	fi
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)
