# The two commands of the README, each self-sufficient on a fresh Debian machine:
#   make demo   install what is missing, then run the whole pipeline on the bundled sample web (offline)
#   make test   install what is missing, then ruff, mypy and pytest
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.egov-crawl-installed

# Chromium and Thai fonts for the browser checks; certutil to trust the testbed CA in Chromium.
RUNTIME_DEBS := chromium fonts-thai-tlwg libnss3-tools
# A real PostgreSQL server for the store tests (started by the test setup, never a mock).
TEST_DEBS := $(RUNTIME_DEBS) postgresql

.PHONY: demo test lint typecheck install system-deps system-deps-test bench clean

demo: install system-deps
	$(BIN)/egov-crawl demo

test: install system-deps-test lint typecheck
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check egov_crawl tests bench scripts
	$(BIN)/ruff format --check egov_crawl tests bench scripts

typecheck: install
	$(BIN)/mypy egov_crawl

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

system-deps:
	scripts/system-deps.sh $(RUNTIME_DEBS)

system-deps-test:
	scripts/system-deps.sh $(TEST_DEBS)

bench: install system-deps
	@if ls bench/*.py >/dev/null 2>&1; then for b in bench/*.py; do $(BIN)/python $$b || exit 1; done; \
	else echo "no benchmarks yet"; fi

clean:
	rm -rf $(VENV) demo-out .mypy_cache .ruff_cache .pytest_cache
