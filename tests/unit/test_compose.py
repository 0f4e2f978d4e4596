"""deploy/compose.yaml: valid for docker-compose (Debian's 1.29, also read by Compose v2),
every service has a healthcheck, published ports are bound to loopback, and the image names
carry no registry host."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

DEPLOY = REPO / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return data


@pytest.mark.skipif(shutil.which("docker-compose") is None,
                    reason="docker-compose is not on PATH: install Debian's docker-compose (bash .ci/setup-system)")
def test_docker_compose_config_is_valid() -> None:
    docker_compose = shutil.which("docker-compose")
    assert docker_compose is not None
    result = subprocess.run([docker_compose, "-f", str(COMPOSE), "config", "-q"], cwd=REPO, capture_output=True,
                            text=True, timeout=120, check=False)
    output = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    print(output)
    assert result.returncode == 0, output


def test_services(compose: dict[str, Any]) -> None:
    assert {"kafka", "worker", "prometheus", "grafana"} <= set(compose["services"])


def test_every_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert isinstance(check, dict) and check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), name


def test_published_ports_are_loopback_only(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for port in service.get("ports", []) or []:
            if isinstance(port, dict):  # long syntax
                assert port.get("host_ip") == "127.0.0.1", (name, port)
            else:
                assert str(port).startswith("127.0.0.1:"), (name, port)


def test_depends_on_waits_for_health(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["worker"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert services["grafana"]["depends_on"]["prometheus"]["condition"] == "service_healthy"
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        assert isinstance(depends, dict), f"{name}: depends_on without a condition"
        for dep, spec in depends.items():
            assert spec.get("condition") == "service_healthy", (name, dep)


def test_workers_reach_kafka_and_serve_metrics_on_the_network(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    env = worker["environment"]
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["NEWSWATCH_WEB_BIND"] == "0.0.0.0"
    assert not worker.get("ports"), "worker /metrics must stay on the compose network"
    assert worker["deploy"]["replicas"] >= 1
    prometheus = compose["services"]["prometheus"]
    assert any("prometheus.compose.yml" in arg for arg in prometheus["command"])
    targets = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.compose.yml").read_text())
    job = next(j for j in targets["scrape_configs"] if j["job_name"] == "newswatch")
    assert job["dns_sd_configs"][0]["names"] == ["worker"]
    assert job["dns_sd_configs"][0]["port"] == int(env["NEWSWATCH_WEB_PORT"])


def test_mounted_paths_exist(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []) or []:
            source = str(volume).split(":", 1)[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), (name, volume)
    build = compose["services"]["worker"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE


# An image reference whose first path part has a dot or a port names a registry host.
HOSTED = re.compile(r"^[^/\s]+[.:][^/\s]*/")


def test_no_registry_hosts(compose: dict[str, Any]) -> None:
    images = [s["image"] for s in compose["services"].values() if "image" in s]
    froms = re.findall(r"^(?:ARG BASE=|FROM\s+)(\S+)", DOCKERFILE.read_text(), flags=re.M)
    for image in [*images, *froms]:
        assert not HOSTED.match(image), image


def test_dockerfile_runs_the_worker_as_a_user_with_a_healthcheck() -> None:
    text = DOCKERFILE.read_text()
    assert re.search(r"^ARG BASE=python:3\.11-slim-bookworm$", text, flags=re.M)
    assert re.search(r"^USER (?!root\b|0\b)\S+", text, flags=re.M)
    assert re.search(r"^HEALTHCHECK .*", text, flags=re.M) and "urllib.request" in text and "/metrics" in text
    assert "curl" not in text
    assert re.search(r'^CMD \["newswatch", "worker"\]$', text, flags=re.M)
