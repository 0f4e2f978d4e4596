"""The process hop on plain aiokafka (streams/runtime/hop.py) on a real broker: the upgrade from
the faust agent hands over its place on news.raw, and the new group commits what it handled."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson

from streams.kafka import process_group
from tests.conftest import FEED
from tests.integration.workers import Worker, article, consume, declare, produce, wait_caught_up


def _feed() -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in (FEED / "sample.jsonl").read_bytes().splitlines() if line.strip()]


def test_upgrading_from_the_faust_agent_loses_and_repeats_nothing(kafka_bootstrap: str, topic_prefix: str,
                                                                  tmp_path: Path) -> None:
    """A worker with the faust process agent (group = the app id) handles half the feed and stops;
    the upgraded worker's hop (group ``<app id>-process``, never committed) starts where faust's
    group stood: every article reaches news.tagged exactly once."""
    declare(kafka_bootstrap, topic_prefix)
    records = _feed()
    half = len(records) // 2
    raw, app_id = f"{topic_prefix}news.raw", f"{topic_prefix}newswatch"
    old = Worker(kafka_bootstrap, topic_prefix, tmp_path, "faust", extra_env={"NEWSWATCH_PROCESS_HOP": "faust"})
    old.start()
    try:
        produce(kafka_bootstrap, raw, [article(r) for r in records[:half]])
        wait_caught_up(kafka_bootstrap, app_id, [raw], 120)
    finally:
        old.stop()
    new = Worker(kafka_bootstrap, topic_prefix, tmp_path, "hop", extra_env={"NEWSWATCH_PROCESS_HOP": "aiokafka"})
    new.start()
    try:
        produce(kafka_bootstrap, raw, [article(r) for r in records[half:]])
        ids = {r["id"] for r in records}

        def done(ms: list[Any]) -> bool:
            return ids <= {m.key.decode() for m in ms}

        tagged = consume(kafka_bootstrap, [f"{topic_prefix}news.tagged"], done, 120)
        # The hop reads each partition in order: a repeat of the first half would come before the second.
        wait_caught_up(kafka_bootstrap, process_group(app_id), [raw], 60)
        counts = Counter(m.key.decode() for m in tagged)
        assert set(counts) == ids, new.tail()
        assert {k: n for k, n in counts.items() if n != 1} == {}, new.tail()
        assert "starts where faust's group" in new.log.read_text(), new.tail()
    finally:
        new.stop()
