# The two entry points: `make run` (set up, run on seeds/) and `make test` (set up, run the tests).
# Both create or reuse one virtual environment at .venv/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/claimtrack.duckdb
OUT ?= data/report
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120

.PHONY: setup system-packages run test lint bench docs

# System packages: Debian's Chromium for the browser tests (Playwright never downloads a browser here).
system-packages:
	@if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

# torch==2.13.0 first: pip takes its CPU build from local disk; any other version pulls CUDA builds.
$(BIN)/claimtrack: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev]" torch==2.13.0
	@touch $@

setup: system-packages $(BIN)/claimtrack

run: setup
	$(BIN)/claimtrack run seeds/ --db $(DB) --out $(OUT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m bench

docs: setup
	$(BIN)/python -m flows.docs README.md
