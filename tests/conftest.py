from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from streams.pipeline import Pipeline

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "article-id-kp-troops.txt"
FEED = REPO / "tests" / "fixtures" / "feed"
FIXED_NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def pipeline_factory() -> Callable[[], Pipeline]:
    """Fresh pipelines (empty alert book and windows) sharing one loaded knowledge base."""
    base = Pipeline.load(rules_path="", clock=lambda: FIXED_NOW)

    def make() -> Pipeline:
        return Pipeline(base.kb, base.rules, base.clock, base.settings)

    return make


@pytest.fixture()
def pipeline(pipeline_factory: Callable[[], Pipeline]) -> Pipeline:
    return pipeline_factory()


def load_module(name: str, path: Path) -> ModuleType:
    """A script outside the package (deploy/grafana/*.py) imported as a module by its path."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
