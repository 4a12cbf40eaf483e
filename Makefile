# Casebook developer commands. Every target bootstraps .venv from pyproject.toml first,
# so a fresh machine needs nothing installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench dist clean-venv

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## make run: the desktop app signed in to a local demo service (the server on SQLite with demo
## data, started in the background and stopped when the app quits). `python -m ui.main --demo
## --text` prints a local demo caseload instead.
run: $(STAMP)
	$(BIN)/python -m ui.main --demo

## make test: lint, format check, type check and the whole test suite.
test: lint typecheck
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r app sync server ui -c pyproject.toml

typecheck: $(STAMP)
	$(BIN)/mypy

## make bench: benchmarks, printed as one table (median and ratio to a baseline from the same run).
bench: $(STAMP)
	$(BIN)/python -m bench

## make dist: the frozen client for this machine (PyInstaller, installer/casebook.spec) in
## dist/casebook/; on Linux also dist/casebook-<version>-linux-x86_64.tar.gz and a .deb.
dist: $(STAMP)
	$(BIN)/python installer/build.py

clean-venv:
	rm -rf $(VENV)
