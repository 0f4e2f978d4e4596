"""The subscriptions file of `newswatch notify`: safe YAML, every value checked, refused with
file, line and reason. Secrets (webhook URLs, SMTP passwords) are named, never written in the
file: ``url_env: NAME`` / ``url_file: PATH``, ``password_env`` / ``password_file``; a plain
``url:`` is accepted for local receivers (Alertmanager on 127.0.0.1).

```yaml
subscriptions:
  - name: eu-desk                       # [a-z0-9._-]: names the consumer group and the metrics
    filter:                             # every key optional; all given must hold
      rules: [escalation-warning]
      severity: high                    # at least
      speaker_countries: [DE, FR]
      target_countries: [RU, KP]
      languages: [id, en]               # of any evidence
      min_sources: 2
    notify_on: [new, new_source, severity_up, resolved]   # the default: all four (not `on:`: YAML reads it as true)
    destinations:
      - {name: ops-hook, kind: webhook, url_env: OPS_WEBHOOK_URL}
      - {name: chat, kind: slack, url_file: /run/secrets/slack}   # or kind: teams
      - {name: mail, kind: smtp, host: smtp.example.org, port: 587, tls: starttls, username: bot,
         password_env: SMTP_PASSWORD, from: bot@example.org, to: [desk@example.org]}
      - {name: am, kind: alertmanager, url: http://127.0.0.1:9093}
```
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.errors import DataFileError
from streams.yamlio import Located, load_yaml

KINDS = ("webhook", "slack", "teams", "smtp", "alertmanager")
EVENTS = ("new", "new_source", "severity_up", "resolved")
SEVERITIES = ("low", "medium", "high", "critical")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_FILTER_KEYS = {"rules", "severity", "speaker_countries", "target_countries", "languages", "min_sources"}
_DEST_KEYS = {"name", "kind", "url", "url_env", "url_file", "host", "port", "tls", "username", "password",
              "password_env", "password_file", "from", "to", "timeout"}


@dataclass(frozen=True, slots=True)
class Filter:
    rules: frozenset[str] = frozenset()
    severity: str = "low"
    speaker_countries: frozenset[str] = frozenset()
    target_countries: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    min_sources: int = 1

    def matches(self, alert: dict[str, Any]) -> bool:
        if self.rules and (alert.get("rule") or {}).get("id") not in self.rules:
            return False
        if SEVERITIES.index(alert.get("severity", "low")) < SEVERITIES.index(self.severity):
            return False
        if self.speaker_countries:
            speakers = [alert.get("speaker") or {}, *(alert.get("speakers") or [])]
            if not any(s.get("country") in self.speaker_countries for s in speakers):
                return False
        if self.target_countries and not any(t.get("country") in self.target_countries
                                             for t in alert.get("targets") or []):
            return False
        if self.languages and not any(e.get("language") in self.languages for e in alert.get("evidence") or []):
            return False
        return int(alert.get("sources_count") or 0) >= self.min_sources


@dataclass(frozen=True, slots=True)
class Destination:
    name: str
    kind: str
    url: str | None = None  # a secret: never logged
    host: str | None = None
    port: int = 587
    tls: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str | None = None
    to: tuple[str, ...] = ()
    timeout: float = 10.0

    def __repr__(self) -> str:  # dataclass repr would print the URL
        return f"Destination({self.name!r}, {self.kind!r})"


@dataclass(frozen=True, slots=True)
class Subscription:
    name: str
    filter: Filter
    events: frozenset[str]
    destinations: tuple[Destination, ...]


def _strings(doc: Located, where: list[str | int], value: Any,
             pattern: re.Pattern[str] | None = None) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise doc.error(where, f"{where[-1]} must be a list of strings")
    for v in value:
        if pattern is not None and not pattern.fullmatch(v):
            raise doc.error(where, f"{where[-1]}: {v!r} is not valid (e.g. DE, RU for countries)")
    return frozenset(value)


def _filter(doc: Located, where: list[str | int], raw: Any) -> Filter:
    if raw is None:
        return Filter()
    if not isinstance(raw, dict):
        raise doc.error(where, "filter must be a mapping")
    unknown = sorted(set(map(str, raw)) - _FILTER_KEYS)
    if unknown:
        raise doc.error([*where, unknown[0]], f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_FILTER_KEYS))})")
    severity = raw.get("severity", "low")
    if severity not in SEVERITIES:
        raise doc.error([*where, "severity"], f"severity must be one of {', '.join(SEVERITIES)}; got {severity!r}")
    min_sources = raw.get("min_sources", 1)
    if isinstance(min_sources, bool) or not isinstance(min_sources, int) or min_sources < 1:
        raise doc.error([*where, "min_sources"],
                        f"min_sources must be a whole number of at least 1; got {min_sources!r}")
    return Filter(
        rules=_strings(doc, [*where, "rules"], raw["rules"]) if "rules" in raw else frozenset(),
        severity=severity,
        speaker_countries=_strings(doc, [*where, "speaker_countries"], raw["speaker_countries"], _COUNTRY)
        if "speaker_countries" in raw else frozenset(),
        target_countries=_strings(doc, [*where, "target_countries"], raw["target_countries"], _COUNTRY)
        if "target_countries" in raw else frozenset(),
        languages=_strings(doc, [*where, "languages"], raw["languages"]) if "languages" in raw else frozenset(),
        min_sources=min_sources)


def _secret(doc: Located, where: list[str | int], raw: dict[str, Any], stem: str, plain: bool) -> str | None:
    """``<stem>``, ``<stem>_env`` or ``<stem>_file``: at most one; read now, so a missing secret
    refuses the file at start rather than failing the first delivery."""
    given = [k for k in (stem, f"{stem}_env", f"{stem}_file") if k in raw]
    if len(given) > 1:
        raise doc.error([*where, given[1]], f"give one of {stem}, {stem}_env, {stem}_file")
    if not given:
        return None
    key = given[0]
    value = raw[key]
    if not isinstance(value, str) or not value:
        raise doc.error([*where, key], f"{key} must be a non-empty string")
    if key == stem:
        if not plain:
            raise doc.error([*where, key], f"write secrets as {stem}_env or {stem}_file, not in the file")
        return value
    if key.endswith("_env"):
        secret = os.environ.get(value)
        if not secret:
            raise doc.error([*where, key], f"environment variable {value} is not set (or empty)")
        return secret
    try:
        return Path(value).read_text().strip() or None
    except OSError as exc:
        raise doc.error([*where, key], f"cannot read {value}: {exc.strerror}") from exc


def _destination(doc: Located, where: list[str | int], raw: Any) -> Destination:
    if not isinstance(raw, dict):
        raise doc.error(where, "a destination is a mapping with name and kind")
    unknown = sorted(set(map(str, raw)) - _DEST_KEYS)
    if unknown:
        raise doc.error([*where, unknown[0]], f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_DEST_KEYS))})")
    name, kind = raw.get("name"), raw.get("kind")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise doc.error([*where, "name"], f"name must be 1-63 of a-z 0-9 . _ -; got {name!r}")
    if kind not in KINDS:
        raise doc.error([*where, "kind"], f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    timeout = raw.get("timeout", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 300:
        raise doc.error([*where, "timeout"], "timeout must be seconds, more than 0 and at most 300")
    if kind == "smtp":
        host, port, tls = raw.get("host"), raw.get("port", 587), raw.get("tls", "starttls")
        if not isinstance(host, str) or not host:
            raise doc.error([*where, "host"], "an smtp destination needs host")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise doc.error([*where, "port"], f"port must be 1-65535; got {port!r}")
        if tls not in ("starttls", "ssl", "none"):
            raise doc.error([*where, "tls"], f"tls must be starttls, ssl or none; got {tls!r}")
        sender, to = raw.get("from"), raw.get("to")
        if not isinstance(sender, str) or "@" not in sender:
            raise doc.error([*where, "from"], "an smtp destination needs from: an e-mail address")
        if not isinstance(to, list) or not to or not all(isinstance(t, str) and "@" in t for t in to):
            raise doc.error([*where, "to"], "to must be a list of e-mail addresses")
        username = raw.get("username")
        password = _secret(doc, where, raw, "password", plain=False)
        if (username is None) != (password is None):
            raise doc.error(where, "give both username and password_env/password_file, or neither")
        return Destination(name, kind, None, host, port, tls, username, password, sender, tuple(to), float(timeout))
    url = _secret(doc, where, raw, "url", plain=True)
    if url is None or not re.match(r"https?://", url):
        raise doc.error(where, f"a {kind} destination needs an http(s) url (url, url_env or url_file)")
    return Destination(name, kind, url, timeout=float(timeout))


def parse(doc: Located) -> list[Subscription]:
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("subscriptions"), list) or not data["subscriptions"]:
        raise doc.error([], "a subscriptions file is a mapping with a non-empty subscriptions: list")
    out: list[Subscription] = []
    for i, raw in enumerate(data["subscriptions"]):
        where: list[str | int] = ["subscriptions", i]
        if not isinstance(raw, dict):
            raise doc.error(where, "a subscription is a mapping with name, filter and destinations")
        unknown = sorted(set(map(str, raw)) - {"name", "filter", "notify_on", "destinations"})
        if unknown:
            raise doc.error([*where, unknown[0]],
                            f"unknown key {unknown[0]!r} (known: name, filter, notify_on, destinations)")
        name = raw.get("name")
        if not isinstance(name, str) or not _NAME.fullmatch(name) or any(s.name == name for s in out):
            raise doc.error([*where, "name"], f"name must be unique, 1-63 of a-z 0-9 . _ -; got {name!r}")
        events = _strings(doc, [*where, "notify_on"], raw["notify_on"]) if "notify_on" in raw else frozenset(EVENTS)
        bad = sorted(events - set(EVENTS))
        if bad:
            raise doc.error([*where, "notify_on"], f"unknown event {bad[0]!r} (known: {', '.join(EVENTS)})")
        dests = raw.get("destinations")
        if not isinstance(dests, list) or not dests:
            raise doc.error([*where, "destinations"], "destinations must be a non-empty list")
        destinations = tuple(_destination(doc, [*where, "destinations", j], d) for j, d in enumerate(dests))
        if len({d.name for d in destinations}) != len(destinations):
            raise doc.error([*where, "destinations"], "destination names must be unique within a subscription")
        out.append(Subscription(name, _filter(doc, [*where, "filter"], raw.get("filter")), events, destinations))
    return out


def load(path: str | Path) -> list[Subscription]:
    return parse(load_yaml(path))


__all__ = ["EVENTS", "KINDS", "DataFileError", "Destination", "Filter", "Subscription", "load", "parse"]
