# Quick start: `make` builds dist/*.pdf, dist/*.epub and the web edition dist/*-web/; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: all pdf epub html check watch serve test lint bench clean fonts qpdf

all: $(STAMP) fonts
	$(PY) build.py all --edition student --edition instructor
	$(PY) build.py html --edition student --edition instructor

pdf epub check: $(STAMP) fonts
	$(PY) build.py $@

html: $(STAMP)
	$(PY) build.py html

# Rebuild on every save until Ctrl-C.
watch: $(STAMP) fonts
	$(PY) build.py watch

# The live preview: the web edition on http://127.0.0.1:8000/, rebuilt on every save;
# `make serve EDITION=instructor` previews the instructor's.
EDITION ?= student
serve: $(STAMP) fonts
	$(PY) build.py serve --edition $(EDITION)

# The print edition's book face, EB Garamond (true italics and small capitals), from the Debian
# package: installed only if fontconfig does not know it yet, and only where apt-get can run
# (root, e.g. CI). A failure is not an error: print.css falls back to DejaVu Serif.
fonts:
	@fc-list "EB Garamond 12" family 2>/dev/null | grep -q . \
	  || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
	       && { DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-ebgaramond >/dev/null 2>&1 \
	            || { apt-get update -q >/dev/null 2>&1 \
	                 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-ebgaramond >/dev/null 2>&1; }; } \
	       && echo "installed fonts-ebgaramond"; } \
	  || echo "note: EB Garamond not installed (apt-get install fonts-ebgaramond); the PDF uses DejaVu Serif"

# qpdf, for `qpdf --check` on every PDF the suite builds (tests/test_pdf_tags.py), from Debian;
# only where apt-get can run (root, e.g. CI); elsewhere that check is skipped with a note.
qpdf:
	@command -v qpdf >/dev/null \
	  || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
	       && { DEBIAN_FRONTEND=noninteractive apt-get install -y -q qpdf >/dev/null 2>&1 \
	            || { apt-get update -q >/dev/null 2>&1 \
	                 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q qpdf >/dev/null 2>&1; }; } \
	       && echo "installed qpdf"; } \
	  || echo "note: qpdf not installed (apt-get install qpdf); tests skip qpdf --check"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

test: $(STAMP) fonts qpdf
	bash scripts/install-ace.sh  # DAISY Ace + Chromium for tests/test_accessibility.py
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
