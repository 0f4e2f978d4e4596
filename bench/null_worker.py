"""A newswatch worker whose stages do nothing: the framework's own cost per article.

The same App, topics, table, transport settings, hops (the process hop of
streams/runtime/hop.py, or faust's agent with ``NEWSWATCH_PROCESS_HOP=faust``; the settle
agent's ``run_stage``: skip guard, metrics, dead-letter routing), but each step passes the
record it read on unchanged: news.raw → news.clean, news.tagged (the side outputs) and
news.alert-candidates; news.alert-candidates → news.alerts. What a backlog costs this
worker is the framework's per-record work on two hops, with no stage in it.

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
from streams.runtime.agents import attach
from streams.runtime.app import Newswatch


def attach_passthrough(nw: Newswatch, process: agents.Stage | None = None,
                       settle_with: agents.Stage | None = None) -> None:
    topics = nw.topics

    def forward(*targets: Any) -> agents.Stage:
        def step(key: bytes | None, value: bytes, timestamp: float | None) -> Iterable[agents.Output]:
            for target in targets:
                yield target, key or b"", value
        return step

    # the worker's own attach: the process hop (aiokafka, or faust with NEWSWATCH_PROCESS_HOP=faust)
    # and the settle agent, with steps that pass the record on
    attach(nw, forward(topics.clean, topics.tagged, topics.candidates), forward(topics.alerts))


if __name__ == "__main__":
    agents.attach = attach_passthrough  # cli's worker command looks it up when it starts
    sys.exit(cli.main(["worker", *sys.argv[1:]]))
