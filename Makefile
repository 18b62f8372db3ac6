# One command to set up and run, one to test. Works on a fresh clone with ../shared beside it.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
BUNDLE  ?= ../shared/data
PORT    ?= 8501

.PHONY: run setup test lint bench clean browser-deps

## make run: install everything, put the data bundle in place, start the app on :$(PORT)
run: setup
	$(BIN)/streamlit run app.py --server.port $(PORT)

setup: $(VENV)/.installed data/bundle/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

data/bundle/.installed: $(VENV)/.installed
	$(BIN)/python -m hsou_dash data install $(BUNDLE)
	touch $@

## make test: the whole suite (unit, AppTest, browser) — the command CI runs
test: setup browser-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

browser-deps:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium (needs root)"; \
	  apt-get update -qq && apt-get install -y -qq chromium; }

lint: setup
	$(BIN)/ruff check .

## make bench: payload, rerun and cold-start figures
bench: setup browser-deps
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf data/bundle data/cache static test-artifacts
