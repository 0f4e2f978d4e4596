# newswatch: `make run` runs the main job, `make test` runs every test.
# The virtualenv lives in the checkout (.venv, gitignored): its editable install must run this
# clone's code, not another clone's. Downloads stay shared under ~/.cache, so a clean clone is
# still quick: pip's wheel cache (~/.cache/pip), the Kafka jars and the broker image
# (~/.cache/newswatch or $NEWSWATCH_CACHE_DIR).
VENV ?= $(CURDIR)/.venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.newswatch-installed
FEED := tests/fixtures/feed/sample.jsonl

# cargo builds the compiled matcher (streams/native) inside `pip install`; rustup puts it in ~/.cargo/bin.
export PATH := $(HOME)/.cargo/bin:$(PATH)
NATIVE := streams/native/Cargo.toml $(wildcard streams/native/src/*.rs)

.PHONY: setup system run backtest test lint typecheck unit integration bench clean

# mypyc compiles five tagging modules into build/mypyc (streams/tagging/compile.py, about a minute); they
# are used only while that build matches their sources (streams/tagging/_mypyc.py). The step checks digests
# and returns at once when nothing changed; when the compile fails (no C compiler, a mypyc error), setup
# still succeeds and says the pure-Python modules are used. NEWSWATCH_COMPILED=0: the build is being replaced.
setup: $(STAMP)
	@NEWSWATCH_COMPILED=0 $(PY) -m streams.tagging.compile || \
		echo "tagging: the compile step failed; the pure-Python tagging modules are used"

# An editable install builds the extension once: a change to the crate re-runs the install.
$(STAMP): pyproject.toml $(NATIVE)
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Java, Maven, kcat, docker.io, debootstrap and the Kafka jars (idempotent, quick once done).
system:
	bash .ci/setup-system

# The main job: a local broker (unless KAFKA_BOOTSTRAP_SERVERS is set), a worker, the sample
# feed replayed into news.raw, and every alert printed as it arrives on news.alerts.
# Ports: `make run RUN_ARGS="--port 9093"` for the broker, NEWSWATCH_WEB_PORT=6067 for the worker's web.
RUN_ARGS ?=
run: setup system
	$(VENV)/bin/newswatch run $(RUN_ARGS)

# The same stages in process, no broker.
backtest: setup
	$(VENV)/bin/newswatch backtest $(FEED)

lint: setup
	$(VENV)/bin/ruff check streams tests bench

typecheck: setup
	$(VENV)/bin/mypy
	# bench/ holds scripts that import each other by file name, so they are checked from there
	cd bench && MYPYPATH=.. $(VENV)/bin/mypy --no-namespace-packages --config-file ../pyproject.toml *.py

unit: setup
	$(PY) -m pytest tests/unit -q

integration: setup system
	$(PY) -m pytest tests/integration -q -rs

# pytest exits 5 when it collects nothing: that is a failure here, as any non-zero exit is.
test: lint typecheck system
	$(PY) -m pytest -q -rs

bench: setup
	$(PY) bench/inprocess.py

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build *.egg-info
