# Each target installs the Debian packages the build needs before building.
SWIFT ?= swift
APT_PACKAGES := pkg-config zlib1g-dev libdeflate-dev libhdf5-dev
RELEASE := $(SWIFT) build -c release --product loaders
LOADERS := .build/release/loaders

.PHONY: deps build test demo bench

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
