"""Aho-Corasick matching of every phrase the tagger knows, in one pass per script family.

Entities, body and role phrases, speech cues, term classes and modality markers
all go into the same automaton, each phrase carrying the layers it belongs to,
so an article is scanned once. Matching is on 1:1 case-folded text (offsets stay
those of the clean text); short or upper-case phrases must match exactly; a
phrase ending in ``*`` is a bounded stem; word boundaries are checked per hit.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

import ahocorasick

from streams import _core  # the compiled matcher (streams/native)

MAX_STEM_TAIL = 12  # letters a stem may run on ("escalat*" -> "escalating")
# Layers whose phrases belong to one language: a German "laut" is not an Indonesian
# "laut". Names (entities) are matched whatever the article's language.
LANGUAGE_LAYERS = frozenset({"cue", "term", "modality", "nongov", "role", "bare_body", "body_part", "gap"})

GAP = "…"  # in a cue or term phrase: the words of its clause may stand here ("militärisch … antworten")
GAP_REACH = 60  # characters between the two parts of a split phrase
# what ends a clause, so that a split phrase's parts no longer belong together
_CLAUSE_END = re.compile(r"[.;:!?,\n\"«»“”„。．；：！？，]")


@dataclass(frozen=True, slots=True)
class Phrase:
    layer: str  # entity | short | body_part | role | cue | term | modality | nongov
    value: Any  # what the layer needs to know: an entity id, a cue class, ...
    lang: str | None = None
    exact: str | None = None  # case-sensitive surface, when folding is not allowed
    stem: bool = False
    cap: bool = False  # a proper name: the text must capitalise it too ("Того" the country, not "того")
    cap_at: int = 0  # where the capital is due: "ông Triệu" (Mr Zhao) is not "ông triệu" (a million)


class Hit(NamedTuple):  # a tuple: made ~100 times per article, cheaper than a frozen dataclass
    start: int
    end: int
    phrase: Phrase


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0x0E00 <= o <= 0x0EFF


_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\u0e00-\u0eff]")  # is_cjk, for whole keys


# Arabic writes conjunctions, prepositions and the article onto the next word ("والتصعيد",
# "للتصعيد", "بالرد"): a phrase listed without them ("تصعيد") still starts a word after them.
_PROCLITICS = frozenset({"و", "ف", "ب", "ل", "ك", "ال", "لل", "وال", "فال", "بال", "كال", "ول", "وب", "فب",
                         "ولل", "فلل", "س", "وس"})


# Hebrew writes "and", "the", "in", "to", "from", "that", "as" onto the next word ("והסלמה",
# "בישראל", "שאיראן"): a phrase listed without them still starts a word after them.
_HE_PROCLITICS = frozenset(
    a + b for a in ("", "ו", "ש", "כש", "וכש", "מ", "ומ") for b in ("", "ה", "ב", "ל", "מ", "כ")
) - {""}


def _proclitic(folded: str, start: int) -> bool:
    first = folded[start]
    if "\u0600" <= first <= "\u06ff":
        lo, hi, table = "\u0600", "\u06ff", _PROCLITICS
    elif "\u05d0" <= first <= "\u05ea":
        lo, hi, table = "\u05d0", "\u05ea", _HE_PROCLITICS
    else:
        return False
    i = start
    while i > 0 and start - i < 3 and lo <= folded[i - 1] <= hi:
        i -= 1
    return (i == 0 or not _word_char(folded[i - 1])) and folded[i:start] in table


def _word_char(ch: str) -> bool:
    """A letter, digit or Indic vowel sign: Devanagari vowel signs, anusvara and virama are inside
    a word ("कहा" is not "कह" + a boundary) although str.isalnum() says no. Arabic harakat keep
    ending a match, as before ("رد" in "ردّ")."""
    return ch.isalnum() or ("\u0900" <= ch <= "\u0dff" and unicodedata.category(ch)[0] == "M")


def _tail_char(ch: str) -> bool:
    """A character a stem may run on with: a letter or an Indic vowel sign."""
    return ch.isalpha() or ("\u0900" <= ch <= "\u0dff" and unicodedata.category(ch)[0] == "M")


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


def fold(text: str) -> str:
    """Lower-case (and unify apostrophes) without changing length, so offsets carry over."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if "’" in low or "‘" in low or "ʼ" in low:
        # low.translate(_APOSTROPHES), done by str.replace: translate looks every character of a
        # non-ASCII text up in its table (~0.5 ms for 4 KB), replace scans for one (~10 us)
        for mark in _APOSTROPHES:
            low = low.replace(chr(mark), "'")
    return low


