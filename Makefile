# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages install demo worker clean screenshots bench

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Development install: the runtime (requirements.txt) and the tools (requirements-dev.txt).
# Reinstall only when one of them changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

run: demo
	HOST=$(HOST) PORT=$(PORT) ./scripts/run-dev.sh

worker: install
	$(BIN)/celery -A pacsite worker --loglevel=INFO

# Tests keep their own broker folder so they never eat messages of a running `make run`.
test: install
	PAC_VAR_DIR=$(CURDIR)/var/test $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext. Each app keeps its catalogue in <app>/locale, the base layout in
# locale/; the compiled .mo files are committed so running the app needs no gettext.
messages: install
	$(BIN)/python manage.py makemessages -l fr -l en --no-obsolete --no-location \
	  -i '.venv/*' -i 'var/*' -i 'static/*' -i 'tests/*' -i 'bench/*'
	$(BIN)/python manage.py compilemessages -i '.venv/*'

# The README's pictures: the browser journeys save their pages (needs Chromium), and the
# best ones, in English, are kept under docs/screenshots/.
SHOTS := plan-page my-actions-phone team-dashboard hr-dashboard manager-home search plan-timeline
screenshots: install
	rm -rf var/screenshots-run
	PAC_SCREENSHOTS=$(CURDIR)/var/screenshots-run PAC_VAR_DIR=$(CURDIR)/var/test PAC_REQUIRE_E2E=1 \
	  $(BIN)/pytest -q tests/e2e/test_journey_manager.py tests/e2e/test_journey_rep.py \
	  tests/e2e/test_journey_hr.py tests/e2e/test_journey_home.py tests/e2e/test_journey_search.py \
	  tests/e2e/test_journey_timeline.py
	mkdir -p docs/screenshots
	for shot in $(SHOTS); do cp var/screenshots-run/$$shot-en.png docs/screenshots/$$shot.png; done

clean:
	rm -rf var/celery var/test

# Benchmarks (bench/README.md): generate a company, print one ratio per figure. SQLite in a
# temporary folder by default; DATABASE_URL=<a scratch PostgreSQL database> for PostgreSQL.
# BENCH_ARGS=--quick for a tenth of the data.
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Production run (README "Production"): gunicorn (WEB_WORKERS, default 4), one Celery worker and
# exactly one beat, against DATABASE_URL and REDIS_URL; migrates first. docs/deploy/ has the
# same three processes as systemd units.
.PHONY: serve
serve: install
	HOST=$(HOST) PORT=$(PORT) ./scripts/serve.sh
