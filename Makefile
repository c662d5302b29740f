# The README's commands: run the site, create an admin login, import files, run the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

# `make import PATH=seeds/` names the files to import; PATH is also the shell's search path,
# so take the value for the import and give the commands below their search path back
# (make 4.4 hands $(shell) the command-line value too: then fall back to the system's).
ifeq ($(origin PATH),command line)
IMPORT_PATH := $(PATH)
SHELL_PATH := $(shell echo "$$PATH")
override PATH := $(if $(filter-out $(IMPORT_PATH),$(SHELL_PATH)),$(SHELL_PATH),/usr/local/bin:/usr/bin:/bin)
endif

.DEFAULT_GOAL := run
.PHONY: run superuser import test install install-dev browser bench-tools lock audit

# pip reads no configuration file: a machine's or user's pip.conf may name extra indexes,
# which installs from a lock with hashes do not need (and pip warns about each one that is
# missing). PIP_INDEX_URL still names a mirror; set PIP_CONFIG_FILE to use a pip.conf.
PIP_CONFIG_FILE ?= /dev/null
PIP_DISABLE_PIP_VERSION_CHECK ?= 1
export PIP_CONFIG_FILE PIP_DISABLE_PIP_VERSION_CHECK
INSTALL := $(BIN)/pip install -q --require-hashes

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Install only when a lock changed since the last install (stamp files). The locks pin every
# package with its hashes (`make lock`); pip itself first, from its own lock.
$(VENV)/.pip: requirements-pip.txt | $(BIN)/python
	$(INSTALL) -r requirements-pip.txt
	touch $@

$(VENV)/.installed: requirements.txt $(VENV)/.pip
	$(INSTALL) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.pip
	$(INSTALL) -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# The locks, from pyproject.toml by pip-tools: keeps the pins it can, adds what is new;
# `make lock ARGS=--upgrade` brings every pin to its latest release.
PIP_COMPILE := $(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras \
  --no-emit-find-links $(ARGS)

lock: $(VENV)/.installed-dev
	$(PIP_COMPILE) -o requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev -c requirements.txt -o requirements-dev.txt pyproject.toml
	echo pip | $(PIP_COMPILE) -c requirements-dev.txt -o requirements-pip.txt -

# Known vulnerabilities in the locked releases (PyPI's data): fails on any found. A package
# it could not look up is listed as skipped (.ci/run fails on those too).
audit: $(VENV)/.installed-dev
	$(BIN)/pip-audit --disable-pip --require-hashes -r requirements-dev.txt

# A development .env on first use (DEBUG=1: local hosts, an insecure key, SQLite), so that
# `python manage.py ...` works as the README shows. Never overwritten; production does not
# use make and sets its variables itself (.env.example).
.env:
	@printf '%s\n' "# Development settings, written by make. Every variable: .env.example." \
	  "DEBUG=1" > $@
	@echo "Wrote .env for development (DEBUG=1)."

# Debian's Chromium for the browser tests (Playwright drives it; no browser download),
# and axe-core, pinned, from the npm registry into a git-ignored folder for the
# accessibility check (tests/test_site_browser.py). npm comes from Debian if missing.
AXE_VERSION := 4.14.1
AXE_DIR := tests/.vendor/axe-core-$(AXE_VERSION)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser: $(AXE_DIR)/axe.min.js
	@command -v chromium >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# What the benches under bench/ load servers with (wrk), for `make bench-tools`.
bench-tools: install-dev
	@command -v wrk >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

$(AXE_DIR)/axe.min.js:
	@command -v npm >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	mkdir -p $(AXE_DIR)
	cd $(AXE_DIR) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
	  && tar -xzf axe-core-$(AXE_VERSION).tgz --strip-components=1 package/axe.min.js package/LICENSE \
	  && rm axe-core-$(AXE_VERSION).tgz

# Create the venv, install, migrate, import and publish the seeds, serve http://HOST:PORT/
# (127.0.0.1:8000 unless given) with a background import worker beside it.
run: install .env
	$(MANAGE) migrate
	$(MANAGE) import_articles seeds/ --publish
	@# The import worker runs beside the server (admin uploads are imported in the background)
	@# and stops with it.
	$(MANAGE) import_worker & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

# An admin login (asks for a name and a password; ARGS=--noinput takes them from
# DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_PASSWORD and DJANGO_SUPERUSER_EMAIL).
superuser: install .env
	$(MANAGE) migrate
	$(MANAGE) createsuperuser $(ARGS)

# Import files or folders: make import PATH=seeds/ [ARGS="--publish --dry-run ..."].
import: install .env
	@test -n "$(IMPORT_PATH)" || { echo "Say what to import: make import PATH=file-or-folder"; exit 2; }
	$(MANAGE) migrate
	$(MANAGE) import_articles $(IMPORT_PATH) $(ARGS)

# Install everything the tests need and run the whole suite.
test: install-dev browser
	$(BIN)/python -m pytest
