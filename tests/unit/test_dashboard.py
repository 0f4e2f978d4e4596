"""deploy/grafana: the committed dashboard JSON is what deploy/grafana/dashboard.py generates,
every panel queries the provisioned Prometheus data source filtered by the job and instance
variables, the panels the issue asks for exist, and every query parses as PromQL."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.conftest import load_module as _load

GRAFANA = REPO / "deploy" / "grafana"
COMMITTED = GRAFANA / "dashboards" / "newswatch.json"
DATASOURCES = GRAFANA / "provisioning" / "datasources" / "prometheus.yaml"
PROVIDERS = GRAFANA / "provisioning" / "dashboards" / "newswatch.yaml"

REQUIRED_PANELS = {
    "Throughput by stage",
    "Ingest to alert latency",
    "Stage time per record",
    "Consumer lag by topic and partition",
    "Dead letters by stage and kind",
    "Duplicates",
    "Alerts raised by rule and severity",
    "Alert updates (corroborations)",
    "Language mix",
    "Entity mentions by type",
    "Alerts by rule in the time range",
    "Build info",
    "Rules loaded",
    "KB entities",
    "Process hop: stalls, failed attempts and given-up records",
    "Records not read at a group's start",
}
# What Grafana substitutes before a query reaches Prometheus.
EXPANSIONS = {"$__rate_interval": "1m", "$__range": "1h", "$__interval": "15s", "$job": "newswatch",
              "$instance": ".*"}


@pytest.fixture(scope="module")
def generator() -> Any:
    pytest.importorskip("grafana_foundation_sdk", reason="dev dependency grafana-foundation-sdk is not installed")
    return _load("newswatch_grafana_dashboard", GRAFANA / "dashboard.py")


@pytest.fixture(scope="module")
def queries() -> Any:
    return _load("newswatch_grafana_queries", GRAFANA / "queries.py")


@pytest.fixture(scope="module")
def board() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(COMMITTED.read_text(encoding="utf-8"))
    return data


def test_committed_json_is_what_the_generator_writes(generator: Any) -> None:
    assert COMMITTED.read_text(encoding="utf-8") == generator.render(), (
        "deploy/grafana/dashboards/newswatch.json is stale: run python deploy/grafana/dashboard.py")


def test_generation_is_deterministic(generator: Any) -> None:
    assert generator.render() == generator.render()


def test_check_mode(generator: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert generator.main(["--check"]) == 0
    stale = tmp_path / "newswatch.json"
    stale.write_text(COMMITTED.read_text(encoding="utf-8").replace("Throughput by stage", "Throughput"))
    assert generator.main(["--check", "--output", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    fresh = tmp_path / "fresh" / "newswatch.json"
    assert generator.main(["--output", str(fresh)]) == 0
    assert fresh.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8")


def test_required_panels_exist(board: dict[str, Any], queries: Any) -> None:
    titles = {p.get("title") for p in queries.iter_panels(board)}
    assert REQUIRED_PANELS <= titles, f"missing panels: {sorted(REQUIRED_PANELS - titles)}"


def test_panel_ids_are_unique(board: dict[str, Any], queries: Any) -> None:
    ids = [p.get("id") for p in queries.iter_panels(board)]
    assert None not in ids and len(ids) == len(set(ids))


def test_every_panel_queries_prometheus_by_job_and_instance(board: dict[str, Any], queries: Any) -> None:
    uid = yaml.safe_load(DATASOURCES.read_text())["datasources"][0]["uid"]
    panels = [p for p in queries.iter_panels(board) if p.get("type") != "row"]
    assert len(panels) >= 12
    for panel in panels:
        title = panel.get("title")
        assert panel.get("datasource", {}).get("uid") == uid, title
        targets = [t for t in panel.get("targets", []) if t.get("expr", "").strip()]
        assert targets, f"{title}: no target with an expression"
        for target in targets:
            assert target.get("datasource", {}).get("uid") == uid, title
            assert "$job" in target["expr"] and "$instance" in target["expr"], (title, target["expr"])
            assert target.get("refId"), title
        ref_ids = [t.get("refId") for t in panel.get("targets", [])]
        assert len(ref_ids) == len(set(ref_ids)), title


def test_template_variables(board: dict[str, Any], queries: Any) -> None:
    variables = dict(queries.variable_queries(board))
    assert set(variables) >= {"job", "instance"}
    assert "label_values(newswatch_build_info" in variables["job"]
    assert '$job' in variables["instance"] and variables["instance"].endswith(", instance)")


def test_panel_queries_lists_every_target(board: dict[str, Any], queries: Any) -> None:
    pairs = queries.panel_queries(board)
    targets = sum(len(p.get("targets", [])) for p in queries.iter_panels(board))
    assert len(pairs) == targets >= 12
    assert all(title and expr for title, expr in pairs)


def test_provisioning_points_at_the_dashboards(board: dict[str, Any]) -> None:
    providers = yaml.safe_load(PROVIDERS.read_text())["providers"]
    assert providers[0]["type"] == "file"
    assert providers[0]["options"]["path"]
    datasource = yaml.safe_load(DATASOURCES.read_text())["datasources"][0]
    assert datasource["type"] == "prometheus" and datasource["url"] == "http://prometheus:9090"
    assert board["uid"] == "newswatch"


def _expand(expr: str) -> str:
    for name, value in sorted(EXPANSIONS.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(name, value)
    return expr


@pytest.mark.skipif(shutil.which("promtool") is None,
                    reason="promtool is not on PATH: install Debian's prometheus package (bash .ci/setup-system)")
def test_every_query_parses_as_promql(board: dict[str, Any], queries: Any, tmp_path: Path) -> None:
    """promtool parses each expanded panel query (as a recording rule), so a typo fails here."""
    pairs = queries.panel_queries(board)
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query:{i}", "expr": _expand(expr)} for i, (_, expr) in enumerate(pairs)]}]}
    path = tmp_path / "dashboard-queries.yaml"
    path.write_text(yaml.safe_dump(rules))
    promtool = shutil.which("promtool")
    assert promtool is not None
    result = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True, timeout=120,
                            check=False)
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
