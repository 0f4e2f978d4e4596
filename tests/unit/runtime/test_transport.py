"""The worker's consumer gets newswatch's fetch settings (streams/runtime/faust_internals.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiokafka import AIOKafkaConsumer

from streams.runtime.faust_internals import App, Consumer, ConsumerThread
from streams.settings import Settings


def test_aiokafka_still_keeps_the_fetch_settings_where_the_transport_sets_them() -> None:
    async def make() -> AIOKafkaConsumer:
        return AIOKafkaConsumer(bootstrap_servers="127.0.0.1:1", fetch_max_wait_ms=7, fetch_min_bytes=3)

    consumer = asyncio.run(make())
    assert (consumer._fetch_max_wait_ms, consumer._fetch_min_bytes) == (7, 3)


def test_the_worker_consumer_is_built_with_the_configured_fetch_wait(tmp_path: Path) -> None:
    settings = Settings(bootstrap_servers="127.0.0.1:1", data_dir=tmp_path, fetch_max_wait_ms=12, fetch_min_bytes=4096)

    async def build() -> AIOKafkaConsumer:
        app = App("nw-transport-test", broker=f"kafka://{settings.bootstrap_servers}", datadir=str(tmp_path),
                  fetch_max_wait_ms=settings.fetch_max_wait_ms, fetch_min_bytes=settings.fetch_min_bytes)
        worker_consumer = app.consumer
        assert isinstance(worker_consumer, Consumer)
        thread = worker_consumer._thread
        assert isinstance(thread, ConsumerThread)
        consumer: AIOKafkaConsumer = thread._create_worker_consumer(app.transport)
        return consumer

    consumer = asyncio.run(build())
    assert (consumer._fetch_max_wait_ms, consumer._fetch_min_bytes) == (12, 4096)
    assert consumer._group_id == "nw-transport-test"  # still faust's worker consumer otherwise
