# Townhall. `make run` for the demo, `make test` for the whole suite; see README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/townhall
# Static checks need a server to talk to, not a database of ours.
CHECK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_WORKERS ?= 2

.PHONY: run test lint check pytest bench install clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build/townhall.css: node_modules/.installed $(wildcard townhall/*/assets/*.scss)
	npx sass --no-source-map --load-path=node_modules --quiet-deps --silence-deprecation=import \
		--style=compressed townhall/core/assets/townhall.scss $@

var/static/.built: $(VENV)/.installed build/townhall.css $(shell find townhall -path '*/static/*' -type f 2>/dev/null)
	$(PY) manage.py collectstatic --noinput -v0
	touch $@

## run: the embedded demo (SQLite, demo borough, web and worker) on http://127.0.0.1:8000
run: install var/static/.built
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_logins
	bash scripts/run-demo

## test: static checks, then the whole pytest suite on PostgreSQL (browser tests in Chromium)
test: install lint check pytest

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check: $(VENV)/.installed build/townhall.css
	DATABASE_URL=$(CHECK_DATABASE_URL) $(PY) manage.py makemigrations --check --dry-run
	TOWNHALL_DEMO=false SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-value-for-checks \
		ALLOWED_HOSTS=townhall.example.gov.uk DATABASE_URL=$(CHECK_DATABASE_URL) \
		PAYMENTS_PROVIDER=govuk_pay GOVUK_PAY_API_KEY=api_test_check-deploy \
		$(PY) manage.py check --deploy --fail-level WARNING

pytest: install build/townhall.css
	bash scripts/ensure-chromium
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## bench: borough-scale data (100k properties, 1M cases) in townhall_bench, then page timings against bench/targets.json
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/townhall_bench
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/build_borough.py $(BENCH_ARGS)
	DATABASE_URL=$(BENCH_DATABASE_URL) STATIC_MANIFEST=false CELERY_TASK_ALWAYS_EAGER=true $(PY) bench/run.py

clean:
	rm -rf build var/static var/*.sqlite3* var/media var/celerybeat-schedule*
