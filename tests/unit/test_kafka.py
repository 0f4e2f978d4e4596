"""streams/kafka.py: one owner of the connection options and topic names, without faust.

The commands that need no worker (run, replay, archive, broker, backtest) must not pay for
loading faust (about half a second): each module is imported in a fresh interpreter, since
this one has faust loaded by other tests."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys

import pytest

from streams import kafka
from streams.settings import Settings

NO_WORKER = (
    "streams.kafka",
    "streams.runtime",
    "streams.runtime.topics",
    "streams.runtime.logs",
    "streams.broker",
    "streams.replay",
    "streams.archive",
    "streams.archive.writer",
    "streams.archive.archiver",
    "streams.archive.reader",
    "streams.replay.replay",
    "streams.backtest",
    "streams.backtest.score",
    "streams.backtest.report",
    "streams.backtest.run",
    "streams.cli",
    "streams.cli.run",
    "streams.cli.broker",
    "streams.cli.archive",
    "streams.cli.replay",
    "streams.cli.backtest",
    "streams.cli.worker",  # faust only once the worker runs
    "streams.pipeline",
)


def _without_faust(code: str, env: dict[str, str] | None = None) -> None:
    check = code + "\nimport sys\nassert 'faust' not in sys.modules, 'faust was imported'\n"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("module", NO_WORKER)
def test_module_does_not_import_faust(module: str) -> None:
    _without_faust(f"import {module}")


def test_cli_parser_does_not_import_faust() -> None:
    # build_parser imports every command's module (broker, run, archive, replay).
    _without_faust("from streams.cli import build_parser\nbuild_parser()")


def test_client_options_with_sasl_do_not_import_faust() -> None:
    # Building SASL options used to construct faust's SASLCredentials.
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAFKA_")}
    env.update(KAFKA_SECURITY_PROTOCOL="SASL_SSL", KAFKA_SASL_USERNAME="u", KAFKA_SASL_PASSWORD="p")
    _without_faust("from streams.kafka import kafka_client_options\nfrom streams.settings import Settings\n"
                   "assert kafka_client_options(Settings())['sasl_plain_username'] == 'u'", env)


def _settings(env: pytest.MonkeyPatch, **values: str) -> Settings:
    for name in ("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "KAFKA_SASL_MECHANISM",
                 "KAFKA_SSL_CAFILE", "KAFKA_SSL_CERTFILE", "KAFKA_SSL_KEYFILE"):
        env.delenv(name, raising=False)
    for name, value in values.items():
        env.setenv(name, value)
    env.setenv("KAFKA_BOOTSTRAP_SERVERS", "a:9092,b:9092")
    return Settings()


def test_plaintext_options(monkeypatch: pytest.MonkeyPatch) -> None:
    s = _settings(monkeypatch)
    assert kafka.kafka_client_options(s) == {"bootstrap_servers": "a:9092,b:9092", "security_protocol": "PLAINTEXT"}
    assert kafka.credentials(s) is None


def test_ssl_options(monkeypatch: pytest.MonkeyPatch) -> None:
    s = _settings(monkeypatch, KAFKA_SECURITY_PROTOCOL="ssl")
    options = kafka.kafka_client_options(s)
    assert options["security_protocol"] == "SSL"
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert "sasl_mechanism" not in options
    assert isinstance(kafka.credentials(s), ssl.SSLContext)


@pytest.mark.parametrize("protocol", ["SASL_PLAINTEXT", "SASL_SSL"])
def test_sasl_options(monkeypatch: pytest.MonkeyPatch, protocol: str) -> None:
    import faust

    s = _settings(monkeypatch, KAFKA_SECURITY_PROTOCOL=protocol, KAFKA_SASL_USERNAME="user",
                  KAFKA_SASL_PASSWORD="secret", KAFKA_SASL_MECHANISM="SCRAM-SHA-512")
    options = kafka.kafka_client_options(s)
    assert {k: v for k, v in options.items() if k != "ssl_context"} == {
        "bootstrap_servers": "a:9092,b:9092", "security_protocol": protocol, "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "user", "sasl_plain_password": "secret"}
    assert "ssl_context" in options  # None without TLS, as before: aiokafka's default
    assert (options["ssl_context"] is None) == (protocol == "SASL_PLAINTEXT")
    creds = kafka.credentials(s)
    assert isinstance(creds, faust.SASLCredentials)
    assert (creds.username, creds.password) == ("user", "secret")
    assert (creds.ssl_context is None) == (protocol == "SASL_PLAINTEXT")


def test_topic_names() -> None:
    assert kafka.TOPICS == ("news.raw", "news.clean", "news.tagged", "news.alert-candidates", "news.alerts",
                            "news.deadletter")
    assert kafka.COMPACTED <= set(kafka.TOPICS)
