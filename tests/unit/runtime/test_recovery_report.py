"""The stuck-recovery report (streams/runtime/app.py) reads faust's recovery and consumer state
through private names: run against the real library so a rename fails here, not silently
in a worker's log when it is needed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, cast

from faust.types import TP

from streams.runtime.faust_internals import App, recovery_report, recovery_stalled_for


def test_recovery_report_reads_the_real_faust_state(tmp_path: Path) -> None:
    async def report() -> tuple[float, float, str]:
        app = App("nw-recovery-test", broker="kafka://127.0.0.1:1", datadir=str(tmp_path))
        recovery = cast(Any, app.tables).recovery  # TableManager, typed as its interface
        idle = recovery_stalled_for(app)
        tp = TP("nw-recovery-test-state-changelog", 0)
        recovery._set_recovery_started()
        recovery._recovery_started_at = time.monotonic() - 30  # under way for 30 s, nothing read
        recovery.active_highwaters[tp] = 41
        recovery.active_offsets[tp] = 3
        stalled = recovery_stalled_for(app)
        text = await recovery_report(app)
        recovery._active_events_received_at[tp] = time.monotonic()  # one record read: not stalled
        assert recovery_stalled_for(app) == 0.0
        return idle, stalled, text

    idle, stalled, text = asyncio.run(report())
    assert idle == 0.0
    assert 29 < stalled < 60
    assert "flow_active=" in text and "fetcher=" in text
    assert "nw-recovery-test-state-changelog[0] remaining=38 target=41 read=3" in text


def test_recovery_rewind_seeks_back_what_the_fetcher_took_and_never_handed_over(tmp_path: Path) -> None:
    from streams.runtime.faust_internals import RECOVERY_REWIND_AFTER, recovery_rewind

    async def rewind() -> tuple[list[Any], list[tuple[Any, int]]]:
        app = App("nw-rewind-test", broker="kafka://127.0.0.1:1", datadir=str(tmp_path))
        recovery = cast(Any, app.tables).recovery
        taken, fresh, done = (TP("nw-rewind-test-state-changelog", p) for p in range(3))
        recovery._set_recovery_started()
        recovery._recovery_started_at = time.monotonic() - RECOVERY_REWIND_AFTER - 1
        for tp, target, read in ((taken, 26, -1), (fresh, 9, 4), (done, 5, 5)):
            recovery.active_highwaters[tp] = target
            recovery.active_offsets[tp] = read
        recovery._active_events_received_at[fresh] = time.monotonic()  # reading: left alone
        positions = {taken: 27, fresh: 10, done: 6}
        sought: list[tuple[Any, int]] = []

        async def position(tp: Any) -> int:
            return positions[tp]

        async def seek(tp: Any, offset: int) -> None:
            sought.append((tp, offset))

        app.consumer.position = position  # type: ignore[method-assign]
        app.consumer.seek = seek  # type: ignore[method-assign,assignment]
        return await recovery_rewind(app), sought

    rewound, sought = asyncio.run(rewind())
    tp0 = TP("nw-rewind-test-state-changelog", 0)
    assert sought == [(tp0, 0)]  # taken up to its end, nothing applied: read again from the start
    assert rewound == [(tp0, 0, 27)]
