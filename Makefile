# Each target installs the Debian packages the build needs before building.
SWIFT ?= swift
APT_PACKAGES := pkg-config zlib1g-dev libdeflate-dev libopenblas-dev libhdf5-dev openmpi-bin libopenmpi-dev iproute2
RELEASE := $(SWIFT) build -c release --product loaders
LOADERS := .build/release/loaders

.PHONY: deps build test demo bench examples docs

# $(call install-missing,packages): apt-get installs those of the packages that are missing.
define install-missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
endef

deps:
	$(call install-missing,$(APT_PACKAGES))

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

SHARED ?= ../shared
PYTORCH_PYTHON ?= $(HOME)/.cache/pytorch-ref/bin/python
BENCH_DATA := .build/bench-data
BENCH_REPEATS ?= 3

# The README's first command: train the seed CNN on the bundled MNIST for two epochs with Adam,
# showing progress and test accuracy (about 98%), and write the loss plot.
demo: deps
	$(RELEASE)
	$(LOADERS) train --model cnn --optimizer adam --epochs 2 --plot loss.svg

# The three seed programs (Examples/), built in release mode and each run on its full budget:
# a few minutes on two cores. The linear regression's plot goes to .build/examples/compare.svg.
EXAMPLES := linear-regression wine-mlp mnist-cnn
EXAMPLES_OUT := .build/examples

examples: deps
	for example in $(EXAMPLES); do $(SWIFT) build -c release --product $$example || exit 1; done
	mkdir -p $(EXAMPLES_OUT)
	.build/release/linear-regression --plot $(EXAMPLES_OUT)/compare.svg
	.build/release/wine-mlp
	.build/release/mnist-cnn

# The API documentation of Loaders and Training (DocC, with the seed programs as articles) into
# .build/docs/<Module>.doccarchive, without network: the two modules built in a scratch path of
# their own with symbol graphs on (so the main build keeps its flags), then the toolchain's
# `docc convert` of each module's catalog. Every warning fails the build.
DOCC ?= docc
DOCS := .build/docs
DOCS_BUILD := .build/docs-build
DOCS_MODULES := Loaders Training

docs: deps
	mkdir -p $(DOCS_BUILD)/symbol-graphs
	$(SWIFT) build --scratch-path $(DOCS_BUILD) --target Training \
		-Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc $(CURDIR)/$(DOCS_BUILD)/symbol-graphs
	rm -rf $(DOCS) && mkdir -p $(DOCS)
	set -e; graphs=$(DOCS_BUILD)/symbol-graphs; \
	for module in $(DOCS_MODULES); do \
		mkdir -p $(DOCS)/symbol-graphs/$$module; \
		cp "$$graphs/$$module.symbols.json" $$(ls "$$graphs"/$$module@*.symbols.json 2>/dev/null) $(DOCS)/symbol-graphs/$$module/; \
		$(DOCC) convert Sources/$$module/$$module.docc --additional-symbol-graph-dir $(DOCS)/symbol-graphs/$$module \
			--fallback-display-name $$module --fallback-bundle-identifier SwiftLoaders.$$module \
			--transform-for-static-hosting --output-path $(DOCS)/$$module.doccarchive > $(DOCS)/$$module.log 2>&1 \
			|| { cat $(DOCS)/$$module.log; exit 1; }; \
		if grep -Eq '^(warning|error)' $(DOCS)/$$module.log; then cat $(DOCS)/$$module.log; exit 1; fi; \
		echo "$(DOCS)/$$module.doccarchive"; \
	done

# Our benchmarks beside PyTorch's reference scripts, alternating, medians (Docs/Performance.md).
bench: deps
	$(RELEASE)
	bash $(SHARED)/bench/setup-pytorch.sh
	$(PYTORCH_PYTHON) -c "import torchdata" 2>/dev/null || $(PYTORCH_PYTHON) -m pip install -q --no-deps torchdata==0.11.0
	test -f $(BENCH_DATA)/mnist_train.csv || { mkdir -p $(BENCH_DATA).tmp && \
		$(PYTORCH_PYTHON) $(SHARED)/bench/make_formats.py $(SHARED)/datasets/mnist $(BENCH_DATA).tmp && \
		rm -rf $(BENCH_DATA) && mv $(BENCH_DATA).tmp $(BENCH_DATA); }
	mkdir -p bench-out
	python3 Benchmarks/run.py $(LOADERS) Fixtures/mnist $(BENCH_DATA) $(PYTORCH_PYTHON) \
		--reference $(SHARED)/bench --repeats $(BENCH_REPEATS) --out bench-out/table.md

# The tests under ThreadSanitizer and under AddressSanitizer, each built in its own directory
# (Docs/Sanitizers.md). Any report fails the run. `make sanitize-thread` or `make sanitize-address`
# runs one half; SANITIZE_TESTS narrows the tests (a `swift test --filter` pattern).
SANITIZE_TESTS ?= LoadersTests|LoadersHDF5Tests|LoadersCommandTests|TrainingTests
SANITIZE_STRESS_SCALE ?= 3
# Tests that run the `loaders` binary in a child process. The Mutex annotations that keep TSan
# from misreading Synchronization's lock hand-over are linked into the test binary only, never into
# the tool, so TSan runs skip these (AddressSanitizer runs them).
# The MPI suites start `mpirun` (TrainDistributedTests runs `loaders train --distributed`), whose
# ranks run Open MPI's uninstrumented runtime and threads.
SANITIZE_MPI_SKIP := MPIEquivalenceTests|TwoNamespacesTests|TrainDistributedTests
SANITIZE_THREAD_SKIP ?= ResourceLimitTests|TrainDeterminismTests|TrainResumeTests|PlotCommandTests|TrainTaskCommandTests|TrainRegressionCommandTests|ConvertFolderTests|HostileInputCommandTests|IDXSourceCommandTests|SizesFromMetadataTests|TrainModelSpecTests|InspectExactStatisticsTests|HDF5ListingCommandTests|$(SANITIZE_MPI_SKIP)
# The ASan run skips the MPI suites too: Open MPI keeps allocations past MPI_Finalize, which
# LeakSanitizer would report in every rank (Docs/Sanitizers.md).
SANITIZE_ADDRESS_SKIP ?= $(SANITIZE_MPI_SKIP)

