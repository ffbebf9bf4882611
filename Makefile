# HAI — two commands: `make run` (serve with demo data) and `make test` (whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
# Reinstall when the dependencies change.
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run setup test test-sqlite test-postgres system-deps bench lint audit clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev,bench]"
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

## make run: migrate, load the catalog and demo users, serve on http://127.0.0.1:5000
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) hai seed
	$(FLASK) hai demo
	@echo "HAI is starting on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	HAI_RUN_SCHEDULER=1 $(FLASK) run --host $(HOST) --port $(PORT)

## make test: the whole suite on SQLite (with the browser tests) and on PostgreSQL
test: $(STAMP) system-deps
	$(PY) -m ruff check .
	$(PY) scripts/audit_deps.py
	$(PY) -m pytest -q -p no:cacheprovider
	bash scripts/with-postgres.sh $(PY) -m pytest -q -p no:cacheprovider -m "not browser"

test-sqlite: $(STAMP)
	$(PY) -m pytest -q

test-postgres: $(STAMP) system-deps
	bash scripts/with-postgres.sh $(PY) -m pytest -q -m "not browser"

## Debian packages the suite needs: chromium (browser tests), postgresql (PostgreSQL run)
system-deps:
	bash scripts/install-system-deps.sh

## make bench: foundation and working-time figures, then tickets at scale on SQLite and
## PostgreSQL (1,000,000 tickets each, about 20 minutes; `make bench TICKETS=50000 OPEN=10000`
## for a quick run)
TICKETS ?= 1000000
OPEN ?= 200000
## HAIPEDIA search on 50,000 generated articles per database (ARTICLES to scale it)
ARTICLES ?= 50000
## Load test: simulated staff users against gunicorn workers on PostgreSQL (bench/load.py)
LOAD_USERS ?= 200
LOAD_SECONDS ?= 600
## QA dashboard on the same tickets (bench.qa --reuse: no second generation)
bench: $(STAMP) system-deps
	$(PY) -m bench
	dir=$$(mktemp -d) && $(PY) -m bench.tickets --tickets $(TICKETS) --open $(OPEN) --keep $$dir/tickets.db \
	  && $(PY) -m bench.qa --reuse --keep $$dir/tickets.db; rc=$$?; rm -rf $$dir; exit $$rc
	bash scripts/with-postgres.sh bash -c '$(PY) -m bench.tickets --tickets $(TICKETS) --open $(OPEN) \
	  && $(PY) -m bench.qa --reuse'
	$(PY) -m bench.haipedia --articles $(ARTICLES)
	bash scripts/with-postgres.sh $(PY) -m bench.haipedia --articles $(ARTICLES)
	bash scripts/with-postgres.sh $(PY) -m bench.load --users $(LOAD_USERS) --seconds $(LOAD_SECONDS)

## make audit: known vulnerabilities in the installed packages (pip-audit; needs PyPI's
## vulnerability data: says so, and fails with HAI_AUDIT_REQUIRED=1, when unreachable)
audit: $(STAMP)
	$(PY) scripts/audit_deps.py

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
