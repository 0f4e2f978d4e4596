"""A real Prometheus (Debian's ``prometheus`` package) for tests: started on loopback with
the committed deploy/prometheus config, its scrape targets pointed at the test's workers."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.integration.workers import REPO, free_port

CONFIG = REPO / "deploy" / "prometheus" / "prometheus.yml"
DASHBOARD = REPO / "deploy" / "grafana" / "dashboards" / "newswatch.json"
# Grafana's built-in variables, as Grafana would expand them for a short time range.
GRAFANA_VARIABLES = {"$__rate_interval": "30s", "$__interval": "5s", "$__range": "5m", "${__range}": "5m"}


def panel_queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel title, PromQL) for every target of every panel, rows included."""
    out: list[tuple[str, str]] = []
    stack = list(dashboard.get("panels", []))
    while stack:
        panel = stack.pop(0)
        stack.extend(panel.get("panels", []))
        for target in panel.get("targets", []) or []:
            if target.get("expr"):
                out.append((panel.get("title", "?"), target["expr"]))
    return out


def expand(expr: str, variables: dict[str, str]) -> str:
    for name, value in sorted({**GRAFANA_VARIABLES, **variables}.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(name, value)
    return expr


@dataclass
class Prometheus:
    home: Path
    targets: list[str]
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> Prometheus:
        binary = shutil.which("prometheus")
        if binary is None:
            raise RuntimeError("prometheus is not installed: run `bash .ci/setup-system` (Debian package prometheus)")
        config = yaml.safe_load(CONFIG.read_text())
        config.setdefault("global", {}).update(scrape_interval="1s", scrape_timeout="1s", evaluation_interval="1s")
        config["rule_files"] = [str((CONFIG.parent / f).resolve()) for f in config.get("rule_files", [])]
        config.pop("alerting", None)  # no Alertmanager in the test
        jobs = [j for j in config["scrape_configs"] if j["job_name"] == "newswatch"]
        assert jobs, f"{CONFIG} has no scrape job named newswatch"
        job = jobs[0]
        for key in [k for k in job if k.endswith("_sd_configs")]:
            del job[key]
        job["static_configs"] = [{"targets": self.targets}]
        job["scrape_interval"] = job["scrape_timeout"] = "1s"
        config["scrape_configs"] = [job]
        self.home.mkdir(parents=True, exist_ok=True)
        path = self.home / "prometheus.yml"
        path.write_text(yaml.safe_dump(config))
        log = (self.home / "prometheus.log").open("ab")
        self.proc = subprocess.Popen(
            [binary, f"--config.file={path}", f"--storage.tsdb.path={self.home / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--web.enable-lifecycle"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"prometheus exited: {self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as r:  # loopback only
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"prometheus not ready in {timeout}s: {self.tail()}")

    def tail(self, lines: int = 30) -> str:
        path = self.home / "prometheus.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def api(self, endpoint: str, **params: str) -> Any:
        url = f"{self.url}/api/v1/{endpoint}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=10) as r:  # loopback only
            body = json.load(r)
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        data = self.api("query", query=expr)
        result: list[dict[str, Any]] = data["result"] if data["resultType"] in ("vector", "matrix") else [
            {"metric": {}, "value": data["result"]}]
        return result

    def value(self, expr: str) -> float | None:
        """The single value of a scalar-like query (``sum(...)``), None when it has no data."""
        result = self.query(expr)
        return float(result[0]["value"][1]) if result else None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
