# The two commands on a machine that has only Python: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE := kundtjanst.settings

.PHONY: install install-test run test lint typecheck check-migrations bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# The embedded demo: SQLite under var/, in-memory channel layer, served by daphne.
run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --months 12 --seed 42
	DEBUG=$${DEBUG:-1} $(PY) manage.py refresh_rollups
	DEBUG=$${DEBUG:-1} $(VENV)/bin/daphne -b 127.0.0.1 -p 8000 kundtjanst.asgi:application

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# DEBUG=1 only so that settings load without a SECRET_KEY; nothing is served.
typecheck: install-test
	DEBUG=1 $(VENV)/bin/mypy .

check-migrations: install-test
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

test: install-test lint check-migrations
	$(VENV)/bin/pytest

# Speed targets live here, never in timed unit tests; results go to bench/results/.
bench: install-test
	DEBUG=1 $(PY) -m bench.intake --requests 300
	DEBUG=1 $(PY) -m bench.seed_demo
	DEBUG=1 $(PY) -m bench.search_relevance
	DEBUG=1 $(PY) -m bench.search
	DEBUG=1 $(PY) -m bench.import_contacts
	DEBUG=1 $(PY) -m bench.kkik

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
