# 救助 Jiuzhu — make run · make test · make install · make bench
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 3
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench bench-install bench-load clean messages

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
# in-process, then that many `jiuzhu db_worker` processes taking one task per county
BENCH_REASSESS_WORKERS ?= 0,1,2,4
BENCH_DASHBOARD ?= 1000000
bench: install bench-install
	$(BIN)/jiuzhu bench assess --households 1000000
	@set -e; dir=$$(mktemp -d); export JIUZHU_DATA_DIR=$$dir; \
	$(BIN)/jiuzhu migrate --noinput -v0; \
	$(BIN)/jiuzhu bench_api --requests 1000; \
	$(BIN)/jiuzhu bench_reassess --households $(BENCH_REASSESS) --workers $(BENCH_REASSESS_WORKERS); \
	$(BIN)/jiuzhu bench_prescription --households 100000; \
	$(BIN)/jiuzhu bench_import --households 100000 --readers 2; \
	$(BIN)/jiuzhu bench_intake --households 100000; \
	$(BIN)/jiuzhu bench_dashboard --households $(BENCH_DASHBOARD) \
		$$([[ "$${DATABASE_URL:-}" == postgres* ]] && echo --keep); \
	rm -rf $$dir
	@if [[ "$${DATABASE_URL:-}" == postgres* ]]; then \
		$(MAKE) --no-print-directory bench-load BENCH_LOAD_HOUSEHOLDS=$(BENCH_DASHBOARD); \
	else echo "bench-load: skipped (it needs DATABASE_URL=postgres://…, e.g. the scratch jiuzhu_bench)"; fi

# On PostgreSQL the dashboard benchmark keeps its province for the load test, which follows.
# The load test (issue #15 item 6): gunicorn with BENCH_LOAD_WORKERS workers against
# DATABASE_URL (PostgreSQL, a scratch database: it keeps the generated province 98 of
# `jiuzhu bench_dashboard --keep`, generating it only when it is not there with
# BENCH_LOAD_HOUSEHOLDS households; `jiuzhu bench_users` adds the users and the window
# workers' households), then locust headless: BENCH_LOAD_USERS users of the daily mix
# (bench/locustfile.py) for BENCH_LOAD_SECONDS; median, p99 and throughput per page.
# JIUZHU_DATA_DIR as for the server (its data key reads the generated ID numbers).
BENCH_LOAD_HOUSEHOLDS ?= 1000000
BENCH_LOAD_USERS ?= 50
BENCH_LOAD_SECONDS ?= 300
BENCH_LOAD_WORKERS ?= 4
BENCH_LOAD_PORT ?= 8097
BENCH_STAMP := $(VENV)/.bench-installed

bench-install: $(BENCH_STAMP)

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $(BENCH_STAMP)

bench-load: install bench-install
	@[[ "$${DATABASE_URL:-}" == postgres* ]] || { echo "bench-load: set DATABASE_URL=postgres://…/jiuzhu_bench (a scratch database)"; exit 2; }
	@set -e; dir=$$(mktemp -d); export JIUZHU_STATIC_ROOT=$$dir/static; \
	$(BIN)/jiuzhu migrate --noinput -v0; \
	$(BIN)/jiuzhu bench_dashboard --households $(BENCH_LOAD_HOUSEHOLDS) --keep --reuse >/dev/null; \
	$(BIN)/jiuzhu bench_users --out $$dir/users.json; \
	$(BIN)/jiuzhu collectstatic --noinput -v0; \
	$(BIN)/gunicorn jiuzhu.wsgi:application --bind 127.0.0.1:$(BENCH_LOAD_PORT) \
		--workers $(BENCH_LOAD_WORKERS) --timeout 120 --log-level warning & server=$$!; \
	trap 'kill $$server 2>/dev/null; rm -rf $$dir' EXIT INT TERM; \
	for _ in $$(seq 1 60); do curl -sf -o /dev/null http://127.0.0.1:$(BENCH_LOAD_PORT)/accounts/login/ && break; sleep 1; done; \
	BENCH_USERS_FILE=$$dir/users.json $(BIN)/locust -f bench/locustfile.py --headless \
		--host http://127.0.0.1:$(BENCH_LOAD_PORT) -u $(BENCH_LOAD_USERS) -r 5 \
		-t $(BENCH_LOAD_SECONDS)s --reset-stats --only-summary --loglevel WARNING --exit-code-on-error 0; \
	echo "machine load (1, 5, 15 min): $$(cut -d' ' -f1-3 /proc/loadavg), $$(nproc) cores"

messages: install
	$(BIN)/python -m jiuzhu.core.i18n_build

clean:
	rm -rf $(VENV) var/static
