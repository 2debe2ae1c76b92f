# Two commands: `make run` brings the whole app up, `make test` runs the whole suite.
# Both set themselves up on a machine with only Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint browser clean-venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Counterclaim needs Python 3.11 or newer: run make with PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py runstack

# Debian's chromium drives the browser tests (Playwright's own browser download needs the internet).
browser:
	@command -v chromium >/dev/null 2>&1 || [ -n "$$CHROMIUM_PATH" ] || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	  else echo "No chromium and no apt-get: browser tests will be skipped (set CHROMIUM_PATH)."; fi; }

# makemigrations runs on the test suite's data folder (as config.testing chooses it), so that
# `make test` starts one embedded PostgreSQL, not two.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache && $(PY) tools/check_imports.py
	COUNTERCLAIM_DATA_DIR=$${COUNTERCLAIM_DATA_DIR:-$(CURDIR)/var/test} DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy tracker config bench

test: $(STAMP) browser lint
	$(PY) -m pytest $(PYTEST_ARGS)
