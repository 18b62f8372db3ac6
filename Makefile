# One command to set up and run, one to test. Works on a fresh clone with ../shared beside it.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
BUNDLE  ?= ../shared/data
PORT    ?= 8501
REPLICAS ?= 2
# make serve listens on 8080 unless PORT is given on the command line or in the environment
SERVE_PORT = $(if $(filter file,$(origin PORT)),8080,$(PORT))

.PHONY: run dev setup test lint bench clean browser-deps serve nginx-deps axe

## make run: install everything, put the data bundle in place, start the app on :$(PORT)
run: setup
	$(BIN)/streamlit run deploy/hsou_site.py --server.port $(PORT)

## make dev: the same, reloading when a source file is saved (the site itself watches nothing)
dev: setup
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.fileWatcherType auto --server.runOnSave true \
	  --client.showErrorDetails full

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
test: setup browser-deps nginx-deps axe
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

browser-deps:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium (needs root)"; \
	  apt-get update -qq && apt-get install -y -qq chromium; }

## axe-core (accessibility checks of tests/browser/test_axe.py), from the npm registry
AXE := .cache/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	@command -v npm >/dev/null || { echo "Installing Debian's npm (needs root)"; \
	  apt-get update -qq && apt-get install -y -qq nodejs npm; }
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4

## nginx and its brotli filter (serve.py loads the module when it is there; gzip otherwise)
nginx-deps:
	@{ test -x /usr/sbin/nginx && test -e /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so; } \
	  || { echo "Installing Debian's nginx and its brotli filter (needs root)"; apt-get update -qq \
	  && apt-get install -y -qq nginx libnginx-mod-http-brotli-filter; }

## make serve: $(REPLICAS) replicas behind nginx on :8080 (REPLICAS=…, PORT=…); Ctrl-C stops all.
## Installs the bundle once (from HSOU_BUNDLE_URL or BUNDLE) if none is installed.
serve: $(VENV)/.installed nginx-deps
	$(BIN)/python deploy/serve.py --replicas $(REPLICAS) --port $(SERVE_PORT) --bundle $(BUNDLE)

lint: setup
	$(BIN)/ruff check .

## make bench: payload, rerun and cold-start figures
bench: setup browser-deps nginx-deps
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf data/bundle data/bundle.versions data/cache static test-artifacts .cache/axe
