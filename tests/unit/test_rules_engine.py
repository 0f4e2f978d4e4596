"""Alert identity, corroboration and idempotent settling (what makes at-least-once harmless)."""

from __future__ import annotations

from typing import Any

from streams import stages
from streams.models import RawArticle
from streams.pipeline import Pipeline
from streams.rules.engine import candidates, settle

WARNING_ID = ("Germany's foreign ministry warned on Tuesday that Russia's deployment of troops near the "
              "Polish border would be a dangerous escalation, spokesperson Anna Lindqvist told reporters.")
WARNING_DE = ("Das Auswärtige Amt warnte am Dienstag, die Verlegung russischer Truppen an die polnische "
              "Grenze wäre eine gefährliche Eskalation.")


def _raw(body: str, aid: str, lang: str) -> RawArticle:
    return RawArticle(body=body, id=aid, language=lang, published_at="2025-02-04T10:00:00Z")


def test_same_warning_in_two_languages_is_one_alert(pipeline: Pipeline) -> None:
    a = pipeline.process(_raw(WARNING_ID, "en-1", "en")).alerts
    b = pipeline.process(_raw(WARNING_DE, "de-1", "de")).alerts
    assert len(a) == 1 and len(b) == 1
    assert a[0].id == b[0].id
    final = pipeline.alerts[a[0].id]
    assert final.sources_count == 2
    assert {e.article_id for e in final.evidence} == {"en-1", "de-1"}
    assert {e.language for e in final.evidence} == {"en", "de"}


def test_redelivery_changes_nothing(pipeline: Pipeline) -> None:
    tagged = stages.tag(stages.clean(_raw(WARNING_ID, "en-1", "en"), now=pipeline.clock()), pipeline.kb)
    state: dict[str, Any] = {}
    first = [settle(c, pipeline.rules, state) for c in candidates(tagged, pipeline.rules, pipeline.kb.countries)]
    snapshot = dict(state)
    again = [settle(c, pipeline.rules, state) for c in candidates(tagged, pipeline.rules, pipeline.kb.countries)]
    assert state == snapshot
    assert [a.id for a in first if a] == [a.id for a in again if a]
    assert all(a is None or a.sources_count == 1 for a in again)


def test_candidates_are_keyed_by_the_state_they_touch(pipeline: Pipeline) -> None:
    body = ("Japan's foreign ministry said on Monday it was deeply concerned about North Korea's latest "
            "missile launch.")
    tagged = stages.tag(stages.clean(_raw(body, "jp-1", "en"), now=pipeline.clock()), pipeline.kb)
    found = candidates(tagged, pipeline.rules, pipeline.kb.countries)
    agg = [c for c in found if c.observation is not None]
    assert agg and all(c.key == "agg|multi-country-concern|KP" for c in agg)
    assert all(c.alert is None for c in agg)
