# Set-up and everyday commands. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BENCH_VENV := benchmarks/.venv

.PHONY: demo test bench model clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs awal (core dependencies only), normalises the bundled samples and audits them.
demo: $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	$(BIN)/awal demo
	$(BIN)/awal audit data/samples/mixed.txt -o $(VENV)/samples-audit.html
	@echo "audit of the bundled samples: $(VENV)/samples-audit.html (one self-contained page)"

# Installs awal with the test extras and runs the whole suite.
test: $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m pytest -q src tests README.md

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
	rm -rf $(VENV) $(BENCH_VENV) build dist .pytest_cache .hypothesis
