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
from streams.runtime.faust_internals import SWITCHED_OFF, App, committed_offsets, monitor, set_current_event


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
