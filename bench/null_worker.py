"""A newswatch worker whose stages do nothing: the framework's own cost per article.

The same App, topics, table, transport settings, agent loop (``run_stage``: skip guard,
metrics, dead-letter routing) and the two agents' shape, but each step passes the
record it read on unchanged: news.raw → news.clean, news.tagged (the side outputs) and
news.alert-candidates; news.alert-candidates → news.alerts. What a backlog costs this
worker is faust's and aiokafka's per-record work on two hops, with no stage in it.

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19392 python bench/drain.py --null

(drain.py starts this file in place of ``newswatch worker``; run by hand it takes the
worker's settings from the environment.)
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams import cli
from streams.runtime import agents
from streams.runtime.app import Newswatch
from streams.runtime.skips import SkipGuard


def attach_passthrough(nw: Newswatch) -> None:
    topics, guard = nw.topics, SkipGuard(nw.app, nw.topics.inputs())

    async def send(topic: Any, key: bytes, value: bytes | None) -> Any:
        return await topic.send(key=key, value=value)

    def forward(*targets: Any) -> agents.Stage:
        def step(key: bytes | None, value: bytes, timestamp: float | None) -> Iterable[agents.Output]:
            for target in targets:
                yield target, key or b"", value
        return step

    for name, first, source, targets in (
            ("process", "clean", topics.raw, (topics.clean, topics.tagged, topics.candidates)),
            ("settle", "settle", topics.candidates, (topics.alerts,))):
        nw.app.agent(source, name=name)(agents._agent(first, nw, forward(*targets), send, guard))


if __name__ == "__main__":
    agents.attach = attach_passthrough  # cli's worker command looks it up when it starts
    sys.exit(cli.main(["worker", *sys.argv[1:]]))
