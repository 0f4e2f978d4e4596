"""The faust App: settings from the environment, the topics, the alert-state table.

    news.raw ══process: clean → tag → alert══► news.alert-candidates ══settle══► news.alerts
                   ├─► news.clean, news.tagged (side outputs)      └─► news.deadletter
                   └─► news.deadletter

Two consumer hops, one per key: ``process`` reads articles keyed by article id and runs
three stages in process; ``settle`` reads candidates keyed by alert or window.

``news.alert-candidates`` is internal: it re-keys what a statement contributes by the
state it updates (an alert id, or a rule+target window) so that each key's state lives
in one partition of the ``alert-state`` table, whatever article it came from.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import Any

import faust
from aiohttp.web import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from streams.cleaning import load_model
from streams.kafka import credentials
from streams.pipeline import load_ruleset
from streams.rules.loader import RuleSet
from streams.runtime import metrics
from streams.runtime.faust_internals import App, monitor
from streams.runtime.lag import lag_rows, read_positions
from streams.settings import Settings
from streams.settings import load as load_settings
from streams.tagging.kb import KnowledgeBase
from streams.tagging.kb import load as load_kb


@dataclass(slots=True)
class Topics:
    raw: Any
    clean: Any
    tagged: Any
    candidates: Any
    alerts: Any
    deadletter: Any

    def inputs(self) -> set[str]:
        """The names of the topics the two hops read."""
        return {t.get_topic_name() for t in (self.raw, self.candidates)}


@dataclass(slots=True)
class Newswatch:
    """Everything a worker runs with: the App, its topics and table, and the loaded
    knowledge base and rules the stage functions need."""

    settings: Settings
    kb: KnowledgeBase
    rules: RuleSet
    app: faust.App
    topics: Topics
    state: Any  # faust Table: alert id or window key -> JSON state
    hop: Any = None  # the process hop on aiokafka (streams/runtime/hop.py), when it runs

    def faust_inputs(self) -> set[str]:
        """The topics faust's own consumer reads: both hops' inputs, or settle's alone when the
        process hop runs on aiokafka (``NEWSWATCH_PROCESS_HOP``)."""
        inputs = self.topics.inputs()
        return inputs - {self.topics.raw.get_topic_name()} if self.settings.process_hop == "aiokafka" else inputs


def create_app(settings: Settings | None = None, kb: KnowledgeBase | None = None,
               rules: RuleSet | None = None) -> Newswatch:
    """The App with its topics and table; :func:`streams.runtime.agents.attach` adds the agents."""
    settings = settings or load_settings()
    (settings.data_dir / settings.app_id).mkdir(parents=True, exist_ok=True)
    kb = kb or load_kb(settings)
    rules = rules if rules is not None else load_ruleset(kb, settings.rules_path)
    load_model()  # the language model (~0.5 s) loads before the worker says Ready, not on its first article
    app = App(
        settings.app_id,
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        fetch_min_bytes=settings.fetch_min_bytes,
        broker=[f"kafka://{server.strip()}" for server in settings.bootstrap_servers.split(",")],
        broker_credentials=credentials(settings),
        env_prefix="NEWSWATCH_FAUST_",  # a stray BROKER_URL or WEB_PORT cannot reconfigure the worker
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication,
        processing_guarantee="at_least_once",
        consumer_auto_offset_reset="earliest",
        web_bind=settings.web_bind,
        web_host=settings.web_bind,
        web_port=settings.web_port,
        datadir=str(settings.data_dir / settings.app_id),
        store="memory://",  # tables are rebuilt from their changelog topics on start
        producer_linger=settings.producer_linger_ms / 1000,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=settings.heartbeat_interval,
    )
    t = settings.topic

    def topic(name: str, **extra: Any) -> Any:
        # internal=True: faust declares (creates) the topic with these settings on start.
        return app.topic(t(name), key_type=bytes, value_type=bytes, partitions=settings.partitions,
                         replicas=settings.replication, internal=True, **extra)

    topics = Topics(
        raw=topic("news.raw"),
        clean=topic("news.clean"),
        tagged=topic("news.tagged"),
        candidates=topic("news.alert-candidates"),
        alerts=topic("news.alerts", compacting=True),  # keyed by alert id: latest state wins
        deadletter=topic("news.deadletter"),
    )
    app.gapless_topics = topics.inputs()  # (news.raw is faust's only with NEWSWATCH_PROCESS_HOP=faust)
    state = app.Table(t("alert-state"), partitions=settings.partitions, key_type=str, value_type=None,
                      help="alert id or aggregate window key -> JSON state")
    nw = Newswatch(settings, kb, rules, app, topics, state)
    if settings.metrics:
        serve_metrics(nw)
    # The knowledge base, rules and language model are ~250,000 long-lived objects: a full
    # collection walking them paused the worker 50-60 ms. Frozen, they are never scanned again.
    gc.freeze()
    return nw


EVENT_LOOPS = ("uvloop", "asyncio")


def use_event_loop(name: str) -> None:
    """Run the worker's event loops (faust's and its consumer thread's) on ``name``: uvloop
    by default, ``asyncio`` for the standard library's own. Called before any loop is made.

    faust's per-record work is mostly the event loop's (futures, callbacks, timers, socket
    writes between the agents, the producer and the consumer thread); uvloop does it in C:
    the framework's CPU per article fell by a fifth (BENCHMARKS.md, issue #12)."""
    if name not in EVENT_LOOPS:
        raise SystemExit(f"NEWSWATCH_EVENT_LOOP={name!r} is not an event loop newswatch runs on; "
                         f"use one of {', '.join(EVENT_LOOPS)}")
    if name == "uvloop":
        import mode.loop

        mode.loop.use("uvloop")  # sets asyncio's policy: every loop made from here on is uvloop's


LAG_INTERVAL = 5.0  # seconds between consumer-lag readings (about a Prometheus scrape interval)


def serve_metrics(nw: Newswatch) -> None:
    """/metrics on the worker's web port: newswatch's metrics and faust's own sensor
    (commit latency, rebalances, send latency) in one registry, plus a consumer-lag reading."""
    app = nw.app
    app.monitor = monitor(metrics.faust_sensor())

    @app.page("/metrics")
    async def metrics_page(view: Any, request: Any) -> Any:
        # aiohttp refuses a charset inside content_type=, so the header goes as it is (as faust's own does).
        return Response(body=generate_latest(metrics.REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})

    metrics.describe_worker(len(nw.rules.rules), nw.rules.version, nw.kb.size, nw.kb.versions.get("kb", "?"))
    metrics.prime((r.id, r.severity) for r in nw.rules.rules)
    sources = nw.faust_inputs()

    async def consumer_lag() -> None:
        tps, ends, starts = await read_positions(app.consumer, sources)
        rows = list(lag_rows(tps, ends, starts))
        if nw.hop is not None:  # news.raw, read by the process hop's own consumer
            rows += await nw.hop.lag_rows()
        metrics.set_lag(rows)

    app.timer(interval=LAG_INTERVAL, name="consumer_lag")(consumer_lag)
