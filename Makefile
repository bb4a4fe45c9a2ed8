# CX Center — the commands a newcomer needs. See README.md.
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Two test processes: the suite's browser and PDF tests wait on Chromium and WeasyPrint as much as on the CPU.
PYTEST_ARGS ?= -n 2
WITH_SERVICES := $(PY) scripts/with_services.py

.PHONY: run test demo suite serve bench packages-run packages-test install install-dev messages compilemessages lint \
	check-deploy clean

# Zero-setup development: the embedded PostgreSQL (unless DATABASE_URL is set), tasks run eagerly, mail printed
# on the console.
run: export DEBUG ?= true
run: packages-run .env install compilemessages
	$(WITH_SERVICES) --free-port $(HOST):$(PORT) -- $(MAKE) --no-print-directory demo

# The whole suite on PostgreSQL, with a private Redis unless REDIS_URL is set.
test: export DEBUG ?= true
test: packages-test install-dev compilemessages lint
	$(WITH_SERVICES) --redis -- $(MAKE) --no-print-directory suite

# Inside `run` and `test`, which provide the database: not meant to be called directly.
demo:
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "CX Center at http://$(HOST):$(PORT)/ (logins above; password cx-demo-2026)"
	$(PY) manage.py runserver $(HOST):$(PORT)

suite:
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory check-deploy
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Production-like: gunicorn, a Celery worker and beat on PostgreSQL + Redis (DATABASE_URL, REDIS_URL, SECRET_KEY).
serve: install compilemessages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/honcho start

bench: packages-test install-dev compilemessages
	$(WITH_SERVICES) --redis -- $(PY) -m bench

# Development settings for `manage.py` run by hand; the real environment still wins.
.env:
	printf 'DEBUG=true\n' > .env

# The Debian packages (a CJK font, Chromium, Redis…), installed when missing: scripts/provision.sh.
packages-run:
	@bash scripts/provision.sh run

packages-test:
	@bash scripts/provision.sh test

$(VENV)/bin/activate:
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt

install-dev: $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements-dev.txt

compilemessages: install
	$(PY) scripts/compile_catalogues.py

# Extract new strings into both catalogues; English msgstr default to the source text.
messages:
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles --no-obsolete
	$(PY) scripts/fill_english_catalogue.py locale/en/LC_MESSAGES/django.po

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# `check --deploy` with the settings production uses.
check-deploy:
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=cx.example.com \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .pgdata
