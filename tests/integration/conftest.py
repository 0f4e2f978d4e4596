"""Fixtures for tests against a real Kafka broker (see harness.py for where it comes from).

Every test in this folder is marked ``integration``; ``pytest -m "not integration"`` skips them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.harness import KafkaHarness, create_topics

HERE = Path(__file__).resolve().parent
HARNESS_KEY = pytest.StashKey[KafkaHarness]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Called with every collected item, not only this folder's: mark ours alone.
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def kafka_harness(request: pytest.FixtureRequest) -> KafkaHarness:
    """The session's broker, started once; the finalizer stops containers and any engine it started."""
    harness = KafkaHarness()
    request.config.stash[HARNESS_KEY] = harness
    request.addfinalizer(harness.close)
    harness.start()
    return harness


@pytest.fixture(scope="session")
def kafka_bootstrap(kafka_harness: KafkaHarness) -> str:
    """Bootstrap servers of a real Kafka broker, e.g. "127.0.0.1:40123"."""
    return kafka_harness.bootstrap


@pytest.fixture()
def topic_prefix() -> str:
    """A prefix no other test uses, so tests never share topics (nor consumer groups named after it)."""
    return f"t{uuid.uuid4().hex[:8]}."


@pytest.fixture()
def make_topics(kafka_bootstrap: str) -> Callable[..., None]:
    """``make_topics(["p.a", "p.b"], partitions=3)`` creates topics and waits for their leaders."""

    def make(names: list[str], partitions: int = 3, **kwargs: object) -> None:
        create_topics(kafka_bootstrap, names, partitions, **kwargs)

    return make


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    harness = config.stash.get(HARNESS_KEY, None)
    if harness is None:
        return
    terminalreporter.write_sep("-", "kafka")
    fallback = "managed local broker" in harness.path
    for i, line in enumerate(harness.summary()):
        terminalreporter.write_line(line, yellow=fallback and i == 0, bold=i == 0)
