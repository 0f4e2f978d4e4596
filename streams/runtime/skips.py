"""Guard against records faust skips while partitions move between workers.

faust-streaming can drop records it has already fetched when a rebalance and its
seek to the committed offsets race with the fetcher (faust-streaming issues #216 and
#221). The records are never handed to the agent, and faust may then count them as a
gap and commit past them: the killed-worker integration test lost articles this way
(``news.raw[1]`` offsets 23-24 never cleaned while the group had committed 28).

Every agent reads its partitions in order, so a record whose offset is beyond the next
one expected shows the skip. The guard then seeks the partition back to the first
missing offset: faust reads the records again and the agent handles them; the ones it
had already handled come again too, which settling by alert id makes harmless. A hole
still open :data:`RETRY_AFTER` seconds later (the re-read raced the fetcher too) is
sought again, up to :data:`MAX_SEEKS` times. When the re-read brings again a record from
beyond the hole but not the hole itself, a hole of :data:`MARKER_HOLE` offsets or fewer holds no
records (the commit markers of a transactional producer, such as `newswatch ingest`'s) and is let
through at once; a wider one is let through only after every seek passed over it.

The same race has also left a worker with every partition assigned and nothing read
after a rebalance (the killed-worker test again: no record handled for 140 s while the
partitions had records waiting). :meth:`SkipGuard.watch` runs every
:data:`WATCH_INTERVAL` seconds: when the worker has handled no record at all for
:data:`STALL_AFTER` seconds, a partition with records waiting is resumed and sought to
where its agent stopped. Slow is not stuck: a record that takes long (or other partitions
being handled first) keeps the worker's progress fresh, since progress counts when a
record is finished (:meth:`SkipGuard.done`) as well as when it starts, so nothing is
re-read (and so duplicated) because it waited its turn.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from streams.runtime.faust_internals import (
    accept_gap,
    acknowledged,
    commit_base,
    committed_offsets,
    hole_at_head,
    recovery_report,
    recovery_rewind,
    recovery_stalled_for,
)
from streams.runtime.lag import read_positions

log = logging.getLogger("newswatch.skips")

RETRY_AFTER = 2.0  # seconds before a hole still open is sought again
MAX_SEEKS = 5  # seeks per hole
MARKER_HOLE = 2  # offsets a hole of transaction markers spans at most (a commit, perhaps after an abort)
WATCH_INTERVAL = 5.0  # seconds between stall checks
STALL_AFTER = 15.0  # seconds without a record handled, with records waiting, that make a stall


class SkipGuard:
    """The next offset expected per topic partition, for every agent of one worker."""

    def __init__(self, app: Any, sources: set[str] | None = None) -> None:
        self.app = app
        self.sources = sources or set()  # the topics the agents read (for the stall watch)
        self.expected: dict[Any, int] = {}
        self.progress: dict[Any, float] = {}  # when a record of the partition was last handled
        self.last_any = float("-inf")  # when the worker last started or finished any record
        # hole -> (seeks, last seek, the highest offset already handled beyond the hole when sought)
        self.sought: dict[tuple[Any, int], tuple[int, float, int]] = {}
        self.holes: dict[Any, tuple[int, int]] = {}  # tp -> (committed offset of its hole, seeks)
        self.clock = time.monotonic
        self.since = self.clock()  # the last rebalance

        @app.on_partitions_revoked.connect  # type: ignore[untyped-decorator]
        async def forget(sender: Any, revoked: Any, **_: Any) -> None:
            # after a rebalance faust starts again from the committed offsets
            self.expected.clear()
            self.sought.clear()
            self.holes.clear()
            self.progress.clear()
            self.since = self.clock()

        self._forget = forget  # the signal keeps a weak reference
        if self.sources:
            app.timer(interval=WATCH_INTERVAL, name="stall_watch")(self.watch)

    def _start(self, tp: Any, offset: int) -> int:
        # Where faust sought the partition to when it was assigned (the group's committed offset).
        committed = committed_offsets(self.app.consumer).get(tp)
        return int(committed) if committed is not None and committed <= offset else offset

    def done(self, tp: Any) -> None:
        """A record of ``tp`` is finished: the partition and the worker are moving."""
        self.progress[tp] = self.last_any = self.clock()

    async def check(self, tp: Any, offset: int) -> None:
        self.progress[tp] = self.last_any = self.clock()
        expected = self.expected.get(tp)
        if expected is None:
            expected = self._start(tp, offset)
        if offset > expected:
            seeks, last, beyond = self.sought.get((tp, expected), (0, 0.0, -1))
            # A transaction leaves one marker (a commit or an abort) between record batches: a hole of a
            # marker or two that the re-read passes over is markers. A wider one is more likely records
            # the re-read skipped again (the same race): it is sought again, up to MAX_SEEKS times,
            # before it is let through (the settle agent lost four candidates at offsets 20-27 when an
            # 11-offset hole was taken for markers after one re-read).
            if seeks and offset <= beyond and (offset - expected <= MARKER_HOLE or seeks >= MAX_SEEKS):
                # The re-read from the hole came back past it: what lies there are no records (the
                # commit markers of a transactional producer such as `newswatch ingest`), so waiting
                # for them would only re-read the partition again and again.
                log.info("offsets %s-%s of %s[%s] hold no records (transaction markers); going on", expected,
                         offset - 1, tp.topic, tp.partition, extra={"topic": tp.topic, "partition": tp.partition,
                                                                     "offset": expected})
                await accept_gap(self.app.consumer, tp, expected, offset - 1)
                del self.sought[(tp, expected)]
                self.holes.pop(tp, None)
                self.expected[tp] = offset + 1
                return
            now = self.clock()
            if seeks < MAX_SEEKS and (seeks == 0 or now - last >= RETRY_AFTER):
                self.sought[(tp, expected)] = (seeks + 1, now, max(beyond, offset))
                log.warning("records %s-%s of %s[%s] were skipped; reading them again", expected, offset - 1,
                            tp.topic, tp.partition, extra={"topic": tp.topic, "partition": tp.partition,
                                                           "offset": expected})
                await self.app.consumer.seek(tp, expected)
            self.expected[tp] = expected  # stays at the hole until the records come again
        elif offset == expected:
            self.expected[tp] = offset + 1
        else:
            self.expected[tp] = expected  # a record again (a redelivery): nothing missing

    async def fill_holes(self) -> None:
        """Read again the records between a partition's committed offset and the lowest offset
        its agent has acknowledged, when that hole is there two watches in a row: faust will not
        commit past it (streams/faust_internals.py), so without this the partition's commits
        would wait for the next rebalance. A hole that :data:`MAX_SEEKS` seeks do not fill is
        real (transaction markers of a transactional producer) and is let through."""
        consumer = self.app.consumer
        for tp in sorted(consumer.assignment()):
            if tp.topic not in self.sources or not hole_at_head(consumer, tp):
                self.holes.pop(tp, None)
                continue
            committed = commit_base(consumer, tp)
            first = min(acknowledged(consumer, tp))
            seen, seeks = self.holes.get(tp, (None, 0))
            if seen != committed:  # first sighting: the records may be in flight
                self.holes[tp] = (committed, 0)
                continue
            where = {"topic": tp.topic, "partition": tp.partition, "offset": committed}
            if seeks >= MAX_SEEKS:
                log.warning("records %s-%s of %s[%s] did not come again after %s seeks: a real gap, let through",
                            committed, first - 1, tp.topic, tp.partition, seeks, extra=where)
                await accept_gap(consumer, tp, committed, first - 1)
                self.holes.pop(tp, None)
                continue
            self.holes[tp] = (committed, seeks + 1)
            log.warning("records %s-%s of %s[%s] were never handled; reading them again", committed, first - 1,
                        tp.topic, tp.partition, extra=where)
            self.expected[tp] = committed
            # the first record handled beyond the hole coming again shows the re-read passed it (check)
            self.sought[(tp, committed)] = (seeks + 1, self.clock(), first)
            await consumer.seek(tp, committed)

    async def watch(self) -> None:
        """Resume and seek a partition that has records waiting and has handled none for a while."""
        app = self.app
        if getattr(app, "rebalancing", False):
            for tp, first, position in await recovery_rewind(app):
                log.warning("changelog records %s-%s of %s[%s] were taken by faust's fetcher but never reached the "
                            "table recovery; reading them again", first, position - 1, tp.topic, tp.partition,
                            extra={"topic": tp.topic, "partition": tp.partition, "offset": first})
            stalled = recovery_stalled_for(app)
            if stalled >= STALL_AFTER:
                log.warning("table recovery has read no changelog record for %.0f s:\n%s", stalled,
                            await recovery_report(app))
            return
        await self.fill_holes()
        now = self.clock()
        if now - max(self.last_any, self.since) < STALL_AFTER:
            return  # the worker handles records: a partition waiting its turn is slow, not stuck
        consumer = app.consumer
        tps, ends, starts = await read_positions(consumer, self.sources)
        for tp in tps:
            at, end = self.expected.get(tp, starts.get(tp)), ends.get(tp)
            if at is None or end is None or end <= at or now - self.progress.get(tp, self.since) < STALL_AFTER:
                continue
            log.warning("%s[%s] has %s records waiting and handled none for %.0f s; resuming it at %s",
                        tp.topic, tp.partition, end - at, now - self.progress.get(tp, self.since), at,
                        extra={"topic": tp.topic, "partition": tp.partition, "offset": at})
            self.progress[tp] = now  # not again before STALL_AFTER
            consumer.resume_partitions({tp})
            await consumer.seek(tp, at)
