# The two commands of the README: `make demo` and `make test`. Both set up whatever is missing
# (system packages, .venv, the PostGIS database) and are cheap to run again.
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 8000
PROD_PORT ?= 8080
DEMO_ENTERPRISES ?= 20000
export DJANGO_SETTINGS_MODULE ?= geodb.settings.dev

.PHONY: demo test serve-prod setup system db data lint format clean

demo: setup data
	@$(PY) manage.py demo_superuser
	@$(PY) manage.py demo_registrations --logins
	@$(PY) manage.py demo_storefront --print
	@echo "Serving http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/; Ctrl-C stops)"
	@scripts/serve.sh $(PORT)

test: setup
	@scripts/system.sh chromium fonts-lohit-beng-bengali python3-qgis qgis-providers poppler-utils zbar-tools nginx libreoffice-calc-nogui
	DJANGO_SETTINGS_MODULE=geodb.settings.test $(PY) -m pytest $(PYTEST_ARGS)

# The production stack on loopback: nginx → gunicorn (geodb.settings.prod) and the task worker, with its
# runtime files under var/prod (scripts/serve_prod.sh; the deployment itself is in deploy/).
serve-prod: setup data
	@scripts/serve_prod.sh $(PROD_PORT)

setup: system .venv/.installed node_modules/.installed db

system:
	@scripts/system.sh

db:
	@scripts/db.sh

.venv/.installed: pyproject.toml
	python3 -m venv .venv
	.venv/bin/pip install --quiet --upgrade pip
	.venv/bin/pip install --quiet -e '.[dev]'
	@touch $@

# The browser tests' axe-core (package.json's devDependencies), exactly as package-lock.json says. npm ci
# empties node_modules/ first, so the stamp is written after it.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

data:
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_admin_geography --if-needed
	$(PY) manage.py generate_enterprises --count $(DEMO_ENTERPRISES) --seed 2016 --if-empty
	$(PY) manage.py setup_registrations --open-pilot
	$(PY) manage.py demo_registrations
	$(PY) manage.py demo_storefront

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

clean:
	rm -rf .venv var .pytest_cache node_modules
