# `make` sets up .venv, installs everything and builds the sample course.
# `make test` runs every test. See README.md.
# Both first make sure the system packages in system-packages.txt are there (installing them as
# root or with password-less sudo, else stopping with the apt-get line to run).
# ENGINE=mkdocs or ENGINE=zensical picks the site engine for build, site, offline and serve
# (default: extra: engine: in mkdocs.yml), e.g. `make site ENGINE=zensical`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := tests/node_modules/.installed-stamp
BENCH_NODE_STAMP := bench/node_modules/.installed-stamp

# The tests (and the benchmarks, which use poppler) also need the "test" group.
SYSTEM_GROUPS := build $(if $(filter test golden bench,$(MAKECMDGOALS)),test)

.PHONY: all build check site handouts certificates offline serve test test-fast bench clean golden system-packages

all: build

system-packages:
	@PYTHON="$(PYTHON)" tools/system-packages $(SYSTEM_GROUPS)

$(STAMP): requirements.txt requirements-dev.txt requirements-validator.txt | system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-validator.txt
	touch $@

# axe-core (accessibility checks in browser tests) comes from npm, pinned in tests/package-lock.json.
$(NODE_STAMP): tests/package.json tests/package-lock.json | system-packages
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

# The quick loop: unit and golden tests, no browser, no PDF rendering, nothing slow.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not pdf and not slow"

# Refresh golden files after an intended change to user-visible output; review the diff.
golden: $(STAMP)
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q

# Lighthouse (bench/lighthouse.py) comes from npm, pinned in bench/package-lock.json.
$(BENCH_NODE_STAMP): bench/package.json bench/package-lock.json | system-packages
	cd bench && npm ci --silent --no-audit --no-fund
	touch $@

bench: $(STAMP) $(BENCH_NODE_STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf site dist build .pytest_cache
