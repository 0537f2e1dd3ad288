# The README's commands. Everything a fresh machine needs is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := demo/chronique.db

.PHONY: demo test install install-test browser lint typecheck unit eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs chronique with everything it needs, the French spaCy model included (a pinned dependency).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Debian's Chromium for the browser test (Playwright's own browser download does not work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' (the browser test will be skipped)"; fi; }

# The main job on the team's own examples: read, clean, date, extract, link, then the timeline.
demo: install
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@mkdir -p demo
	$(BIN)/chronique build examples --db $(DEMO_DB)
	$(BIN)/chronique docs --db $(DEMO_DB)
	$(BIN)/chronique timeline --db $(DEMO_DB) --format md
	$(BIN)/chronique timeline --db $(DEMO_DB) --format html --output demo/timeline.html
	@echo
	@echo "Timeline page written to demo/timeline.html; browse everything with:"
	@echo "  $(BIN)/chronique serve --db $(DEMO_DB)    (http://127.0.0.1:8000)"

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install-test
	$(BIN)/mypy

unit: install-test
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

test: install-test browser lint typecheck unit

bench: install-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) demo .mypy_cache .ruff_cache .pytest_cache
