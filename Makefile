# Two commands on a fresh machine: `make run` (the app on SQLite with the demo county) and
# `make test` (every check and test). Both create the virtualenv they need.
PYTHON ?= python3
VENV ?= .venv
# Where `make run` listens: every interface by default (a container's port mapping or a phone on the
# same network reaches it; add that host name to ALLOWED_HOSTS). `make run PORT=8080 HOST=127.0.0.1`.
HOST ?= 0.0.0.0
PORT ?= 8000
PY := $(VENV)/bin/python
DEV := DEBUG=True
PROD_CHECK_ENV := DEBUG=False SECRET_KEY=check-deploy-$(shell date +%s)-a8f3k2m9x7q1w5e6r4t0y2u8i3o7p9z ALLOWED_HOSTS=dudao.example.org

.PHONY: setup run web worker beat test lint messages bench bench-province

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
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

# Against PostgreSQL and Redis (README): the site, the Celery worker and beat, one terminal each.
web: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: setup
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) first."; exit 1; }
	$(VENV)/bin/celery -A dudao worker -l info

# Beat keeps its schedule state beside the virtualenv; run exactly one beat per site.
beat: setup
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) first."; exit 1; }
	$(VENV)/bin/celery -A dudao beat -l info --schedule $(VENV)/celerybeat-schedule

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(DEV) $(PY) manage.py check --fail-level WARNING
	# Reads the migration history: an in-memory database unless DATABASE_URL names one, so the
	# check leaves no empty db.sqlite3 behind.
	$(DEV) DATABASE_URL=$${DATABASE_URL:-sqlite://:memory:} $(PY) manage.py makemigrations --check --dry-run
	$(PROD_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest

# The province-scale benchmark (README): a PostgreSQL database of its own, filled once by
# bench-province (about two minutes), then bench starts gunicorn, drives each page with wrk and
# times the worker's report and export; both exit 1 when a budget is missed.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dudao_bench
bench-province: setup
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/generate_province.py --size province

bench: setup
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/load.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/jobs.py

# Regenerate the .po catalogues after changing user-facing strings; .mo files are committed.
# Each app keeps its own catalogue; the project catalogue (locale/) holds templates/ and dudao/.
APPS := accounts schools inspectors visits rectifications meetings complaints reports
MAKEMESSAGES := $(DEV) $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l zh_Hans -l en --no-obsolete
messages: setup
	for app in $(APPS); do (cd $$app && $(MAKEMESSAGES)); done
	$(MAKEMESSAGES) $(foreach app,$(APPS),--ignore=$(app)) --ignore=.venv --ignore=tests --ignore=staticfiles
	$(DEV) $(PY) manage.py compilemessages --ignore=.venv
