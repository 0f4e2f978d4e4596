"""Scoring against the labelled real-news corpus (../shared/corpus, see its README): each
labelled excerpt runs through the stages in process as one article, and counts as alerting when a
per-statement rule raises an alert with evidence from it. Used by bench/quality.py (figures and
every miss) and by the regression test (tests/unit/test_corpus_quality.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from streams import stages
from streams.models import Alert
from streams.pipeline import Pipeline
from streams.rules.engine import explain

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    country_ok: int = 0
    country_unknown: int = 0  # true alerts whose speaker is an official of no known state

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def country(self) -> float:
        return self.country_ok / self.tp if self.tp else 1.0

    @property
    def country_given(self) -> float:
        """Right among the true alerts that name a country at all."""
        given = self.tp - self.country_unknown
        return self.country_ok / given if given else 1.0

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn
        self.country_ok += other.country_ok
        self.country_unknown += other.country_unknown


@dataclass
class Outcome:
    item: dict[str, Any]
    alerts: list[Alert]
    wrong_country: bool = False
    explain: list[str] = field(default_factory=list)


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def statement_alerts(pipeline: Pipeline, item: dict[str, Any], hint: bool) -> tuple[list[Alert], list[str]]:
    """Alerts of per-statement rules raised by one labelled excerpt, and why (not)."""
    pipeline.alerts.clear()
    pipeline.state.clear()
    pipeline.duplicates.__init__()  # type: ignore[misc]  # every excerpt stands alone
    raw = {"id": item["id"], "body": item["text"], "url": item.get("url")}  # excerpts carry no date
    if hint:
        raw["language"] = item["lang"]
    result = pipeline.process(stages.parse_raw(raw))
    why = explain(result.tagged, pipeline.rules, pipeline.kb.countries)
    return [a for a in result.alerts if not a.speakers], why


def score_statements(pipeline: Pipeline, items: list[dict[str, Any]], hint: bool
                     ) -> tuple[dict[str, Tally], list[Outcome]]:
    per_lang: dict[str, Tally] = defaultdict(Tally)
    wrong: list[Outcome] = []
    for item in items:
        alerts, why = statement_alerts(pipeline, item, hint)
        t = per_lang[item["lang"]]
        fired = bool(alerts)
        if item["alert"] and fired:
            t.tp += 1
            countries = {a.speaker.country for a in alerts}
            if item.get("speaker_country") in countries and len(countries) == 1:
                t.country_ok += 1
            else:
                t.country_unknown += countries == {None}
                wrong.append(Outcome(item, alerts, wrong_country=True, explain=why))
        elif item["alert"]:
            t.fn += 1
            wrong.append(Outcome(item, alerts, explain=why))
        elif fired:
            t.fp += 1
            wrong.append(Outcome(item, alerts, explain=why))
        else:
            t.tn += 1
    return per_lang, wrong


def feed_alerts(pipeline: Pipeline, items: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Alert]]:
    """Every alert raised on the background feed, with the article that first raised it."""
    items = sorted(items, key=lambda r: (r.get("published_at") or "", r["id"]))
    first: dict[str, tuple[dict[str, Any], Alert]] = {}
    for item in items:
        raw = {"id": item["id"], "body": item["body"], "title": item.get("title") or None,
               "url": item.get("url"), "language": item.get("lang"),
               "published_at": item.get("published_at") or "2020-01-01T00:00:00Z"}
        result = pipeline.process(stages.parse_raw(raw))
        for a in result.alerts:
            first.setdefault(a.id, (item, a))
    return list(first.values())


