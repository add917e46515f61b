# 救助 Jiuzhu — make run · make test · make install · make bench
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 3
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean messages

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: install
	$(BIN)/jiuzhu migrate --noinput
	$(BIN)/jiuzhu collectstatic --noinput --verbosity 0
	$(BIN)/jiuzhu schedule_daily
	@if [ "$$($(BIN)/jiuzhu shell --no-imports -c 'from jiuzhu.regions.models import Region; print(Region.objects.exists())')" != "True" ]; then \
		$(BIN)/jiuzhu demo && $(BIN)/jiuzhu refresh_dashboard; fi
	@echo "救助 Jiuzhu: http://$(HOST):$(PORT)/  (演示账号见 README)"
	@$(BIN)/jiuzhu db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn jiuzhu.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--timeout 120 --access-logfile - --graceful-timeout 5

PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder --durations=30

test: install
	$(BIN)/ruff check jiuzhu
	$(BIN)/mypy jiuzhu
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check jiuzhu
	$(BIN)/mypy jiuzhu

# Speed benchmarks (figures in the README). The database ones use a fresh SQLite database
# under a temporary folder unless DATABASE_URL names one (use a scratch PostgreSQL database).
BENCH_REASSESS ?= 1000000
BENCH_DASHBOARD ?= 1000000
bench: install
	$(BIN)/jiuzhu bench assess --households 1000000
	@set -e; dir=$$(mktemp -d); export JIUZHU_DATA_DIR=$$dir; \
	$(BIN)/jiuzhu migrate --noinput -v0; \
	$(BIN)/jiuzhu bench_api --requests 1000; \
	$(BIN)/jiuzhu bench_reassess --households $(BENCH_REASSESS); \
	$(BIN)/jiuzhu bench_prescription --households 100000; \
	$(BIN)/jiuzhu bench_import --households 10000; \
	$(BIN)/jiuzhu bench_intake --households 100000; \
	$(BIN)/jiuzhu bench_dashboard --households $(BENCH_DASHBOARD); \
	rm -rf $$dir

messages: install
	$(BIN)/python -m jiuzhu.core.i18n_build

clean:
	rm -rf $(VENV) var/static
