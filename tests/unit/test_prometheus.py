"""deploy/prometheus: the configurations and rules are valid for promtool (Debian's prometheus
package, installed by .ci/setup-system), and the rules' unit tests (rules_test.yaml) pass."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

PROM = REPO / "deploy" / "prometheus"
CONFIGS = [PROM / "prometheus.yml", PROM / "prometheus.compose.yml"]
RULES = PROM / "rules.yaml"
RULE_TESTS = PROM / "rules_test.yaml"

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None,
    reason="promtool is not on PATH: install Debian's prometheus package (bash .ci/setup-system)")


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run([PROMTOOL, *args], cwd=REPO, capture_output=True, text=True, timeout=300, check=False)


def _assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    output = f"$ {' '.join(result.args)}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    print(output)
    assert result.returncode == 0, output


@needs_promtool
@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_promtool_check_config(config: Path) -> None:
    _assert_ok(_promtool("check", "config", str(config.relative_to(REPO))))


@needs_promtool
def test_promtool_check_rules() -> None:
    _assert_ok(_promtool("check", "rules", str(RULES.relative_to(REPO))))


@needs_promtool
def test_promtool_test_rules() -> None:
    _assert_ok(_promtool("test", "rules", str(RULE_TESTS.relative_to(REPO))))


def _rules() -> list[dict[str, object]]:
    doc = yaml.safe_load(RULES.read_text())
    return [rule for group in doc["groups"] for rule in group["rules"]]


def test_every_alert_is_actionable() -> None:
    alerts = [r for r in _rules() if "alert" in r]
    assert alerts
    for rule in alerts:
        name = rule["alert"]
        assert rule.get("for"), f"{name} has no for:"
        labels = rule.get("labels")
        assert isinstance(labels, dict) and labels.get("severity") in {"critical", "warning", "info"}, name
        annotations = rule.get("annotations")
        assert isinstance(annotations, dict), name
        assert annotations.get("summary") and annotations.get("description"), name


def test_every_alert_fires_and_stays_quiet_in_the_rule_tests() -> None:
    """Each alert has a promtool case where it fires (with labels and annotations) and one where it does not."""
    tests = yaml.safe_load(RULE_TESTS.read_text())
    fires: set[str] = set()
    quiet: set[str] = set()
    for case in tests["tests"]:
        for check in case.get("alert_rule_test", []) or []:
            expected = check.get("exp_alerts") or []
            if expected:
                assert all(e.get("exp_labels") and e.get("exp_annotations") for e in expected), check
                fires.add(check["alertname"])
            else:
                quiet.add(check["alertname"])
    alerts = {str(r["alert"]) for r in _rules() if "alert" in r}
    assert alerts - fires == set(), f"alerts never seen firing in {RULE_TESTS.name}"
    assert alerts - quiet == set(), f"alerts never seen quiet in {RULE_TESTS.name}"


def test_local_config_scrapes_job_newswatch_and_loads_the_rules() -> None:
    for config in CONFIGS:
        doc = yaml.safe_load(config.read_text())
        assert [j["job_name"] for j in doc["scrape_configs"]].count("newswatch") == 1, config
        assert [(config.parent / f).resolve() for f in doc["rule_files"]] == [RULES.resolve()], config
    local = yaml.safe_load(CONFIGS[0].read_text())
    job = next(j for j in local["scrape_configs"] if j["job_name"] == "newswatch")
    assert job["static_configs"][0]["targets"] == ["127.0.0.1:6066"]