.PHONY: sanitize sanitize-thread sanitize-address

sanitize: sanitize-thread sanitize-address

sanitize-thread: deps
	$(SWIFT) build --build-tests --sanitize=thread --build-path .build-tsan
	TSAN_OPTIONS="halt_on_error=1" \
	LOADERS_STRESS_SCALE=$(SANITIZE_STRESS_SCALE) \
		$(SWIFT) test --skip-build --sanitize=thread --build-path .build-tsan --filter '$(SANITIZE_TESTS)' \
			--skip '$(SANITIZE_THREAD_SKIP)'

sanitize-address: deps
	$(SWIFT) build --build-tests --sanitize=address --build-path .build-asan
	ASAN_OPTIONS="halt_on_error=1 detect_leaks=1 detect_stack_use_after_return=1" \
	LSAN_OPTIONS="suppressions=$(CURDIR)/Tests/Sanitizers/lsan-suppressions.txt" \
	LOADERS_STRESS_SCALE=$(SANITIZE_STRESS_SCALE) \
		$(SWIFT) test --skip-build --sanitize=address --build-path .build-asan --filter '$(SANITIZE_TESTS)' \
			--skip '$(SANITIZE_ADDRESS_SKIP)'

# The HDF5 mutation campaign (Docs/Fuzzing.md, HDF5): FUZZ_HDF5_COUNT seeded variants of the h5py
# fixtures, plus a cut at every structure boundary, each read in child processes with a deadline
# by hdf5-probe, `loaders inspect` and h5py. Findings are kept in fuzz-hdf5-out/; the run fails
# when there is one. h5py, the independent reader, is installed into a venv under .build.
FUZZ_HDF5_COUNT ?= 500
FUZZ_HDF5_SEED ?= 1
FUZZ_HDF5_JOBS ?= 2
FUZZ_PYTHON := .build/fuzz-venv/bin/python

.PHONY: fuzz-hdf5

fuzz-hdf5: deps
	$(call install-missing,python3-venv)
	$(SWIFT) build -c release --product loaders
	$(SWIFT) build -c release --product hdf5-probe
	test -x $(FUZZ_PYTHON) || { python3 -m venv .build/fuzz-venv && $(FUZZ_PYTHON) -m pip install -q h5py numpy; }
	$(FUZZ_PYTHON) Fuzz/hdf5/fuzz_hdf5.py --probe .build/release/hdf5-probe --loaders .build/release/loaders \
		--count $(FUZZ_HDF5_COUNT) --seed $(FUZZ_HDF5_SEED) --jobs $(FUZZ_HDF5_JOBS) --out fuzz-hdf5-out

# libFuzzer on the gzip, IDX and CSV readers (Docs/Fuzzing.md), built as the separate package in
# Fuzz/. `make fuzz-csv` (or -gzip, -idx) runs one fuzzer for FUZZ_SECONDS on its corpus in
# .build/fuzz/corpus/<target>, kept between runs and seeded from Fixtures; every crash, timeout
# (FUZZ_TIMEOUT seconds per input) and out-of-memory input (FUZZ_RSS_MB) is kept in
# .build/fuzz/artifacts/<target>/ and fails the run.
FUZZ_TARGETS := gzip idx csv
FUZZ_SECONDS ?= 180
FUZZ_TIMEOUT ?= 10
FUZZ_RSS_MB ?= 2048
FUZZ_MAX_LEN ?= 4096
FUZZ_DIR := .build/fuzz
FUZZER_gzip := FuzzGzip
FUZZER_idx := FuzzIDX
FUZZER_csv := FuzzCSV

.PHONY: fuzz fuzz-build $(addprefix fuzz-,$(FUZZ_TARGETS))

# Every fuzzer in turn: the three libFuzzer targets, then the HDF5 campaign.
fuzz: $(addprefix fuzz-,$(FUZZ_TARGETS)) fuzz-hdf5

# Optimised, with testing enabled (the fuzzers reach internal entry points), and one -sanitize
# flag naming both sanitizers: given as two flags, the compiler keeps only the last. lld, since
# gold warns about every ASan symbol it cannot export.
fuzz-build: deps
	cd Fuzz && $(SWIFT) build -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address \
		-Xswiftc -parse-as-library -Xswiftc -enable-testing -Xswiftc -use-ld=lld

# Without SWIFT_BACKTRACE=enable=no, Swift's backtracer takes a failed check's abort before
# libFuzzer can save the input.
$(addprefix fuzz-,$(FUZZ_TARGETS)): fuzz-%: fuzz-build
	mkdir -p $(FUZZ_DIR)/artifacts/$*
	python3 Fuzz/seeds.py $* $(FUZZ_DIR)/corpus/$*
	SWIFT_BACKTRACE=enable=no Fuzz/.build/release/$(FUZZER_$*) $(FUZZ_DIR)/corpus/$* \
		-dict=Fuzz/$*.dict -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) \
		-rss_limit_mb=$(FUZZ_RSS_MB) -max_len=$(FUZZ_MAX_LEN) -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/artifacts/$*/
