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

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; }

# Create the venv, install, migrate, import and publish the seeds, serve http://127.0.0.1:8000/
run: install
	$(RUN) migrate
	$(RUN) import_articles seeds/ --publish
	$(RUN) runserver 127.0.0.1:8000

# Install everything the tests need and run the whole suite.
test: install-dev browser
	$(BIN)/python -m pytest
