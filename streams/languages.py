"""The languages newswatch reads natively: language id picks among these, metrics label
them, and each has a phrase file in streams/tagging/data/languages/<code>.yaml."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = (
    "id", "en", "vi", "de", "fr", "es", "ru", "ar", "uk", "pt", "it", "pl", "tr", "zh", "ja", "ko",
    "no", "sv", "cs", "ro", "hu", "hi", "he", "bg",
)
# Written without spaces between words: a phrase may start or end anywhere in a run of letters.
UNSPACED: frozenset[str] = frozenset({"zh", "ja"})
