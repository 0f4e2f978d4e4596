"""Read the PromQL out of a Grafana dashboard JSON (stdlib only, no side effects on import).

Used by tests (tests/unit/test_dashboard.py, and an integration test can run every panel's
query against a real Prometheus): ``panel_queries(json.loads(DASHBOARD.read_text()))``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DASHBOARD = Path(__file__).resolve().parent / "dashboards" / "newswatch.json"


def load(path: Path = DASHBOARD) -> dict[str, Any]:
    """The committed dashboard JSON."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def iter_panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel in layout order, the panels inside rows (collapsed or not) included."""
    for panel in dashboard.get("panels", []) or []:
        yield panel
        yield from iter_panels(panel)


def panel_queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel title, PromQL expression) for every target with an expression, in layout order."""
    out: list[tuple[str, str]] = []
    for panel in iter_panels(dashboard):
        for target in panel.get("targets", []) or []:
            expr = target.get("expr")
            if expr:
                out.append((str(panel.get("title", "?")), str(expr)))
    return out


def variable_queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(variable name, query) for every query variable of the dashboard's templating."""
    out: list[tuple[str, str]] = []
    for var in (dashboard.get("templating") or {}).get("list", []) or []:
        if var.get("type") != "query":
            continue
        query = var.get("query")
        if isinstance(query, dict):
            query = query.get("query", "")
        out.append((str(var.get("name")), str(query or "")))
    return out
