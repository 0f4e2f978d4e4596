"""Consumer lag: where the worker's group stands on each of its input partitions, read by
the ``consumer_lag`` timer (streams/runtime/app.py) for the lag metrics and by the skip
guard (streams/runtime/skips.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from streams.runtime.faust_internals import committed_offsets


async def read_positions(consumer: Any, sources: set[str]) -> tuple[list[Any], Mapping[Any, int], dict[Any, int]]:
    """The worker's partitions of ``sources``, their end offsets, and where the group stands on
    each: the committed offset, or the earliest offset for a partition never committed (where
    faust starts)."""
    tps = sorted(tp for tp in consumer.assignment() if tp.topic in sources)
    if not tps:
        return [], {}, {}
    ends = await consumer.highwaters(*tps)
    committed = committed_offsets(consumer)
    starts = {tp: offset for tp in tps if (offset := committed.get(tp)) is not None}
    never = [tp for tp in tps if tp not in starts]
    if never:
        starts.update(await consumer.earliest_offsets(*never))
    return tps, ends, starts


def lag_rows(tps: Iterable[Any], ends: Mapping[Any, int],
             starts: Mapping[Any, int]) -> Iterable[tuple[str, int, int, int]]:
    for tp in tps:
        end = ends.get(tp)
        if end is None:
            continue
        yield tp.topic, tp.partition, end, max(end - starts.get(tp, 0), 0)
