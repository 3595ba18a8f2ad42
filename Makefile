# totp-admin: the two commands are `make demo` and `make test` (see README.md).
# Every target that builds first runs scripts/bootstrap.sh, which installs what is missing.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8080
# wasm-opt 132 (npm binaryen, project-local) must win over any other on PATH; Trunk reads it.
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
TRUNK_BUILD := trunk build --release --offline --skip-version-check
# Trunk's post_build hook (Trunk.toml) runs scripts/dist-finish.py on release builds: its inline
# wasm loader moved into a file (the CSP forbids inline script), and .br/.gz beside every text
# and wasm file (nginx's brotli_static / gzip_static). This checks that it did.
DIST_FINISH := python3 scripts/dist-finish.py --check dist
# The component tests' runner (wasm-bindgen-test-runner) starts headless Chromium without a
# profile directory, so Chromium makes one in $TMPDIR (about 120 MB, the test wasm in its cache)
# and is killed before it can remove it: four per run, which filled the disk of a CI machine.
# It gets a TMPDIR of its own below target/, removed after the run whatever the result.
WASM_TMP := $(CURDIR)/target/wasm-test-tmp
WASM_TEST = rm -rf $(WASM_TMP) && mkdir -p $(WASM_TMP) && status=0 && \
	{ TMPDIR=$(WASM_TMP) CHROMEDRIVER=/usr/bin/chromedriver \
	cargo test -p totp-admin --target wasm32-unknown-unknown || status=$$?; } && \
	rm -rf $(WASM_TMP) && exit $$status
# NetApp's Python client, installed by the bootstrap, drives the emulator in its tests.
export ONTAP_SIM_PYTHON := $(CURDIR)/.tools/py-netapp/bin/python3

.PHONY: help bootstrap dist demo demo-fleet demo-nginx test test-native test-wasm test-e2e bench

help:
	@echo "make demo   build the page and serve it with the ONTAP emulator on http://127.0.0.1:$(PORT)/"
	@echo "make test   native tests, wasm component tests in Chromium, end-to-end tests in Chromium"
	@echo "make dist   release build of the page into dist/ (CSP-ready, pre-compressed)"
	@echo "make demo-fleet  the same with five clusters (one on 9.12.1) on the fleet overview, and Unified Manager's API gateway"
	@echo "make demo-nginx  the same demo behind nginx (deploy/nginx-test.conf.in), as in production"
	@echo "make bench  figures of issue 9 (first load, timings at 10,000 profiles, Swagger UI comparison) into BENCHMARKS.md"

bootstrap:
	@scripts/bootstrap.sh

# Release build of the page: a folder of static files, ready for deploy/nginx.conf.
dist: bootstrap
	$(TRUNK_BUILD)
	$(DIST_FINISH)

demo: dist
	cargo build --release -p ontap-sim
	@echo
	@echo "  totp-admin demo: http://127.0.0.1:$(PORT)/"
	@echo "  sign in as (password Netapp1! for all):"
	@echo "    admin     cluster administrator"
	@echo "    readonly  read-only"
	@echo "    vsadmin   SVM administrator"
	@echo "    alice     SVM user who must set up TOTP"
	@echo "    bob       SVM admin without a second factor (require TOTP, then enroll)"
	@echo "    carol     locked administrator (unlock under Accounts)"
	@echo
	cargo run --release -p ontap-sim -- --listen 127.0.0.1:$(PORT) --dist dist

# A fleet (issue 19): five clusters in the direct layout (/clusters/<name>/api, releases
# 9.12.1 to 9.19.1, clusters.json generated beside the page), and Unified Manager's emulated
# API gateway in front of them (/api/gateways, users umadmin, umstorage, umoperator).
demo-fleet: dist
	cargo build --release -p ontap-sim
	@echo
	@echo "  totp-admin fleet demo: http://127.0.0.1:$(PORT)/  (the fleet overview)"
	@echo "  sign in once as admin / Netapp1! : the same account on every cluster"
	@echo "  clusters: cluster1 (9.12.1, no TOTP) cluster2 (9.13.1) cluster3 (9.16.1) cluster4 (9.18.1) cluster5 (9.19.1)"
	@echo "  gateway:  http://127.0.0.1:$(PORT)/api/gateways  (umadmin / Netapp1!)"
	@echo
	cargo run --release -p ontap-sim -- --listen 127.0.0.1:$(PORT) --dist dist --clusters 5 --gateway

# The demo as in production: nginx on PORT (the test configuration, http on loopback) serving
# dist/ and proxying /api/ to the emulator on PORT+1, which sends WWW-Authenticate as a cluster.
demo-nginx: dist
	cargo build --release -p ontap-sim
	scripts/demo-nginx.sh $(PORT)

test: bootstrap
	ONTAP_SIM_REQUIRE_PYTHON=1 cargo test -p ontap-model -p ontap-sim -p layers
	cargo test -p totp-admin --lib
	$(WASM_TEST)
	$(TRUNK_BUILD)
	$(DIST_FINISH)
	cargo build -p e2e --bins
	cargo test -p e2e --no-fail-fast

# The parts of `make test` one at a time (they assume `make bootstrap` has run).
# Rules of the contract and the emulator, and the page's module graph (crates/layers), natively.
test-native:
	cargo test -p ontap-model -p ontap-sim -p layers
	cargo test -p totp-admin --lib

# Components of the page, in headless Chromium (runner set in .cargo/config.toml).
test-wasm:
	$(WASM_TEST)

# Whole flows in Chromium through nginx against the emulator; needs dist/ (make dist).
test-e2e:
	cargo test -p e2e --no-fail-fast

# The figures of issue 9 on this machine: the release page behind nginx on loopback, the
# emulator in-process, headless Chromium; a table printed and written into BENCHMARKS.md (with
# the machine, date and commit). Not a test: it reports, it does not fail on a missed budget.
# BENCH_ARGS: e.g. `--runs 3` or `--no-write`.
bench: dist
	cargo run --release -p e2e --bin bench -- $(BENCH_ARGS)
