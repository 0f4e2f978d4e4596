"""SkipGuard (streams/runtime/skips.py): a record beyond the next offset expected seeks back once."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from intervaltree import IntervalTree

from streams.runtime.skips import SkipGuard


class TP(NamedTuple):
    topic: str
    partition: int


class Signal:
    def __init__(self) -> None:
        self.receivers: list[Callable[..., Awaitable[None]]] = []

    def connect(self, fn: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        self.receivers.append(fn)
        return fn


class Consumer:
    def __init__(self, committed: dict[TP, int]) -> None:
        self._committed_offset = committed
        self._acked: dict[TP, list[int]] = {}  # as faust keeps them: acknowledged, not yet committed
        self._gap: dict[TP, Any] = defaultdict(IntervalTree)  # faust's own types
        self.seeks: list[tuple[TP, int]] = []

    def assignment(self) -> set[TP]:
        return set(self._committed_offset)

    async def seek(self, tp: TP, offset: int) -> None:
        self.seeks.append((tp, offset))


class App:
    def __init__(self, committed: dict[TP, int]) -> None:
        self.consumer = Consumer(committed)
        self.on_partitions_revoked = Signal()


RAW1 = TP("news.raw", 1)


def _feed(guard: SkipGuard, offsets: list[int]) -> None:
    async def run() -> None:
        for offset in offsets:
            await guard.check(RAW1, offset)

    asyncio.run(run())


def test_records_in_order_from_the_committed_offset_seek_nothing() -> None:
    app = App({RAW1: 14})
    _feed(SkipGuard(app), list(range(14, 30)))
    assert app.consumer.seeks == []


def test_a_first_record_beyond_the_committed_offset_seeks_back_to_it() -> None:
    app = App({RAW1: 33})
    guard = SkipGuard(app)
    _feed(guard, [36, 37, 38])  # 33-35 were fetched and dropped during the rebalance
    assert app.consumer.seeks == [(RAW1, 33)]
    _feed(guard, [33, 34, 35, 36, 37, 38, 39])  # read again: nothing more to seek
    assert app.consumer.seeks == [(RAW1, 33)]
    assert guard.expected[RAW1] == 40


def test_a_hole_mid_stream_seeks_once_and_a_later_hole_again() -> None:
    app = App({})  # never committed: the first record sets the start
    guard = SkipGuard(app)
    _feed(guard, [14, 15, 16, 17, 18, 19, 20, 21, 22, 25, 26, 27])  # 23-24 skipped
    assert app.consumer.seeks == [(RAW1, 23)]
    _feed(guard, [23, 24, 25, 26, 27, 28, 31])  # the re-read, then another hole
    assert app.consumer.seeks == [(RAW1, 23), (RAW1, 29)]


def test_redelivered_records_are_not_holes_and_a_rebalance_starts_over() -> None:
    app = App({RAW1: 10})
    guard = SkipGuard(app)
    _feed(guard, [10, 11, 12, 10, 11, 12, 13])
    assert app.consumer.seeks == []
    async def revoke() -> None:
        for receiver in app.on_partitions_revoked.receivers:
            await receiver(app, revoked={RAW1})

    asyncio.run(revoke())
    app.consumer._committed_offset[RAW1] = 20
    _feed(guard, [20, 21])
    assert app.consumer.seeks == [] and guard.expected[RAW1] == 22


def test_a_hole_still_open_is_sought_again_later_a_bounded_number_of_times() -> None:
    app = App({RAW1: 5})
    guard = SkipGuard(app)
    now = [100.0]
    guard.clock = lambda: now[0]
    _feed(guard, [8, 9])  # 5-7 missing: one seek at once, none while the re-read may be on its way
    assert app.consumer.seeks == [(RAW1, 5)]
    for n in range(10):  # the re-reads never come (the race again), newer records do: a few more tries
        now[0] += 2.5
        _feed(guard, [10 + n])
    assert app.consumer.seeks == [(RAW1, 5)] * 5


class WatchedConsumer(Consumer):
    def __init__(self, committed: dict[TP, int], ends: dict[TP, int], earliest: dict[TP, int]) -> None:
        super().__init__(committed)
        self.ends, self.earliest = ends, earliest
        self.resumed: list[TP] = []

    def assignment(self) -> set[TP]:
        return set(self.ends) | {TP("newswatch-alert-state-changelog", 0)}

    async def highwaters(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.ends[tp] for tp in tps}

    async def earliest_offsets(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.earliest[tp] for tp in tps}

    def resume_partitions(self, tps: set[TP]) -> None:
        self.resumed.extend(tps)


def test_a_partition_with_records_waiting_and_none_handled_is_resumed_and_sought() -> None:
    raw2, clean1 = TP("news.raw", 2), TP("news.clean", 1)
    app = App({})
    app.consumer = WatchedConsumer({RAW1: 14}, {RAW1: 28, raw2: 43, clean1: 5}, {raw2: 0, clean1: 5})
    timers: list[Callable[[], Awaitable[None]]] = []
    def timer(**_: object) -> Callable[[Callable[[], Awaitable[None]]], Callable[[], Awaitable[None]]]:
        def register(fn: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
            timers.append(fn)
            return fn
        return register

    app.timer = timer  # type: ignore[attr-defined]
    guard = SkipGuard(app, {"news.raw", "news.clean"})
    assert timers == [guard.watch]
    now = [1000.0]
    guard.clock = lambda: now[0]
    guard.since = now[0]
    _feed(guard, [14, 15, 16])  # raw[1] moves
    asyncio.run(guard.watch())
    assert app.consumer.seeks == []  # not yet: 15 s without a record make a stall
    now[0] += 20
    asyncio.run(guard.watch())
    # raw[1] stopped at 17 with records up to 27 waiting; raw[2] never read, never committed;
    # clean[1] has nothing waiting
    assert sorted(app.consumer.seeks) == [(RAW1, 17), (raw2, 0)]
    assert sorted(app.consumer.resumed) == [RAW1, raw2]
    asyncio.run(guard.watch())
    assert len(app.consumer.seeks) == 2  # not again before another 15 s


def test_a_slow_record_is_not_a_stall_and_nothing_is_read_again() -> None:
    """One record that takes longer than STALL_AFTER (or partitions waiting their turn behind
    others) must not be sought back: that re-reads and so duplicates what was handled."""
    raw2 = TP("news.raw", 2)
    app = App({})
    app.consumer = WatchedConsumer({RAW1: 14}, {RAW1: 28, raw2: 43}, {raw2: 0})
    app.timer = lambda **_: (lambda fn: fn)  # type: ignore[attr-defined]
    guard = SkipGuard(app, {"news.raw"})
    now = [1000.0]
    guard.clock = lambda: now[0]
    guard.since = now[0]
    _feed(guard, [14])
    now[0] += 60  # the record took a minute; raw[2] waited behind it
    guard.done(RAW1)
    asyncio.run(guard.watch())
    assert app.consumer.seeks == [] and app.consumer.resumed == []
    now[0] += 20  # then nothing at all for 20 s: that is a stall
    asyncio.run(guard.watch())
    assert sorted(app.consumer.seeks) == [(RAW1, 15), (raw2, 0)]


def test_a_hole_under_the_acknowledged_records_is_read_again_then_let_through_if_it_stays() -> None:
    from streams.runtime import skips

    app = App({RAW1: 12})
    app.consumer._acked[RAW1] = [17, 18, 19]  # 12-16 never handled: faust will not commit
    guard = SkipGuard(app)
    guard.sources = {"news.raw"}  # (no timer: the test calls the watch's step itself)

    def watch() -> None:
        asyncio.run(guard.fill_holes())

    watch()
    assert app.consumer.seeks == []  # first sighting: the records may still be on their way
    for n in range(1, skips.MAX_SEEKS + 1):
        watch()
        assert app.consumer.seeks == [(RAW1, 12)] * n
    assert not app.consumer._gap
    watch()  # still open after MAX_SEEKS seeks: a real hole, let through to faust's commit
    assert app.consumer.seeks == [(RAW1, 12)] * skips.MAX_SEEKS
    assert [(g.begin, g.end) for g in app.consumer._gap[RAW1]] == [(12, 17)]


def test_a_filled_hole_is_forgotten() -> None:
    app = App({RAW1: 12})
    app.consumer._acked[RAW1] = [17]
    guard = SkipGuard(app)
    guard.sources = {"news.raw"}
    asyncio.run(guard.fill_holes())
    app.consumer._acked[RAW1] = [12, 13, 14, 15, 16, 17]  # read again and handled
    asyncio.run(guard.fill_holes())
    assert guard.holes == {} and app.consumer.seeks == []


def test_a_re_read_that_passes_over_the_hole_lets_it_through_at_once() -> None:
    # 23 is a transaction's commit marker: the re-read from 23 brings 24 again, never 23
    app = App({RAW1: 20})
    guard = SkipGuard(app)
    _feed(guard, [20, 21, 22, 24, 25])
    assert app.consumer.seeks == [(RAW1, 23)]
    _feed(guard, [24, 25, 26])  # the re-read, past the marker
    assert app.consumer.seeks == [(RAW1, 23)]
    assert guard.expected[RAW1] == 27
    assert [(g.begin, g.end) for g in app.consumer._gap[RAW1]] == [(23, 24)]  # faust may commit past it
    _feed(guard, [27, 29])  # the next transaction's marker: sought once again
    assert app.consumer.seeks == [(RAW1, 23), (RAW1, 28)]


def test_a_hole_under_the_acknowledged_records_passed_over_by_the_re_read_is_let_through() -> None:
    app = App({RAW1: 12})
    app.consumer._acked[RAW1] = [13, 14]
    guard = SkipGuard(app)
    guard.sources = {"news.raw"}
    asyncio.run(guard.fill_holes())
    asyncio.run(guard.fill_holes())
    assert app.consumer.seeks == [(RAW1, 12)]
    _feed(guard, [13])  # the re-read starts past 12: a marker
    assert [(g.begin, g.end) for g in app.consumer._gap[RAW1]] == [(12, 13)]
    assert guard.expected[RAW1] == 14


def test_a_wide_hole_the_re_read_passes_over_is_sought_again_before_it_is_let_through() -> None:
    # 17-27 of a transactional topic: the re-read from 17 came back at 28 (the race again), while
    # records stood at 20, 22, 24 and 27; eleven offsets are no run of commit markers
    app = App({RAW1: 17})
    guard = SkipGuard(app)
    now = [100.0]
    guard.clock = lambda: now[0]
    _feed(guard, [28])
    assert app.consumer.seeks == [(RAW1, 17)]
    now[0] += 2.5
    _feed(guard, [28])  # the re-read passed over the hole: not yet taken for markers
    assert app.consumer.seeks == [(RAW1, 17)] * 2
    assert guard.expected[RAW1] == 17
    now[0] += 2.5
    _feed(guard, [17, 18, 19, 20])  # this time the records come
    assert guard.expected[RAW1] == 21
    assert not app.consumer._gap[RAW1]


def test_a_wide_hole_passed_over_on_every_seek_is_let_through_at_last() -> None:
    app = App({RAW1: 17})
    guard = SkipGuard(app)
    now = [100.0]
    guard.clock = lambda: now[0]
    for _ in range(6):
        _feed(guard, [28])
        now[0] += 2.5
    assert app.consumer.seeks == [(RAW1, 17)] * 5
    assert guard.expected[RAW1] == 29
    assert [(g.begin, g.end) for g in app.consumer._gap[RAW1]] == [(17, 28)]
