"""The files an installed newswatch needs without a checkout (streams/resources.py): read
through importlib.resources, the same files as the top-level schemas/, deploy/kafka/ and the
sample feed (in a checkout, streams/data/ links to them; a wheel gets copies)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from streams import resources
from streams.broker import BrokerError, deploy_file
from streams.cli.run import SAMPLE_FEED
from streams.schemas import NAMES, SCHEMA_DIR
from tests.conftest import FEED, REPO

SHIPPED = [
    *((("schemas", f"{name}.v1.json"), REPO / "schemas" / f"{name}.v1.json") for name in NAMES),
    (("schemas", "asyncapi.yaml"), REPO / "schemas" / "asyncapi.yaml"),
    *((("kafka", name), REPO / "deploy" / "kafka" / name) for name in ("server.properties", "log4j2.properties",
                                                                      "pom.xml")),
    (("sample.jsonl",), FEED / "sample.jsonl"),
]


@pytest.mark.parametrize(("parts", "source"), SHIPPED, ids=lambda v: "/".join(v) if isinstance(v, tuple) else "")
def test_shipped_file_is_the_top_level_one(parts: tuple[str, ...], source: Path) -> None:
    assert resources.resource(*parts).read_bytes() == source.read_bytes()
    assert resources.path(*parts).read_bytes() == source.read_bytes()


def test_every_top_level_schema_and_broker_file_is_shipped() -> None:
    shipped = {parts for parts, _ in SHIPPED}
    assert {("schemas", p.name) for p in (REPO / "schemas").iterdir()} <= shipped
    assert {("kafka", p.name) for p in (REPO / "deploy" / "kafka").iterdir()} <= shipped


def test_the_wheel_takes_them() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(config["tool"]["setuptools"]["package-data"]["streams.data"]) == {"sample.jsonl", "schemas/*",
                                                                                 "kafka/*"}


def test_users_read_them_through_the_package() -> None:
    assert SAMPLE_FEED == resources.sample_feed()
    assert SCHEMA_DIR == resources.path("schemas")
    assert deploy_file("server.properties") == resources.path("kafka", "server.properties")


def test_a_missing_broker_file_says_what_is_wrong_and_what_to_do() -> None:
    with pytest.raises(BrokerError) as err:
        deploy_file("no-such.properties")
    message = str(err.value)
    assert str(resources.path("kafka", "no-such.properties")) in message
    assert "streams/data/kafka/no-such.properties" in message  # where the package ships it
    assert "Reinstall newswatch" in message and "KAFKA_BOOTSTRAP_SERVERS" in message
    assert "source checkout" not in message  # an installed package needs none
