# newswatch: `make run` runs the main job, `make test` runs every test.
# The virtualenv lives outside the repo so clean clones reuse it.
VENV ?= $(HOME)/.cache/newswatch/venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.newswatch-installed
FEED := tests/fixtures/feed/sample.jsonl

.PHONY: setup run backtest test lint typecheck unit bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The main job: the three stages over the sample feed, alerts printed as they are raised.
run: setup
	$(VENV)/bin/newswatch backtest $(FEED)

backtest: run

lint: setup
	$(VENV)/bin/ruff check streams tests bench

typecheck: setup
	$(VENV)/bin/mypy

unit: setup
	$(PY) -m pytest tests/unit -q

# pytest exits 5 when it collects nothing: that is a failure here, as any non-zero exit is.
test: lint typecheck
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/inprocess.py

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build *.egg-info
