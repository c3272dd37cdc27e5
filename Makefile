# `make run` starts Toyz in the embedded mode; `make test` runs every check. Both install what they need.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
TOYZ_HOST ?= 127.0.0.1
TOYZ_PORT ?= 8000
# The integration tests use their own PostgreSQL database and Redis database number.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/toyz
TEST_REDIS_URL ?= redis://127.0.0.1:6379/9
FRONTEND_SOURCES := $(shell find frontend/src -type f 2>/dev/null) $(wildcard frontend/vite.config.ts frontend/tsconfig.json frontend/index.html)

.PHONY: run-production stop-production nginx deploy-check fpack bench-decam run test types types-check install install-dev frontend frontend-unit chromium ldap-build-deps slapd lint typecheck django-checks pytest pytest-unit pytest-integration worker worker-interactive worker-render bench bench-coview lock clean

run: install frontend
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py toyz_setup
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Toyz is at http://$(TOYZ_HOST):$(TOYZ_PORT)/"
	$(BIN)/uvicorn toyz_site.asgi:application --host $(TOYZ_HOST) --port $(TOYZ_PORT) --no-access-log --lifespan off --no-server-header

# Toyz as deployed (deploy/README.md): nginx in front, TOYZ_WEB_PROCESSES web processes (default: one per core),
# a Celery worker per space-separated queue set of WORKER_QUEUES (as the systemd units and compose: interactive, and
# prerender,bulk at nice 10), PostgreSQL (DATABASE_URL) and Redis (TOYZ_REDIS_URL); Ctrl-C stops it all.
# Its port is TOYZ_PORT when given, 8080 otherwise (`make run` keeps 8000).
WORKER_QUEUES ?= interactive prerender,bulk
PRODUCTION_PORT := $(if $(filter file,$(origin TOYZ_PORT)),8080,$(TOYZ_PORT))
run-production: install frontend nginx
	TOYZ_PORT=$(PRODUCTION_PORT) TOYZ_HOST=$(TOYZ_HOST) TOYZ_WORKER_QUEUES='$(WORKER_QUEUES)' $(BIN)/python -m deploy.production start

# Stops what a `make run-production` in another shell left running (from its pid files under var/production/run).
stop-production:
	$(BIN)/python -m deploy.production stop

# nginx in front of the production setup and its tests: Debian's package.
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx; }

# The deploy files as their tools read them: nginx -t on the rendered nginx.conf (local and TLS), systemd-analyze
# verify on deploy/systemd, the compose file validated (deploy/check.py); each tool from Debian when missing.
deploy-check: install nginx
	@missing=$$( \
	  command -v systemd-analyze >/dev/null || echo systemd; \
	  command -v docker-compose >/dev/null || echo docker-compose; \
	  command -v openssl >/dev/null || echo openssl; \
	); \
	[ -z "$$missing" ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; }
	$(BIN)/python -m deploy.check

test: install-dev types-check frontend chromium nginx lint typecheck django-checks deploy-check pytest

install: $(STAMPS)/runtime
install-dev: $(STAMPS)/dev slapd

$(STAMPS)/runtime: requirements.txt | ldap-build-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	mkdir -p $(STAMPS) && touch $@

$(STAMPS)/dev: requirements-dev.txt $(STAMPS)/runtime
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

$(STAMPS)/npm: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(STAMPS) && touch $@

frontend: frontend/dist/.vite/manifest.json

frontend/dist/.vite/manifest.json: $(STAMPS)/npm $(FRONTEND_SOURCES)
	cd frontend && npm run build

# The browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# python-ldap (under django-auth-ldap) builds from source: a C compiler, Python's headers, and the OpenLDAP
# and SASL headers (Debian's packages), each installed only when missing.
ldap-build-deps:
	@missing=$$( \
	  command -v cc >/dev/null || echo build-essential; \
	  [ -e /usr/include/ldap.h ] && [ -e /usr/include/lber.h ] || echo libldap2-dev; \
	  [ -e /usr/include/sasl/sasl.h ] || echo libsasl2-dev; \
	  [ -e "$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("include"))')/Python.h" ] || echo python3-dev; \
	); \
	[ -z "$$missing" ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; }

# The sign-in tests start their own directory server: Debian's slapd, loaded with ldapadd (ldap-utils).
slapd:
	@[ -x /usr/sbin/slapd ] && command -v ldapadd >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq slapd ldap-utils; }

# The front end's types come from the server's schemas: write the schemas, then generate the types.
types: $(STAMPS)/dev $(STAMPS)/npm
	$(BIN)/python manage.py toyz_schema --out frontend/schema
	cd frontend && npm run gen:types

