"""Statement attribution: per sentence, who said what, how, and about whom.

A sentence with a speech cue becomes a Statement. Its speaker is the nearest
person, body or country on the attribution side of the cue: after the cue when a
quote precedes it ('"…," kata X'), before it otherwise ('Jerman memperingatkan').
A sentence with a cue but no speaker continues the previous speaker. A country
named as speaker merges with a body or person of the same country that speaks
a sentence before or after (one speaker, not two).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from streams.models import CleanArticle, Mention, Speaker, Statement, Voice
from streams.tagging.kb import KnowledgeBase
from streams.tagging.matcher import Hit, longest_first

SPEAKER_TYPES = ("person", "body", "country", "organization")
# Quote pairs, bounded and never crossing a paragraph.
_QUOTES = re.compile(
    r'“([^”\n]{1,3000})”|"([^"\n]{1,3000})"|«([^»\n]{1,3000})»|„([^“”\n]{1,3000})[“”]|「([^」\n]{1,3000})」'
)
NEGATION_REACH = 24  # characters before a cue or term where a negation still applies


def quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text (inside the marks)."""
    out = []
    for m in _QUOTES.finditer(text):
        g = next(i for i in range(1, 6) if m.group(i) is not None)
        out.append((m.start(g), m.end(g)))
    return out


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def speaker_of(m: Mention, kb: KnowledgeBase) -> Speaker:
    if m.type == "person":
        body_kind = kb.roles.get(m.role or "")
        if m.role and m.role.endswith("spokesperson") and body_kind and m.country:
            body = kb.body(m.country, body_kind)
            return Speaker(body.name, "body", m.country, body.id, body_kind,
                           Voice(m.name, m.entity_id, m.role), True)
        return Speaker(m.name, "person", m.country, m.entity_id, m.role, None, m.role is not None)
    if m.type == "body":
        return Speaker(m.name, "body", m.country, m.entity_id, m.role, None, True)
    if m.type == "country":
        return Speaker(m.name, "country", m.country, m.entity_id, None, None, True)
    ent = kb.entities.get(m.entity_id)
    return Speaker(m.name, "organization", m.country, m.entity_id, None, None, bool(ent and ent.government))


def _pick(cands: list[Mention], after: bool) -> Mention | None:
    """Nearest candidate; of nested ones, the outermost; a person in apposition wins."""
    if not cands:
        return None
    if after:
        first = min(cands, key=lambda m: (m.start, -m.end))
        follow = [m for m in cands if m.type == "person" and 0 <= m.start - first.end <= 3]
        return follow[0] if follow and first.type != "person" else first
    last_end = max(m.end for m in cands)
    near = [m for m in cands if m.end == last_end]
    return min(near, key=lambda m: m.start)


def attribute(article: CleanArticle, mentions: list[Mention], hits: list[Hit], kb: KnowledgeBase) -> list[Statement]:
    text = article.text
    qspans = quotes(text)
    cues = longest_first(h for h in hits if h.phrase.layer == "cue")
    terms = longest_first(h for h in hits if h.phrase.layer == "term")
    mods = [h for h in hits if h.phrase.layer == "modality"]
    nongov = longest_first(h for h in hits if h.phrase.layer == "nongov")
    prio = kb.cue_priority
    out: list[Statement] = []
    prev: Statement | None = None
    prev_sentence = -2
    for si, sent in enumerate(article.sentences):
        s0, s1 = sent.start, sent.end
        scues = [c for c in cues if s0 <= c.start < s1]
        if not scues:
            continue
        sq = [(max(a, s0), min(b, s1)) for a, b in qspans if a < s1 and b > s0]
        outside = [c for c in scues if not _inside(c.start, sq)]
        anchor = (outside or scues)[0]
        best = min(scues, key=lambda c: (prio.get(c.phrase.value, 99), c.start))
        smentions = [i for i, m in enumerate(mentions) if s0 <= m.start < s1]
        free = [mentions[i] for i in smentions
                if mentions[i].type in SPEAKER_TYPES and not _inside(mentions[i].start, sq)]
        quote_before = any(b <= anchor.start <= b + 4 for _, b in sq)
        before = [m for m in free if m.end <= anchor.start]
        after = [m for m in free if m.start >= anchor.end]
        ng_before = [h for h in nongov if s0 <= h.start < anchor.start and not _inside(h.start, sq)]
        chosen: Mention | None = None
        if quote_before:
            chosen = _pick(after, True) or _pick(before, False)
        else:
            chosen = _pick(before, False) or _pick(after, True)
        speaker: Speaker | None = speaker_of(chosen, kb) if chosen else None
        if ng_before and (chosen is None or chosen.type in ("country", "organization")
                          or chosen.start < ng_before[-1].start or chosen.start > anchor.end):
            # "analysts in Germany warned", "Russian experts said": not a government speaking.
            speaker = Speaker(text[ng_before[-1].start:ng_before[-1].end], "unknown", None, None, None, None,
                              False)
        if speaker is None and prev is not None and prev.speaker is not None and si - prev_sentence == 1:
            speaker = prev.speaker  # the quote goes on in the next sentence
        quote = _evidence_quote(sq, terms, s0, s1)
        stermed: dict[str, list[str]] = {}
        for t in terms:
            if s0 <= t.start < s1:
                stermed.setdefault(t.phrase.value, []).append(text[t.start:t.end])
        st = Statement(
            sentence=si, start=s0, end=s1, cue=best.phrase.value, cue_text=text[best.start:best.end],
            cue_start=best.start, language=article.language, speaker=speaker,
            quote=text[quote[0]:quote[1]] if quote else None,
            quote_start=quote[0] if quote else None, quote_end=quote[1] if quote else None,
            modality=_modality(mods, anchor.start, s1),
            negated=_negated(mods, [best, *(t for t in terms if s0 <= t.start < s1)]),
            terms=stermed, mentions=smentions,
        )
        out.append(st)
        prev, prev_sentence = st, si
    _merge_speakers(out)
    return out


def _evidence_quote(sq: list[tuple[int, int]], terms: list[Hit], s0: int, s1: int) -> tuple[int, int] | None:
    for a, b in sq:
        if any(a <= t.start < b for t in terms):
            return a, b
    return sq[0] if sq else None


def _modality(mods: list[Hit], frm: int, to: int) -> str:
    kinds = {h.phrase.value for h in mods if frm <= h.start < to}
    if "conditional" in kinds:
        return "conditional"
    if "hypothetical" in kinds:
        return "hypothetical"
    return "asserted"


def _negated(mods: list[Hit], anchors: list[Hit]) -> bool:
    negs = [h for h in mods if h.phrase.value == "negation"]
    return any(0 <= a.start - n.end <= NEGATION_REACH for n in negs for a in anchors)


def _merge_speakers(statements: list[Statement]) -> None:
    """'Jerman memperingatkan …' then '"…" kata juru bicara Kemlu Jerman': one speaker."""
    for i, st in enumerate(statements):
        sp = st.speaker
        if sp is None or sp.kind not in ("country", "body") or sp.country is None:
            continue
        for j in (i + 1, i - 1):
            if not 0 <= j < len(statements) or abs(statements[j].sentence - st.sentence) != 1:
                continue
            other = statements[j].speaker
            if other is None or other.country != sp.country or not other.government:
                continue
            if sp.kind == "country" and other.kind in ("body", "person"):
                st.speaker = other
                break
            if sp.kind == "body" and other.kind == "body" and other.entity_id == sp.entity_id and other.voice:
                st.speaker = other
                break
