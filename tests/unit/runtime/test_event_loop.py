"""The worker's event loop (NEWSWATCH_EVENT_LOOP): uvloop by default, asyncio's own on request."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from streams.runtime.app import use_event_loop
from streams.settings import Settings


@pytest.fixture
def restore_policy() -> Iterator[None]:
    yield
    asyncio.set_event_loop_policy(None)


def test_uvloop_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSWATCH_EVENT_LOOP", raising=False)
    assert Settings().event_loop == "uvloop"


def test_uvloop_makes_every_loop(restore_policy: None) -> None:
    import uvloop

    use_event_loop("uvloop")
    loop = asyncio.new_event_loop()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


def test_asyncio_keeps_the_standard_loop(restore_policy: None) -> None:
    import uvloop

    use_event_loop("asyncio")
    loop = asyncio.new_event_loop()
    try:
        assert not isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


def test_an_unknown_loop_is_refused_by_name(restore_policy: None) -> None:
    with pytest.raises(SystemExit, match="NEWSWATCH_EVENT_LOOP='tokio'"):
        use_event_loop("tokio")
