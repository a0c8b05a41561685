# Set-up and everyday commands. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BENCH_VENV := benchmarks/.venv
FUZZ_WORKERS ?= auto

.PHONY: demo test test-pythons fuzz bench model clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs awal (core dependencies only), normalises the bundled samples and audits them.
demo: $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	$(BIN)/awal demo
	$(BIN)/awal audit data/samples/mixed.txt -o $(VENV)/samples-audit.html
	@echo "audit of the bundled samples: $(VENV)/samples-audit.html (one self-contained page)"

# Installs awal with the test extras and runs the whole suite, then the core suite on
# the oldest and newest supported Pythons.
test: $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m pytest -q src tests README.md
	$(MAKE) --no-print-directory test-pythons

# The core suite (no subword/export, datatrove, engines or real-corpus tests; hypothesis profile "smoke") on
# Python 3.10 and 3.13, the ends of `requires-python`, each in its own venv (.venv-py310,
# .venv-py313) with the `test-core` extra. An interpreter that is not installed is skipped with a warning on a
# developer's machine; under CI (CI set, or AWAL_REQUIRE_SHARED=1 as .ci/run sets) it is
# an error, so CI never passes without having tested the declared range.
OLD_PYTHON ?= $(firstword $(wildcard /root/.pyenv/versions/3.10.*/bin/python) $(shell command -v python3.10))
NEW_PYTHON ?= $(firstword $(wildcard /root/.pyenv/versions/3.13.*/bin/python) $(shell command -v python3.13))
REQUIRE_PYTHONS := $(if $(or $(CI),$(filter 1,$(AWAL_REQUIRE_SHARED))),1,)
CORE_SUITE := src tests README.md -m 'not shared' \
	--ignore=src/awal/subword.py --ignore=src/awal/export.py --ignore=src/awal/datatrove.py --ignore=tests/test_subword.py --ignore=tests/test_engines.py

test-pythons:
	@for spec in "py310 $(OLD_PYTHON)" "py313 $(NEW_PYTHON)"; do \
	  set -- $$spec; venv=.venv-$$1; python=$$2; \
	  if [ -z "$$python" ]; then \
	    if [ -n "$(REQUIRE_PYTHONS)" ]; then echo "test-pythons: no interpreter for $$1" >&2; exit 1; fi; \
	    echo "test-pythons: WARNING: no interpreter for $$1, skipped"; continue; \
	  fi; \
	  echo "== core suite on $$($$python --version)"; \
	  [ -x $$venv/bin/python ] || { $$python -m venv $$venv && $$venv/bin/pip install --quiet --upgrade pip; } || exit 1; \
	  $$venv/bin/pip install --quiet -e '.[test-core]' && \
	  HYPOTHESIS_PROFILE=smoke $$venv/bin/python -m pytest -q $(CORE_SUITE) || exit 1; \
	done

# Every hypothesis property (marker `fuzz`, see tests/conftest.py) with 10^5 examples each;
# AWAL_FUZZ_EXAMPLES=N to change the count, FUZZ_ARGS to pick tests (e.g. -k tokenize).
fuzz: $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -m fuzz -n $(FUZZ_WORKERS) --timeout=0 --hypothesis-show-statistics tests $(FUZZ_ARGS)

# Builds the benchmark's own environment (peers live only there) and runs every
# side-by-side comparison and evaluation; the tables are recorded in
# benchmarks/README.md and benchmarks/CLI.md.
$(BENCH_VENV)/.ready: benchmarks/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/pip install --quiet -r benchmarks/requirements.txt
	$(BENCH_VENV)/bin/pip install --quiet --no-deps camel-tools==1.6.0
	$(BENCH_VENV)/bin/pip install --quiet -e '.[arrow,subword]'
	touch $@

bench: $(BENCH_VENV)/.ready
	$(BENCH_VENV)/bin/python benchmarks/run.py
	$(BENCH_VENV)/bin/python benchmarks/compare_rules.py
	$(BENCH_VENV)/bin/python benchmarks/evaluate_arabizi.py
	$(BENCH_VENV)/bin/python benchmarks/evaluate_amazigh.py
	$(BENCH_VENV)/bin/python benchmarks/bench_lid.py
	$(BENCH_VENV)/bin/python benchmarks/parity.py
	$(BENCH_VENV)/bin/python benchmarks/cli_bench.py --sizes 10,100,1000 --repeat 3
	$(BENCH_VENV)/bin/python benchmarks/sentences_bench.py
	$(BENCH_VENV)/bin/python benchmarks/dedup_bench.py
	$(BENCH_VENV)/bin/python benchmarks/quality_bench.py
	$(BENCH_VENV)/bin/python benchmarks/audit_bench.py --mb 100

# Rebuilds the bundled language-identification model (data/models/lid) from ../shared/data,
# deterministically (fixed seed); sources and licences in data/models/NOTICE.md.
model: $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	$(BIN)/python -m awal.lid train --data ../shared/data --out data/models/lid

clean:
	rm -rf $(VENV) .venv-py310 .venv-py313 $(BENCH_VENV) build dist .pytest_cache .hypothesis
