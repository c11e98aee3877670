# Hearth: `make run` installs everything and serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run scheduler serve test test-sqlite test-postgresql lint assets db-upgrade demo clean

install: $(VENV)/.installed node_modules/.installed app/static/.built

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

app/static/.built: node_modules/.installed $(wildcard app/assets/scss/*.scss) $(wildcard app/assets/js/*.js)
	mkdir -p app/static/css app/static/js app/static/images
	npx sass --pkg-importer=node --style=compressed --no-source-map app/assets/scss/main.scss app/static/css/main.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js app/static/js/
	cp app/assets/js/*.js app/static/js/
	cp node_modules/govuk-frontend/dist/govuk/assets/images/* app/static/images/
	cp node_modules/govuk-frontend/dist/govuk/assets/manifest.json app/static/
	touch $@

assets: app/static/.built

db-upgrade: install
	mkdir -p instance
	$(FLASK) db upgrade

demo: db-upgrade
	$(FLASK) demo seed

run: demo
	@echo "Hearth is at http://$(HOST):$(PORT) (sign in as keyworker@demo.test; the demo password is printed above)"
	@# The scheduler is its own process beside the web server, stopped when the web server exits.
	$(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill -TERM $$scheduler 2>/dev/null; wait $$scheduler' EXIT; \
	$(FLASK) run --host $(HOST) --port $(PORT)

scheduler: db-upgrade
	$(FLASK) scheduler run

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check app tests config.py wsgi.py migrations
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules app/static instance/hearth.sqlite
