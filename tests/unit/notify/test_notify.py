"""notify without Kafka: the subscriptions file, what a subscription is told about an alert's
revisions, and the payload formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from streams.errors import DataFileError
from streams.notify import subscriptions
from streams.notify.destinations import payload
from streams.notify.runner import decide


def alert(severity: str = "high", sources: int = 1, **extra: Any) -> dict[str, Any]:
    return {"id": "al-00000000000000000001", "rule": {"id": "escalation-warning", "title": "t", "version": 1},
            "severity": severity, "summary": "Germany warns Russia", "sources_count": sources,
            "speaker": {"name": "Germany", "kind": "country", "country": "DE"},
            "targets": [{"entity_id": "c:RU", "name": "Russia", "country": "RU"}],
            "evidence": [{"language": "en", "url": "https://news.example.com/a", "quote": "escalation"}],
            "first_seen": "2025-02-04T10:00:00Z", **extra}


def load(tmp_path: Path, text: str) -> list[subscriptions.Subscription]:
    path = tmp_path / "subs.yaml"
    path.write_text(text)
    return subscriptions.load(path)


def test_once_then_only_on_changes_the_subscription_cares_about(tmp_path: Path) -> None:
    (sub,) = load(tmp_path, "subscriptions:\n  - name: s\n    destinations: [{name: h, kind: webhook, "
                            "url: 'http://127.0.0.1:1/'}]\n")
    assert decide(sub, None, alert()) == "new"
    sent = {"severity": "high", "sources_count": 1}
    assert decide(sub, sent, alert()) is None  # a redelivered revision: nothing again
    assert decide(sub, sent, alert(sources=2)) == "new_source"
    assert decide(sub, sent, alert("critical")) == "severity_up"
    assert decide(sub, sent, alert("medium", 2)) == "new_source"
    assert decide(sub, sent, None) == "resolved"
    assert decide(sub, {"resolved": True}, None) is None
    assert decide(sub, None, None) is None  # never told about it: nothing to resolve


def test_filters(tmp_path: Path) -> None:
    (sub,) = load(tmp_path, """subscriptions:
  - name: s
    filter: {severity: critical, target_countries: [RU], languages: [en], min_sources: 2}
    notify_on: [new]
    destinations: [{name: h, kind: webhook, url: 'http://127.0.0.1:1/'}]
""")
    assert decide(sub, None, alert("critical", 2)) == "new"
    assert decide(sub, None, alert("high", 2)) is None
    assert decide(sub, None, alert("critical", 1)) is None
    assert decide(sub, {"severity": "critical", "sources_count": 2}, alert("critical", 3)) is None  # only "new"


@pytest.mark.parametrize(("body", "line", "reason"), [
    ("subscriptions:\n  - name: s\n    destinations:\n      - {name: h, kind: pager, url: 'http://x/'}\n", 4,
     "kind must be one of"),
    ("subscriptions:\n  - name: s\n    filter: {severity: dire}\n    destinations: []\n", 4, "non-empty list"),
    ("subscriptions:\n  - name: s\n    filter:\n      severity: dire\n    destinations:\n"
     "      - {name: h, kind: webhook, url: 'http://x/'}\n", 4, "severity must be"),
    ("subscriptions:\n  - name: s\n    destinations:\n      - {name: m, kind: smtp, host: h, from: a@b, "
     "to: [c@d], username: u, password: hunter2}\n", 4, "password_env or password_file"),
    ("subscriptions:\n  - name: s\n    destinations:\n      - {name: h, kind: webhook, url_env: NW_TEST_UNSET}\n",
     4, "NW_TEST_UNSET is not set"),
])
def test_refused_with_file_line_and_reason(tmp_path: Path, body: str, line: int, reason: str) -> None:
    with pytest.raises(DataFileError) as caught:
        load(tmp_path, body)
    assert caught.value.line == line and reason in caught.value.reason
    assert "hunter2" not in str(caught.value)


def test_secrets_from_env_and_files_are_never_in_the_repr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NW_TEST_HOOK", "https://hooks.example.invalid/T0/secret-token")
    (tmp_path / "pw").write_text("s3cret\n")
    (sub,) = load(tmp_path, f"""subscriptions:
  - name: s
    destinations:
      - {{name: h, kind: slack, url_env: NW_TEST_HOOK}}
      - {{name: m, kind: smtp, host: 127.0.0.1, port: 25, tls: none, username: u, password_file: {tmp_path / 'pw'},
          from: a@example.org, to: [b@example.org]}}
""")
    hook, mail = sub.destinations
    assert hook.url == "https://hooks.example.invalid/T0/secret-token" and mail.password == "s3cret"
    assert "secret-token" not in repr(sub) and "s3cret" not in repr(sub)


def test_payload_formats() -> None:
    slack = payload("slack", "new", "s", "al-1", alert())
    assert slack["text"].startswith("[high] Germany warns Russia (new; 1 source(s)")
    teams = payload("teams", "new_source", "s", "al-1", alert(sources=2))
    assert teams["@type"] == "MessageCard" and "update" in teams["title"]
    (am,) = payload("alertmanager", "new", "s", "al-1", alert())
    assert am["labels"] == {"alertname": "newswatch", "alert_id": "al-1", "subscription": "s",
                            "rule": "escalation-warning", "severity": "high"}
    assert am["startsAt"] == "2025-02-04T10:00:00Z" and am["endsAt"] > am["startsAt"]
    fired = {"rule": "escalation-warning", "severity": "high", "sources_count": 1}
    (resolved,) = payload("alertmanager", "resolved", "s", "al-1", None, fired)
    assert resolved["labels"] == am["labels"] and "startsAt" not in resolved  # ends what fired
    up, ended = payload("alertmanager", "severity_up", "s", "al-1", alert(severity="critical"), fired)
    assert up["labels"]["severity"] == "critical" and ended["labels"] == am["labels"] and "startsAt" not in ended
    hook = payload("webhook", "resolved", "s", "al-1", None)
    assert hook["event"] == "resolved" and hook["alert"] is None
