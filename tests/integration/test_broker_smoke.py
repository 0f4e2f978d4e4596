"""The broker the integration tests get is a real Kafka: aiokafka and an outside client (kcat) agree."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections.abc import Callable

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tests.integration.harness import KafkaHarness

N = 100


def _records() -> dict[str, str]:
    # Non-ASCII on purpose: bytes must come back as they went in.
    return {f"a{i:03d}": f'{{"n": {i}, "title": "Jerman memperingatkan eskalasi #{i} — Đức"}}' for i in range(N)}


async def _produce(bootstrap: str, topic: str, records: dict[str, str]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        futures = [await producer.send(topic, v.encode(), key=k.encode()) for k, v in records.items()]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def _consume(
    bootstrap: str, topic: str, group: str, expected: int, timeout: float = 30.0
) -> list[tuple[int, str, str]]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    got: list[tuple[int, str, str]] = []
    try:
        deadline = time.monotonic() + timeout
        while len(got) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for tp, messages in batch.items():
                got += [(tp.partition, m.key.decode(), m.value.decode()) for m in messages if m.key and m.value]
        # Nothing more arrives: the topic holds exactly what was sent.
        extra = await consumer.getmany(timeout_ms=500)
        got += [
            (tp.partition, m.key.decode(), m.value.decode())
            for tp, ms in extra.items()
            for m in ms
            if m.key and m.value
        ]
    finally:
        await consumer.stop()
    return got


def test_aiokafka_round_trip(kafka_bootstrap: str, topic_prefix: str, make_topics: Callable[..., None]) -> None:
    topic = f"{topic_prefix}smoke"
    make_topics([topic], partitions=3)
    records = _records()
    asyncio.run(_produce(kafka_bootstrap, topic, records))

    got = asyncio.run(_consume(kafka_bootstrap, topic, f"{topic_prefix}reader", N))

    assert len(got) == N
    assert {k: v for _, k, v in got} == records
    assert {p for p, _, _ in got} == {0, 1, 2}, "keys are spread over the three partitions"


def test_kcat_reads_what_aiokafka_wrote(
    kafka_bootstrap: str, topic_prefix: str, make_topics: Callable[..., None]
) -> None:
    kcat = shutil.which("kcat")
    if kcat is None:
        if os.environ.get("CI") == "true":
            pytest.fail("kcat is not installed (Debian package kcat; .ci/setup-system installs it)")
        pytest.skip("kcat is not installed (apt-get install kcat)")
    topic = f"{topic_prefix}smoke-kcat"
    make_topics([topic], partitions=3)
    records = _records()
    asyncio.run(_produce(kafka_bootstrap, topic, records))

    plain = subprocess.run(
        [kcat, "-b", kafka_bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q"],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    lines = plain.stdout.decode().splitlines()
    assert len(lines) == N
    assert sorted(lines) == sorted(records.values())

    keyed = subprocess.run(
        [kcat, "-b", kafka_bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n"],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    pairs = dict(line.split("\t", 1) for line in keyed.stdout.decode().splitlines())
    assert pairs == records


def test_records_survive_a_broker_restart(
    kafka_harness: KafkaHarness, topic_prefix: str, make_topics: Callable[..., None]
) -> None:
    if kafka_harness.path.startswith("existing cluster"):
        pytest.skip("the harness does not restart a cluster it did not start")
    bootstrap = kafka_harness.bootstrap
    topic = f"{topic_prefix}restart"
    make_topics([topic], partitions=3)
    records = _records()
    first, second = dict(list(records.items())[: N // 2]), dict(list(records.items())[N // 2 :])
    asyncio.run(_produce(bootstrap, topic, first))

    kafka_harness.restart_broker()
    asyncio.run(_produce(bootstrap, topic, second))

    got = asyncio.run(_consume(bootstrap, topic, f"{topic_prefix}reader", N))
    assert {k: v for _, k, v in got} == records
    assert len(got) == N
