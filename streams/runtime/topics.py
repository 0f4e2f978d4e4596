"""Declaring the topics before anything produces to them.

A producer that writes to a topic the cluster does not know waits for metadata until
its request times out (and a broker with auto-creation makes a one-partition topic
without compaction), so the worker, the replayer and the tests create every topic
first, with its partitions and configuration."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from streams.kafka import COMPACTED, STATE_TOPICS, TOPICS, kafka_client_options
from streams.settings import Settings


async def ensure_topics(settings: Settings, names: tuple[str, ...] = TOPICS) -> list[str]:
    """Create the missing topics; the names created. The alert-state table's changelog is left
    to faust, which creates it with the settings its table needs. (Creating it here seemed to make
    the kill-a-worker test lose articles; the cause was faust's rebalance race: streams/runtime/skips.py.)"""
    full = {settings.topic(n): n in COMPACTED or n in STATE_TOPICS for n in names}
    admin = AIOKafkaAdminClient(**kafka_client_options(settings))
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name, settings.partitions, settings.replication,
                     topic_configs={"cleanup.policy": "compact"} if compact else {})
            for name, compact in full.items() if name not in existing
        ]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass  # another worker won the race
        return [t.name for t in wanted]
    finally:
        await admin.close()
