"""Every setting newswatch reads from the environment, in one place.

Names are ``NEWSWATCH_*`` (plus the conventional ``KAFKA_*`` for the cluster), so a
stray variable of another tool cannot change behaviour; faust itself reads only
variables with the ``NEWSWATCH_FAUST_`` prefix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _number(name: str, default: float, cast: type, what: str) -> Any:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return cast(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not {what}; unset it or give e.g. {name}={default}") from None


def _int(name: str, default: int) -> int:
    value: int = _number(name, default, int, "a whole number")
    return value


def _float(name: str, default: float) -> float:
    value: float = _number(name, default, float, "a number")
    return value


def _time(name: str, default: str) -> str:
    from streams.timestamps import parse

    raw = _env(name, "") or default
    if parse(raw) is None:
        raise SystemExit(f"{name}={raw!r} is not an RFC 3339 time with an offset; give e.g. {name}={default}")
    return raw


@dataclass(frozen=True, slots=True)
class Settings:
    cache_dir: Path = field(
        default_factory=lambda: Path(_env("NEWSWATCH_CACHE_DIR", str(Path.home() / ".cache" / "newswatch")))
    )
    # Extra rule files or folders (os.pathsep-separated) loaded after the shipped defaults.
    rules_path: str = field(default_factory=lambda: _env("NEWSWATCH_RULES", ""))
    # Extra knowledge-base folders whose people/countries files extend the shipped ones.
    kb_path: str = field(default_factory=lambda: _env("NEWSWATCH_KB", ""))
    max_article_chars: int = field(default_factory=lambda: _int("NEWSWATCH_MAX_ARTICLE_CHARS", 200_000))
    # Reliability: CPU seconds one article may spend in the clean (and then the tag) stage before it
    # is dead-lettered as `too_slow` instead of holding its partition (0 = no budget); the
    # plausible published_at range is [NEWSWATCH_EARLIEST_PUBLISHED, ingestion + NEWSWATCH_FUTURE_SLACK_HOURS].
    article_budget: float = field(default_factory=lambda: _float("NEWSWATCH_ARTICLE_BUDGET", 2.0))
    earliest_published: str = field(
        default_factory=lambda: _time("NEWSWATCH_EARLIEST_PUBLISHED", "1990-01-01T00:00:00Z")
    )
    future_slack_hours: float = field(default_factory=lambda: _float("NEWSWATCH_FUTURE_SLACK_HOURS", 24.0))

    # Kafka: an existing cluster, or the managed local broker's default address.
    bootstrap_servers: str = field(default_factory=lambda: _env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    security_protocol: str = field(default_factory=lambda: _env("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"))
    sasl_mechanism: str = field(default_factory=lambda: _env("KAFKA_SASL_MECHANISM", "PLAIN"))
    sasl_username: str = field(default_factory=lambda: _env("KAFKA_SASL_USERNAME", ""))
    sasl_password: str = field(default_factory=lambda: _env("KAFKA_SASL_PASSWORD", ""))
    ssl_cafile: str = field(default_factory=lambda: _env("KAFKA_SSL_CAFILE", ""))
    ssl_certfile: str = field(default_factory=lambda: _env("KAFKA_SSL_CERTFILE", ""))
    ssl_keyfile: str = field(default_factory=lambda: _env("KAFKA_SSL_KEYFILE", ""))

    # Topics and the worker.
    app_id: str = field(default_factory=lambda: _env("NEWSWATCH_APP_ID", "newswatch"))
    topic_prefix: str = field(default_factory=lambda: _env("NEWSWATCH_TOPIC_PREFIX", ""))
    partitions: int = field(default_factory=lambda: _int("NEWSWATCH_PARTITIONS", 3))
    replication: int = field(default_factory=lambda: _int("NEWSWATCH_REPLICATION", 1))
    batch_size: int = field(default_factory=lambda: _int("NEWSWATCH_BATCH_SIZE", 200))
    batch_wait: float = field(default_factory=lambda: _float("NEWSWATCH_BATCH_WAIT", 0.0))
    # Side outputs of the fused clean → tag → alert agent, for whoever taps them: off saves a
    # serialisation and a produce per article and stage, and nothing in newswatch reads them.
    write_clean: bool = field(default_factory=lambda: _env("NEWSWATCH_WRITE_CLEAN", "on").lower()
                              not in ("off", "0", "false"))
    write_tagged: bool = field(default_factory=lambda: _env("NEWSWATCH_WRITE_TAGGED", "on").lower()
                               not in ("off", "0", "false"))
    # What runs the stateless process hop (news.raw → clean → tag → alert): ``aiokafka``, a plain
    # consumer and producer loop (streams/runtime/hop.py, consumer group ``<app id>-process``), or
    # ``faust``, the agent of earlier releases (group ``<app id>``). BENCHMARKS.md, issue #12.
    process_hop: str = field(default_factory=lambda: _env("NEWSWATCH_PROCESS_HOP", "aiokafka").lower())
    # Seconds a process-hop batch may go without progress (a record handled, its deliveries
    # awaited, its commit done) before it is given up, logged, counted
    # (newswatch_process_hop_stalls) and read again from the committed offsets; 0 = no watch.
    # Above the longest one record may take (2 × NEWSWATCH_ARTICLE_BUDGET of CPU), below the
    # consumer's max poll interval (300 s), within which a rebalance waits for the batch.
    hop_stall_timeout: float = field(default_factory=lambda: _float("NEWSWATCH_HOP_STALL_TIMEOUT", 60.0))
    # Failed attempts in a row at one batch of the process hop (each read again after a backoff
    # doubling from 1 s to 30 s) after which outputs the broker still does not take for a passing
    # reason are given up to the dead-letter topic (kind ``undelivered``, the article's bytes kept
    # for a replay) instead of holding the partition; 0 = never (the partition waits, reported).
    hop_max_attempts: int = field(default_factory=lambda: _int("NEWSWATCH_HOP_MAX_ATTEMPTS", 8))
    # Where the process hop starts a partition of news.raw that neither its group nor faust's has
    # committed (a new deployment, a new app id, offsets expired): ``earliest``, ``latest``, or a
    # duration (``90s``, ``30m``, ``24h``, ``7d``): the first record with a Kafka timestamp that
    # recent, else the end. Decided once and committed at the first assignment. 7d is news.raw's
    # default retention: on such a topic nothing retained is passed over, and on one that keeps
    # years (retention.ms -1) a new group does not read years of news.
    hop_start_at: str = field(default_factory=lambda: _env("NEWSWATCH_HOP_START_AT", "earliest").strip().lower())
    fetch_max_wait_ms: int = field(default_factory=lambda: _int("NEWSWATCH_FETCH_MAX_WAIT_MS", 10))
    fetch_min_bytes: int = field(default_factory=lambda: _int("NEWSWATCH_FETCH_MIN_BYTES", 1))
    producer_linger_ms: float = field(default_factory=lambda: _float("NEWSWATCH_PRODUCER_LINGER_MS", 5.0))
    # The worker's event loop: uvloop (libuv) costs less per record than asyncio's own loop,
    # whose Python-level scheduling was a third of the framework's time (BENCHMARKS.md, issue #12).
    event_loop: str = field(default_factory=lambda: _env("NEWSWATCH_EVENT_LOOP", "uvloop"))
    # Failover: a dead worker's partitions move to the others after the session timeout
    # (faust's default is 60 s); heartbeats must come several times within it.
    session_timeout: float = field(default_factory=lambda: _float("NEWSWATCH_SESSION_TIMEOUT", 10.0))
    heartbeat_interval: float = field(default_factory=lambda: _float("NEWSWATCH_HEARTBEAT_INTERVAL", 2.0))
    web_bind: str = field(default_factory=lambda: _env("NEWSWATCH_WEB_BIND", "127.0.0.1"))
    web_port: int = field(default_factory=lambda: _int("NEWSWATCH_WEB_PORT", 6066))
    data_dir: Path = field(default_factory=lambda: Path(_env("NEWSWATCH_DATA_DIR", "")) if _env(
        "NEWSWATCH_DATA_DIR", "") else Path.home() / ".cache" / "newswatch" / "worker")

    # Observability: Prometheus metrics on the web port's /metrics (off only to measure their
    # cost), and the worker's log format (json lines, or text for a terminal).
    metrics: bool = field(default_factory=lambda: _env("NEWSWATCH_METRICS", "on").lower() not in ("off", "0", "false"))
    log_format: str = field(default_factory=lambda: _env("NEWSWATCH_LOG_FORMAT", "json"))

    # Archive and replay: where `newswatch archive` writes (and `replay` keeps its resume state
    # under <cache>/replay).
    archive_dir: Path = field(default_factory=lambda: _archive_dir())

    def __post_init__(self) -> None:
        problems = security_problems(self)
        if self.process_hop not in PROCESS_HOPS:
            problems.append(f"NEWSWATCH_PROCESS_HOP={self.process_hop!r} is not a process hop newswatch runs; "
                            f"use one of {', '.join(PROCESS_HOPS)}")
        if 0 < self.hop_stall_timeout <= 2 * self.article_budget:
            problems.append(f"NEWSWATCH_HOP_STALL_TIMEOUT={self.hop_stall_timeout:g} is within the time one article "
                            f"may take (2 × NEWSWATCH_ARTICLE_BUDGET={self.article_budget:g} s): a slow article "
                            "would be taken for a stall and its batch read again forever; give more, or 0 (no watch)")
        if self.hop_max_attempts < 0:
            problems.append(f"NEWSWATCH_HOP_MAX_ATTEMPTS={self.hop_max_attempts} is negative; give a count, or 0 "
                            "(never give an undelivered output up)")
        if self.hop_start_at not in ("earliest", "latest") and start_window(self.hop_start_at) is None:
            problems.append(f"NEWSWATCH_HOP_START_AT={self.hop_start_at!r} is neither earliest, latest nor a "
                            "duration such as 90s, 30m, 24h or 7d")
        if problems:
            raise SystemExit("newswatch: refusing to start: " + "; ".join(problems))

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"


PROCESS_HOPS = ("aiokafka", "faust")
_DURATION_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def start_window(value: str) -> float | None:
    """Seconds of a ``NEWSWATCH_HOP_START_AT`` duration (``90``, ``90s``, ``30m``, ``24h``,
    ``7d``); None when it is not one (``earliest`` and ``latest`` are not durations)."""
    value = value.strip().lower()
    number, unit = (value[:-1], value[-1]) if value[-1:].isalpha() else (value, "")
    if unit not in _DURATION_UNITS:
        return None
    try:
        seconds = float(number) * _DURATION_UNITS[unit]
    except ValueError:
        return None
    return seconds if seconds >= 0 and seconds == seconds and seconds != float("inf") else None

# Kafka security: what aiokafka can do with a username and password (GSSAPI and
# OAUTHBEARER need settings newswatch does not pass, so they are refused, not ignored).
PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


def security_problems(s: Settings) -> list[str]:
    """Every KAFKA_* security setting that would not do what it says, each naming the
    variable to fix: a typo such as TLS must not fall back to PLAINTEXT, credentials or
    files must not be silently ignored, and a missing file must not fail at first connect."""
    protocol = s.security_protocol.upper()  # app.py upper-cases it too
    if protocol not in PROTOCOLS:
        return [f"KAFKA_SECURITY_PROTOCOL={s.security_protocol!r} is not a Kafka security protocol; "
                f"use one of {', '.join(PROTOCOLS)}"]
    problems: list[str] = []
    sasl, tls = protocol.startswith("SASL_"), protocol.endswith("SSL")
    if sasl:
        if s.sasl_mechanism not in SASL_MECHANISMS:  # passed to aiokafka as written
            problems.append(f"KAFKA_SASL_MECHANISM={s.sasl_mechanism!r} is not supported; "
                            f"use one of {', '.join(SASL_MECHANISMS)}")
        empty = [name for name, value in (("KAFKA_SASL_USERNAME", s.sasl_username),
                                          ("KAFKA_SASL_PASSWORD", s.sasl_password)) if not value.strip()]
        if empty:
            problems.append(f"{' and '.join(empty)} {'is' if len(empty) == 1 else 'are'} empty; "
                            f"KAFKA_SECURITY_PROTOCOL={protocol} needs a username and password")
    elif s.sasl_username or s.sasl_password:
        problems.append(f"KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set but KAFKA_SECURITY_PROTOCOL={protocol} "
                        "would not use them; set KAFKA_SECURITY_PROTOCOL=SASL_SSL (or SASL_PLAINTEXT)")
    files = (("KAFKA_SSL_CAFILE", s.ssl_cafile), ("KAFKA_SSL_CERTFILE", s.ssl_certfile),
             ("KAFKA_SSL_KEYFILE", s.ssl_keyfile))
    if tls:
        for name, value in files:
            if value and not os.access(value, os.R_OK):
                what = "does not exist" if not os.path.exists(value) else "is not readable"
                problems.append(f"{name}={value!r} {what}; give the path of a PEM file or unset it")
        if s.ssl_keyfile and not s.ssl_certfile:
            problems.append("KAFKA_SSL_KEYFILE is set without KAFKA_SSL_CERTFILE; set both for a client "
                            "certificate, or neither")
    else:
        unused = [name for name, value in files if value]
        if unused:
            problems.append(f"{', '.join(unused)} set but KAFKA_SECURITY_PROTOCOL={protocol} would not use TLS; "
                            "set KAFKA_SECURITY_PROTOCOL=SSL (or SASL_SSL)")
    return problems


def _archive_dir() -> Path:
    explicit = _env("NEWSWATCH_ARCHIVE_DIR", "")
    if explicit:
        return Path(explicit)
    return Path(_env("NEWSWATCH_CACHE_DIR", str(Path.home() / ".cache" / "newswatch"))) / "archive"


def load() -> Settings:
    return Settings()
