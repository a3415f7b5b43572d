# Quick start: `make` builds dist/*.pdf and dist/*.epub; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: all pdf epub check test lint bench clean

all: $(STAMP)
	$(PY) build.py all

pdf epub check: $(STAMP)
	$(PY) build.py $@

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m ruff check readerkit build.py tests
	$(PY) -m mypy
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check readerkit build.py tests
	$(PY) -m ruff format --check readerkit build.py tests
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf dist .cache
