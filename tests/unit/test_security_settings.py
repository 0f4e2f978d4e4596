"""Kafka security settings are checked at start: a typo or a missing credential or file
refuses to start with the variable to fix, instead of connecting in PLAINTEXT."""

from pathlib import Path

import pytest

from streams.settings import Settings

_VARS = ("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD",
         "KAFKA_SSL_CAFILE", "KAFKA_SSL_CERTFILE", "KAFKA_SSL_KEYFILE")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in _VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _refusal(env: pytest.MonkeyPatch, **values: str) -> str:
    for name, value in values.items():
        env.setenv(name, value)
    with pytest.raises(SystemExit) as info:
        Settings()
    return str(info.value.code)


@pytest.fixture
def pem(tmp_path: Path) -> str:
    p = tmp_path / "ca.pem"
    p.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    return str(p)


def test_valid_settings_start(env: pytest.MonkeyPatch, pem: str) -> None:
    assert Settings().security_protocol == "PLAINTEXT"
    env.setenv("KAFKA_SECURITY_PROTOCOL", "sasl_ssl")
    env.setenv("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    env.setenv("KAFKA_SASL_USERNAME", "svc")
    env.setenv("KAFKA_SASL_PASSWORD", "secret")
    env.setenv("KAFKA_SSL_CAFILE", pem)
    assert Settings().sasl_username == "svc"


def test_unknown_protocol_is_refused_with_the_allowed_values(env: pytest.MonkeyPatch) -> None:
    msg = _refusal(env, KAFKA_SECURITY_PROTOCOL="TLS")
    assert "KAFKA_SECURITY_PROTOCOL='TLS'" in msg and "SASL_SSL" in msg


def test_unknown_mechanism_is_refused(env: pytest.MonkeyPatch) -> None:
    msg = _refusal(env, KAFKA_SECURITY_PROTOCOL="SASL_SSL", KAFKA_SASL_MECHANISM="SCRAM-SHA-1",
                   KAFKA_SASL_USERNAME="u", KAFKA_SASL_PASSWORD="p")
    assert "KAFKA_SASL_MECHANISM" in msg and "SCRAM-SHA-512" in msg


@pytest.mark.parametrize("missing", ["KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"])
def test_empty_sasl_credentials_are_refused(env: pytest.MonkeyPatch, missing: str) -> None:
    values = {"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": "p"}
    values[missing] = ""
    msg = _refusal(env, **values)
    assert f"{missing} is empty" in msg


@pytest.mark.parametrize("name", ["KAFKA_SSL_CAFILE", "KAFKA_SSL_CERTFILE", "KAFKA_SSL_KEYFILE"])
def test_missing_tls_files_are_refused(env: pytest.MonkeyPatch, pem: str, name: str) -> None:
    values = {"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CERTFILE": pem, name: "/nonexistent/x.pem"}
    msg = _refusal(env, **values)
    assert f"{name}='/nonexistent/x.pem' does not exist" in msg


def test_key_without_certificate_is_refused(env: pytest.MonkeyPatch, pem: str) -> None:
    msg = _refusal(env, KAFKA_SECURITY_PROTOCOL="SSL", KAFKA_SSL_KEYFILE=pem)
    assert "KAFKA_SSL_CERTFILE" in msg


def test_settings_the_protocol_would_ignore_are_refused(env: pytest.MonkeyPatch, pem: str) -> None:
    assert "KAFKA_SSL_CAFILE" in _refusal(env, KAFKA_SSL_CAFILE=pem)
    env.delenv("KAFKA_SSL_CAFILE")
    assert "KAFKA_SASL_USERNAME" in _refusal(env, KAFKA_SECURITY_PROTOCOL="SSL", KAFKA_SASL_USERNAME="u")
