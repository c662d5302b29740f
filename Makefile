# The two set-up commands of the README, and their parts.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN := DEBUG=1 $(BIN)/python manage.py

.PHONY: run test install install-dev browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt

# Debian's Chromium for the browser tests (Playwright drives it; no browser download),
# and axe-core, pinned, from the npm registry into a git-ignored folder for the
# accessibility check (tests/test_site_browser.py). npm comes from Debian if missing.
AXE_VERSION := 4.14.1
AXE_DIR := tests/.vendor/axe-core-$(AXE_VERSION)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser: $(AXE_DIR)/axe.min.js
	@command -v chromium >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

$(AXE_DIR)/axe.min.js:
	@command -v npm >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	mkdir -p $(AXE_DIR)
	cd $(AXE_DIR) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
	  && tar -xzf axe-core-$(AXE_VERSION).tgz --strip-components=1 package/axe.min.js package/LICENSE \
	  && rm axe-core-$(AXE_VERSION).tgz

# Create the venv, install, migrate, import and publish the seeds, serve http://127.0.0.1:8000/
# with a background import worker beside it.
run: install
	$(RUN) migrate
	$(RUN) import_articles seeds/ --publish
	@# The import worker runs beside the server (admin uploads are imported in the background)
	@# and stops with it.
	$(RUN) import_worker & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(RUN) runserver 127.0.0.1:8000

# Install everything the tests need and run the whole suite.
test: install-dev browser
	$(BIN)/python -m pytest
