"""The language model restricted to the supported languages is cached (language._identifier): the
cached identifier ranks exactly as the one loaded from py3langid's model, and a changed model file
is a new cache entry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from py3langid.langid import LanguageIdentifier

from streams.cleaning import language

TEXTS = ["Der Außenminister warnte am Montag vor einer weiteren Eskalation.",
         "Министр иностранных дел заявил, что ответ будет жёстким.",
         "Menteri Luar Negeri memperingatkan bahwa serangan itu adalah garis merah.",
         "中国外交部发言人表示，任何挑衅都将付出代价。", "Bộ Ngoại giao cảnh báo", "ok"]


def test_cached_identifier_ranks_as_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_CACHE_DIR", str(tmp_path))
    path = language._cache_path()
    assert path.parent == tmp_path and not path.exists()
    fresh = language._from_model(LanguageIdentifier)
    language._write_cached(path, fresh)
    cached = language._read_cached(path, LanguageIdentifier)
    assert cached is not None
    assert cached.nb_classes == fresh.nb_classes
    for text in TEXTS:
        assert cached.rank(text) == fresh.rank(text)  # the same floats, not close ones


def test_changed_model_file_is_a_new_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_CACHE_DIR", str(tmp_path))
    model = tmp_path / "model.npz.xz"
    model.write_bytes(b"one model")
    first = language._cache_path(model)
    model.write_bytes(b"another model, retrained")
    os.utime(model, ns=(1, 1))
    assert language._cache_path(model) != first


def test_unreadable_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "langid-x.npz"
    path.write_bytes(b"PK\x03\x04 not a whole archive")
    assert language._read_cached(path, LanguageIdentifier) is None
    assert language._read_cached(tmp_path / "absent.npz", LanguageIdentifier) is None
