"""The motivating article (../shared/seed, Indonesian): one high escalation alert
from Germany's foreign ministry about Russia and North Korea."""

from __future__ import annotations

import pytest

from streams.archive.files import text_article
from streams.pipeline import Pipeline
from tests.conftest import SEED

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not here")


def test_seed_raises_exactly_one_high_escalation_alert(pipeline: Pipeline) -> None:
    result = pipeline.process(text_article(SEED))
    escalation = [a for a in result.alerts if a.rule.id == "gov-warns-escalation"]
    assert len(escalation) == 1, [a.summary for a in result.alerts]
    alert = escalation[0]
    assert alert.severity == "high"
    assert [a for a in result.alerts if a.severity == "high"] == [alert]
    sp = alert.speaker
    assert sp.kind == "body" and sp.country == "DE" and sp.role == "foreign_ministry"
    assert sp.voice is not None and sp.voice.name == "Kathrin Deschauer"
    assert {"RU", "KP"} <= {t.country for t in alert.targets}
    assert "DE" not in {t.country for t in alert.targets}
    assert any("eskalasi yang jelas" in (e.quote or "") for e in alert.evidence)
    assert alert.modality == "conditional"
    assert "\n" not in alert.summary and "Germany" in alert.summary


def test_seed_cleaning_removes_boilerplate_and_keeps_fields(pipeline: Pipeline) -> None:
    clean = pipeline.process(text_article(SEED)).clean
    for junk in ("[iklan_2]", "Komentar (0)", "Gambar tentara", "Sumber: http", "| "):
        assert junk not in clean.text
    assert clean.source_url is not None and clean.source_url.startswith("https://baoquocte.vn/")
    assert "Japan Times" in clean.photo_credits
    assert clean.language == "id"
    assert {r.kind for r in clean.removed} >= {"ad_placeholder", "comment_counter", "photo_caption", "source_line"}


def test_seed_entities(pipeline: Pipeline) -> None:
    tagged = pipeline.process(text_article(SEED)).tagged
    countries = {m.country for m in tagged.mentions if m.type == "country"}
    assert {"RU", "KP", "UA", "US", "KR", "JP", "DE"} <= countries
    people = {m.name for m in tagged.mentions if m.type == "person"}
    assert {"John Kirby", "Kathrin Deschauer", "Sergey Ryabkov", "Vladimir Putin", "Kim Jong Un"} <= people
    bodies = {m.entity_id for m in tagged.mentions if m.type == "body"}
    assert {"b:us:presidency", "b:us:national_security_council", "b:de:foreign_ministry"} <= bodies
    for m in tagged.mentions:
        assert tagged.article.text[m.start : m.end] == m.text


def test_seed_statements_attribute_the_non_alerting_speakers(pipeline: Pipeline) -> None:
    tagged = pipeline.process(text_article(SEED)).tagged
    by_speaker = {(s.speaker.name if s.speaker else None): s for s in tagged.statements}
    ryabkov = [s for s in tagged.statements if s.speaker and s.speaker.name == "Sergey Ryabkov"]
    assert ryabkov and all(s.cue in ("decline_comment", "say") for s in ryabkov)
    assert any(s.cue == "decline_comment" for s in ryabkov), by_speaker.keys()