# Fails when the committed schemas or generated types differ from what the server gives now.
types-check: $(STAMPS)/dev $(STAMPS)/npm
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python manage.py toyz_schema --out "$$tmp" >/dev/null && \
	stale=0 && \
	{ diff -rq "$$tmp" frontend/schema || stale=1; } && \
	{ (cd frontend && npm run --silent check:types-fresh) || stale=1; } && \
	if [ $$stale = 1 ]; then echo 'the generated types are stale: run `make types` and commit' >&2; exit 1; fi

lint:
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy apps workers toyz_site tests benchmarks deploy
	cd frontend && npm run typecheck && npm run lint

django-checks:
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

pytest: frontend-unit pytest-unit pytest-integration

frontend-unit: $(STAMPS)/npm
	cd frontend && npm test

# Unit, socket and browser tests in the embedded mode (SQLite, in-memory channel layer), on TEST_WORKERS
# processes (pytest-xdist); the root conftest.py keeps a module's module-scoped fixtures, and the browser
# tests, on one worker each (`--dist loadscope`). TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= 2
pytest-unit:
	env -u TOYZ_REDIS_URL -u DATABASE_URL $(BIN)/pytest -m "not integration" -n $(TEST_WORKERS) --dist loadscope

# The distributed mode against the real PostgreSQL, Redis and `celery worker` processes. One process: the
# tests share one Redis database and their workers take any queued task, so they cannot run side by side.
pytest-integration:
	DATABASE_URL=$(TEST_DATABASE_URL) TOYZ_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest -m integration

# The workers of one node in the distributed mode (set TOYZ_REDIS_URL and DATABASE_URL first): one for the
# interactive queue (what users wait for) and one, at a lower CPU priority, for pre-renders, a user's first
# and then the night's bulk files (deploy/README.md, "Queues and workers"). Ctrl-C stops both.
INTERACTIVE_CONCURRENCY ?= $(shell n=$$(nproc); echo $$(( n < 2 ? 4 : 2 * n )))
RENDER_CONCURRENCY ?= $(shell nproc)
worker: install
	@trap 'kill 0' INT TERM; \
	$(MAKE) --no-print-directory worker-interactive & \
	$(MAKE) --no-print-directory worker-render & \
	wait

worker-interactive: install
	$(BIN)/celery -A toyz_site worker -Q interactive -n interactive@%h --loglevel=INFO --concurrency=$(INTERACTIVE_CONCURRENCY)

worker-render: install
	nice -n 10 $(BIN)/celery -A toyz_site worker -Q prerender,bulk -n render@%h --loglevel=INFO --concurrency=$(RENDER_CONCURRENCY)

# The folder watcher: pre-renders the new images of TOYZ_WATCH_FOLDERS as they land (README, "Watching night folders").
.PHONY: watch
watch: install
	$(BIN)/python manage.py toyz_watch

# What a watcher's poll costs: listing 10,000 files against os.walk + stat, and telling whole files (plain, fz, gz).
.PHONY: bench-watch
bench-watch: install-dev
	$(BIN)/python benchmarks/watch.py $(ARGS)

# A live night: a real watcher and worker; from each exposure's last byte to its pre-render queued and done.
# Needs TOYZ_REDIS_URL and DATABASE_URL of a scratch database (make pytest-integration's will do).
.PHONY: bench-watch-live
bench-watch-live: install-dev
	TOYZ_REDIS_URL=$${TOYZ_REDIS_URL:-$(TEST_REDIS_URL)} DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python benchmarks/watch_live.py $(ARGS)

bench: install-dev
	$(BIN)/python benchmarks/tiles.py

# What folder grants cost on the tile path: tiles/s for a user with 50 grants through 5 groups against an admin.
.PHONY: bench-grants
bench-grants: install-dev
	$(BIN)/python benchmarks/grants.py

# A view change from one of 10 clients to the other 9 (p50/p99), embedded, and on Redis when TOYZ_REDIS_URL is set.
bench-coview: install-dev
	$(BIN)/python benchmarks/coview.py

# Serving two float columns of a 10^6-row x 20-column FITS table and Parquet file: time, bytes per value, memory.
.PHONY: bench-sources
bench-sources: install-dev
	$(BIN)/python benchmarks/sources.py

# Source detection: sep against photutils on a 2048x4096 CCD, a generated exposure through the job's pool (1, 2 workers); ARGS=--full for 62 CCDs.
.PHONY: bench-detect
bench-detect: install-dev
	$(BIN)/python benchmarks/analysis_detect.py $(ARGS)

# Plots in headless Chromium (software WebGL): first scatter, lasso to 4 linked plots; ARGS=--million for 10^6 rows.
.PHONY: bench-plots
bench-plots: install-dev
	$(BIN)/python benchmarks/plots_browser.py $(ARGS)

# Linked views in the real app (real server, Chromium): a 10^5-row table opened to its first plot, a lasso
# reaching 4 plots and the table against the same lasso on 1 plot (ARGS=--million adds 10^6 rows).
.PHONY: bench-linked
bench-linked: install-dev frontend chromium
	$(BIN)/python benchmarks/linked_browser.py $(ARGS)

