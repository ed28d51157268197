# kubepy: `make run` starts the cluster, `make test` runs every test. Install steps are idempotent:
# the venv is made once and reinstalled only when the build inputs change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kubepy-installed
PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check
# what changes the installed package: metadata and the compiled twins
BUILD_INPUTS := setup.py pyproject.toml $(wildcard kubepy/_fast/*.py kubepy/_fast/*.pxd kubepy/_fast/*.pyx)

.PHONY: run test lint bench load install clean

run: $(STAMP)
	$(BIN)/kubepy up

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/pytest -q benchmarks --benchmark-only
	$(BIN)/python benchmarks/load/run.py

load: $(STAMP)
	$(BIN)/python benchmarks/load/run.py

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# setuptools, wheel and Cython go into the venv first so the build needs no isolated env
$(STAMP): $(BUILD_INPUTS) | $(BIN)/python
	$(PIP) install setuptools wheel 'cython>=3.0'
	$(PIP) install --no-build-isolation -e '.[test]'
	@touch $@

clean:
	rm -rf build $(STAMP) kubepy/_fast/*.c kubepy/_fast/*.so kubepy/_fast/_built.txt
