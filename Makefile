# Everything a new machine needs, from only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run worker bench bench-export volume faults backup test test-browser test-client screenshots lint openapi openapi-check openapi-lint ci clean demo

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $(STAMP)

## run: install, migrate the SQLite database, load demo data and serve on http://127.0.0.1:8000
run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "TRECKK: http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs/)"
	@# The worker delivers outbound messages beside the web server; both stop together.
	trap 'kill 0' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py run_worker & \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## volume: add N realistic complaints (default N=100000) with their histories to the database in DATABASE_URL
## (SQLite by default; COPY on PostgreSQL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/treckk N=1000000)
N ?= 100000
volume: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py generate_volume $(N)

## bench: gunicorn under wrk against PostgreSQL with 1,000,000 complaints (generated once into treckk_bench);
## prints one JSON document with each scenario's requests/s, latency, errors, SQL per request, worker memory
bench: $(STAMP)
	@$(BIN)/python scripts/bench.py

## bench-export: stream the complaint register (CSV, XLSX) for 10,000 and 100,000 complaints; prints peak memory
bench-export: $(STAMP)
	$(BIN)/python scripts/bench_export.py

## faults: channel intake under load while gunicorn workers are SIGKILLed and PostgreSQL restarts, in a private
## throwaway cluster on loopback (never the shared one); checks every acknowledged complaint is stored exactly once
## and prints one JSON summary. About 2-3 minutes; not part of the tests
faults: $(STAMP)
	$(BIN)/python scripts/faults.py

## backup: dump the database in DATABASE_URL and the media directory into $(BACKUP_DIR) (docs/backup.md)
BACKUP_DIR ?= backups
backup:
	scripts/backup.sh $(BACKUP_DIR)

## worker: deliver outbound messages (receipts, replies, webhooks) and run background tasks
worker: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py run_worker

## test: the whole test suite but the browser tests (SQLite by default; set DATABASE_URL for PostgreSQL)
test: $(STAMP)
	DEBUG=1 $(BIN)/pytest -q -m "not browser and not fuzz and not client"

## test-client: generate a Python client from openapi.yaml with openapi-python-client, as an integrator would, and
## walk one complaint through the whole SOP with it against a live server, logged in as each role in turn
test-client: $(STAMP)
	DEBUG=1 $(BIN)/pytest -q -m client -p no:logging tests/client

## fuzz: schemathesis against openapi.yaml on a live server (stateless and stateful, as the Operator and as a channel,
## FUZZ_EXAMPLES=10 per operation and phase): no 5xx, every answer as the schema documents it; about 2 minutes
fuzz: $(STAMP)
	DEBUG=1 $(BIN)/pytest -q -s -m fuzz -p no:logging tests/fuzz

## test-browser: only the browser tests: headless Debian Chromium (/usr/bin/chromium or TRECKK_CHROMIUM)
## against a live server; they skip without it unless TRECKK_REQUIRE_BROWSER=1. Screenshots: .venv/screenshots/
test-browser: $(STAMP)
	DEBUG=1 $(BIN)/pytest -q -m browser tests/browser

## screenshots: each queue, a case, the dispatch board, intake and a receipt at 1280 and 360 px into
## .venv/screenshots/ (needs Debian's chromium); the two the README shows are copied to docs/screenshots/
screenshots: $(STAMP)
	rm -rf $(VENV)/screenshots
	DEBUG=1 $(BIN)/pytest -q -m browser tests/browser/test_screenshots.py
	mkdir -p docs/screenshots
	$(BIN)/python -c "import sys; from PIL import Image; [Image.open(f'$(VENV)/screenshots/{n}.png').save(f'docs/screenshots/{n}.png', optimize=True) for n in sys.argv[1:]]" queue-operator-desktop case-trc-phone

lint: $(STAMP)
	$(BIN)/ruff check .

## openapi: regenerate the committed OpenAPI file
openapi: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py spectacular --validate --fail-on-warn --file openapi.yaml

openapi-check: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py spectacular --validate --fail-on-warn --file $(VENV)/openapi.check.yaml
	cmp -s $(VENV)/openapi.check.yaml openapi.yaml || (echo "openapi.yaml is out of date: run 'make openapi' and commit it." && exit 1)

## openapi-lint: openapi.yaml through openapi-spec-validator and Redocly CLI's recommended ruleset (pinned in
## tools/openapi-lint/package.json; tools/openapi-lint/redocly.yaml switches off style-only rules, each with its reason)
REDOCLY := tools/openapi-lint/node_modules/.bin/redocly
openapi-lint: $(STAMP) $(REDOCLY)
	$(BIN)/openapi-spec-validator openapi.yaml
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true $(REDOCLY) lint openapi.yaml --config tools/openapi-lint/redocly.yaml

# npm ci installs exactly package-lock.json; tools/openapi-lint/.npmrc keeps registry addresses out of the lock.
$(REDOCLY): tools/openapi-lint/package.json tools/openapi-lint/package-lock.json
	cd tools/openapi-lint && npm ci --no-audit --no-fund
	touch $@

## messages: update the English catalog (locale/en/LC_MESSAGES/django.po) from the code and compile it;
## then translate every new or fuzzy entry, run it again, and commit both django.po and django.mo
MESSAGES_OPTS := -l en --ignore=$(VENV) --ignore=staticfiles --ignore=tests --no-obsolete
.PHONY: messages messages-check
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages $(MESSAGES_OPTS)
	DEBUG=1 $(BIN)/python manage.py compilemessages -l en --ignore=$(VENV)

## messages-check: fail when a string in the code is missing from the catalog, an entry is untranslated or fuzzy,
## or django.mo does not match django.po (needs GNU gettext)
messages-check: $(STAMP)
	$(BIN)/python scripts/check_messages.py $(MESSAGES_OPTS)

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache .ruff_cache
