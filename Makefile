# `make` sets up .venv, installs everything and builds the sample course.
# `make test` runs every test. See README.md.
# ENGINE=mkdocs or ENGINE=zensical picks the site engine for build, site, offline and serve
# (default: extra: engine: in mkdocs.yml), e.g. `make site ENGINE=zensical`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := tests/node_modules/.installed-stamp

.PHONY: all build check site handouts certificates offline serve test test-fast bench clean golden

all: build

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core (accessibility checks in browser tests) comes from npm, pinned in tests/package-lock.json.
$(NODE_STAMP): tests/package.json tests/package-lock.json
	cd tests && npm ci --silent --no-audit --no-fund
	touch $@

build: $(STAMP)
	$(BIN)/python build.py build $(if $(ENGINE),--engine $(ENGINE))

check: $(STAMP)
	$(BIN)/python build.py check

site: $(STAMP)
	$(BIN)/python build.py site $(if $(ENGINE),--engine $(ENGINE))

handouts: $(STAMP)
	$(BIN)/python build.py handouts

certificates: $(STAMP)
	$(BIN)/python build.py certificates

offline: $(STAMP)
	$(BIN)/python build.py site --offline $(if $(ENGINE),--engine $(ENGINE))

serve: $(STAMP)
	$(BIN)/python build.py serve $(if $(ENGINE),--engine $(ENGINE))

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest

# Refresh golden files after an intended change to user-visible output; review the diff.
golden: $(STAMP)
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf site dist build .pytest_cache