# Server time of analysis.profile (radial profile + Gaussian/Moffat fits) at the cursor on a 2k x 4k image, p50/p95, against reading its stamp alone.
.PHONY: bench-profile
bench-profile: install-dev
	$(BIN)/python benchmarks/analysis_profile.py $(ARGS)

# Contours of one 2k x 4k CCD (7 levels): the server's core p50 (defaults, and full detail) against contourpy alone on the same array.
.PHONY: bench-contours
bench-contours: install-dev
	$(BIN)/python benchmarks/analysis_contours.py

# A whole synthetic DECam exposure (62 CCDs, 2 GB; generated once into var/bench): P1-P7 of issue 3.
bench-decam: install-dev fpack
	$(BIN)/python benchmarks/decam.py

# Tiles/s and p95 for 50 clients: pre-rendered tiles through signed URLs (nginx alone), through /tiles/ +
# X-Accel-Redirect, new rendering parameters, and the embedded mode's one process; raw (float) tiles read by
# Django per request, stored and sent by nginx through signed URLs, and through /tiles/ + X-Accel-Redirect;
# in one run (benchmarks/serve.py). The production setup's database and Redis: DATABASE_URL and TOYZ_REDIS_URL when set.
.PHONY: bench-serve wrk bench-raw-disk
bench-serve: install-dev nginx wrk
	$(BIN)/python benchmarks/serve.py $(ARGS)

# CPU per /tiles/ + X-Accel request of the web processes and of PostgreSQL (bench-serve's setup, one connection):
# robust to whatever else loads the machine, unlike tiles/s. Needs DATABASE_URL and TOYZ_REDIS_URL.
.PHONY: bench-request-cpu
bench-request-cpu: install-dev nginx
	$(BIN)/python benchmarks/request_cpu.py $(ARGS)

# Disk and time per level of storing raw tiles at pre-render, scaled to a 62-CCD exposure (benchmarks/raw_disk.py).
bench-raw-disk: install-dev
	$(BIN)/python benchmarks/raw_disk.py $(ARGS)

# bench-serve's load generator: Debian's wrk.
wrk:
	@command -v wrk >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk; }
# A night of 100 DECam-like exposures (hard links of bench-decam's) pre-rendered by real Celery workers with
# `manage.py toyz_prerender`, a baseline arm and a two-node run; ARGS e.g. --exposures 5. Needs Redis and
# PostgreSQL: its own Redis database number (flushed) and PostgreSQL database (made if missing).
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/8
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/toyz_bench
.PHONY: bench-night
bench-night: install-dev fpack
	BENCH_REDIS_URL=$(BENCH_REDIS_URL) BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python benchmarks/night.py $(ARGS)

# bench-decam compresses its exposure with fpack (Debian's libcfitsio-bin).
fpack:
	@command -v fpack >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libcfitsio-bin; }

# A fresh process's first new-parameter tile of a 62-CCD DECam-like exposure, with and without the shared
# description cache (on the Redis of TOYZ_REDIS_URL, default the tests' database): p50 of fresh processes, ratio.
.PHONY: bench-description
bench-description: install-dev fpack
	TOYZ_REDIS_URL=$${TOYZ_REDIS_URL:-$(TEST_REDIS_URL)} $(BIN)/python benchmarks/description_cache.py $(ARGS)

# Socket job round trip: 50 open workspaces sending pixel readouts, 2 ASGI processes, Redis layer, real workers
# (PostgreSQL: BENCH_DATABASE_URL, created if missing; Redis: TOYZ_REDIS_URL, default the tests' database).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/toyz_bench
.PHONY: bench-socket
bench-socket: install-dev
	@createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_DATABASE_URL)) 2>/dev/null || true
	DATABASE_URL=$(BENCH_DATABASE_URL) TOYZ_REDIS_URL=$${TOYZ_REDIS_URL:-$(TEST_REDIS_URL)} TOYZ_DB_CONN_MAX_AGE=600 \
	  $(BIN)/python benchmarks/socket_roundtrip.py $(ARGS)

# Readouts and interactive jobs while the render worker pre-renders a night, against idle: p50/p99 and ratios.
.PHONY: bench-queues
bench-queues: install-dev
	@createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_DATABASE_URL)) 2>/dev/null || true
	DATABASE_URL=$(BENCH_DATABASE_URL) TOYZ_REDIS_URL=$${TOYZ_REDIS_URL:-$(TEST_REDIS_URL)} TOYZ_DB_CONN_MAX_AGE=600 \
	  $(BIN)/python benchmarks/queues_night.py $(ARGS)

# Recompile the pinned requirements from the .in files.
lock:
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile -q --python-version 3.11 requirements.in -o requirements.txt
	$(BIN)/uv pip compile -q --python-version 3.11 requirements-dev.in -o requirements-dev.txt

clean:
	rm -rf $(STAMPS) frontend/dist
