"""Split phrases ("militärisch … antworten"): two parts of one cue or term joined where both stand
in one clause, the head first and close enough; refused in a data file when not two parts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams.cleaning import clean
from streams.errors import DataFileError
from streams.models import RawArticle
from streams.pipeline import Pipeline
from streams.settings import Settings
from streams.tagging import tag
from streams.tagging.kb import KnowledgeBase
from streams.tagging.kb import load as load_kb
from streams.tagging.matcher import GAP_REACH, Hit, Phrase, join_gaps

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def kb(pipeline_factory: Callable[[], Pipeline]) -> KnowledgeBase:
    return pipeline_factory().kb


def terms(kb: KnowledgeBase, text: str, lang: str) -> list[tuple[str, str]]:
    article = clean(RawArticle(body=text, language=lang), now=NOW)
    return [(s, c) for st in tag(article, kb).statements for c, found in st.terms.items() for s in found]


def part(start: int, end: int, side: int, key: str = "a … b") -> Hit:
    return Hit(start, end, Phrase("gap", ("term", "response", side, key), "de"))


def test_parts_in_one_clause_make_one_hit_of_the_class() -> None:
    text = "werde militärisch auf die Stationierung antworten"
    head, tail = part(6, 17, 0), part(40, 49, 1)
    other = Hit(26, 39, Phrase("term", "threat_of_force", "de"))
    got = join_gaps(text, [head, other, tail])
    assert got == [Hit(6, 49, Phrase("term", "response", "de")), other]


@pytest.mark.parametrize("text", [
    "werde militärisch reagieren, aber nicht antworten",   # a clause ends between
    "antworten werde man militärisch",                     # the tail before the head
])
def test_parts_apart_or_out_of_order_are_dropped(text: str) -> None:
    head = text.index("militärisch")
    tail = text.index("antworten")
    got = join_gaps(text, [part(head, head + 11, 0), part(tail, tail + 9, 1)])
    assert got == []


def test_parts_too_far_apart_are_dropped() -> None:
    text = "militärisch " + "x " * GAP_REACH + "antworten"
    assert join_gaps(text, [part(0, 11, 0), part(len(text) - 9, len(text), 1)]) == []


def test_parts_of_different_phrases_do_not_join() -> None:
    text = "militärisch dann antworten"
    assert join_gaps(text, [part(0, 11, 0, "x … y"), part(17, 26, 1, "z … w")]) == []


def test_german_verb_last_and_japanese_verb_final(kb: KnowledgeBase) -> None:
    de = terms(kb, "Lawrow sagte, Russland werde auf jede Provokation der Nato militärisch antworten.", "de")
    assert ("militärisch antworten", "response") in de
    de = terms(kb, "Lawrow sagte, Russland werde militärisch auf die Stationierung der Raketen antworten.", "de")
    assert ("militärisch auf die Stationierung der Raketen antworten", "response") in de
    ja = terms(kb, "北朝鮮外務省の報道官は、断固として日本の挑発に対応すると警告した。", "ja")
    assert [c for s, c in ja if s.startswith("断固として")] == ["response"]


def test_split_phrase_of_one_part_is_refused_with_file_and_line(tmp_path: Path) -> None:
    lang_dir = tmp_path / "languages"
    lang_dir.mkdir()
    path = lang_dir / "de.yaml"
    path.write_text("language: de\nversion: 1\nterms:\n  response:\n    - \"militärisch … \"\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_kb(Settings(kb_path=str(tmp_path)))
    assert info.value.path == str(path) and info.value.line == 5
    assert "two parts around one '…'" in info.value.reason
