# Two commands on a fresh machine: `make run` (the app on SQLite with the demo county) and
# `make test` (every check and test). Both create the virtualenv they need.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEV := DEBUG=True
PROD_CHECK_ENV := DEBUG=False SECRET_KEY=check-deploy-$(shell date +%s)-a8f3k2m9x7q1w5e6r4t0y2u8i3o7p9z ALLOWED_HOSTS=dudao.example.org

.PHONY: setup run test lint messages bench

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -f .env || printf 'DEBUG=True\n' > .env
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: setup
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(PY) manage.py runserver 0.0.0.0:8000

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(DEV) $(PY) manage.py check --fail-level WARNING
	$(DEV) $(PY) manage.py makemigrations --check --dry-run
	$(PROD_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest

# Time the busiest pages on the demo county (DATABASE_URL picks the database; default SQLite).
bench: setup
	$(DEV) $(PY) bench/pages.py

# Regenerate the .po catalogues after changing user-facing strings; .mo files are committed.
# Each app keeps its own catalogue; the project catalogue (locale/) holds templates/ and dudao/.
APPS := accounts schools inspectors visits rectifications meetings
MAKEMESSAGES := $(DEV) $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l zh_Hans -l en --no-obsolete
messages: setup
	for app in $(APPS); do (cd $$app && $(MAKEMESSAGES)); done
	$(MAKEMESSAGES) $(foreach app,$(APPS),--ignore=$(app)) --ignore=.venv --ignore=tests --ignore=staticfiles
	$(DEV) $(PY) manage.py compilemessages --ignore=.venv