def needs_exact(surface: str) -> bool:
    """Short forms and acronyms ("AS", "US", "ФРГ") collide with words when folded."""
    letters = list(filter(str.isalpha, surface))  # C-level loops: called for every phrase at start-up
    return len(letters) <= 3 or (len(letters) > 1 and all(map(str.isupper, letters)))


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
    # A proper name is capitalised where the data capitalises it first: at its start, or after
    # a lower-case title ("ông Cảnh", Mr Geng, must not match "ông cảnh báo", he warned).
    cap_at = next((i for i, c in enumerate(text) if c.isupper()), -1) if proper else -1
    if cap_at > 0 and not text[:cap_at].rstrip()[-1:].isalpha() and not text[:cap_at].endswith(" "):
        cap_at = -1  # "al-Sisi", "d'Estaing": a capital inside a word is not a name start
    return fold(text), Phrase(layer, value, lang, exact, stem, cap_at >= 0, max(cap_at, 0))


# pyahocorasick looks a transition up by scanning a node's children, so a root with
# the first letters of every script CLDR writes (1,600+) makes every character of a
# text slow (measured on a 2 KB Indonesian article: 414 us with all phrases in one
# automaton, 112 us with Latin+Cyrillic+Greek, 50 us with Latin alone). Phrases are
# therefore kept in one automaton per script family, and a text is scanned only by the
# automata of the scripts it contains.
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_OTHER = re.compile(r"[^\u0000-\u052f\u1e00-\u1fff\u2000-\u206f\u20a0-\u20cf\u2100-\u214f]")
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")


# _OTHER or _GREEK in one search (Greek Extended lies inside _OTHER's Latin Extended Additional range)
_NOT_LATIN = re.compile(r"[^\u0000-\u036f\u0400-\u052f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf\u2100-\u214f]")


def _family(key: str) -> str:
    if key.isascii():  # most keys; the searches below are the start-up's cost per key
        return "latin"
    if _CYRILLIC.search(key):
        return "cyrillic"
    if _NOT_LATIN.search(key):
        return "other"
    return "latin"


Tables = dict[str, dict[str, list[Phrase]]]  # script family -> key -> its phrases


def _tables(entries: Iterable[tuple[str, Phrase]]) -> Tables:
    """Phrases by script family, then by key (one key may carry phrases of several layers)."""
    tables: Tables = {"latin": {}, "cyrillic": {}, "other": {}}
    for key, phrase in entries:
        bucket = tables[_family(key)].setdefault(key, [])
        if phrase not in bucket:
            bucket.append(phrase)
    return tables


