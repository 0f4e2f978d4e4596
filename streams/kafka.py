"""Kafka connection options and topic names, for every client newswatch runs.

The worker (faust), `newswatch run`, `replay`, `archive`, topic creation and the tests all
connect through here: the bootstrap servers and the SASL/TLS settings passed through from the
environment (``KAFKA_*``, checked in :mod:`streams.settings`), and the pipeline's topic names
(``Settings.topic`` adds the ``NEWSWATCH_TOPIC_PREFIX``).

This module does not import faust, so the commands that need no worker do not load it
(about half a second); only :func:`credentials`, which the worker alone calls, imports it.
"""

from __future__ import annotations

import ssl
from typing import Any

from streams.settings import Settings

RAW = "news.raw"
CLEAN = "news.clean"
TAGGED = "news.tagged"
CANDIDATES = "news.alert-candidates"  # internal: statements re-keyed by the alert state they update
ALERTS = "news.alerts"
DEADLETTER = "news.deadletter"

TOPICS = (RAW, CLEAN, TAGGED, CANDIDATES, ALERTS, DEADLETTER)
COMPACTED = frozenset({ALERTS})  # keyed by alert id: the latest state of an alert is what matters

# The edges' own state, compacted (the latest marker per key is all that matters); created by
# `newswatch ingest` and `newswatch notify`, not by the worker.
INGEST_SEEN = "news.ingest-seen"  # key: "url:<canonical URL>" or "guid:<source>:<guid>"; value: what was emitted
NOTIFY_DELIVERED = "news.notify-delivered"  # key: "<subscription>|<destination>|<alert id>"; value: what was sent
STATE_TOPICS = frozenset({INGEST_SEEN, NOTIFY_DELIVERED})


def process_group(app_id: str) -> str:
    """The consumer group of the process hop (streams/runtime/hop.py), which reads news.raw;
    faust's group, the app id itself, reads news.alert-candidates (settle)."""
    return f"{app_id}-process"


def _sasl(settings: Settings) -> bool:
    return settings.security_protocol.upper().startswith("SASL")


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """The TLS context for ``KAFKA_SECURITY_PROTOCOL`` SSL or SASL_SSL (with ``KAFKA_SSL_CAFILE``
    and an optional client certificate), else ``None``."""
    if settings.security_protocol.upper() not in ("SSL", "SASL_SSL"):
        return None
    context = ssl.create_default_context(cafile=settings.ssl_cafile or None)
    if settings.ssl_certfile:
        context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile or None)
    return context


def kafka_client_options(settings: Settings) -> dict[str, Any]:
    """Connection options for plain aiokafka clients (admin, producers, consumers)."""
    options: dict[str, Any] = {"bootstrap_servers": settings.bootstrap_servers,
                               "security_protocol": settings.security_protocol.upper()}
    context = ssl_context(settings)
    if _sasl(settings):
        options.update(sasl_mechanism=settings.sasl_mechanism, sasl_plain_username=settings.sasl_username,
                       sasl_plain_password=settings.sasl_password, ssl_context=context)
    elif context is not None:
        options["ssl_context"] = context
    return options


def credentials(settings: Settings) -> Any:
    """The same settings as faust's ``broker_credentials``: ``faust.SASLCredentials`` for SASL,
    else the TLS context or ``None``. The worker's alone, so faust is imported here, not above."""
    context = ssl_context(settings)
    if _sasl(settings):
        from faust import SASLCredentials

        return SASLCredentials(username=settings.sasl_username, password=settings.sasl_password,
                               mechanism=settings.sasl_mechanism, ssl_context=context)
    return context
