# Casebook developer commands. Every target bootstraps .venv from requirements.lock (pinned,
# hashed versions of pyproject.toml's dependencies) first, so a fresh machine needs nothing
# installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

LOCK := requirements.lock
# pip-tools lives in a throwaway venv, never in .venv: it is not a dependency of Casebook.
LOCK_VENV ?= /tmp/casebook-pip-tools
LOCK_ARGS ?=

.PHONY: run test lint typecheck bench dist clean-venv lock soak windows-wheels windows-lock

# Exactly the locked versions, each checked against its hash; then Casebook itself, editable.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

## make lock: regenerate requirements.lock from pyproject.toml (dependencies and the dev extra)
## after changing them; existing pins are kept unless `make lock LOCK_ARGS=--upgrade`. Resolved
## for this machine's platform (Linux x86_64, CPython 3.11). One to three minutes. Then
## `make windows-lock` (below) for requirements-windows.lock.
lock:
	@test -x $(LOCK_VENV)/bin/pip-compile || \
		{ $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/python -m pip install --quiet 'pip-tools>=7.4,<8'; }
	CUSTOM_COMPILE_COMMAND='make lock' $(LOCK_VENV)/bin/pip-compile --quiet --extra dev \
		--generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
		$(LOCK_ARGS) -o $(LOCK) pyproject.toml
	@{ printf '%s\n' \
		'# Pinned dependency versions (pyproject.toml dependencies plus the dev extra) with their hashes.' \
		'# Resolved for Linux x86_64, CPython 3.11: another platform or Python may need other pins.' \
		'# `make test` and every other target install exactly these (pip --require-hashes).' \
		'# Regenerate with `make lock` after changing pyproject.toml (`make lock LOCK_ARGS=--upgrade`' \
		'# to move every pin to the newest release); do not edit by hand.'; \
		cat $(LOCK); } > $(LOCK).tmp && mv $(LOCK).tmp $(LOCK)

## make windows-wheels: check that every package of requirements.lock (and what only Windows
## adds) has a win_amd64 wheel for CPython 3.11, 3.12 and 3.13, with pip download from PyPI;
## make windows-lock also writes requirements-windows.lock (their hashes) — run it after
## `make lock`. Both need PyPI; nothing else does (installer/windows/wheels.py).
windows-wheels: $(STAMP)
	$(BIN)/python installer/windows/wheels.py

windows-lock: $(STAMP)
	$(BIN)/python installer/windows/wheels.py --write requirements-windows.lock

## make run: the desktop app signed in to a local demo service (the server on SQLite with demo
## data, started in the background and stopped when the app quits). `make run AS=manager` opens
## it as the demo worker's team manager instead. `python -m ui.main --demo --text` prints a
## local demo caseload instead.
## First, the system libraries Qt needs to open a window (ui/system_libraries.py): as root on
## Debian/Ubuntu, missing ones are installed with apt-get; otherwise it stops with the command.
# AS is also make's built-in name for the assembler ("as"): only a value given on the command
# line or in the environment counts.
ifeq ($(origin AS),default)
AS := worker
endif
run: $(STAMP)
	@$(BIN)/python -m ui.system_libraries --install
	$(BIN)/python -m ui.main --demo --as $(AS)

## make test: lint, format check, type check and the whole test suite.
test: lint typecheck
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r app sync server ui demo -c pyproject.toml

# The laptop's code (app, sync, ui, and the demo that `casebook --demo --text` builds on it) is
# also checked as Windows and macOS see it, so a POSIX-only call without a path for them fails
# here rather than on a council laptop. Each platform keeps its own cache, so the three runs do
# not throw each other's away.
typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --platform win32 --cache-dir .mypy_cache/win32 -p app -p sync -p ui -p demo
	$(BIN)/mypy --platform darwin --cache-dir .mypy_cache/darwin -p app -p sync -p ui -p demo

## make bench: benchmarks, printed as one table (median and ratio to a baseline from the same run).
bench: $(STAMP)
	$(BIN)/python -m bench

## make dist: the frozen client for this machine (PyInstaller, installer/casebook.spec) in
## dist/casebook/; on Linux also dist/casebook-<version>-linux-x86_64.tar.gz and a .deb.
dist: $(STAMP)
	$(BIN)/python installer/build.py

## make soak: the crash and convergence tests with hundreds of iterations (SIGKILL during saves,
## sync and migrations; Hypothesis stateful sync convergence). SOAK_KILLS and SOAK_EXAMPLES set
## how many; the defaults take about 20 minutes on two cores (SQLite; CASEBOOK_TEST_PG_URL runs
## the sync and convergence tests on PostgreSQL too, about 15 minutes more).
SOAK_KILLS ?= 200
SOAK_EXAMPLES ?= 200
soak: $(STAMP)
	CASEBOOK_SOAK_KILLS=$(SOAK_KILLS) CASEBOOK_CONVERGENCE_EXAMPLES=$(SOAK_EXAMPLES) \
		$(BIN)/python -m pytest -v --durations=0 \
		tests/app/test_crash_safety.py tests/sync/test_sync_crash.py \
		tests/reliability/test_kill_during_migrations.py tests/sync/test_convergence_stateful.py

clean-venv:
	rm -rf $(VENV)