def _automaton(table: dict[str, list[Phrase]]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for key, bucket in table.items():
        cjk = _CJK.search(key) is not None
        automaton.add_word(key, (len(key), cjk, tuple(bucket)))
    if table:
        automaton.make_automaton()
    return automaton


class ReferenceMatcher:
    """The matcher in Python over pyahocorasick: the place to read the rules, and the reference
    the compiled Matcher is tested against (tests/unit/test_matcher_compiled.py)."""

    def __init__(self, entries: Iterable[tuple[str, Phrase]]) -> None:
        tables = _tables(entries)
        self.latin = _automaton(tables["latin"])
        self.cyrillic = _automaton(tables["cyrillic"])
        self.other = _automaton(tables["other"])
        self.size = sum(len(t) for t in tables.values())

    def scan(self, text: str, lang: str | None = None) -> list[Hit]:
        """Every phrase occurrence that respects case and word-boundary rules; with ``lang``, those
        an article in that language keeps (in_language)."""
        if not self.size:
            return []
        folded = fold(text)
        hits: list[Hit] = []
        self._scan(self.latin, text, folded, hits)
        if _CYRILLIC.search(folded):
            self._scan(self.cyrillic, text, folded, hits)
        if _OTHER.search(folded) or _GREEK.search(folded):
            self._scan(self.other, text, folded, hits)
        return hits if lang is None else in_language(hits, lang)

    @staticmethod
    def _scan(automaton: ahocorasick.Automaton, text: str, folded: str, hits: list[Hit]) -> None:
        if automaton.kind == ahocorasick.EMPTY:
            return
        n = len(text)
        for last, (length, cjk, bucket) in automaton.iter(folded):
            start = last - length + 1
            end = last + 1
            if not cjk and start > 0 and _word_char(folded[start - 1]) and not _proclitic(folded, start):
                continue
            # "de l'" + "Ukraine": an elided article ends a word by itself.
            surface_ok_end = cjk or end >= n or not _word_char(folded[end]) or folded[end - 1] == "'"
            for phrase in bucket:
                if phrase.cap and not text[start + phrase.cap_at].isupper():
                    continue
                if phrase.stem:
                    stop = end
                    limit = min(n, end + MAX_STEM_TAIL)
                    while stop < limit and _tail_char(folded[stop]):
                        stop += 1
                    if stop < n and _tail_char(folded[stop]):
                        continue
                    hits.append(Hit(start, stop, phrase))
                elif surface_ok_end:
                    if phrase.exact is not None and text[start:end] != phrase.exact:
                        continue
                    hits.append(Hit(start, end, phrase))



_WORD, _TAIL, _UPPER = 1, 2, 4  # the character classes the compiled core asks Python about


def char_flags(ch: str) -> int:
    """What the rules above ask of one character, as the compiled core's bit flags."""
    return (_WORD if _word_char(ch) else 0) | (_TAIL if _tail_char(ch) else 0) | (_UPPER if ch.isupper() else 0)


_BMP_FLAGS: bytes | None = None


def _bmp_flags() -> bytes:
    """char_flags over the Basic Multilingual Plane, computed once: Python's own Unicode tables
    decide, so both matchers agree on every character (beyond it the core calls char_flags)."""
    global _BMP_FLAGS
    if _BMP_FLAGS is None:
        _BMP_FLAGS = bytes(char_flags(chr(i)) for i in range(0x10000))
    return _BMP_FLAGS


class Matcher:
    """The matcher the tagger uses: ReferenceMatcher's keys, phrases and rules, scanned by the
    compiled core (streams/native: one Aho-Corasick automaton over every key, rules in Rust)."""

    def __init__(self, entries: Iterable[tuple[str, Phrase]], tables: Tables | None = None) -> None:
        """``tables``: _tables(entries), when the caller has them already (a cached knowledge base)."""
        if tables is None:
            tables = _tables(entries)
        keys = [
            (key, _CJK.search(key) is not None, family,
             [(p, p.exact, p.stem, p.cap, p.cap_at, own_language(p)) for p in bucket])
            for family, name in enumerate(("latin", "cyrillic", "other"))
            for key, bucket in tables[name].items()
        ]
        self._core = _core.Core(keys, _bmp_flags(), char_flags, _PROCLITICS, _HE_PROCLITICS, MAX_STEM_TAIL)
        self.size = len(keys)

    def scan(self, text: str, lang: str | None = None) -> list[Hit]:
        """ReferenceMatcher.scan's hits, in its order; with ``lang``, those of in_language(hits, lang)."""
        if not self.size:
            return []
        hits: list[Hit] = self._core.scan(text, fold(text), Hit, lang)
        return hits


def in_language(hits: list[Hit], lang: str) -> list[Hit]:
    """The hits an article in ``lang`` keeps: names in any language, the other layers' phrases in
    its own or in none (what Matcher.scan(text, lang) leaves out in the compiled core)."""
    return [h for h in hits if own_language(h.phrase) in (None, lang)]


def own_language(p: Phrase) -> str | None:
    """The one language a phrase is matched in, or None for all: the phrases of the language layers,
    and a name's stem from a language file ("Berlin*" of Hungarian's Berlinben is German "Berliner")."""
    return p.lang if p.layer in LANGUAGE_LAYERS or (p.stem and p.layer in _NAME_LAYERS) else None


_NAME_LAYERS = frozenset({"entity", "short", "ambiguous"})


def _longest_key(h: Hit) -> tuple[int, int]:
    return h.start - h.end, h.start


def longest_first(hits: Iterable[Hit]) -> list[Hit]:
    """Non-overlapping hits where the longest wins ("de-escalation" over
    "escalation", "Korea Utara" over "Korea"); ties go to the leftmost. The compiled
    core's copy of reference_longest_first (called for every sentence's cues and terms)."""
    listed = hits if isinstance(hits, list) else list(hits)
    if len(listed) < 2:  # most calls: a sentence's cues or terms
        return listed[:]
    chosen: list[Hit] = _core.longest_first(listed)
    return chosen


def reference_longest_first(hits: Iterable[Hit]) -> list[Hit]:
    """longest_first in Python: the place to read the rule, and what the compiled one is tested against."""
    ordered = sorted(hits, key=_longest_key)
    if len(ordered) < 2:  # most calls: a sentence's cues or terms
        return ordered
    taken = bytearray(max(h.end for h in ordered))  # 1 where a chosen hit lies
    chosen: list[Hit] = []
    for hit in ordered:
        start, end = hit.start, hit.end
        if taken.find(1, start, end) < 0:
            taken[start:end] = b"\x01" * (end - start)
            chosen.append(hit)
    chosen.sort(key=itemgetter(0))
    return chosen


# A writer quotes part of a phrase: 'would be "crushed"', "serait « écrasée »", "будет защищать
# «своих граждан»". Literal phrases do not run over the quote mark, so each stretch around one is
# scanned again with the mark (and the space French sets inside it) left out.
_QUOTE_MARK = re.compile(r"[\"“”«»„‟「」『』]")
QUOTE_REACH = 48  # characters either side of a quote mark where a phrase may run over it


def reference_split_marks(text: str) -> list[int]:
    """Where a quote mark may split a phrase: with a word character on either side, next to it or
    past one space ('be "crushed', not '."' or ': «'). The rule as written; split_marks is the fast
    form, tested equal to it."""
    n = len(text)
    return [q for q in (m.start() for m in _QUOTE_MARK.finditer(text))
            if (_word_char(text[q - 1]) if q > 0 and not text[q - 1].isspace() else q > 1 and _word_char(text[q - 2]))
            and (_word_char(text[q + 1]) if q + 1 < n and not text[q + 1].isspace()
                 else q + 2 < n and _word_char(text[q + 2]))]


# reference_split_marks's test of one mark as a regex: _word_char is str.isalnum() ([^\W_], as re's
# \w is isalnum or "_") or an Indic vowel sign (listed from unicodedata); re's \s is str.isspace().
# The mark, then the look-behinds (one per width) and the look-ahead.
_INDIC_SIGNS = "".join(chr(o) for o in range(0x900, 0xE00) if unicodedata.category(chr(o))[0] == "M")
_W = rf"(?:[^\W_]|[{_INDIC_SIGNS}])"
_SPLIT_MARK = re.compile(rf"{_QUOTE_MARK.pattern}(?:(?<={_W}[\s\S])|(?<={_W}\s[\s\S]))(?={_W}|\s{_W})")


_QUOTE_CHARS = "\"“”«»„‟「」『』"  # what _QUOTE_MARK matches (tested)


def split_marks(text: str) -> list[int]:
    """reference_split_marks(text): the marks found by one str.find scan per mark character (an
    article has a few: a regex trying a class at every position costs ~10 ns a character), then
    _SPLIT_MARK asked at each (its look-behinds see the text before the position)."""
    found: list[int] = []
    for ch in _QUOTE_CHARS:
        at = text.find(ch)
        while at >= 0:
            if _SPLIT_MARK.match(text, at) is not None:
                found.append(at)
            at = text.find(ch, at + 1)
    found.sort()
    return found


def across_quotes(matcher: Matcher | ReferenceMatcher, text: str, lang: str | None, hits: list[Hit]) -> list[Hit]:
    """``hits`` plus the term and cue phrases that a quote mark splits ('"상응한 조치"를 예고'), at
    their offsets in ``text``."""
    n = len(text)
    marks = split_marks(text)
    if not marks:
        return hits
    # The stretches around the marks, the marks left out, joined by newlines into one text to scan
    # once; each run of kept characters is (offset in the joined text, offset in ``text``).
    parts: list[str] = []
    runs: list[tuple[int, int]] = []
    dropped: list[int] = []
    at = 0
    i = 0
    while i < len(marks):
        j = i  # marks close together share one stretch ('"red" line', '«…»')
        while j + 1 < len(marks) and marks[j + 1] - marks[j] <= 2 * QUOTE_REACH:
            j += 1
        a, b = max(0, marks[i] - QUOTE_REACH), min(n, marks[j] + QUOTE_REACH + 1)
        gone = set(marks[i:j + 1])
        for q in marks[i:j + 1]:  # "serait « écrasée »": a mark spaced on both sides takes one space along
            if q + 1 < b and text[q + 1].isspace() and (q == 0 or text[q - 1].isspace()):
                gone.add(q + 1)
        cut = a
        for g in [*sorted(gone), b]:
            if g > cut:
                runs.append((at, cut))
                parts.append(text[cut:g])
                at += g - cut
            cut = g + 1
        dropped.extend(sorted(gone))
        parts.append("\n")  # (a stretch's end is a word boundary)
        at += 1
        i = j + 1
    joined = "".join(parts)
    starts = [r[0] for r in runs]

    def back(k: int) -> int:
        run = runs[bisect_right(starts, k) - 1]
        return run[1] + k - run[0]

    found: dict[tuple[int, int, Phrase], None] = {}
    for h in matcher.scan(joined, lang):
        if h.phrase.layer not in ("term", "cue") or "\n" in joined[h.start:h.end]:
            continue
        start, end = back(h.start), back(h.end - 1) + 1
        k = bisect_right(dropped, start)  # (dropped is in text order: one look, not a scan of every mark)
        if k < len(dropped) and dropped[k] < end:  # only what a mark split
            found[(start, end, h.phrase)] = None
    if not found:
        return hits
    return sorted([*hits, *(Hit(s, e, p) for s, e, p in found)], key=itemgetter(0))


def join_gaps(text: str, hits: list[Hit]) -> list[Hit]:
    """``hits`` with the two parts of each split phrase ("militärisch … antworten") joined into one
    hit of its cue or term class where both stand in one clause, the head first, at most GAP_REACH
    characters apart ("werde militärisch auf die Stationierung antworten"); parts alone are dropped."""
    parts = [h for h in hits if h.phrase.layer == "gap"]
    if not parts:
        return hits
    kept = [h for h in hits if h.phrase.layer != "gap"]
    joined: dict[tuple[int, int, Phrase], None] = {}
    # the tails of each split phrase in text order: a head looks only at those within its reach
    # (every head against every part was quadratic in an article of many parts)
    tails: dict[Any, list[Hit]] = {}
    for tail in parts:
        if tail.phrase.value[2]:
            tails.setdefault(tail.phrase.value[3], []).append(tail)
    for group in tails.values():
        group.sort(key=lambda t: t.start)
    starts = {key: [t.start for t in group] for key, group in tails.items()}
    for head in parts:
        layer, klass, side, key = head.phrase.value
        if side or key not in tails:
            continue
        group = tails[key]
        i = bisect_left(starts[key], head.end)
        while i < len(group) and group[i].start <= head.end + GAP_REACH:
            tail = group[i]
            if _CLAUSE_END.search(text, head.end, tail.start) is None:
                joined[(head.start, tail.end, Phrase(layer, klass, head.phrase.lang))] = None
                break
            i += 1
    if not joined:
        return kept
    return sorted([*kept, *(Hit(s, e, p) for s, e, p in joined)], key=itemgetter(0))
