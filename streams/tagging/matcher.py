"""One Aho-Corasick automaton over every phrase the tagger knows.

Entities, body and role phrases, speech cues, term classes and modality markers
all go into the same automaton, each phrase carrying the layers it belongs to,
so an article is scanned once. Matching is on 1:1 case-folded text (offsets stay
those of the clean text); short or upper-case phrases must match exactly; a
phrase ending in ``*`` is a bounded stem; word boundaries are checked per hit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ahocorasick

MAX_STEM_TAIL = 12  # letters a stem may run on ("escalat*" -> "escalating")


@dataclass(frozen=True, slots=True)
class Phrase:
    layer: str  # entity | short | body_part | role | cue | term | modality | nongov
    value: Any  # what the layer needs to know: an entity id, a cue class, ...
    lang: str | None = None
    exact: str | None = None  # case-sensitive surface, when folding is not allowed
    stem: bool = False
    cap: bool = False  # a proper name: the text must capitalise it too ("Того" the country, not "того")


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    phrase: Phrase


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0x0E00 <= o <= 0x0EFF


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


def fold(text: str) -> str:
    """Lower-case (and unify apostrophes) without changing length, so offsets carry over."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.translate(_APOSTROPHES)


def needs_exact(surface: str) -> bool:
    """Short forms and acronyms ("AS", "US", "ФРГ") collide with words when folded."""
    letters = [c for c in surface if c.isalpha()]
    return len(letters) <= 3 or (len(letters) > 1 and all(c.isupper() for c in letters))


def make_phrase(surface: str, layer: str, value: Any, lang: str | None = None,
                proper: bool = False) -> tuple[str, Phrase] | None:
    """Normalise one data-file phrase into an automaton key and its payload."""
    text = " ".join(surface.split())
    stem = text.endswith("*")
    if stem:
        text = text[:-1].rstrip()
    if not text:
        return None
    exact = text if (not stem and needs_exact(text)) else None
    return fold(text), Phrase(layer, value, lang, exact, stem, proper and text[0].isupper())


class Matcher:
    def __init__(self, entries: Iterable[tuple[str, Phrase]]) -> None:
        table: dict[str, list[Phrase]] = {}
        for key, phrase in entries:
            bucket = table.setdefault(key, [])
            if phrase not in bucket:
                bucket.append(phrase)
        self.automaton = ahocorasick.Automaton()
        for key, bucket in table.items():
            cjk = any(_is_cjk(c) for c in key)
            self.automaton.add_word(key, (len(key), cjk, tuple(bucket)))
        self.size = len(table)
        if table:
            self.automaton.make_automaton()

    def scan(self, text: str) -> list[Hit]:
        """Every phrase occurrence that respects case and word-boundary rules."""
        if not self.size:
            return []
        folded = fold(text)
        n = len(text)
        hits: list[Hit] = []
        for last, (length, cjk, bucket) in self.automaton.iter(folded):
            start = last - length + 1
            end = last + 1
            if not cjk and start > 0 and folded[start - 1].isalnum():
                continue
            # "de l'" + "Ukraine": an elided article ends a word by itself.
            surface_ok_end = cjk or end >= n or not folded[end].isalnum() or folded[end - 1] == "'"
            upper = text[start].isupper()
            for phrase in bucket:
                if phrase.cap and not upper:
                    continue
                if phrase.stem:
                    stop = end
                    limit = min(n, end + MAX_STEM_TAIL)
                    while stop < limit and folded[stop].isalpha():
                        stop += 1
                    if stop < n and folded[stop].isalpha():
                        continue
                    hits.append(Hit(start, stop, phrase))
                elif surface_ok_end:
                    if phrase.exact is not None and text[start:end] != phrase.exact:
                        continue
                    hits.append(Hit(start, end, phrase))
        return hits


def longest_first(hits: Iterable[Hit]) -> list[Hit]:
    """Non-overlapping hits where the longest wins ("de-escalation" over
    "escalation", "Korea Utara" over "Korea"); ties go to the leftmost."""
    ordered = sorted(hits, key=lambda h: (h.start - h.end, h.start))
    taken: list[tuple[int, int]] = []
    chosen: list[Hit] = []
    for hit in ordered:
        if any(hit.start < e and s < hit.end for s, e in taken):
            continue
        taken.append((hit.start, hit.end))
        chosen.append(hit)
    chosen.sort(key=lambda h: h.start)
    return chosen
