# Each target installs the Debian packages the build needs before building.
SWIFT ?= swift
APT_PACKAGES := pkg-config zlib1g-dev libdeflate-dev libopenblas-dev
RELEASE := $(SWIFT) build -c release --product loaders
LOADERS := .build/release/loaders

.PHONY: deps build test demo bench bench-train

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The README's first command: train the seed CNN on the bundled MNIST for two epochs with Adam,
# showing progress and test accuracy, and write the loss plot.
demo: deps
	$(RELEASE)
	$(LOADERS) train --model cnn --optimizer adam --epochs 2 --plot loss.svg

# One training epoch of the seed CNN, ours then PyTorch's (when its environment exists), three
# times back to back; each prints JSON with the epoch's train_seconds.
PYTORCH ?= $(HOME)/.cache/pytorch-ref/bin/python
MNIST_DIR ?= Fixtures/mnist
bench-train: deps
	$(RELEASE)
	@for run in 1 2 3; do \
		$(LOADERS) train --train $(MNIST_DIR) --model cnn --optimizer adam --epochs 1 --json; \
		if [ -x $(PYTORCH) ]; then $(PYTORCH) ../shared/bench/pytorch_train.py $(MNIST_DIR) --optimizer adam; fi; \
	done
