"""The built knowledge base is cached (kb.load): a cached load gives the same knowledge base as a
build, and any change to a data file builds it again."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.settings import Settings
from streams.tagging import kb as kb_module
from streams.tagging.kb import KnowledgeBase, cache_key
from streams.tagging.kb import load as load_kb
from streams.tagging.matcher import Phrase, Tables, _tables
from tests.unit.test_kb import EXTRA_PERSON

TEXT = ("Die Sprecherin Kathrin Beispiel sagte am Montag in Berlin, Russland werde mit einer Eskalation "
        "antworten. «Toute attaque serait une ligne rouge», a averti le ministère russe des Affaires étrangères.")


def _ordered(tables: Tables) -> list[tuple[str, list[tuple[str, list[Phrase]]]]]:
    return [(family, list(table.items())) for family, table in tables.items()]


def _no_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: object) -> None:
        raise AssertionError("built from the data files, not read from the cache")

    monkeypatch.setattr(kb_module._Builder, "parts", refuse)


def _same(a: KnowledgeBase, b: KnowledgeBase) -> None:
    assert a.entities == b.entities and list(a.entities) == list(b.entities)
    assert a.countries == b.countries and a.body_patterns == b.body_patterns and a.roles == b.roles
    assert (a.cue_priority, a.term_classes, a.versions) == (b.cue_priority, b.term_classes, b.versions)
    assert (a.capitals, a.surnames) == (b.capitals, b.surnames)
    assert a.matcher.size == b.matcher.size
    assert a.matcher.scan(TEXT) == b.matcher.scan(TEXT)


def test_cached_load_is_the_built_one_and_a_changed_file_builds_again(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ext = tmp_path / "ext"
    ext.mkdir()
    (ext / "people.yaml").write_text(EXTRA_PERSON, encoding="utf-8")
    settings = Settings(kb_path=str(ext), cache_dir=tmp_path / "cache")
    built = load_kb(settings)
    assert [p.name for p in (tmp_path / "cache").glob("kb-*.json")] == [f"kb-{cache_key(settings)}.json"]

    with monkeypatch.context() as mp:
        _no_build(mp)
        cached = load_kb(settings)
    _same(built, cached)
    assert any(h.phrase.layer == "body_part" and isinstance(h.phrase.value, tuple)
               for h in cached.matcher.scan(TEXT)), "a body pattern's (index, side) comes back a tuple"

    # The cache holds the phrases grouped as the matcher groups them, in the same order (the hits' order).
    parts = kb_module._Parts.undump((tmp_path / "cache" / f"kb-{cache_key(settings)}.json").read_bytes())
    assert parts.tables is not None
    assert _ordered(parts.tables) == _ordered(_tables(kb_module._Builder(settings).parts().phrases))
    assert _ordered(_tables(parts.phrases)) == _ordered(parts.tables)

    # A data file changes: a new key, a new build that has the change.
    (ext / "people.yaml").write_text(EXTRA_PERSON.replace("Kathrin Beispiel", "Kathrin Anders"), encoding="utf-8")
    changed = load_kb(settings)
    assert changed.entities["p:de:kathrin-beispiel"].name == "Kathrin Anders"
    assert len(list((tmp_path / "cache").glob("kb-*.json"))) == 2


def test_key_follows_every_data_file(tmp_path: Path) -> None:
    settings = Settings(kb_path=str(tmp_path), cache_dir=tmp_path / "cache")
    empty = cache_key(settings)
    (tmp_path / "languages").mkdir()
    (tmp_path / "languages" / "de.yaml").write_text("language: de\ncues:\n  warn: [mahnte]\n", encoding="utf-8")
    added = cache_key(settings)
    assert added != empty
    (tmp_path / "languages" / "de.yaml").write_text("language: de\ncues:\n  warn: [mahnten]\n", encoding="utf-8")
    edited = cache_key(settings)
    assert edited not in (empty, added)
    assert cache_key(settings) == edited, "the same files, the same key"


def test_unreadable_cache_builds_again(tmp_path: Path) -> None:
    settings = Settings(kb_path="", cache_dir=tmp_path)
    (tmp_path / f"kb-{cache_key(settings)}.json").write_bytes(b'{"entities": [')
    assert "p:us:donald-trump" in load_kb(settings).entities


def test_key_follows_the_shipped_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "data"
    (shipped / "languages").mkdir(parents=True)
    (shipped / "languages" / "fr.yaml").write_text("language: fr\n", encoding="utf-8")
    monkeypatch.setattr(kb_module, "DATA", shipped)
    settings = Settings(kb_path="", cache_dir=tmp_path / "cache")
    before = cache_key(settings)
    (shipped / "languages" / "fr.yaml").write_text("language: fr\nnongov: [analystes]\n", encoding="utf-8")
    assert cache_key(settings) != before
