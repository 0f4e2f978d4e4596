"""faust's aiokafka transport with the worker consumer's fetch wait set by newswatch.

faust builds its worker consumer with ``fetch_max_wait_ms=1500``, fixed. aiokafka leaves
out of a fetch request every partition whose records are still buffered, so records that
reach such a partition meanwhile wait for the request in flight to come back: up to 1.5 s
when the partitions it asked for stay empty. A worker's agents feed each other, so this
stalls the later stages behind the earlier ones. Measured on a 2,000-article backlog (one
worker, warm local broker): the last alert came 7.4-7.5 s after the first produce with
1,500 ms and 4.5-5.9 s with 10 ms, for the same CPU per article (BENCHMARKS.md).

Only the two fetch settings change, and one shutdown fault is caught (below); everything
else is faust's driver as it is.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import faust
from faust.transport.drivers import aiokafka as driver

log = logging.getLogger("newswatch.transport")


class ConsumerThread(driver.AIOKafkaConsumerThread):
    async def on_thread_stop(self) -> None:
        try:
            await super().on_thread_stop()
        except asyncio.CancelledError:
            # With the broker gone, aiokafka's Fetcher.close() cancels a fetch that is backing
            # off after a failed request, and its CancelledError escapes consumer.stop(). The
            # consumer thread then died before it reported stopped, and the worker waited for
            # it for ever: SIGTERM did nothing. The thread is stopping anyway: let it finish.
            log.warning("consumer stopped while the broker was unreachable")

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        app = self.app
        # aiokafka keeps its constructor arguments in these attributes and hands them to its
        # Fetcher on start(); tests/unit/test_transport.py fails if that ever changes.
        consumer._fetch_max_wait_ms = getattr(app, "fetch_max_wait_ms", consumer._fetch_max_wait_ms)
        consumer._fetch_min_bytes = getattr(app, "fetch_min_bytes", consumer._fetch_min_bytes)
        return consumer


class Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(driver.Transport):
    Consumer = Consumer


class App(faust.App):
    """A faust App whose stream consumer fetches with newswatch's wait and size."""

    def __init__(self, *args: Any, fetch_max_wait_ms: int = 1500, fetch_min_bytes: int = 1, **kwargs: Any) -> None:
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self.fetch_min_bytes = fetch_min_bytes
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> Any:
        return Transport(self.conf.broker_consumer, self, loop=self.loop)
