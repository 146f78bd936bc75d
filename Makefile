# Authgate: `make run` serves on http://127.0.0.1:8080 with SQLite under ./var;
# `make test` runs lint, type checks, layering contracts and the test suite.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
# The end-to-end clients that are not Python: node openid-client and auth0-spa-js (tests/e2e/node)
NODE_DIR   := tests/e2e/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed
# Debian packages the end-to-end tests drive: chromium (Playwright uses /usr/bin/chromium), node
SYSTEM_PACKAGES := chromium nodejs npm

.PHONY: run test lint typecheck pytest bench install dev system-deps node-deps services clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)
dev: $(DEV_STAMP)

# Installs the Debian packages above when one is missing (CI runs as root; elsewhere it says
# what to install and stops).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "missing Debian packages:$$missing (sudo apt-get install$$missing)" >&2; exit 1; \
	  fi; \
	  apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-deps: system-deps $(NODE_STAMP)

run: $(RUN_STAMP)
	$(BIN)/authgate serve

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP) node-deps
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(RUN_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

services:
	bash scripts/ensure-services.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
