"""Every metric name the alert rules and the dashboard query exists in what a worker exports:
streams/runtime/metrics.py's REGISTRY (newswatch's own series and faust's sensor, both ``newswatch_*``),
or Prometheus's own ``up``. A renamed metric fails here rather than as an empty panel."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from prometheus_client.registry import CollectorRegistry

from streams.runtime import metrics
from tests.conftest import REPO
from tests.conftest import load_module as _load

RULES = REPO / "deploy" / "prometheus" / "rules.yaml"
GRAFANA = REPO / "deploy" / "grafana"
PROMETHEUS_OWN = {"up"}

# PromQL words that look like identifiers but are no metric: functions, aggregations, keywords.
KEYWORDS = {
    "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
    "group", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool",
    "offset", "inf", "nan",
}

STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
MATCHERS = re.compile(r"\{[^{}]*\}")
RANGES = re.compile(r"\[[^\]]*\]")
GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
IDENT = re.compile(r"(?<![\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()")


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects (a regex scan, enough for the rules and panels here)."""
    expr = STRING.sub('""', expr)
    expr = MATCHERS.sub("", expr)
    expr = RANGES.sub("", expr)
    expr = GROUPING.sub(" ", expr)
    names = {m.group(1) for m in IDENT.finditer(expr)}
    return {n for n in names if n.lower() not in KEYWORDS}


def exported_names(registry: CollectorRegistry) -> set[str]:
    """The series names a scrape of the registry carries: a gauge by its name, a counter only
    with _total, a histogram only with _bucket/_sum/_count (and the _created samples
    prometheus-client adds), whether or not a labelled series has been created yet."""
    names: set[str] = set()
    for family in registry.collect():
        if family.type in ("gauge", "unknown", "stateset", "enum"):
            names.add(family.name)
        if family.type == "counter":
            names.update({f"{family.name}_total", f"{family.name}_created"})
        elif family.type == "histogram":
            names.update(f"{family.name}{s}" for s in ("_bucket", "_sum", "_count", "_created"))
        elif family.type == "summary":
            names.update(f"{family.name}{s}" for s in ("_sum", "_count", "_created"))
        elif family.type == "info":
            names.add(f"{family.name}_info")
        names.update(sample.name for sample in family.samples)
    return names


@pytest.fixture(scope="module")
def exported() -> set[str]:
    metrics.faust_sensor()  # faust's own series join the registry when a worker starts its sensor
    return exported_names(metrics.REGISTRY)


def _rule_exprs() -> list[tuple[str, str]]:
    doc = yaml.safe_load(RULES.read_text())
    return [(str(r.get("alert") or r.get("record")), str(r["expr"])) for g in doc["groups"] for r in g["rules"]]


def _recorded() -> set[str]:
    doc = yaml.safe_load(RULES.read_text())
    return {str(r["record"]) for g in doc["groups"] for r in g["rules"] if "record" in r}


LABEL_VALUES = re.compile(r"^\s*label_values\((?:(.*),)?\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$", re.S)


def _variable_expr(query: str) -> str:
    """The series selector of a Grafana variable query: label_values(<selector>, label) -> <selector>."""
    match = LABEL_VALUES.match(query)
    if match:
        return match.group(1) or ""
    return query  # query_result(<expr>) and the like: scan it whole


def _dashboard_exprs() -> list[tuple[str, str]]:
    queries: Any = _load("newswatch_grafana_queries", GRAFANA / "queries.py")
    board = queries.load()
    variables = [(f"${name}", _variable_expr(q)) for name, q in queries.variable_queries(board)]
    return [*queries.panel_queries(board), *variables]


def test_the_parser_finds_metric_names() -> None:
    expr = ('histogram_quantile(0.99, sum by (job, le) (rate(newswatch_ingest_to_alert_seconds_bucket'
            '{job=~"$job", topic=~".*news\\\\.raw"}[5m]))) > 0.25 and on (job) up{job="x"} == 0 '
            'unless absent(newswatch_build_info) or job:foo:rate5m offset 5m')
    assert metric_names(expr) == {"newswatch_ingest_to_alert_seconds_bucket", "up", "newswatch_build_info",
                                  "job:foo:rate5m"}


def test_the_registry_exports_what_the_docs_promise(exported: set[str]) -> None:
    for name in ("newswatch_stage_in_total", "newswatch_ingest_to_alert_seconds_bucket", "newswatch_consumer_lag",
                 "newswatch_build_info", "newswatch_consumer_commit_latency_bucket", "newswatch_total_rebalances"):
        assert name in exported
    # a counter is scraped with _total only, a histogram with its suffixes only
    assert "newswatch_stage_in" not in exported
    assert "newswatch_ingest_to_alert_seconds" not in exported


def test_variable_queries_are_read_for_their_selector() -> None:
    assert _variable_expr('label_values(newswatch_build_info{job=~"$job"}, instance)') == (
        'newswatch_build_info{job=~"$job"}')
    assert _variable_expr("label_values(job)") == ""


def test_rule_metrics_exist(exported: set[str]) -> None:
    known = exported | PROMETHEUS_OWN | _recorded()
    missing = {(name, m) for name, expr in _rule_exprs() for m in metric_names(expr) if m not in known}
    assert not missing, f"rules.yaml uses metrics that no worker exports: {sorted(missing)}"


def test_dashboard_metrics_exist(exported: set[str]) -> None:
    queries = _dashboard_exprs()
    assert queries
    known = exported | PROMETHEUS_OWN
    missing = {(title, m) for title, expr in queries for m in metric_names(expr) if m not in known}
    assert not missing, f"the dashboard queries metrics that no worker exports: {sorted(missing)}"


def test_every_newswatch_metric_is_used_somewhere(exported: set[str]) -> None:
    """A metric defined in streams/runtime/metrics.py but neither alerted on nor plotted is dead weight."""
    used = {m for _, expr in [*_rule_exprs(), *_dashboard_exprs()] for m in metric_names(expr)}
    ours: dict[str, set[str]] = {}
    for family in metrics.REGISTRY.collect():
        if family.name.startswith("newswatch_") and _defined_in_streams(family.name):
            ours[family.name] = {s.name for s in family.samples} | {family.name, f"{family.name}_total",
                                                                      f"{family.name}_bucket"}
    unused = sorted(name for name, series in ours.items() if not series & used)
    assert not unused, f"metrics neither in rules.yaml nor on the dashboard: {unused}"


def _defined_in_streams(name: str) -> bool:
    source = (REPO / "streams" / "runtime" / "metrics.py").read_text()
    return f'"{name}"' in source
