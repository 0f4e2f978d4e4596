"""The sources file of `newswatch ingest`: safe YAML (streams/yamlio.py), every value checked,
a bad file refused with file, line and reason, as rule files are.

```yaml
defaults:            # optional; each may be set per source too
  interval: 10m      # poll interval: seconds, or 30s / 10m / 2h
  timeout: 20        # seconds for one request (connect + headers + body)
  max_bytes: 5000000 # a larger response is refused (feed, sitemap or page)
  per_host: 2        # concurrent requests to one host
  rate: 1.0          # requests per second to one host (robots.txt Crawl-delay can lower it)
sources:
  - name: antara-world         # [a-z0-9._-], unique: labels metrics, names the Kafka transaction
    kind: feed                 # feed (RSS, Atom, JSON Feed) | sitemap (news sitemap or index) | urls
    url: https://example.org/rss.xml
    language: id               # a hint for the cleaner (ISO 639-1)
  - name: reading-list
    kind: urls
    urls: [https://example.org/a.html]   # or url: a text file with one URL a line
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.errors import DataFileError
from streams.yamlio import Located, load_yaml

KINDS = ("feed", "sitemap", "urls")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h)?")
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}
_SOURCE_KEYS = {"name", "kind", "url", "urls", "language", "interval", "timeout", "max_bytes", "per_host", "rate"}
_DEFAULT_KEYS = {"interval", "timeout", "max_bytes", "per_host", "rate", "user_agent"}
MAX_URLS = 10_000


@dataclass(frozen=True, slots=True)
class Limits:
    interval: float = 600.0
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    per_host: int = 2
    rate: float = 1.0


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    kind: str
    url: str | None
    urls: tuple[str, ...] = ()
    language: str | None = None
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True, slots=True)
class SourcesFile:
    path: str
    sources: tuple[Source, ...]
    user_agent: str


USER_AGENT = "newswatch-ingest/0.1 (+https://newswatch.invalid/bot)"


def _duration(doc: Located, where: list[str | int], value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        m = _DURATION.fullmatch(str(value).strip()) if isinstance(value, str) else None
        if m is None:
            raise doc.error(where, f"{where[-1]} must be seconds or a duration like 30s, 10m, 2h; got {value!r}")
        seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds <= 0 or seconds > 7 * 86400:
        raise doc.error(where, f"{where[-1]} must be more than 0 and at most 7 days; got {value!r}")
    return seconds


def _positive(doc: Located, where: list[str | int], value: Any, cast: type, top: float) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (cast is int and not isinstance(value, int)):
        raise doc.error(where, f"{where[-1]} must be a {'whole ' if cast is int else ''}number; got {value!r}")
    if not 0 < value <= top:
        raise doc.error(where, f"{where[-1]} must be more than 0 and at most {top:g}; got {value!r}")
    return cast(value)


def _limits(doc: Located, where: list[str | int], raw: dict[str, Any], base: Limits) -> Limits:
    return Limits(
        interval=_duration(doc, [*where, "interval"], raw["interval"]) if "interval" in raw else base.interval,
        timeout=_duration(doc, [*where, "timeout"], raw["timeout"]) if "timeout" in raw else base.timeout,
        max_bytes=_positive(doc, [*where, "max_bytes"], raw["max_bytes"], int, 200_000_000)
        if "max_bytes" in raw else base.max_bytes,
        per_host=_positive(doc, [*where, "per_host"], raw["per_host"], int, 64) if "per_host" in raw
        else base.per_host,
        rate=_positive(doc, [*where, "rate"], raw["rate"], float, 1000.0) if "rate" in raw else base.rate,
    )


def _http_url(doc: Located, where: list[str | int], value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"https?://[^\s/]+", value) or len(value) > 4096 or any(
            c.isspace() for c in value):
        raise doc.error(where, f"not an http(s) URL: {value!r}")
    return value


def _source(doc: Located, i: int, raw: Any, base: Limits) -> Source:
    where: list[str | int] = ["sources", i]
    if not isinstance(raw, dict):
        raise doc.error(where, "each source must be a mapping with name, kind and url")
    unknown = sorted(set(map(str, raw)) - _SOURCE_KEYS)
    if unknown:
        raise doc.error([*where, unknown[0]], f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_SOURCE_KEYS))})")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise doc.error([*where, "name"], f"name must be 1-63 of a-z 0-9 . _ - (starting with a letter or digit); "
                                          f"got {name!r}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise doc.error([*where, "kind"], f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    url = _http_url(doc, [*where, "url"], raw["url"]) if raw.get("url") is not None else None
    urls: tuple[str, ...] = ()
    if "urls" in raw:
        if kind != "urls":
            raise doc.error([*where, "urls"], "urls: is only for kind: urls (a feed or sitemap has one url:)")
        items = raw["urls"]
        if not isinstance(items, list) or not items or len(items) > MAX_URLS:
            raise doc.error([*where, "urls"], f"urls must be a list of 1 to {MAX_URLS} URLs")
        urls = tuple(_http_url(doc, [*where, "urls", j], u) for j, u in enumerate(items))
    if url is None and not urls:
        raise doc.error(where, "a source needs url: (or, for kind: urls, a urls: list)")
    if url is not None and urls:
        raise doc.error([*where, "urls"], "give url: (a text file of URLs) or urls: (a list), not both")
    language = raw.get("language")
    if language is not None and (not isinstance(language, str) or not _LANG.fullmatch(language)):
        raise doc.error([*where, "language"], f"language must be an ISO 639 code such as id, en, pt-BR; "
                                              f"got {language!r}")
    return Source(name, kind, url, urls, language, _limits(doc, where, raw, base))


def parse(doc: Located) -> SourcesFile:
    data = doc.data
    if not isinstance(data, dict) or "sources" not in data:
        raise doc.error([], "a sources file is a mapping with a sources: list (and optional defaults:)")
    unknown = sorted(set(map(str, data)) - {"sources", "defaults"})
    if unknown:
        raise doc.error([unknown[0]], f"unknown key {unknown[0]!r} (known: defaults, sources)")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise doc.error(["defaults"], "defaults must be a mapping")
    unknown = sorted(set(map(str, defaults)) - _DEFAULT_KEYS)
    if unknown:
        raise doc.error(["defaults", unknown[0]],
                        f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_DEFAULT_KEYS))})")
    base = _limits(doc, ["defaults"], defaults, Limits())
    agent = defaults.get("user_agent", USER_AGENT)
    if not isinstance(agent, str) or not agent.strip() or len(agent) > 300 or "\n" in agent:
        raise doc.error(["defaults", "user_agent"], "user_agent must be one line of text")
    raw_sources = data["sources"]
    if not isinstance(raw_sources, list) or not raw_sources:
        raise doc.error(["sources"], "sources must be a non-empty list")
    sources: list[Source] = []
    names: set[str] = set()
    for i, raw in enumerate(raw_sources):
        source = _source(doc, i, raw, base)
        if source.name in names:
            raise doc.error(["sources", i, "name"], f"source name {source.name!r} is used twice")
        names.add(source.name)
        sources.append(source)
    return SourcesFile(doc.path, tuple(sources), agent)


def load(path: str | Path) -> SourcesFile:
    """The sources in ``path``; :class:`DataFileError` (file:line: reason) if anything is wrong."""
    return parse(load_yaml(path))


__all__ = ["KINDS", "DataFileError", "Limits", "Source", "SourcesFile", "load", "parse"]
