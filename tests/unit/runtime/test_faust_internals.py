"""Each reach into faust's private API (streams/runtime/faust_internals.py), against the installed
library: a rename in an upgrade fails here instead of silently in a worker."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from faust.sensors import Monitor
from faust.sensors.prometheus import PrometheusMonitor
from faust.streams import current_event

from streams.runtime import metrics
from streams.runtime.faust_internals import (
    SWITCHED_OFF,
    App,
    accept_gap,
    acknowledged,
    committed_offsets,
    hole_at_head,
    monitor,
    set_current_event,
)


def test_committed_offsets_reads_the_consumer_faust_builds(tmp_path: Path) -> None:
    async def read() -> Mapping[Any, int | None]:
        app = App("nw-internals-test", broker="kafka://127.0.0.1:1", datadir=str(tmp_path))
        return committed_offsets(app.consumer)

    assert dict(asyncio.run(read())) == {}  # a real mapping, not a default standing in for a renamed one


def test_set_current_event_is_what_faust_reads_back() -> None:
    class Event:
        pass

    async def named() -> object:
        event = Event()
        set_current_event(event)
        found = current_event()
        assert found is cast(Any, event)
        return found

    assert asyncio.run(named()) is not None


def test_the_sensor_switches_off_hooks_prometheus_monitor_really_has() -> None:
    for name in SWITCHED_OFF:
        # each hook exists and PrometheusMonitor overrides it: otherwise there is nothing to switch off
        assert getattr(PrometheusMonitor, name) is not getattr(Monitor, name), name
    sensor = monitor(metrics.faust_sensor())
    assert isinstance(sensor, PrometheusMonitor)
    for name in SWITCHED_OFF:
        assert getattr(type(sensor), name) is getattr(Monitor, name), name


def _consumer(tmp_path: Path, gapless: set[str]) -> Any:
    async def build() -> Any:
        app = App("nw-commit-test", broker="kafka://127.0.0.1:1", datadir=str(tmp_path))
        app.gapless_topics = gapless
        return app.consumer

    return asyncio.run(build())


def test_no_commit_past_records_no_agent_acknowledged(tmp_path: Path) -> None:
    from faust.types import TP

    raw, other = TP("news.raw", 1), TP("other", 1)
    consumer = _consumer(tmp_path, {"news.raw"})
    for tp in (raw, other):
        consumer._committed_offset[tp] = 12  # the next offset to read
    consumer._acked[raw] = [17, 18]  # 12-16 skipped: never handled
    assert hole_at_head(consumer, raw)
    assert consumer._new_offset(raw) is None
    consumer._acked[other] = [13, 14]  # faust's own rule elsewhere: one missing record at the head passes
    assert consumer._new_offset(other) == 15
    consumer._acked[raw] = [12, 13, 14]
    assert not hole_at_head(consumer, raw)
    assert consumer._new_offset(raw) == 15


def test_a_skip_is_not_recorded_as_a_gap_on_the_agents_inputs(tmp_path: Path) -> None:
    from faust.types import TP

    raw, other = TP("news.raw", 0), TP("other", 0)
    consumer = _consumer(tmp_path, {"news.raw"})
    for tp in (raw, other):
        consumer._committed_offset[tp] = 3
        asyncio.run(consumer._add_gap(tp, 5, 9))
    assert not consumer._gap[raw]
    assert consumer._gap[other]  # faust's gap, as before, on a topic that is not an input


def test_an_accepted_gap_lets_the_commit_through(tmp_path: Path) -> None:
    from faust.types import TP

    raw = TP("news.raw", 2)
    consumer = _consumer(tmp_path, {"news.raw"})
    consumer._committed_offset[raw] = 12
    consumer._acked[raw] = [17, 18]
    asyncio.run(accept_gap(consumer, raw, 12, 16))
    assert not hole_at_head(consumer, raw)
    assert consumer._new_offset(raw) == 19
    assert acknowledged(consumer, raw) == []


def test_a_partition_never_committed_is_read_from_its_start(tmp_path: Path) -> None:
    from faust.types import TP

    raw = TP("news.raw", 0)
    consumer = _consumer(tmp_path, {"news.raw"})
    consumer._acked[raw] = [5, 6]  # 0-4 never handled, nothing committed yet: faust would commit 7
    assert hole_at_head(consumer, raw)
    assert consumer._new_offset(raw) is None
    consumer._acked[raw] = [0, 1]
    assert consumer._new_offset(raw) == 2
