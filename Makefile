# shopkeeper: `make run` serves the demo shop, `make test` runs the tests and the smoke eval, `make unit` the unit tests.
# Installs are stamped: they run again only when pyproject.toml changes (or the venv is gone).

PYTHON ?= python3
VENV ?= .venv
TORCH_VERSION ?= 2.13.0
HOST ?= 127.0.0.1
PORT ?= 8000

BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test unit install install-test env-example clean

run: $(VENV)/.installed
	$(BIN)/shopkeeper serve --host $(HOST) --port $(PORT)

# The eval suites whose --smoke slice CI runs (each fails on a regression below its thresholds).
SMOKE_SUITES := smoke retrieval pii intents sentiment scenarios injection shopper

# Lint, types and the import contract, then smoke evals, pytest last: its summary line closes the output.
test: $(VENV)/.installed-test
	@status=0; \
	$(BIN)/ruff check . || status=$$?; \
	$(BIN)/mypy || status=$$?; \
	$(BIN)/lint-imports --no-logo || status=$$?; \
	for suite in $(SMOKE_SUITES); do \
		$(BIN)/shopkeeper eval $$suite --smoke || status=$$?; \
	done; \
	$(BIN)/python -m pytest tests || status=$$?; \
	exit $$status

# The unit tests only (no redis-server, Chroma server, subprocess or browser): the quick loop while editing.
unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m unit tests

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch first and pinned: a plain `torch` requirement would pull a multi-GB CUDA build.
$(VENV)/.torch: | $(BIN)/python
	$(BIN)/pip install "torch==$(TORCH_VERSION)"
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.torch
	$(BIN)/pip install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -e ".[test]"
	touch $@

# Regenerate .env.example from bot/settings.py (a test fails when it is stale).
env-example: $(VENV)/.installed
	$(BIN)/shopkeeper env-example > .env.example

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
