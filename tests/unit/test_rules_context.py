"""context_none (diplomatic tit-for-tat is no military threat) and background markers
(the journalist's "amid rising tensions" is not what the speaker said)."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams import stages
from streams.errors import DataFileError
from streams.models import RawArticle
from streams.pipeline import Pipeline
from streams.rules.loader import load_file


def _alerts(pipeline: Pipeline, body: str, lang: str = "en") -> list[str]:
    raw = RawArticle(body=body, id=f"ctx-{abs(hash(body))}", language=lang, published_at="2025-03-04T10:00:00Z")
    return sorted(a.rule.id for a in pipeline.process(raw).alerts)


def test_retaliation_for_expelled_diplomats_is_diplomatic(pipeline: Pipeline) -> None:
    body = ("Poland expelled three Russian diplomats on Monday. Russia's foreign ministry said it would "
            "retaliate against Poland.")
    assert _alerts(pipeline, body) == []


def test_retaliation_with_a_military_matter_still_fires(pipeline: Pipeline) -> None:
    body = ("Poland moved new missile batteries to its eastern border on Monday. Russia's foreign ministry "
            "said it would retaliate against Poland.")
    assert _alerts(pipeline, body) == ["gov-threatens-retaliation"]


def test_retaliation_in_vietnamese_for_a_persona_non_grata(pipeline: Pipeline) -> None:
    body = ("Ba Lan tuyên bố hai nhà ngoại giao Nga là nhân vật không được hoan nghênh. "
            "Bộ Ngoại giao Nga cho biết sẽ trả đũa Ba Lan.")
    assert _alerts(pipeline, body, "vi") == []


def test_background_clause_is_not_the_speakers_words(pipeline: Pipeline) -> None:
    body = "Japan's foreign ministry said it would send an envoy to Seoul, amid an escalation with North Korea."
    assert _alerts(pipeline, body) == []


def test_background_marker_inside_a_quote_is_the_speakers(pipeline: Pipeline) -> None:
    body = ("\"Amid this escalation by North Korea, we will not stand idle,\" Japan's foreign ministry said.")
    tagged = stages.tag(stages.clean(RawArticle(body=body, id="ctx-q", language="en"), now=pipeline.clock()),
                        pipeline.kb)
    assert any("escalation" in st.terms for st in tagged.statements)


def test_unknown_context_none_class_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("version: 1\nrules:\n  - id: r1\n    title: t\n    version: 1\n    severity: high\n"
                    "    summary: s\n    match: {cues: [warn], context_none: [diplomatic_contxt]}\n")
    with pytest.raises(DataFileError, match="context_none"):
        load_file(path, ["warn"], ["diplomatic_context"])


def test_a_call_not_to_play_with_red_lines_is_a_warning(pipeline: Pipeline) -> None:
    body = "Russia's foreign minister urged Japan not to play with Russia's red lines over the islands."
    assert _alerts(pipeline, body) == ["gov-warns-red-line"]


def test_a_call_for_restraint_is_still_no_warning(pipeline: Pipeline) -> None:
    body = "Russia's foreign minister urged Japan to show restraint over the islands."
    assert _alerts(pipeline, body) == []


def test_a_response_over_sovereignty_needs_no_troops(pipeline: Pipeline) -> None:
    body = ("China's foreign ministry said Beijing would take all necessary measures against Japan to defend its "
            "territorial integrity.")
    assert _alerts(pipeline, body) == ["gov-warns-consequences"]


def test_destroying_supplied_weapons_is_a_threat(pipeline: Pipeline) -> None:
    body = "Russia's ambassador said Russian forces would destroy any weapons that Britain sends to the region."
    assert _alerts(pipeline, body) == ["gov-threatens-retaliation"]


def test_all_means_at_our_disposal_with_troops_is_a_response(pipeline: Pipeline) -> None:
    body = ("Russia's defence ministry said it would use all means at its disposal against Finland if NATO "
            "troops were deployed on the border.")
    assert _alerts(pipeline, body) == ["gov-warns-consequences"]


def test_refrain_from_crossing_a_red_line_is_no_call_for_restraint(pipeline: Pipeline) -> None:
    body = "Russia's foreign ministry warned Finland to refrain from crossing Russia's red lines in the Arctic."
    assert _alerts(pipeline, body) == ["gov-warns-escalation"]
