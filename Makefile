# Developer shortcuts. Every target runs this checkout's code (src/ first on
# PYTHONPATH) with the Python of .venv/ if there is one:
#   python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'
PYTHON ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python3)
export PYTHONPATH := $(CURDIR)/src$(if $(PYTHONPATH),:$(PYTHONPATH))
export NO_MKDOCS_2_WARNING := 1

.PHONY: help check test lint type docs docs-serve bench clean

help:
	@echo "make test        the test suite (what CI runs, minus the fresh install)"
	@echo "make lint        ruff"
	@echo "make type        mypy (strict)"
	@echo "make docs        the documentation site, warnings as errors, into site/"
	@echo "make docs-serve  the site on http://127.0.0.1:8000 with live reload"
	@echo "make bench       every benchmark in benchmarks/ (BENCH_ARGS=... passed to each)"
	@echo "make check       lint, type and test"

check: lint type test

test:
	$(PYTHON) -m pytest -q -p no:cacheprovider

lint:
	$(PYTHON) -m ruff check src tests benchmarks docs/_hooks

type:
	$(PYTHON) -m mypy

docs:
	$(PYTHON) -m mkdocs build --strict

docs-serve:
	$(PYTHON) -m mkdocs serve

bench:
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(PYTHON) $$script $(BENCH_ARGS) || exit 1; done

clean:
	rm -rf site build dist .mypy_cache .ruff_cache .hypothesis
