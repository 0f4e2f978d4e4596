"""Statement attribution: per sentence, who said what, how, and about whom.

A sentence with a speech cue becomes a Statement. Its speaker is the nearest
person, body or country on the attribution side of the cue: after the cue when a
quote precedes it ('"…," kata X'), before it otherwise ('Jerman memperingatkan').
A sentence with a cue but no speaker continues the previous speaker. A country
named as speaker merges with a body or person of the same country that speaks
a sentence before or after (one speaker, not two).
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace

from streams.models import (
    FOREIGN_FACING_BODIES,
    FOREIGN_FACING_ROLES,
    CleanArticle,
    Mention,
    Span,
    Speaker,
    Statement,
    Voice,
)
from streams.tagging.kb import KnowledgeBase
from streams.tagging.matcher import Hit, Phrase, longest_first
from streams.tagging.possession import foreign_owned
from streams.tagging.scope import resolved_sentences

CONTEXT_ONLY = frozenset({"threat_of_force"})  # term classes that say what a text is about, not what is said
SPEAKER_TYPES = ("person", "body", "country", "organization", "city")
# Quote pairs, bounded and never crossing a paragraph (the fallback where marks do not balance).
_QUOTES = re.compile(
    r'“([^”\n]{1,3000})”|"([^"\n]{1,3000})"|«([^»\n]{1,3000})»|„([^“”\n]{1,3000})[“”]|「([^」\n]{1,3000})」'
)
_QUOTE_MARKS = re.compile(r'["“”«»„「」『』\n]')
MAX_QUOTE = 3000
WIDE_REACH = 3  # sentences either side where an expulsion of diplomats sets the scene
NEGATION_REACH = 24  # characters before a cue or term where a negation still applies
_LEFT_OPEN = frozenset(" \t\n([{—–-:,;/«„“\"「『")
_RIGHT_CLOSED = frozenset(" \t\n)]}.,;:!?—–-…»”\"」』")


def quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text (inside the outermost marks). The marks are paired by direction, so
    mixed pairs ('“…"', '"…”', '„…“', '“…“' where a closing mark is typed as an opening one) and
    quotes nested in quotes ('"… our "red lines" …"') close where they should. A paragraph whose
    marks do not balance falls back to pairing like marks only."""
    out: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    para: list[tuple[int, int]] = []
    p0 = 0
    for m in _QUOTE_MARKS.finditer(text + "\n"):
        i, c = m.start(), m.group()
        if c == "\n":
            if stack:  # unbalanced: like marks only, as before
                para = [_span(q) for q in _QUOTES.finditer(text, p0, i)]
            out.extend(para)
            stack, para, p0 = [], [], i + 1
            continue
        before = text[i - 1] if i > p0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opens = before in _LEFT_OPEN and after not in " \t\n"
        closes = before not in " \t\n" and after in _RIGHT_CLOSED
        top = stack[-1][0] if stack else ""
        if c == '"' and "\u05d0" <= before <= "\u05ea" and "\u05d0" <= after <= "\u05ea":
            continue  # a Hebrew acronym's gershayim typed as a straight quote: צה"ל, ארה"ב, הרמטכ"ל
        if c in "«„「『":
            stack.append((c, i))
            continue
        if c in "」』»":
            want = {"」": "「", "』": "『", "»": "«"}[c]
            if not any(k == want for k, _ in stack):
                continue
            while stack and stack[-1][0] != want:
                stack.pop()
        elif c == "“":
            if top == "„" or (top in ("“", '"') and closes and not opens):
                pass  # „…“, and '“…“' typed for '“…”'
            else:
                stack.append((c, i))
                continue
        elif c == "”":
            if top not in ("“", "„", '"', "”"):
                if opens and not stack:
                    stack.append((c, i))  # ”…” (Swedish, Finnish)
                continue
        else:  # '"': closes an open straight or curly quote unless it opens a nested one
            if not stack or (opens and not closes) or top not in ('"', "“", "”", "„"):
                stack.append((c, i))
                continue
        start = stack.pop()[1]
        if not stack and 0 < i - start - 1 <= MAX_QUOTE:
            para.append((start + 1, i))
    return out


def _span(m: re.Match[str]) -> tuple[int, int]:
    g = next(i for i in range(1, 6) if m.group(i) is not None)
    return m.start(g), m.end(g)


INCISE_REACH = 80  # characters of an attribution set inside a quote
INCISE_WORDS = 6
# (or between dashes: "«…, — наголосив Зеленський, — …»", "„… – powiedział szef BBN – …”")
_INCISE_LEAD = re.compile(r"(?:,\s*(?:[—–]\s*)?|\s[—–]\s*)(?:[\w'’-]{1,8}\s*)?$")
_INCISE_CLOSE = re.compile(r",|\s[—–]")


_TAG_GAP = re.compile(r"[\"“”»«„」』]?\s*[,—–-]?\s*$")
_TAG_SAY = Phrase("cue", "say")
_TAG_THREATEN = Phrase("cue", "threaten")
_NAME_GAP = re.compile(r"\s{1,2}")


TITLED_REACH = 24  # characters from a titled_say verb to the title ("declaró hoy la portavoz")


def _tag_cues(text: str, hits: Sequence[Hit], qspans: Sequence[tuple[int, int]],
              mentions: Sequence[Mention] = (), lang: str = "und", transcript: bool = False) -> list[Hit]:
    """A source word right after a quote stands for the speech verb ('„…“, so Kremlsprecher X',
    '«…», selon le ministre'): it gets a say cue where it has none of its own. So does a verb
    that is speech only when a title follows it ("declaró hoy la portavoz")."""
    cue_at = {h.start for h in hits if h.phrase.layer == "cue"}
    out = []
    titles = [h.start for h in hits if h.phrase.layer == "role"]
    named_ends: set[int] | None = None  # (made at the first named_threaten word: most articles have none)
    for h in hits:
        if h.phrase.layer == "modality" and h.phrase.value == "named_threaten" and h.start not in cue_at:
            if named_ends is None:
                # (not a name in a condition: "si la República Democrática del Congo amenaza su seguridad")
                named_ends = {m.end for m in mentions if m.type in ("person", "body", "country", "city")
                              and not _IF_BEFORE.search(text, max(0, m.start - 30), m.start)}
            if any(_NAME_GAP.fullmatch(text, e, h.start) for e in range(max(0, h.start - 2), h.start)
                   if e in named_ends):
                out.append(Hit(h.start, h.end, _TAG_THREATEN))
                continue
        if h.phrase.layer == "modality" and h.phrase.value == "titled_say" and h.start not in cue_at and (
                any(h.end < t <= h.end + TITLED_REACH and not _PUNCT.search(text, h.end, t) for t in titles)
                # (or a clause of what was said after it, perhaps past an incise: "a lancé, dans une
                # allusion au voisin marocain, que quiconque …")
                or _THAT_CLAUSE.match(text, h.end) is not None):
            out.append(Hit(h.start, h.end, _TAG_SAY))
            continue
        if h.phrase.layer != "modality" or h.phrase.value != "source" or h.start in cue_at:
            continue
        if any(0 <= h.start - b <= 4 and _TAG_GAP.fullmatch(text, b, h.start) for _, b in qspans):
            out.append(Hit(h.start, h.end, _TAG_SAY))
    out.extend(_headline_colons(text, hits, mentions, lang))
    out.extend(_headline_quotes(text, hits, mentions, lang))
    if transcript:
        # a transcript's answer (the line after a question) is said, verb or none: its first mark is the cue
        for q in _QUESTION_LINE.finditer(text):
            nl = text.find("\n", q.end())
            if nl < 0 or _QUESTION_LINE.match(text, nl + 1):
                continue
            at = nl + 1 + len(text[nl + 1:]) - len(text[nl + 1:].lstrip())
            label = _ANSWER_LINE.match(text, at)
            if label is not None:  # "A: …", "جواب: …": the label's colon is the cue
                at = label.end() - 1
            elif _NAME_LABEL.match(text, at) is not None:
                continue  # ("Mao Ning: …": a name labels the answer, and that colon is the cue already)
            if at < len(text) and at not in cue_at:
                out.append(Hit(at, at + 1, _TAG_SAY))
    return out


# the words that open a clause of what was said (_THAT_BEFORE adds those of more languages)
_THAT_WORDS = r"that|que|qu['’]|dass|że|что|що|che"
_THAT_CLAUSE = re.compile(rf"(?:\s*,[^,.;:!?«»\"“”]{{1,60}},)?\s+(?:{_THAT_WORDS})(?!\w)", re.IGNORECASE)
_COLON = re.compile("[:：]")  # (Chinese, Japanese and Korean type the full-width colon)
HEADLINE_REACH = 60  # characters from a line's start to the colon after the name that opens it


# the preposition of whom a headline's voice addresses, "X to Y:", "X an Y:", "X a Y:", "X all'Y:"
_ADDRESSEE = re.compile(r"\s+(?:to|an|a|ad|al|alla|allo|agli|alle|all['’]|à|au|aux|ao|aos|às|para|kepada)\s*$",
                        re.IGNORECASE)


# the day or part of it said right after a speech verb ("el martes por la tarde", "mardi soir", "martedì
# sera", "nesta terça-feira"), beyond the occasion markers of the language files ("este martes", "mardi")
_TIME_AFTER_VERB = re.compile(
    r"\s*(?:(?:este|esta|el|la|ce|cette|nesta|neste|na|no|on|am|в|во|у|w|we|v|ve)\s+)?"
    r"(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|heute|gestern|"
    r"понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье|сегодня|вчера|"
    r"понеділок|вівторок|середу|четвер|п['’]ятницю|суботу|неділю|сьогодні|учора|вчора|"
    r"poniedziałek|wtorek|środę|czwartek|piątek|sobotę|niedzielę|dziś|dzisiaj|wczoraj|"
    r"pondělí|úterý|středu|čtvrtek|pátek|sobotu|neděli|dnes|včera|"
    r"понеделник|вторник|сряда|четвъртък|петък|събота|неделя|днес|вчера|"
    r"lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica|segunda|terça|quarta|quinta|sexta|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|hoy|ayer|aujourd['’]hui|hier|oggi|ieri|hoje|ontem|"
    r"stamattina|stasera|mañana|matin|soir|tarde|noche|sera|mattina|pomeriggio|manhã|noite)"
    r"(?:-feira)?(?:\s+(?:por la|en la|de la|à la|in|di|à)?\s*(?:mañana|tarde|noche|matin|soir|après-midi|"
    r"mattina|pomeriggio|sera|manhã|noite))?(?!\w)", re.IGNORECASE)


def _past_time_words(text: str, pos: int, mods: Sequence[Hit]) -> int:
    """Where the words after a speech verb go on past a time said there ("dijo este martes el portavoz")."""
    for _ in range(2):
        m = _TIME_AFTER_VERB.match(text, pos)
        occasion = next((h.end for h in mods if h.phrase.value == "occasion" and 0 <= h.start - pos <= 1), None)
        end = max(m.end() if m else pos, occasion or pos)
        if end == pos:
            break
        pos = end
    return pos


def _headline_colons(text: str, hits: Sequence[Hit], mentions: Sequence[Mention], lang: str = "und") -> list[Hit]:
    """A line that opens with a person, a body or a title and a colon ("وزارة الدفاع الصينية: من
    يلعب بالنار سيحترق بها", "Lavrov: NATO is …", "Burhan: UAE support 'will not go unanswered'"):
    the colon is the speech verb, before any verb after it (not "Ukraine: Russia warns …": a place).
    A capital before the colon speaks only in its own words: a quote right after the colon, or "we"
    in what follows ("Pechino: «…»", "طهران: … وسنرد بقوة"); else it is where the news is from."""
    if ":" not in text and "：" not in text:
        return []
    # where each person, body or title ends, and where it starts (one pass, not one per colon)
    starts_at: dict[int, list[int]] = {}
    voices: dict[int, list[int]] = {}  # ... and where a state or capital ends: one that addresses another
    capitals: dict[int, list[int]] = {}
    for m in mentions:
        if m.type in ("person", "body"):
            starts_at.setdefault(m.end, []).append(m.start)
        elif m.type in ("country", "city", "organization") and m.country:
            voices.setdefault(m.end, []).append(m.start)
            if m.role == "capital":
                capitals.setdefault(m.end, []).append(m.start)
    for h in hits:
        if h.phrase.layer == "role":
            starts_at.setdefault(h.end, []).append(h.start)
    if not starts_at and not voices:
        return []
    # "Peking an Manila: …", "Maduro a Guyana: …", "Kremlin to London: …": a voice and whom it
    # addresses; the addressee ends at the colon
    for end, starts in list(voices.items()):
        for start in starts:
            lead = _ADDRESSEE.search(text, max(0, start - 8), start)
            if lead is None:
                continue
            speaker_end = lead.start()
            if speaker_end in starts_at or speaker_end in voices:
                starts_at.setdefault(end, []).extend(starts_at.get(speaker_end, []) + voices.get(speaker_end, []))
    cue_starts = sorted(h.start for h in hits if h.phrase.layer == "cue")
    out: list[Hit] = []
    colon = _COLON.search(text)
    while colon is not None:
        at = colon.start()
        # (a line that starts further back is too far anyway: no search back to the text's start per colon)
        lo = max(0, at - HEADLINE_REACH - 2)
        stop = text.rfind(". ", lo, at)
        line = max(text.rfind("\n", lo, at) + 1, stop + 2 if stop >= 0 else 0)
        named = any(start >= line for e in (at - 2, at - 1, at) for start in starts_at.get(e, ()))
        if not named and 0 < at - line <= MAX_NAME_WORD and text[line:at].strip().isalpha():
            # "Marinakis: …" after "Regierungssprecher Pavlos Marinakis": a family name of a person named before
            word = text[line:at].strip()
            named = any(m.type == "person" and m.end <= line and text[m.start:m.end].split()[-1:] == [word]
                        for m in mentions)
        if not named and any(start >= line for e in (at - 2, at - 1, at) for start in capitals.get(e, ())):
            named = _own_words_after(text, at, lang)
        if named and at - line <= HEADLINE_REACH and not text[at + 1:at + 2].isdigit() \
                and bisect_left(cue_starts, line) == bisect_left(cue_starts, at):
            out.append(Hit(at, at + 1, _TAG_SAY))
        colon = _COLON.search(text, at + 1)
    return out


_LABEL_QUOTE = re.compile(r"[ \t]?[\"“「『]")
_LABEL_QUOTE_LANGS = frozenset({"ko", "ja"})


def _headline_quotes(text: str, hits: Sequence[Hit], mentions: Sequence[Mention], lang: str) -> list[Hit]:
    """A Korean or Japanese line that opens with a person, a body or a title and then a quote, no verb
    ('부치치 세르비아 대통령 "코소보 … 레드라인"', "ブチッチ大統領「…」"): the quote mark is the speech verb."""
    if lang not in _LABEL_QUOTE_LANGS:
        return []
    ends = [(m.start, m.end) for m in mentions if m.type in ("person", "body")] + \
        [(h.start, h.end) for h in hits if h.phrase.layer == "role"]
    cue_starts = sorted(h.start for h in hits if h.phrase.layer == "cue")
    out: list[Hit] = []
    for start, end in ends:
        q = _LABEL_QUOTE.match(text, end)
        line = text.rfind("\n", 0, start) + 1
        if q is None or start - line > HEADLINE_REACH or _PUNCT.search(text, line, start):
            continue
        nl = text.find("\n", end)
        nl = len(text) if nl < 0 else nl
        if bisect_left(cue_starts, line) == bisect_left(cue_starts, nl):  # (no verb of its own in the line)
            out.append(Hit(q.end() - 1, q.end(), _TAG_SAY))
    return out[:1]


_OPEN_QUOTE = re.compile(r"\s*[\"“«„「『‘']")
# Arabic writes "we"/"our" onto the word: "منشآتنا" (our facilities), "سنرد" (we will respond)
_AR_WE_VERB = re.compile(r"و?سن\w{2,}")
_AR_WE = re.compile(r"\w{2,}نا(?!\w)|(?<!\w)" + _AR_WE_VERB.pattern)


def _own_words_after(text: str, colon: int, lang: str) -> bool:
    """What follows a headline's colon is the voice's own words: a quote, or "we" speaking."""
    if _OPEN_QUOTE.match(text, colon + 1):
        return True
    end = text.find("\n", colon)
    end = len(text) if end < 0 else end
    we = _AR_WE if lang == "ar" else _WE_RE.get(lang)
    return we is not None and we.search(text, colon + 1, end) is not None


def _incises(text: str, qspans: list[tuple[int, int]], cues: Sequence[Hit]) -> list[tuple[int, int]]:
    """French and other typography set the attribution inside the quote marks, between commas
    ('« Toute attaque, a prévenu X, serait une escalade »', '"Any attack," he said, "…"' typed as one
    pair): the incise is not quoted, so its speaker is seen; the quote is the two parts around it."""
    out: list[tuple[int, int]] = []
    # each quote looks at the cues inside it (in their own order), not at every cue of the text
    by_start = sorted(range(len(cues)), key=lambda k: cues[k].start)
    at = [cues[k].start for k in by_start]
    for a, b in qspans:
        parts = [(a, b)]
        for c in [cues[k] for k in sorted(by_start[bisect_right(at, a):bisect_left(at, b)])]:
            x, y = parts[-1]
            if not x < c.start < y:
                continue
            if c.phrase.value not in ("say", "warn"):
                continue  # '…, kami akan membalas …': a threat in the quote is what was said
            lead = _INCISE_LEAD.search(text, max(x, c.start - 12), c.start)
            closing = _INCISE_CLOSE.search(text, c.end, min(y, c.end + INCISE_REACH))
            close = closing.end() - 1 if closing is not None else -1
            if lead is None or close < 0 or _QUOTE_MARKS.search(text, c.start, close) or \
                    len(text[c.end:close].split()) > INCISE_WORDS:
                continue  # an attribution is a verb and a name or title, no more
            parts[-1:] = [(x, lead.start()), (close + 1, y)]
        out.extend(p for p in parts if p[1] > p[0])
    return out


# Direct speech set with dashes, no quote marks ("– Każdy atak spotka się z odpowiedzią. Jesteśmy
# gotowi – powiedział minister.", "— Мы ответим. Это не угроза, — заявил он."): a dash opening a
# paragraph or following a full stop, up to the dash before the tag's verb in the same paragraph
# (a hyphen with spaces stands for the dash in much web text: "- Każdy atak … - powiedział minister")
_DASH_OPEN = re.compile(r"(?:^|(?<=\n)|(?<=[.!?…]\s))[ \t]*[–—-][ \t]+(?=\S)")
_DASH_CLOSE = re.compile(r",?[ \t]+[–—-][ \t]+")
# Swedish and Norwegian open the speech with a dash and close it with the comma before the tag
# ("– Vi kommer att svara, sade hon till TT.")
_COMMA_CLOSE = re.compile(r",[ \t]+")
_COMMA_DASH_TAGS = frozenset({"sv", "no"})
_NORDIC_IN = re.compile(r"(?<!\w)i\s+$")
DASH_TAG_REACH = 4  # characters from the closing dash to the tag's verb


def _with_dash_quotes(text: str, qspans: list[tuple[int, int]], cues: Sequence[Hit],
                      close_re: re.Pattern[str] | None = None) -> list[tuple[int, int]]:
    """The quote spans with dash-set direct speech added where no quote mark already holds it
    (``close_re``: what closes it before the tag's verb, the dash by default)."""
    cue_starts = sorted(h.start for h in cues)
    added: list[tuple[int, int]] = []
    for m in _DASH_OPEN.finditer(text):
        a = m.end()
        para_end = text.find("\n", a)
        para_end = len(text) if para_end < 0 else para_end
        if _QUOTE_MARKS.search(text, a, para_end):
            # marks of its own: quotes() paired them (a quote holding the dash closes in its paragraph too)
            continue
        for close in (close_re or _DASH_CLOSE).finditer(text, a, para_end):
            k = bisect_left(cue_starts, close.end())
            if k < len(cue_starts) and cue_starts[k] - close.end() <= DASH_TAG_REACH:
                if close.start() - a <= MAX_QUOTE:
                    added.append((a, close.start()))
                break
    return sorted([*qspans, *added]) if added else qspans


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    for s, e in spans:  # (a loop, not any(): called for every cue, term and name of a statement)
        if s <= pos < e:
            return True
    return False


def speaker_of(m: Mention, kb: KnowledgeBase) -> Speaker:
    if m.type == "person":
        body_kind = kb.roles.get(m.role or "")
        if m.role and m.role.endswith("spokesperson") and body_kind and m.country:
            body = kb.body(m.country, body_kind)
            return Speaker(body.name, "body", m.country, body.id, body_kind,
                           Voice(m.name, m.entity_id, m.role), True)
        # a party title ("Poland's opposition leader") holds no office of state; North Korea's
        # party officials speak for the state, as the knowledge base has it for named ones
        known = kb.entities.get(m.entity_id) if m.entity_id else None
        office = known.government if known is not None and known.type == "person" else \
            m.role is not None and (m.role not in _OFFICE_FREE or m.country == "KP")
        return Speaker(m.name, "person", m.country, m.entity_id, m.role, None, office)
    if m.type == "body":
        return Speaker(m.name, "body", m.country, m.entity_id, m.role, None, True)
    if m.type == "country":
        return Speaker(m.name, "country", m.country, m.entity_id, None, None, True)
    if m.type == "city" and m.country in kb.countries:  # a capital: "Moscow warned", "Bắc Kinh cảnh báo"
        state = kb.countries[m.country]
        return Speaker(state.name, "country", m.country, state.id, None, None, True)
    ent = kb.entities.get(m.entity_id)
    return Speaker(m.name, "organization", m.country, m.entity_id, None, None, bool(ent and ent.government))


SPECIFICITY = {"person": 0, "body": 1, "organization": 2, "country": 3, "city": 3}
SUBJECT_REACH = 60  # characters: "Russian Foreign Minister Sergey Lavrov" is one subject


# Words that put a name into a complement of the subject rather than next to it
# ("threats by US President Biden", "Drohungen von Biden", "de la part de", "dari", "của").
_PREPOSITION = re.compile(r"\b(?:of|by|from|against|with|to|in|at|von|gegen|mit|durch|im|auf|de|du|des|par|contre|"
                          r"avec|dans|del|por|"
                          r"contra|con|di|da|dal|della|contro|dari|oleh|terhadap|của|từ|với|cho|против|от|со?|к)\b",
                          re.IGNORECASE)


VERB_FINAL = frozenset({"ja", "ko", "tr"})
_ACCORDING_TR = re.compile(r"['’](?:a|e|ya|ye|na|ne)\s+göre(?!\w)", re.IGNORECASE)
# Head-final "according to": the source stands before the postposition ("X によると", "X에 따르면")
_ACCORDING = {"ja": re.compile(r"\s?(?:によると|によれば|の話では)"), "ko": re.compile(r"\s?에\s?(?:따르면|의하면)"),
              "tr": _ACCORDING_TR}
_FROM_TR = re.compile(r"[^\s'’]+['’](?:dan|den|tan|ten)(?=\s)(?:\s+[^\s'’]+['’](?:a|e|ya|ye|na|ne))?\s+(?:\w+\s+){0,2}"
                      r"(?:uyarı|tehdit|gözdağı|mesaj|yanıt|tepki|rest)", re.IGNORECASE)
_SUFFIXED = re.compile(r"['’]\w")
_SUFFIX_END = re.compile(r"['’]\w+$")


def _suffixed(text: str, end: int) -> bool:
    """A Turkish name phrase ending at ``end`` carries a case suffix, after it or inside the
    matched name itself ("ABD'ye", "NATO'ya")."""
    return _SUFFIXED.match(text, end) is not None or _SUFFIX_END.search(text, max(0, end - 12), end) is not None
_TOPIC = {"ja": re.compile(r"\s?[はが]"), "ko": re.compile(r"\s?(?:은|는|이|가|측은|측이)(?![가-힣])")}
# The topic alone (は, 은/는), not the subject (が, 이/가): in a sentence that opens on a topic
# ("タイ陸軍の報道官は、カンボジア軍が…砲撃すれば…と述べた"), a subject after it is of a clause
# inside what was said, mostly the condition's.
_TOPIC_ONLY = {"ja": re.compile(r"\s?は"), "ko": re.compile(r"\s?(?:은|는|측은)(?![가-힣])")}
_LAST_WORD = re.compile(r"(\w+)\W{0,3}$")


_SENTENCE_GAP = re.compile(r"[.!?;:。！？]")


def _in_phrase(text: str, lang: str, m: Mention) -> bool:
    """``_after_preposition``, and Swedish and Norwegian "i" ("in": "Pelosi har landat i Taipei – Kina
    svarar"), which in Polish or Czech is "and"."""
    return _after_preposition(text, m) or (lang in _COMMA_DASH_TAGS and _NORDIC_IN.search(
        text, max(0, m.start - 3), m.start) is not None)


def _after_preposition(text: str, m: Mention) -> bool:
    """"with Israel", "gegen Russland", "mit dem chinesischen Außenminister": a name in a
    prepositional phrase (an article may stand between) is not the subject."""
    w = _LAST_WORD.search(text, max(0, m.start - 16), m.start)
    if w is not None and _SENTENCE_GAP.search(text, w.end(1), m.start):
        return False  # "… zur Zurückhaltung auf. Irans Botschafter": the particle ends the sentence before
    if w is not None and w.group(1)[:1].islower() and not _DETERMINER.fullmatch(w.group(1)):
        # a German adjective between article and noun: "mit dem chinesischen Außenminister"
        art = _LAST_WORD.search(text, max(0, w.start() - 16), w.start())
        if art is not None and _GERMAN_ARTICLE.fullmatch(art.group(1)):
            w = art
    if w is not None and _DETERMINER.fullmatch(w.group(1)):
        w = _LAST_WORD.search(text, max(0, w.start() - 16), w.start())
    return w is not None and _PREPOSITION.fullmatch(w.group(1)) is not None


# Bulgarian "От Кремъл заявиха", "От Белия дом предупредиха": "from" a body opening the sentence, then a
# verb in the third person plural with no subject of its own, is that body speaking (Russian "В Кремле заявили")
_FROM_OPENING = {"bg": re.compile(r"[\s\"“”„«»]*от\s+$", re.IGNORECASE)}
_PLURAL_VERB = {"bg": re.compile(r"\w+(?:ха|ли)$", re.IGNORECASE)}


def _impersonal_from(text: str, lang: str, s0: int, m: Mention, anchor: Hit) -> bool:
    opening, verb = _FROM_OPENING.get(lang), _PLURAL_VERB.get(lang)
    return opening is not None and verb is not None and opening.fullmatch(text, s0, m.start) is not None \
        and verb.match(text, anchor.start, anchor.end) is not None and m.type in ("country", "city", "body")


# English and German articles only: in the Romance languages "de la" is a genitive ("el Ministerio
# … de la República Popular China"), not a phrase of place or company.
_DETERMINER = re.compile(r"the|a|an|der|die|das|dem|den|ein|eine|einem|einer|eines|his|her|its|their|"
                         r"sein|seine|seinem|seinen|seiner|ihr|ihre|ihrem|ihren|ihrer", re.IGNORECASE)
_GERMAN_ARTICLE = re.compile(r"dem|den|der|einem|einer|einen|seinem|seinen|seiner|ihrem|ihren|ihrer")
# German, Swedish and Norwegian put the verb second: after an opening phrase ("Bei einem Treffen
# mit X warnte der russische Außenminister …") the subject follows the verb.
_V2 = frozenset({"de", "sv", "no"})
_DASH_TAGS = frozenset({"ru", "uk", "pl", "bg", "cs", "hu"})  # languages that tag speech with a dash, quotes or not
V2_REACH = 30  # characters after the verb where its inverted subject stands
V2_SUBJECT_REACH = 70  # characters from the start of a sentence opened by a phrase to its inverted subject
# What opens a clause as a phrase that is not its subject: a preposition or adverb first, or a
# phrase closed by a comma right before the verb ("Før X' uttalelser, sa …"). "Die Hamas drohte
# Israel" opens with its subject, whatever the knowledge base knows of it.
_PARTICIPLE = re.compile(r"\w+ed", re.IGNORECASE)  # ("is according to" is no passive; "were told by X" has its agent)


def _spoken(text: str, lang: str, s0: int, cues: list[Hit]) -> list[Hit]:
    """The cues of a sentence that are speech: not an English speech verb in the passive ("will be
    answered"), nor a warning not given ("shot down without prior warning") where another cue remains."""
    if lang == "en" and any(c.phrase.value == "say" for c in cues):
        def passive(c: Hit) -> bool:
            return _EN_PASSIVE_AUX.search(text, max(s0, c.start - 8), c.start) is not None and \
                _PARTICIPLE.fullmatch(text, c.start, c.end) is not None and _AGENT.match(text, c.end) is None

        cues = [c for c in cues if not (c.phrase.value == "say" and passive(c))]
        # "…, adding that nobody could say they had not been warned": who was warned, beside a speaker's verb
        cues = [c for c in cues if not (c.phrase.value == "warn" and passive(c))] or cues
    if lang == "de" and len(cues) > 1:
        # "Jeder Angriff … werde als kriegerischer Akt betrachtet, hieß es", "Peking werde … als feindseligen Akt
        # betrachten, sagte X": a stance verb in reported speech is what was said, not the speech
        cues = [c for c in cues if not (_DE_STANCE_VERB.fullmatch(text, c.start, c.end) and
                                        _DE_PASSIVE_AS.search(text, max(s0, c.start - 80), c.start))] or cues
    if len(cues) > 1:
        cues = [c for c in cues if not (c.phrase.value == "warn" and _WITHOUT.search(
            text, max(0, c.start - 24), c.start))] or cues
        # "would be a declaration of war, warned X": the act named, not a statement made
        cues = [c for c in cues if not (c.phrase.value == "say" and _OF_WAR.match(text, c.end))] or cues
    expected = _EXPECTED.get(lang)
    if expected is not None:
        # "is expected to warn", "devrait avertir", "ومن المنتظر أن يحذر": a warning foreseen, not given
        cues = [c for c in cues if c.phrase.value not in _FORESEEABLE
                or not expected.search(text, max(s0, c.start - EXPECTED_REACH), c.start)]
    return cues


_OF_WAR = re.compile(r"\s+(?:of war|de guerre|de guerra|di guerra|da guerra|войны|війни|wojny|války|на война|de război)"
                     r"(?!\w)", re.IGNORECASE)
_ASKED = re.compile(r"[?？؟]\s*$")  # a sentence that ends on a question mark
_DE_STANCE_VERB = re.compile(r"(?:betrachtet|gewertet|angesehen|gesehen|betrachten|werten|ansehen|sehen|einstufen|"
                             r"eingestuft)", re.IGNORECASE)
_DE_PASSIVE_AS = re.compile(r"(?<!\w)(?:werde|werden|wird|würde|würden)\s[^,;:.!?]*\bals\b[^,;:.!?]*$", re.IGNORECASE)
EXPECTED_REACH = 40  # characters from the expectation to the verb it governs ("is expected on Tuesday to warn")
_FORESEEABLE = frozenset({"warn", "say", "threaten"})
_EXPECTED = {lang: re.compile(rf"(?:{words})[^.,;:!?\"“”«»„]*$", re.IGNORECASE) for lang, words in {
    "en": r"\b(?:(?:is|are|was|were) (?:widely )?(?:expected|set|poised|due|likely|scheduled) to|(?:is|are) to|"
          r"plans? to|planned to|intends? to|will likely)\b",
    "de": r"\b(?:wird erwartet|dürfte|dürften)\b",
    "fr": r"\b(?:devrait|devraient|s'apprête à|s'apprêtent à)\b",
    "es": r"\b(?:se espera que|está previsto que|prevé|previsiblemente|tiene previsto)\b",
    "pt": r"\b(?:deverá|deverão|espera-se que|está previsto que|prevê-se que)\b",
    "it": r"\b(?:dovrebbe|dovrebbero|è atteso|si prevede che)\b",
    "ro": r"\b(?:urmează să|este așteptat să)\b",
    "id": r"\b(?:diperkirakan akan|dijadwalkan akan|dijadwalkan|direncanakan akan)\b",
    "vi": r"(?:dự kiến sẽ|dự kiến)",
    "ru": r"(?:ожидается, что|как ожидается,|намерен|намерена|собирается)",
    "uk": r"(?:очікується, що|як очікується,|має намір)",
    "pl": r"(?:ma jutro|oczekuje się, że|zamierza)",
    "ar": r"(?:من المنتظر أن|ومن المنتظر أن|من المتوقع أن|ومن المتوقع أن|يعتزم)",
}.items()}


_EN_PASSIVE_AUX = re.compile(r"\b(?:be|been|being|is|are|was|were)\s+$", re.IGNORECASE)
# where the words of a closing tag were written, after its verb: "…, говорится в документе."
_TAG_OBJECT = re.compile(r"\s*(?:в|у|w|v)?\s*(?:документе|заявлении|сообщении|коммюнике|письме|тексте|документі|"
                         r"заяві|повідомленні|листі|dokumencie|oświadczeniu|komunikacie|liście|dokumentu|prohlášení|"
                         r"документа|изявлението|съобщението)\s*[.!?…]?\s*", re.IGNORECASE)
APPOSED_TAG_REACH = 40  # characters after the verb of a closing tag ("told the newspaper on Monday.")
_COMMA_END = re.compile(r",\s*$")
_V2_AUX = re.compile(r"(?<!\w)(?:hat|haben|hatte|hatten|habe|hätte|hätten|ist|sind|war|waren|har|hade|ha)\s",
                     re.IGNORECASE)
_V2_OPENER = re.compile(
    r"[\s\"“”«»„]*(?:(?:bei|beim|nach|vor|in|im|am|an|auf|aus|während|seit|mit|nachdem|zuvor|zudem|außerdem|dabei|"
    r"gleichzeitig|bereits|jetzt|nun|heute|gestern|deshalb|daher|danach|zugleich|unterdessen|inzwischen|zum|zur|über|"
    r"unter|gegenüber|angesichts|trotz|wegen|für|ebenfalls|auch|dann|später|erst|laut|under|efter|etter|før|innan|"
    r"i|på|vid|ved|samtidig|tidigare|tidligere|senere|sedan|siden|"
    # a weekday or a time of day alone: "Mandag advarte Kreml …", "Igår varnade Moskva …", "Montag drohte …"
    r"måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|"
    r"igår|idag|i dag|i går|i kväll|i kveld|i natt|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    r"morgen|abends)\b|[^,]*,\s*$)", re.IGNORECASE)


def _pick(cands: list[Mention], text: str = "", breaks: Sequence[Hit] = ()) -> Mention | None:
    """The subject: the first candidate in the clause, or a more specific one that
    stands with it ("Russian Foreign Minister Sergey Lavrov", "Kremlin spokesman
    Dmitry Peskov", "Juru bicara Dewan Keamanan Nasional AS, John Kirby"); not one that a
    verb or a clause word (`breaks`) separates from it ("Pékin a indiqué … si Kelly Craft")."""
    if len(cands) < 2:  # most calls: the choice is made
        return cands[0] if cands else None
    first = min(cands, key=lambda m: (m.start, -m.end))
    group = [m for m in cands if (m.start <= first.end + SUBJECT_REACH and m.type not in ("country", "city")
                                  and not (text and _PREPOSITION.search(text, first.end, max(first.end, m.start)))
                                  and not any(first.end <= h.start and h.end <= m.start for h in breaks))
             or m is first]
    return min(group, key=lambda m: (SPECIFICITY.get(m.type, 9), m.start, -m.end))


@dataclass(slots=True)
class _Layers:
    """The matcher hits the attribution needs, split by layer once per article."""

    cues: list[Hit]
    terms: list[Hit]
    mods: list[Hit]
    nongov: list[Hit]
    bounds: list[int]  # ends of clause-opening words ("that", "bahwa", "dass")
    roles: list[Hit]
    bare: list[Hit]  # government bodies named without their state ("the defence ministry")
    negated_terms: set[Hit] | None = None  # see negated()

    def negated(self, text: str) -> set[Hit]:
        """The sentence's negated terms (_negated_terms), found once: whether a term is negated does
        not depend on which other terms are asked about, so any selection of the terms asks this."""
        if self.negated_terms is None:
            self.negated_terms = _negated_terms(text, self.mods, self.terms, self.cues + self.terms)
        return self.negated_terms

    @classmethod
    def of(cls, hits: list[Hit]) -> _Layers:
        cues: list[Hit] = []
        terms: list[Hit] = []
        mods: list[Hit] = []
        nongov: list[Hit] = []
        roles: list[Hit] = []
        bare: list[Hit] = []
        by_layer = {"cue": cues, "term": terms, "modality": mods, "nongov": nongov, "role": roles, "bare_body": bare}
        for h in hits:  # one pass, not one per layer (called per sentence)
            bucket = by_layer.get(h.phrase.layer)
            if bucket is not None:
                bucket.append(h)
        return cls(  # (longest_first of fewer than two hits is the hits: most sentences' cues and terms)
            cues=longest_first(cues) if len(cues) > 1 else cues,
            terms=longest_first(terms) if len(terms) > 1 else terms,
            mods=mods,
            nongov=longest_first(nongov) if len(nongov) > 1 else nongov,
            bounds=[h.end for h in mods if h.phrase.value == "clause"],
            roles=roles,
            bare=bare,
        )


class _SentenceLayers:
    """Each sentence's hits split by layer once per article: the statement, the sentences a recap
    or a quote reaches back to and the context around every statement ask for the same sentences
    again. The layers are shared, so nobody changes them (a sentence that needs other bounds
    makes a copy: attribute)."""

    def __init__(self, sentence_hits: dict[int, list[Hit]]) -> None:
        self.sentence_hits = sentence_hits
        self.made: dict[int, _Layers] = {}

    def of(self, si: int, hits: list[Hit] | None = None) -> _Layers:
        """The layers of sentence ``si``; of ``hits`` when given, a selection from the sentence's hits
        (the same layers when the selection kept every hit)."""
        every = self.sentence_hits.get(si, [])
        if hits is not None and len(hits) != len(every):
            return _Layers.of(hits)
        layers = self.made.get(si)
        if layers is None:
            layers = self.made[si] = _Layers.of(every)
        return layers


# The layers of matcher hits that attribution reads (names come in as mentions): the rest, more than
# half of an article's hits, are left out before the hits are bucketed by sentence. Code here that
# reads another layer from the hits must add it.
# Polish "nie" after a preposition is the pronoun "them" ("na nie odpowie", "za nie zapłacą"), no negation
_PRONOUN_NIE = {"pl": re.compile(r"(?<!\w)(?:na|za|przez|o|w|po|dla|od|do|przed|nad|pod|ku)\s+$", re.IGNORECASE)}
ATTRIBUTION_LAYERS = frozenset({"cue", "term", "modality", "nongov", "role", "bare_body"})


# How far, in sentences, one statement's resolution reads another statement: a pronoun's official
# (_recent_speaker, _same_office: PRONOUN_REACH back), the speaker carried on (prev: two back), the quote
# a later tag names (prev.speaker: one), a run of unnamed speakers (_unnamed_speakers: two) and merged
# speakers (_merge_speakers: one). Statements farther apart never read each other, which is what lets
# attribute() leave out whole groups of them (scope.py). Code that reads a statement farther back or
# ahead must raise it (tests/unit/test_lazy_attribution.py checks it is at least PRONOUN_REACH).
STATEMENT_REACH = 3
# A statement's terms come from its own sentence, the one before (a recap, a quote that goes on) and
# the one after (_extend).
TERM_REACH = 1


_QUESTION_LINE = re.compile(
    r"^[ \t]*(?:Q|Question|Frage|Pregunta|Pergunta|Domanda|Pertanyaan|Hỏi|Câu hỏi|Вопрос|Питання|Pytanie|Dotaz|Otázka|"
    r"Kérdés|Fråga|Spørsmål|Întrebare|Въпрос|سؤال|السؤال|س|שאלה|Soru|सवाल|प्रश्न|问|問|记者|記者|질문|기자)[ \t]*[:：]"
    # an interview's questions set as dashes: one that asks ("— Fürchten Sie Minsk?"), or the Japanese "――"
    r"|^[ \t]*[—–―-][ \t]*[^\n]*[?？][ \t]*$|^[ \t]*――",
    re.MULTILINE)
_ANSWER_LINE = re.compile(
    r"^[ \t]*(?:A|Answer|Antwort|Réponse|Respuesta|Resposta|Risposta|Jawab|Jawaban|Trả lời|Đáp|Ответ|Відповідь|"
    r"Odpowiedź|Odpověď|Válasz|Svar|Răspuns|Отговор|جواب|الجواب|ج|תשובה|Cevap|Yanıt|जवाब|उत्तर|答|回答|답변|답)"
    r"[ \t]*[:：]",
    re.MULTILINE)


_NAME_LABEL = re.compile(r"[^:：\n]{1,40}[:：]\s")


def _answer_goes_on(text: str, before: int, s0: int) -> bool:
    """The sentence goes on the answer that the sentence before opened ("A: … . Russia will …"): one
    line, labelled as an answer."""
    if "\n" in text[before:s0]:
        return False
    line = text.rfind("\n", 0, before) + 1
    if _ANSWER_LINE.match(text, line) is not None or (line > 0 and _QUESTION_LINE.match(
            text, text.rfind("\n", 0, line - 1) + 1) is not None and _QUESTION_LINE.match(text, line) is None):
        return True  # ("A: …", or any line right after a question: "— Jeśli … . Mińsk stanie się …")
    # ("Keçeli: … . Türkiye … verecektir." after a question line: a name labels the answer)
    return _QUESTION_LINE.match(text, line) is None and _NAME_LABEL.match(text, line) is not None and \
        _QUESTION_LINE.search(text, 0, line) is not None


def _transcript(out: list[Statement], text: str, sents: Sequence[Span], mentions: Sequence[Mention],
                sentence_hits: dict[int, list[Hit]], kb: KnowledgeBase) -> list[Statement]:
    """A briefing or interview set as questions and answers ("Q: … A: …", "سؤال: … جواب: …"): the
    answers are the voice the header names before the first question; the questions are nobody's
    statements (their names are what was asked about)."""
    first_q = _QUESTION_LINE.search(text)
    assert first_q is not None
    header = [m for m in mentions if m.end <= first_q.start() and m.type in ("person", "body")]
    # the header's first person or body answers; one out of office, or a voice the header calls no
    # government's ("CHP Genel Başkanı", "früherer Generalinspekteur"), or none named: nobody's answers
    voice: Speaker | None = speaker_of(header[0], kb) if header else None
    if voice is None or not voice.government or voice.country is None or _FORMER.search(text, 0, first_q.start()):
        voice = Speaker("(interviewee)", "unknown", None, None, None, None, False)
    # each line's kind: the label that opens it; a line after a question that no label marks as a
    # question is an answer ("A:", the answerer's name, a dash), up to that line's end
    lines: list[tuple[int, str]] = []
    for m in _QUESTION_LINE.finditer(text):
        lines.append((m.start(), "q"))
        nl = text.find("\n", m.end())
        if nl >= 0:
            lines.append((nl + 1, "a"))
            eol = text.find("\n", nl + 1)
            if eol >= 0:
                lines.append((eol + 1, ""))
    lines.sort()
    starts = [a for a, _ in lines]
    kept = []
    for st in out:
        k = bisect_right(starts, sents[st.sentence].start) - 1
        kind = lines[k][1] if k >= 0 else ""
        if kind == "q":
            continue  # a question asked, not said
        if kind == "a":
            begin, end = lines[k][0], (starts[k + 1] if k + 1 < len(starts) else len(text))
            own = st.speaker is not None and st.speaker.kind in ("person", "body") and st.speaker.government and \
                any(begin <= m.start < end and speaker_of(m, kb).name == st.speaker.name for m in mentions)
            label = _NAME_LABEL.match(text, begin)
            named = label is not None and _ANSWER_LINE.match(text, begin) is None
            # the answer's voice: the name labelling it ("Mao Ning: …"), else the header's (from the text alone,
            # not from which statements were resolved: a lazy run must give the same)
            labelled = next((sp for m in mentions if label is not None and begin <= m.start < label.end()
                             and m.type in ("person", "body") and (sp := speaker_of(m, kb)).government), None)
            voiced = labelled or voice
            if not own and not (named and labelled is None and not voice.government):
                # (an answer labelled with a name the knowledge base lacks keeps what its words say: "Багаї: …")
                st.speaker = voiced
            if st.quote is None:  # an answer is the speaker's own words, as a quote is
                a = label.end() if label is not None else begin
                b = text.find("\n", a, end)
                b = end if b < 0 else b
                st.quote, st.quote_start, st.quote_end = text[a:b], a, b
        kept.append(st)
    return kept


BUT_REACH = 40  # characters from a reassurance to the "but" that turns it
_BUT_AFTER = re.compile(r"(?<!\w)(?:but|aber|doch|mais|pero|sino|ma|però|mas|porém|но|але|ale|jednak|ama|fakat|"
                        r"ancak|tapi|namun|nhưng|men|však|обаче|لكن|ولكن|لكنّ|אבל|אך|लेकिन|परंतु|"
                        r"मगर|किंतु)(?!\w)|但|然而|하지만|그러나|しかし|だが|ですが|が、", re.IGNORECASE)
# A press conference or briefing named with the journalists' (or "talks") word inside it: an occasion
_PRESS_EVENT = re.compile(r"(?:ال)?(?:مؤتمر(?:ا)?|إيجاز|الإيجاز|إحاطة|الإحاطة) (?:ال)?صحف?ي(?:ا|ة)?|"
                          r"(?:ב|ה|ל)?מסיבת (?:ה)?עיתונאים|תדריך (?:ל|ה)?עיתונאים|"
                          r"प्रेस (?:वार्ता|कॉन्फ्रेंस|कांफ्रेंस|ब्रीफिंग)|संवाददाता सम्मेलन|"
                          r"기자\s?회견|기자\s?간담회|記者会見|basın toplantısı")
_PRESS_WORDS = re.compile(r"صحف|עיתונא|प्रेस|संवाददाता|기자|記者|basın")
_WITHOUT = re.compile(r"(?<!\w)(?:without|ohne|sans|sin|sem|senza|без|bez|tanpa|ללא|בלי|बिना|دون|بدون|بلا)\s*"
                      r"(?:any\s+|prior\s+|previous\s+|aucun\s+|vorherige\s+|previo\s+|ulterior\s+|всякого\s+|какого-либо\s+)?$",
                      re.IGNORECASE)


# a Turkish speech verb as a participle before the noun it qualifies: "diyen", "uyaran", "tehdit eden"
_TR_ADNOMINAL = re.compile(r"(?:[yn]?[ae]n)$", re.IGNORECASE)
ADNOMINAL_REACH = 40  # characters from the participle to the name phrase it qualifies


def _adnominal_subject(text: str, anchor: Hit, free: Sequence[Mention], kb: KnowledgeBase) -> Speaker | None:
    """The name phrase right after a participle, before the next comma: its person first, else its
    body, else its state."""
    comma = text.find(",", anchor.end)
    stop = min(anchor.end + ADNOMINAL_REACH, comma if comma >= 0 else len(text))
    near = [m for m in free if anchor.end < m.start < stop and m.type in ("person", "body", "country")]
    if not near or near[0].start - anchor.end > 3:
        return None
    best = min(near, key=lambda m: (("person", "body", "country").index(m.type), -m.end))
    return speaker_of(best, kb)


def attribute(article: CleanArticle, mentions: list[Mention], hits: list[Hit], kb: KnowledgeBase,
              wanted: frozenset[str] | None = None) -> list[Statement]:
    """The article's statements. With ``wanted``, the term classes an alert rule needs
    (RuleSet.needed_terms), only the groups of statements that could hold one are resolved and
    returned (scope.resolved_sentences); the others are left out. None: every statement."""
    text = article.text
    token = _NAMED.set((mentions, *_named_in(mentions)))
    try:
        return _attribute(article, mentions, hits, kb, wanted, text)
    finally:
        _NAMED.reset(token)


def _attribute(article: CleanArticle, mentions: list[Mention], hits: list[Hit], kb: KnowledgeBase,
               wanted: frozenset[str] | None, text: str) -> list[Statement]:
    hits = [h for h in hits if h.phrase.layer in ATTRIBUTION_LAYERS]
    if article.language in _PRONOUN_NIE:  # "Kair na nie odpowie": after a preposition "nie" is "them"
        hits = [h for h in hits if not (h.phrase.value == "negation" and text[h.start:h.end].lower() == "nie"
                                        and _PRONOUN_NIE[article.language].search(text, max(0, h.start - 8), h.start))]
    press = [(m.start(), m.end()) for m in _PRESS_EVENT.finditer(text)] if _PRESS_WORDS.search(text) else []
    if press:  # "المؤتمر الصحفي", "במסיבת העיתונאים", "प्रेस वार्ता": the journalists and talks of a briefing
        hits = [h for h in hits if h.phrase.layer not in ("nongov", "term") or not _inside(h.start, press)]
    if wanted is not None and not any(h.phrase.layer == "term" and h.phrase.value in wanted for h in hits):
        return []  # no statement could hold a wanted term (what resolved_sentences finds, sooner)
    # "shot down without warning", "ohne Vorwarnung", "बिना चेतावनी के": how, not a warning given
    hits = [h for h in hits if not (h.phrase.layer == "cue" and h.phrase.value == "warn"
                                    and _WITHOUT.search(text, max(0, h.start - 12), h.start))]
    cue_hits = [h for h in hits if h.phrase.layer == "cue"]
    qspans = _incises(text, quotes(text), cue_hits)
    if article.language in _DASH_TAGS:
        qspans = _with_dash_quotes(text, qspans, cue_hits)
    elif article.language in _COMMA_DASH_TAGS:
        qspans = _with_dash_quotes(text, qspans, cue_hits, _COMMA_CLOSE)
    qstarts, qends = [a for a, _ in qspans], [b for _, b in qspans]
    prio = kb.cue_priority
    starts = [s.start for s in article.sentences]
    # Hits and mentions bucketed by sentence once, so each sentence looks at its own.
    sentence_hits: dict[int, list[Hit]] = {}
    transcript = _QUESTION_LINE.search(text) is not None  # (questions and answers: _transcript)
    for h in [*hits, *_tag_cues(text, hits, qspans, mentions, article.language, transcript)]:
        sentence_hits.setdefault(bisect_right(starts, h.start) - 1, []).append(h)
    sentence_mentions: dict[int, list[int]] = {}
    for i, m in enumerate(mentions):
        sentence_mentions.setdefault(bisect_right(starts, m.start) - 1, []).append(i)
    split = _SentenceLayers(sentence_hits)
    zh = article.language == "zh"  # (_nominal: only Chinese makes a cue a noun)
    own_hits = [[h for h in sentence_hits.get(si, ()) if h.start < sent.end and not (zh and _nominal(text, "zh", h))]
                for si, sent in enumerate(article.sentences)]
    said = [si for si, shits in enumerate(own_hits) if any(h.phrase.layer == "cue" for h in shits)]
    has_cue = set(said)
    resolve = None if wanted is None else resolved_sentences(
        said, {si for si, shits in sentence_hits.items() if any(h.phrase.layer == "term" and h.phrase.value in wanted
                                                                 for h in shits)}, STATEMENT_REACH, TERM_REACH)
    filed_from = _filed_from(text, article.sentences, mentions)
    out: list[Statement] = []
    bare_of: dict[int, Hit] = {}  # statement (index in out) -> the bare body that is its subject
    prev: Statement | None = None
    for si, sent in enumerate(article.sentences):
        s0, s1 = sent.start, sent.end
        shits = own_hits[si]
        if si not in has_cue:
            # (the statement reaches the sentence before, extended or not: an answer of three sentences)
            if prev is not None and (prev.sentence == si - 1 or prev.end >= article.sentences[si - 1].end) and \
                    (_continues_quote(text, s0, s1, qspans) or _reports_on(text, article.language, prev, s0, s1)
                     or _answer_goes_on(text, article.sentences[si - 1].start, s0)):
                # '"…," he said. "Our response will be swift."': the quote goes on.
                _extend(prev, text, split.of(si, shits), si, s1, sentence_mentions.get(si, []))
            continue
        if resolve is not None and si not in resolve:
            prev = None  # left out; the next statement resolved is beyond its reach (scope.py)
            continue
        layers = split.of(si, shits)
        scues = _spoken(text, article.language, s0, layers.cues)
        if not scues:
            continue  # (no speech left in the sentence: a recap after it may claim it)
        # (qspans are in order and do not overlap: those of this sentence are one run of them)
        sq_all = qspans[bisect_right(qends, s0):bisect_left(qstarts, s1)]
        sq = [(max(a, s0), min(b, s1)) for a, b in sq_all]
        if not sq and _ASKED.search(text, s0, s1):
            # "Pékin ripostera-t-il militairement ?", "Will Caracas respond?": the reporter asks, nobody threatens
            scues = [c for c in scues if c.phrase.value != "threaten"]
            if not scues:
                continue
        outside = [c for c in scues if not _inside(c.start, sq)]
        smentions_all = sentence_mentions.get(si, [])
        # "Taiwan will pay a heavy price …, X warned": whoever undergoes a threat is not its speaker
        outside = [c for c in outside if not _suffers(text, article.language, c)] or outside
        anchor = (outside or scues)[0]
        if len(outside) > 1 and anchor.phrase.value in ("threaten", "warn") and article.language not in _TOPIC \
                and _negated(text, layers.mods, anchor, []):
            # "Nordkorea solle den USA nicht mehr drohen, sagte Trump", "North Korea had better not threaten
            # the US, Trump said": the negated verb of the reported clause is not the speaker's act; the tag
            # after the comma, with a person as its subject, is
            tag = _closing_tag(text, article.language, outside, [mentions[i] for i in sentence_mentions.get(si, ())])
            if tag is not None:  # (the reported clause's verbs, and their negation, are not the speaker's act)
                anchor = tag
                scues = [c for c in scues if c.start >= tag.start or _inside(c.start, sq)]
                outside = [c for c in outside if c.start >= tag.start]
        if len(outside) > 1 and (_introductory(text, s0, outside[0], outside[1]) or _according_first(
                text, article.language, outside[0], outside[1], mentions, sentence_mentions.get(si, []))):
            # "In a statement carried by state media, X warned …": the verb after the opening phrase;
            # the phrase ends where the clause of that verb starts
            layers = replace(layers, bounds=[*layers.bounds, anchor.end])
            anchor = outside[1]
            outside = outside[1:]
        # (only where the first verb is no speech verb of its own: "X warned …, spokesperson Y told
        # reporters" is X's warning, told by Y)
        tag_comma = text.rfind(",", anchor.end, outside[-1].start) \
            if len(outside) > 1 and anchor.phrase.value not in ("say", "warn") else -1
        if tag_comma >= 0 and outside[-1].phrase.value in ("say", "warn") and s1 - tag_comma <= TAG_REACH and \
                any(tag_comma < h.start < s1 and not _MEDIA.search(text, h.start, h.end)
                    for h in (*layers.nongov, *layers.roles)) and \
                not any(h.phrase.value == "source" and h.start <= outside[-1].start < h.end for h in layers.mods):
            # ("…, according to state television" cites where the words were reported: _media_source)
            # "Russia will respond to …, an analyst said.": a tag that ends the sentence with its own
            # subject, a title or a non-government noun, says whose words it all was
            anchor = outside[-1]
            outside = [anchor, *outside[:-1]]
        if len(outside) > 1 and anchor is not outside[-1] and article.language not in _TOPIC and \
                _inverted_tag(text, article.language, anchor, outside[-1], s1, [mentions[i] for i in smentions_all]):
            # "To prowokacja Kijowa, na którą odpowiemy – powiedziała Zacharowa", "Любое нападение на
            # Белоруссию будет расценено как …, заявила Захарова": a closing tag with its speaker named after
            # the verb makes all before it what was said
            anchor = outside[-1]
            outside = [anchor, *outside[:-1]]
        if article.language in _TOPIC and len(outside) > 1 and _TOPIC_PRONOUN.match(text, s0) and \
                outside[-1].phrase.value in ("say", "warn"):
            # "그는 또 미국이 … 위협한다고 주장했다", "彼は…と述べた": the pronoun's verb comes last; the verbs
            # before it are in what was said
            anchor = outside[-1]
            outside = [anchor, *outside[:-1]]
        # ('"We threaten no one. But … is a red line," the minister said': a threat denied inside the quote is
        # no speech act of its own while another verb remains)
        scues = [c for c in scues if not (c.phrase.value in ("threaten", "warn") and _inside(c.start, sq)
                                          and _negated(text, layers.mods, c, []))] or scues
        best = min(scues, key=lambda c: (prio.get(c.phrase.value, 99), c.start))
        smentions = [i for i in sentence_mentions.get(si, ()) if mentions[i].start < s1]
        dateline = _DATELINE.match(text, s0, s1) or _DATELINE_CJK.match(text, s0, s1) or \
            _place_dateline(text, s0, s1, [mentions[i] for i in smentions])
        if dateline is not None and any(h.start < dateline.end() for h in layers.nongov):
            # "新华社亚的斯亚贝巴4月5日电 …": the agency of the dateline is no speaker either
            layers = replace(layers, nongov=[h for h in layers.nongov if h.start >= dateline.end()])
        free = [mentions[i] for i in smentions
                if mentions[i].type in SPEAKER_TYPES and not _inside(mentions[i].start, sq)
                and (mentions[i].type != "city" or (mentions[i].role == "capital"
                                                    # "at a conference in London": where, not who
                                                    and not (article.language in _AT_PLACE and _AT_PLACE[
                                                        article.language].search(text, max(0, mentions[i].start - 8),
                                                                                 mentions[i].start)
                                                             # "…, hieß es in Moskau": the capital that spoke
                                                             and not _DE_SAID_AT.search(
                                                                 text, max(0, mentions[i].start - 16),
                                                                 mentions[i].start))))
                and (dateline is None or mentions[i].start >= dateline.end())
                # ("the London-based charity", "Iran-backed militias": a place or patron qualifying a noun)
                and not _QUALIFYING_SUFFIX.match(text, mentions[i].end)
                # (nor the subject of a condition: "… would respond if the United Kingdom pressed ahead")
                and not _IF_BEFORE.search(text, max(s0, mentions[i].start - 30), mentions[i].start)]
        second = _second_voice(text, article.language, anchor, s0, s1, layers, [mentions[i] for i in smentions], sq)
        taken_over = second is not None and second[2] and best.start >= second[0]
        if second is not None and taken_over:
            # "…, but Lithuania's defence minister warned …": the warning is the second voice's, with its subject
            layers = replace(layers, bounds=[*layers.bounds, second[0]])
            anchor = second[1]
        # (the sentence proper starts after the dateline of a known city: "صنعاء - قال …" opens on its verb)
        placed = dateline is not None and any(mentions[i].type == "city" and s0 <= mentions[i].start <= s0 + 3
                                              for i in smentions)
        speaker, content = _speaker(text, article.language, max(s0, dateline.end()) if placed and dateline else s0,
                                    s1, anchor, best, free, sq, layers, kb)
        if article.language == "en" and _ING.match(text, anchor.start, anchor.end) and \
                _PARTICIPLE_LEAD.search(text, s0, anchor.start):
            # "North Korea fired two missiles, days after threatening to retaliate …", "Iran summoned the
            # envoy, warning that …": the participle's subject is the subject that opens the sentence
            opener = next((m for m in free if _opens_clause(text, s0, m)), None)
            if opener is not None:
                speaker = speaker_of(opener, kb)
                content = [*sq, (anchor.start, s1)]
        speaker = _known_surname(speaker, mentions, s0, kb, text, s1, article.language)
        if speaker is None:
            # "Ali warned Caracas …" after "Guyana's President Irfaan Ali": a family name alone opening the
            # sentence, of a person named before (one capitalised word is no name of its own: _bare_name)
            word = text[s0:anchor.start].strip(" \t\"“”«»„")
            if word[:1].isupper() and word.isalpha() and " " not in word:
                named = _known_surname(Speaker(word, "person", None, None, None, None, False), mentions, s0, kb,
                                       lang=article.language)
                speaker = named if named is not None and (named.entity_id or named.country) else None
        if article.language == "tr" and _TR_ADNOMINAL.search(text, anchor.start, anchor.end):
            # '"…" diyen Belarus Devlet Başkanı Lukaşenko, …': the participle's subject is the name after it
            speaker = _adnominal_subject(text, anchor, free, kb) or speaker
        cited = _cited(text, article.language, anchor, s0, s1, sq, layers, free, kb, speaker)
        if cited is not None:  # "…, CNN reported, quoting the newspaper X": X is the source
            speaker = cited
        # "The defence ministry said …": a body named without its state speaks
        bare_body = _bare_subject(text, article.language, s0, anchor, layers, sq, [mentions[i] for i in smentions],
                                  dateline) \
            if layers.bare and (speaker is None or (speaker.kind == "person" and speaker.entity_id is None
                                                    and speaker.country is None)) else None
        if bare_body is not None and speaker is not None and \
                speaker.name not in text[bare_body.start:bare_body.end] and \
                text[bare_body.start:bare_body.end] not in speaker.name:
            bare_body = None  # (a name of its own: "Le ministère de la Défense" is no "Défense" speaking)
        if bare_body is not None:
            speaker = None
        for later in outside[1:]:  # "In a stern warning to X, the Chinese government warned …"
            if speaker is not None or bare_body is not None or _subject_taken(text, s0, anchor, layers) or \
                    _pronoun_source(text, anchor, layers) or \
                    (article.language in _TOPIC and _TOPIC_PRONOUN.match(text, s0) is not None):
                break  # ("그는 …": the pronoun is the subject, whoever the verbs inside what was said have)
            if _PASSIVE_THREAT.search(text, later.start, later.end):
                continue  # "… warned that any Georgian incursion would be met with force": who is answered
            if article.language == "ar" and _AR_PARTICIPLE.fullmatch(text, later.start, later.end):
                continue  # "وقال إن …، محذراً واشنطن": the participle's subject is the verb's; who follows is warned
            speaker, more = _speaker(text, article.language, s0, s1, later, best, free, sq, layers, kb)
            speaker = _known_surname(speaker, mentions, s0, kb, text, s1, article.language)
            content += more
        speaker = _own_subject(speaker, text, article.language, anchor, best, free, sq, kb)
        speaker = _media_source(speaker, text, anchor, layers, sq, s1)
        if bare_body is not None:
            speaker = _bare_body_speaker(bare_body, text, article.sentences, si, out, mentions, sentence_mentions,
                                         sentence_hits, kb, filed_from)
        if speaker is not None and not speaker.government and any(
                h.phrase.value == "source" and h.start <= anchor.start < h.end for h in layers.mods) and any(
                s0 <= m.start and m.end <= anchor.start and m.type in ("person", "body") for m in free):
            # "Ruský velvyslanec … podle ČTK uvedl, že …": the outlet cited between a subject and its verb
            # reports them; the verb after it is theirs
            verb = next((c for c in outside if c.start > anchor.end and c.phrase.value in ("say", "warn",
                                                                                           "threaten")), None)
            inner = _speaker(text, article.language, s0, s1, verb, best, free, sq, layers, kb)[0] \
                if verb is not None else None
            if inner is not None and inner.government:
                speaker = inner
        if speaker is not None and not speaker.government and _MEDIA.search(speaker.name):
            # "La agencia KCNA informó de que el Ministerio … prometió …": an outlet reports whoever
            # opens the reported clause with a verb of their own
            for later in outside:
                if later.start <= anchor.end:
                    continue
                subject = next((m for m in free if anchor.end <= m.start < later.start), None)
                if subject is None or subject.start - anchor.end > REPORTED_LEAD or \
                        _JOINED.search(text, subject.end, later.start):
                    break
                inner, more = _speaker(text, article.language, s0, s1, later, best, free, sq, layers, kb)
                if inner is not None and inner.government:
                    speaker, content = inner, content + more
                break
            else:
                # "KCNA quoted a defence ministry spokesman as saying …", "zitierte einen Sprecher … mit
                # den Worten": the one quoted speaks
                one = next((m for m in free if anchor.end <= m.start <= anchor.end + AGENT_REACH
                               and not _PUNCT.search(text, anchor.end, m.start)), None) \
                    if _QUOTED_VERB.match(text, anchor.start, anchor.end) else None
                title = next((h for h in layers.roles if anchor.end <= h.start <= anchor.end + AGENT_REACH
                              and not _PUNCT.search(text, anchor.end, h.start)), None) \
                    if _QUOTED_VERB.match(text, anchor.start, anchor.end) and one is None else None
                quoted_one = speaker_of(one, kb) if one is not None else None
                if quoted_one is not None and quoted_one.government:
                    speaker, content = quoted_one, [*content, (anchor.end, s1)]
                elif title is not None and title.phrase.value not in _OFFICE_FREE:
                    # a title the knowledge base cannot place: the agency's state may (_stateless_official)
                    speaker = Speaker(text[title.start:title.end], "person", None, None, title.phrase.value, None, True)
                    content = [*content, (anchor.end, s1)]
        if _QUOTED_VERB.match(text, anchor.start, anchor.end):
            # "Russia's RIA news agency quoted a military analyst who warned …", "zitierte einen Militärexperten,
            # der warnte": the one quoted speaks, and a non-government noun quoted first is nobody's state
            quoted_noun = next((h for h in layers.nongov if anchor.end <= h.start <= anchor.end + AGENT_REACH
                                and not _PUNCT.search(text, anchor.end, h.start)), None)
            # (an outlet after the verb is its subject, inverted: "…, zitierte die Staatsagentur KCNA X")
            if quoted_noun is not None and not _MEDIA.search(text, quoted_noun.start, quoted_noun.end) and \
                    not any(anchor.end <= m.start < quoted_noun.start for m in free) and \
                    not any(anchor.end <= r.start < quoted_noun.start for r in layers.roles):
                speaker = Speaker(text[quoted_noun.start:quoted_noun.end], "unknown", None, None, None, None, False)
            # ("quoted a former Pentagon official": out of office, nobody's voice either)
            former = _FORMER.search(text, anchor.end, anchor.end + AGENT_REACH)
            if former is not None and not _PUNCT.search(text, anchor.end, former.start()) and \
                    not any(anchor.end <= m.start < former.start() for m in free) and \
                    not any(anchor.end <= r.start < former.start() for r in layers.roles):
                speaker = Speaker(text[former.start():former.end()], "unknown", None, None, None, None, False)
        if speaker is not None and layers.roles:
            # "FN:s särskilda sändebud för Sudan", "Az ENSZ szudáni különmegbízottja": a title the UN or an
            # alliance owns is no state's voice, whatever state its brief names
            title = next((h for h in layers.roles if s0 <= h.start < anchor.start and not _inside(h.start, sq)), None)
            intl = _INTL_TITLE.search(text, max(s0, title.start - 30), title.start) if title is not None else None
            if title is not None and intl is not None and not any(
                    0 <= intl.start() - mentions[i].end <= 4 and mentions[i].type == "country" for i in smentions):
                # (not "Iran's UN envoy": a state's own envoy to the UN)
                speaker = Speaker(text[title.start:title.end], "unknown", None, None, None, None, False)
        # "X said that Russia threatened Y …": a threat reported with its own subject is not X's
        reported = _reported_threats(text, article.language, anchor, outside, free, speaker, s1, layers.mods)
        if reported:  # (its words too: "… mit militärischen Konsequenzen gedroht" is no warning of X's)
            scues = [c for c in scues if c not in reported]
            best = min(scues, key=lambda c: (prio.get(c.phrase.value, 99), c.start))
        if speaker is None and sq:  # 'Defence Minister X:\n«…»', "岸防衛相「…」": a name labels the quote
            speaker = _label(text, article.sentences, si, sq[0][0], mentions, sentence_mentions, sentence_hits, kb)
        if speaker is None and bare_body is None and prev is not None and prev.sentence >= si - 2 and \
                not any(s0 <= h.start < anchor.start for h in layers.roles) and \
                not _common_subject(text, article.language, s0, anchor, sq) and \
                not (prev.sentence == si - 2 and _names_other(mentions, sentence_mentions.get(si - 1, ()), prev)):
            # The quote goes on, or a pronoun ("Ông Kim cũng …", "He added") takes up the speaker.
            speaker = prev.speaker
        if speaker is None and bare_body is None and si > 0 and (prev is None or prev.sentence < si - 1) and \
                not any(s0 <= h.start < anchor.start for h in layers.roles):
            # "Deputy Foreign Minister X spoke to reporters. '…,' he said.": the subject of the
            # sentence before, which holds no statement of its own
            speaker = _subject_before(text, article.sentences[si - 1], mentions, sentence_mentions.get(si - 1, []),
                                      sentence_hits.get(si - 1, []), kb, article.language,
                                      # "…, it said.": a state or body, never a person
                                      states=_IT_TAG.search(text, max(s0, anchor.start - 6), anchor.start) is not None
                                      # ("In der Erklärung heißt es, …": the statement of whoever the sentence
                                      # before has meet or act)
                                      or _IMPERSONAL.search(text, s0, min(s1, anchor.end + 12)) is not None)
        # ("According to him, …" as the second sentence: its pronoun reaches the first)
        by_pronoun = speaker is None and bare_body is None and _pronoun_source(text, anchor, layers)
        if speaker is None and bare_body is None and (si > 1 or (si == 1 and by_pronoun)) and \
                not any(s0 <= h.start < anchor.start for h in layers.roles) and (
                    by_pronoun or _pronoun_subject(text, s0, anchor, sq)):
            # "Lavrov met reporters. He gave no details. '…,' he added.", "또 '…'라고 경고했다": a pronoun or
            # an unexpressed subject takes the official named a few sentences before, not past anybody else
            speaker = _recent_speaker(text, article.sentences, si, out, mentions, sentence_mentions,
                                      sentence_hits, kb, lang=article.language)
        if (speaker is None or (speaker.kind == "person" and speaker.country is None and speaker.entity_id is None))\
                and si > 0:
            # "Foreign Ministry spokesperson X spoke on Monday. The spokesperson said …", "대변인은 …": a bare
            # title that repeats the office of the official just named is that official
            speaker = _same_office(text, s0, anchor, layers, sq, article.sentences, si, out, mentions,
                                   sentence_mentions, sentence_hits, kb) or speaker
        if (speaker is None or (speaker.government and speaker.kind == "person")) and si > 0 and \
                _possessed_title(text, article.language, s0, anchor, layers.roles):
            # "The M23 said it took the town. Its spokesman X warned …": the title belongs to the one the
            # sentence before had speak, and a rebel group's spokesman is no state's voice
            owner = prev.speaker if prev is not None and prev.sentence == si - 1 else \
                _opening_owner(text, article.sentences[si - 1], mentions, sentence_mentions.get(si - 1, []), kb)
            if owner is not None and (not owner.government or speaker is None):
                speaker = owner  # ("L'armée israélienne a frappé …. Son porte-parole a averti …": the army's)
        # '"…"\nحذرت زاخاروفا.', '…. Zakharova said.': a sentence of nothing but the speaker and the verb
        # tags what was said in the sentence before
        bare = _bare_tag(text, s0, s1, layers, [mentions[i] for i in sentence_mentions.get(si, ())])
        recap = bare or any(h.phrase.value == "recap" for h in layers.mods)
        if speaker is not None and prev is not None and prev.speaker is None and prev.sentence == si - 1 and \
                _OPENING.match(text, article.sentences[si - 1].start) and (_OPENING.match(text, s0) or recap):
            # '"…." "…," Lavrov said.', '"…." That was the message from X.': the quote before is theirs too
            prev.speaker = speaker
        elif recap and speaker is not None and speaker.country and prev is not None and prev.sentence == si - 1 \
                and prev.speaker is not None and prev.speaker.kind == "person" and prev.speaker.country is None \
                and prev.speaker.entity_id is None:
            # "وأضاف الوزير أن …. جاء ذلك في تصريحات لوزير الدفاع اليوناني": the recap names the bare title
            prev.speaker = speaker
        # "Any further incursion will be answered. Those were the words of X.": a recap that opens its
        # sentence makes the sentence before X's words, whoever else it seemed to have
        recap_lead = speaker is not None and speaker.government and speaker.kind in ("person", "body") and any(
            h.phrase.value == "recap" and not text[s0:h.start].strip(" \t\"“”«»„") for h in layers.mods)
        if recap_lead and prev is not None and prev.sentence == si - 1:
            prev.speaker = speaker
        elif recap_lead and si > 0 and (prev is None or prev.sentence < si - 1):
            content = [*content, (article.sentences[si - 1].start, article.sentences[si - 1].end)]
        sterms = [t for t in layers.terms if any(a <= t.start < b for a, b in content)
                  and not any(_inside(t.start, [span]) for span in reported.values())]
        if second is not None:  # "…, while the UN envoy said any escalation …": the envoy's words, not the speaker's
            sterms = [t for t in sterms if (t.start >= second[0]) == taken_over]
        if sterms and speaker is not None and speaker.kind == "body":
            # "Một quan chức quân đội Mỹ cảnh báo …": the body's own name ("quân đội", the army) is no term
            own_names = [(m.start, m.end) for i in smentions if (m := mentions[i]).type == "body"
                         and m.country == speaker.country and m.end <= anchor.start]
            sterms = [t for t in sterms if not any(x <= t.start and t.end <= y for x, y in own_names)]
        sterms = _foreground(text, article.language, layers.mods, sterms, sq, s0, s1)
        negated_terms = layers.negated(text)
        sterms = [t for t in sterms if t not in negated_terms]  # "no escalation", "не эскалация"
        sterms = _disclaimed(text, sterms)
        if any(t.phrase.value == "reassurance" for t in sterms):
            # "We do not want war, but any attack will be answered": the "but" carries the message
            sterms = [t for t in sterms if t.phrase.value != "reassurance" or not _BUT_AFTER.search(
                text, t.end, t.end + BUT_REACH)]
        sterms = _not_intended(text, article.language, layers.mods, sterms)
        sterms = _foreseen(text, article.language, layers.mods, scues, sterms, sq)
        if speaker is not None:  # "the West's response", "Russia's red lines" in a Ukrainian's words
            owned = foreign_owned(text, article.language, sterms, [mentions[i] for i in smentions], speaker.country,
                                  [c for c in scues if not _inside(c.start, sq)])
            sterms = [t for t in sterms if t not in owned]
            if speaker.country is not None:
                # "không loại trừ khả năng Trung Quốc sẽ tấn công Đài Loan", "warned China could attack
                # Taiwan": force with another state as its subject is that state's, foreseen
                sterms = [t for t in sterms if t.phrase.value != "threat_of_force" or not any(
                    m.country is not None and m.country != speaker.country and m.type in ("country", "city", "body")
                    and 0 <= t.start - m.end <= MODAL_REACH and _MODAL_GAP.fullmatch(text, m.end, t.start)
                    for m in (mentions[i] for i in smentions))]
            # '"I read X's message as: "We will …""': the inner quote is X's words, not the speaker's
            others = _quoted_others(text, sq, [mentions[i] for i in smentions], layers.cues, speaker.country)
            sterms = [t for t in sterms if not _inside(t.start, others)]
            sterms = _held_views(text, speaker, [c for c in scues if not _inside(c.start, sq)], sq, layers.mods,
                                 sterms, anchor.start, s0, s1)
        start = s0
        quoted = list(sq)  # the quotes that hold what was said (the sentence before's too, for a recap)
        if not any(t.phrase.value not in CONTEXT_ONLY for t in sterms) and si > 0 and \
                (prev is None or prev.sentence < si - 1) and recap:
            # "That's according to X", "Об этом заявил X": what X said is the sentence before.
            before = split.of(si - 1)
            sterms = [t for t in before.terms if t not in before.negated(text)]
            start = article.sentences[si - 1].start
            smentions = sentence_mentions.get(si - 1, []) + smentions
            quoted = _quotes_in(article.sentences[si - 1], qspans) + quoted
        elif si > 0 and (prev is None or prev.sentence < si - 1) and \
                _quoted_sentence(article.sentences[si - 1], qspans) and \
                (_OPENING.match(text, s0) or any(a < s0 < b for a, b in sq_all)):
            # '"Any strike is a red line." "We will respond," X said.': one speaker's quote, two sentences
            # (or one quote over both: "– Każdy atak … . Jesteśmy gotowi – powiedział")
            before = split.of(si - 1)
            sterms = [t for t in before.terms if t not in before.negated(text)] + sterms
            start = article.sentences[si - 1].start
            smentions = sentence_mentions.get(si - 1, []) + smentions
            quoted = _quotes_in(article.sentences[si - 1], qspans) + quoted
        # "Amid tensions over Ukraine, X warned Moscow …": a state named in the scene is no target
        scene = _background(text, article.language, layers.mods, sq, s0, s1)
        smentions = [i for i in smentions if not _inside(mentions[i].start, scene)]
        if sterms and (_historical(text, article.language, s0, article.published_at, s1) or _told_then(
                text, article.language, s0, anchor.start, article.sentences[si - 1] if si else None,
                article.published_at)):
            sterms = []  # "En 1962, Moscou avait averti …": history told, no warning given now
        quote = _evidence_quote(quoted, sterms) or _subjunctive_words(text, article.language, content, sterms)
        grouped: dict[str, list[str]] = {}
        for t in sterms:
            grouped.setdefault(t.phrase.value, []).append(text[t.start:t.end])
        st = Statement(
            sentence=si, start=start, end=s1, cue=best.phrase.value, cue_text=text[best.start:best.end],
            # "«Kami prihatin …», kata X" is a concern too; "an escalation … unacceptable" a warning
            cues=sorted({c.phrase.value for c in scues} | _verdict(text, article.language, scues, sterms, layers.mods,
                                                                    [mentions[i] for i in smentions], kb)
                        | _own_force(text, article.language, scues, sterms, speaker,
                                     [mentions[i] for i in smentions])),
            cue_start=best.start, language=article.language, speaker=speaker,
            quote=text[quote[0]:quote[1]] if quote else None,
            quote_start=quote[0] if quote else None, quote_end=quote[1] if quote else None,
            modality=_modality(layers.mods, anchor.start, s1),
            negated=_negated(text, layers.mods, best, []),  # the cue itself ("did not warn")
            terms=grouped, mentions=smentions,
        )
        if bare_body is not None and speaker is None:
            bare_of[len(out)] = bare_body  # no state named before it: placed with the unnamed speakers
        out.append(st)
        prev = st
    _context(out, split, text, article.sentences, article.language, mentions, sentence_mentions)
    if transcript:
        out = _transcript(out, text, article.sentences, mentions, sentence_hits, kb)
    _unnamed_speakers(out, article, mentions, sentence_hits, qspans, kb, bare_of)
    _merge_speakers(out, kb)
    day = (article.published_at or "")[:10]  # no date (an undated excerpt): no check
    # (once per article: which people it calls former, and the family names of those it gives in full)
    called_former = {m.entity_id for m in mentions if m.type == "person" and _introduced_former(text, m)}
    family: dict[str, Mention] = {}
    for m in mentions:
        if m.type == "person" and len(words := m.text.split()) > 1:
            family.setdefault(words[-1], m)
    for st in out:
        if day:
            _date_check(st, kb, day)
        st.speaker = _named_in_full(st, mentions, family, kb)
        st.speaker = _still_former(st.speaker, called_former, kb)
    return out


# What joins a second verb to the first one's subject ("X said Russia would respond and warned …"):
# the second verb is then X's own.
_JOINED = re.compile(r",|;|\s(?:and|und|et|y|e|и|і|та|а|i|oraz|ve|dan|và|но|but|aber|mais|pero|ma|mas|och|og|men|"
                     r"és|și)\s", re.IGNORECASE)
REPORTED_LEAD = 14  # characters between a speech verb and the subject of its reported clause (", that ")
MODAL_REACH = 24  # characters of modal words between a subject and its force verb ("could soon")
# Modal and future words between a subject and its verb: "China could attack", "Trung Quốc sẽ tấn công"
_MODAL_GAP = re.compile(r"\s+(?:(?:will|would|could|might|may|can|soon|sẽ|có thể|sắp|wird|würde|könnte|kann|va|"
                        r"pourrait|peut|podría|puede|va a|poderia|pode|vai|potrebbe|può|будет|может|буде|може|akan|"
                        r"bisa|dapat|segera|mungkin)\s+){1,3}", re.IGNORECASE)
TAG_SUBJECT_REACH = 40  # characters from a subject to its threat verb ("Moscow would be forced to respond")
# Japanese, Korean: the subject of a clause inside what was said carries が or 이/가, not the topic.
_SUBJECT_MARK = {"ja": re.compile(r"\s?が"), "ko": re.compile(r"\s?(?:이|가|측이)(?![가-힣])")}
# … unless a condition ends between it and the verb: "북한이 도발하면 … 응징할 것", "北朝鮮が挑発すれば … 反撃する"
_CONDITION_END = {"ja": re.compile(r"(?:[えけせてねべめれげぜで]ば|たら|なら|場合)"),
                  "ko": re.compile(r"(?:면|경우)(?:[,\s]|에는)")}


# a threat verb in the passive: its subject undergoes the answer ("would be met with", "will be answered",
# "kommer att besvaras", "vil bli besvart", "wird beantwortet", "sera suivi d'une riposte")
_PASSIVE_THREAT = re.compile(r"\bbe (?:met|answered|responded|countered|repelled)\b|besvara[ds]|bli besvart|"
                             r"beantwortet|sera suivie?|será respondid|sarà respint|"
                             # "यमन से होने वाले हर हमले का जवाब दिया जाएगा", "akan dibalas", "sẽ bị đáp trả"
                             r"दिया जाएगा|दी जाएगी|दिया जायेगा|दी जायेगी|akan dibalas|akan dijawab|sẽ bị đáp trả|"
                             r"будет дан ответ|буде дано відповідь|zostanie odparty|karşılık verilecek|"
                             r"سيقابل|ستقابل|سيتم الرد|תיענה|ייענה", re.IGNORECASE)


def _reported_threats(text: str, lang: str, anchor: Hit, outside: Sequence[Hit], free: Sequence[Mention],
                      speaker: Speaker | None, s1: int, mods: Sequence[Hit]) -> dict[Hit, tuple[int, int]]:
    """Threat and warning verbs the speaker reports of somebody else: "the ministry said Russia
    had threatened the Baltic states", "Russland habe … gedroht", "ロシアが…脅していると非難した".
    The reported clause opens on its own subject, a state or a person other than the speaker, and
    the verb is that subject's (not joined to the speaker's by "and" or a comma). Each such verb
    with the span of its clause, whose words are not the speaker's either."""
    # (Japanese, Korean: the speaker's own verb comes last, after the clause it reports)
    outer = outside[-1] if lang in _SUBJECT_MARK and outside else anchor
    out: dict[Hit, tuple[int, int]] = {}
    if speaker is None or outer.phrase.value in ("threaten", "warn"):
        return out
    for c in outside:
        if c is outer or c.phrase.value not in ("threaten", "warn"):
            continue
        if _PASSIVE_THREAT.search(text, c.start, c.end) or _UNANSWERED.search(text, c.start, c.end):
            # "any incursion would be met with …", "Copenhagen's decision would not go unanswered": the
            # subject is what is answered, not who answers
            continue
        we = _AR_WE_VERB if lang == "ar" else _WE_RE.get(lang)
        if we is not None and (we.match(text, c.start) or we.search(text, max(0, c.start - 6), c.start)):
            continue  # "… وسنرد بالمثل", "we will respond": the speaker's own side answers
        if lang in _SUBJECT_MARK:
            if c.end > outer.start:
                continue
            subject = next((m for m in reversed(free) if m.end <= c.start and _SUBJECT_MARK[lang].match(text, m.end)
                            and not _JOINED.search(text, m.end, c.start)
                            and not _CONDITION_END[lang].search(text, m.end, c.start)), None)
        else:
            if c.start < outer.end:
                # "Russia will respond …, said the Finnish foreign minister": a threat verb before the
                # tag that closes the sentence, with a state of its own as its subject, is that state's
                tag = text.rfind(",", c.end, outer.start)
                # (not a name in a prepositional phrase: "Litauen werde auf jede Verletzung durch Belarus
                # reagieren" is Lithuania's answer)
                subject = next((m for m in reversed(free) if m.end <= c.start and c.start - m.end <= TAG_SUBJECT_REACH
                                and not _CLAUSE_END.search(text, m.end, c.start)
                                # (nor the one attacked: "Любое нападение на Белоруссию будет расценено как …")
                                and not _after_preposition(text, m) and not _victim(text, lang, m, 0)), None) \
                    if tag >= 0 else None
                if subject is not None and subject.country and speaker.country and \
                        subject.country != speaker.country and subject.type in ("country", "person", "body", "city"):
                    out[c] = (subject.start, tag)
                continue
            subject = next((m for m in free if outer.end <= m.start < c.start), None)
            cond = max((h.end for h in mods if h.phrase.value == "conditional" and subject is not None
                        and subject.end <= h.start < c.start), default=None)
            if cond is not None:
                # "कहा कि पाकिस्तान ने हमला किया तो भारत … करेगा", "said if Iran attacks, then Israel will
                # …": the first subject is the condition's; the verb's own comes after it
                subject = next((m for m in free if cond <= m.start < c.start), None)
                if subject is not None:
                    out_start = subject.start
                    if not _JOINED.search(text, subject.end, c.start) and subject.country and speaker.country \
                            and subject.country != speaker.country and subject.type in ("country", "person", "body",
                                                                                        "city"):
                        out[c] = (out_start, s1)
                continue
            if subject is not None and (subject.start - outer.end > REPORTED_LEAD
                                        or _JOINED.search(text, subject.end, c.start)
                                        # "said that if Iran attacks, Israel will respond": the condition's
                                        or any(h.phrase.value == "conditional" and outer.end <= h.start < subject.start
                                               for h in mods)):
                subject = None
        if subject is None or subject.country is None or subject.country == speaker.country or \
                subject.type not in ("country", "person", "body", "city"):
            continue
        out[c] = (subject.start, c.end if lang in _SUBJECT_MARK else s1)
    return out


# A sentence that opens on a year: "In 1962", "En 1962", "Pada 1962", "Năm 1962", "В 1962 году", "1962年".
_YEAR_OPENER = {
    "en": r"in|back in|as early as|during|on", "fr": r"en|dès|déjà en|le", "es": r"en|ya en|durante|el",
    "pt": r"em|já em", "it": r"nel|già nel|il|nell['’]|già nell['’]", "de": r"im jahr|im jahre|bereits|schon",
    "id": r"pada|pada tahun|sejak|tahun",
    "vi": r"năm|vào năm|hồi năm|từ năm", "ru": r"в|ещё в|еще в|уже в", "uk": r"у|в|ще у|ще в|вже в|вже у",
    "pl": r"w|już w", "cs": r"v roce|už v roce|již v roce|v|už v", "ro": r"în|încă din|în anul", "bg": r"през|още през",
    "sv": r"år|redan år|under|redan", "no": r"i|allerede i|allerede", "hu": r"már",
    "ar": r"في|وفي|في عام|وفي عام|في العام|عام", "he": r"בשנת|ב-|ב|כבר בשנת|עוד בשנת",
}
# (a day and a month may stand before the year: "En abril de 1982", "In October of 1962", "Em 3 de maio de 1995")
# ("Nell'ottobre": the Italian article elided onto the month)
_YEAR_RE = {k: re.compile(rf"[\s\"“”«»„']*(?:{v})(?:\s+|(?<=['’]))(?:\d{{1,2}}\.?\s+)?(?:(?:de|of|del)\s+)?"
                          rf"(?:[^\W\d]+\s+)?(?:(?:de|of|del)\s+)?(\d{{4}})(?!\d)", re.IGNORECASE)
            for k, v in _YEAR_OPENER.items()}
_YEAR_RE.update({k: re.compile(r"[\s\"“”「『]*(\d{4})\s*[年년]") for k in ("ja", "zh", "ko")})
_YEAR_RE["tr"] = re.compile(r"[\s\"“”]*(\d{4})(?:['’](?:de|da|te|ta)| yılında)")
# "Hồi tháng 10/1962", "Nhìn lại lịch sử, tháng 10/1962": a month or day written with the year
_YEAR_RE["vi"] = re.compile(r"[\s\"“”]*(?:nhìn lại lịch sử,?\s*)?(?:(?:hồi|vào|từ|trong)\s+)?(?:thời điểm\s+)?"
                            r"(?:năm|tháng\s+\d{1,2}/|ngày\s+\d{1,2}/\d{1,2}/|tháng\s+\d{1,2}\s+năm)\s*(\d{4})(?!\d)",
                            re.IGNORECASE)
_YEAR_RE["he"] = re.compile(r"[\s\"“”]*(?:כבר |עוד )?(?:בשנת\s+|ב-?)(\d{4})(?!\d)")
_YEAR_RE["hi"] = re.compile(r"[\s\"“”]*(?:साल\s+|वर्ष\s+)?(\d{4})\s+(?:में|के दौरान)")
# (Swedish, Norwegian put the verb second: the year may open the sentence alone, "1962 hotade Moskva …")
_YEAR_RE["sv"] = re.compile(r"[\s\"“”»]*(?:(?:år|redan år|under|redan)\s+)?(\d{4})\s+(?=[^\W\d])", re.IGNORECASE)
_YEAR_RE["no"] = re.compile(r"[\s\"“”»]*(?:(?:i|allerede i|allerede)\s+)?(\d{4})\s+(?=[^\W\d])", re.IGNORECASE)
_YEAR_RE["hu"] = re.compile(r"[\s\"“”„]*(?:már\s+)?(\d{4})-(?:ben|ban)(?!\w)", re.IGNORECASE)
# (and a month or season before the year: "Im Oktober 1962", "Am 3. Mai 1985", "Bereits im Herbst 2014")
_YEAR_RE["de"] = re.compile(r"[\s\"“”„]*(?:(?:bereits|schon)\s+)?(?:(?:im jahre?|im\s+[^\W\d]+|am\s+\d{1,2}\.\s*"
                            r"[^\W\d]+)\s+)?(\d{4})\s", re.IGNORECASE)
HISTORY_YEARS = 2  # a year at least this far before the article's is history
# "already", "as early as", "back in" before the year: a retrospective, whatever the year
_ALREADY = re.compile(r"as early as|back in|ещё|еще|уже|ще |вже|już|bereits|schon|dès|déjà|ya en|già|já em|už|již|"
                      r"още|încă|deja|redan|allerede|már", re.IGNORECASE)
# A pluperfect after an opening year tells the past too, undated or not: "In 2020, Ankara had warned",
# "En 2020, Ankara avait averti", "2008 yılında … söylemişti", "2014年、…曾警告"
# (not a relative clause's: "Russia, which had annexed Crimea in 2014, warned …")
_PLUPERFECT = re.compile(r"(?<!which )(?<!who )(?<!that )(?<!qui )(?<!que )(?<!che )"
                         r"(?:\bhad\s+(?:\w+\s+)?\w+(?:ed|en|id|ought)\b|\b(?:avait|avaient|había|habían|havia|haviam|"
                         r"tinha|tinham|aveva|avevano|hatte|hatten|hade|hadde)\s)|"
                         r"(?:m[ıiuü]şt[ıiuü]|d[ıiuü]yd[ıiuü])(?!\w)|"
                         r"كان قد|كانت قد|وكانت .{1,20} قد|وكان .{1,20} قد|曾|ていた|바 있다|\btừng\b|"
                         r"(?:दी|दिया|कहा|की) (?:थी|था|थे)|"
                         r"már \d{4}", re.IGNORECASE)
PLUPERFECT_REACH = 160  # characters after the opening year where its verb stands
_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


# A sentence that opens "N years ago" (N two or more, in digits or words) tells history too.
_NUMBER_WORDS = (r"\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|seventy|"
                 r"deux|trois|quatre|cinq|dix|vingt|trente|quarante|cinquante|soixante|dos|tres|cuatro|cinco|diez|"
                 r"veinte|treinta|cuarenta|cincuenta|sesenta|due|tre|quattro|cinque|dieci|venti|trenta|quaranta|"
                 r"cinquanta|sessanta|dois|duas|quatro|dez|vinte|trinta|quarenta|cinquenta|sessenta|zwei|drei|vier|"
                 r"fünf|zehn|zwanzig|dreißig|vierzig|fünfzig|sechzig|several|plusieurs|varios|vari|vários|mehreren")
_YEARS_AGO = {
    "en": rf"(?:some\s+|about\s+|nearly\s+|almost\s+|over\s+|more than\s+)?(?:{_NUMBER_WORDS})\s+years\s+ago",
    "fr": rf"il\s+y\s+a\s+(?:près de\s+|plus de\s+)?(?:{_NUMBER_WORDS})\s+ans",
    "es": rf"hace\s+(?:casi\s+|más de\s+|unos\s+)?(?:{_NUMBER_WORDS})\s+años",
    "it": rf"(?:quasi\s+|oltre\s+)?(?:(?:{_NUMBER_WORDS})\s+|(?:vent|trent|quarant|cinquant|sessant)['’])anni\s+fa",
    "pt": rf"(?:há|faz)\s+(?:quase\s+|mais de\s+)?(?:{_NUMBER_WORDS})\s+anos",
    "de": rf"vor\s+(?:fast\s+|mehr als\s+|rund\s+|gut\s+|knapp\s+|über\s+)?(?:{_NUMBER_WORDS})\s+jahren",
    "id": r"(?:sekitar\s+|hampir\s+|lebih dari\s+)?(?:\d{1,3}|(?:dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|"
          r"sepuluh|sebelas|beberapa)(?:\s+(?:puluh|belas))?)\s+tahun\s+(?:yang\s+)?lalu",
    "vi": r"(?:cách đây\s+(?:gần\s+|hơn\s+|khoảng\s+)?(?:\d{1,3}|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|vài|mấy)"
          r"(?:\s+(?:mươi|chục))?\s+năm|\d{1,3}\s+năm\s+trước)",
    "ru": r"(?:\d{1,3}|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|двадцать|тридцать|сорок|пятьдесят|"
          r"несколько)\s+(?:лет|года|годов)\s+назад",
    "uk": r"(?:\d{1,3}|два|дві|три|чотири|п['’]ять|шість|сім|вісім|дев['’]ять|десять|двадцять|тридцять|сорок|"
          r"п['’]ятдесят|кілька)\s+(?:років|роки)\s+тому",
    "pl": r"(?:\d{1,3}|dwa|trzy|cztery|pięć|sześć|siedem|osiem|dziewięć|dziesięć|dwadzieścia|trzydzieści|czterdzieści|"
          r"pięćdziesiąt|kilka)\s+lat(?:a)?\s+temu",
    "cs": r"před\s+(?:\d{1,3}|dvěma|třemi|čtyřmi|pěti|deseti|dvaceti|třiceti|čtyřiceti|padesáti|několika)\s+lety",
    "bg": r"преди\s+(?:\d{1,3}|две|три|четири|пет|десет|двадесет|тридесет|четиридесет|петдесет|няколко)\s+години",
    "ro": r"acum\s+(?:aproape\s+|peste\s+)?(?:\d{1,3}|doi|două|trei|patru|cinci|zece|douăzeci|treizeci|patruzeci|"
          r"cincizeci|câțiva|câteva)\s+(?:de\s+)?ani",
    "sv": r"(?:för\s+)?(?:nästan\s+|drygt\s+|över\s+)?(?:\d{1,3}|två|tre|fyra|fem|tio|tjugo|trettio|fyrtio|femtio|"
          r"sextio|några)\s+år\s+(?:sedan|tidigare)",
    "no": r"(?:for\s+)?(?:nesten\s+|drøyt\s+|over\s+)?(?:\d{1,3}|to|tre|fire|fem|ti|tjue|tretti|førti|femti|seksti|"
          r"noen)\s+år\s+(?:siden|tidligere)",
    "hu": r"(?:\d{1,3}|két|három|négy|öt|tíz|húsz|harminc|negyven|ötven|hatvan|néhány)\s+(?:évvel\s+ezelőtt|éve)",
    "tr": r"(?:\d{1,3}|iki|üç|dört|beş|on|yirmi|otuz|kırk|elli|altmış|birkaç)\s+yıl\s+önce",
    "ar": r"(?:قبل|منذ)\s+(?:نحو\s+|حوالي\s+)?(?:(?:\d{1,3}|عشرين|ثلاثين|أربعين|خمسين|ستين|بضع|عشر|خمس|ثلاث|أربع)\s+"
          r"(?:عاما|عامًا|سنة|سنوات|أعوام)|عامين|سنتين)",
    "he": r"לפני\s+(?:כ-?)?(?:(?:\d{1,3}|עשרים|שלושים|ארבעים|חמישים|שישים|עשר|חמש|ארבע|שלוש|כמה)\s+(?:שנה|שנים)|"
          r"שנתיים)",
    "hi": r"(?:\d{1,3}|दो|तीन|चार|पांच|पाँच|दस|बीस|तीस|चालीस|पचास|साठ|कुछ)\s+(?:साल|वर्ष)\s+(?:पहले|पूर्व)",
    "zh": r"(?:\d{1,3}|[两二三四五六七八九十几]+)\s*年前",
    "ja": r"(?:\d{1,3}|[二三四五六七八九十数]+)\s*年前",
    "ko": r"(?:\d{1,3}|[이삼사오육칠팔구십]+)\s*년\s*전",
}
_YEARS_AGO_RE = {k: re.compile(rf"[\s\"“”«»„']*{v}(?!\w)", re.IGNORECASE) for k, v in _YEARS_AGO.items()}
_ONE_YEAR = re.compile(r"\b(?:1|one|un|uno|una|um|ein|einem|1)\s", re.IGNORECASE)


def _historical(text: str, lang: str, s0: int, stamp: str | None, s1: int = -1) -> bool:
    """The sentence opens on a year well before the article's own ("In 1962, Moscow warned …"),
    or on "N years ago" ("Il y a quarante ans, Moscou avait menacé …"): it tells history. In an undated
    text any opening year does (news of the day names the day, not the year: "In 2016, Ankara warned"
    is a retrospective); the clock's year is never used, so a replay alerts as the live run did."""
    ago = _YEARS_AGO_RE.get(lang)
    if ago is not None:
        m = ago.match(text, s0)
        if m is not None and _ONE_YEAR.search(m.group(0)) is None:
            return True
    now = int(stamp[:4]) if stamp and stamp[:4].isdigit() else None
    if s1 > s0:
        # "Moskova, 2008 yılında … uyarısında bulunmuştu", "ロシアは2008年、…と警告していた": a year
        # anywhere in a sentence told in the pluperfect (the year first: most sentences have none)
        years = [int(y.group(1)) for y in _ANY_YEAR.finditer(text, s0, s1)]
        if any(now is None or y <= now - HISTORY_YEARS for y in years) and _PLUPERFECT.search(text, s0, s1):
            return True
    pattern = _YEAR_RE.get(lang)
    m = pattern.match(text, s0) if pattern is not None else None
    if m is None:
        return False
    year = int(m.group(1))
    if now is None and _ALREADY.search(m.group(0)):
        return True  # "As early as 2008, Moscow warned", "Ещё в 2014 году Пекин предупреждал": told as past
    if now is None and _PLUPERFECT.search(text, m.end(), m.end() + PLUPERFECT_REACH):
        return True  # "En 2020, Ankara avait averti Athènes …": told as past
    return year <= now - HISTORY_YEARS if now is not None else True


# "Then", opening a sentence after one that tells history: "Ten years ago Russia annexed Crimea. Then
# President X threatened …", "Тоді президент …", "Damals drohte …"
_THEN_OPENER = re.compile(
    r"[\s\"“”«»„']*(?:then|at the time|back then|damals|à l['’]époque|alors|entonces|en aquel momento|por entonces|"
    r"na época|então|naquela altura|à época|allora|all['’]epoca|тогда|тоді|тогава|wtedy|wówczas|tehdy|tenkrát|"
    r"akkor|atunci|pe atunci|da|då|o zaman|o dönem|saat itu|ketika itu|kala itu|khi đó|lúc đó|当时|當時|当時|"
    r"당시|آنذاك|حينها|אז|"
    # (or a while after it: "A few weeks later, the ministry warned …", "Kurz darauf drohte …")
    r"(?:a\s+)?(?:few|several|two|three)\s+(?:days|weeks|months|years)\s+later|shortly\s+(?:after|afterwards)|"
    r"soon\s+after(?:wards)?|the\s+following\s+(?:day|week|month|year)|a\s+(?:day|week|month|year)\s+later|"
    r"kurz\s+darauf|bald\s+darauf|wenige\s+(?:Tage|Wochen|Monate)\s+später|(?:einen\s+Tag|eine\s+Woche|einen\s+Monat|"
    r"ein\s+Jahr)\s+später|im\s+Jahr\s+darauf|peu\s+après|quelques\s+(?:jours|semaines|mois)\s+plus\s+tard|"
    r"l['’]année\s+suivante|poco\s+después|(?:días|semanas|meses)\s+después|al\s+año\s+siguiente|pouco\s+depois|"
    r"(?:dias|semanas|meses)\s+depois|poco\s+dopo|(?:giorni|settimane|mesi)\s+dopo|l['’]anno\s+seguente|"
    r"вскоре|через\s+несколько\s+(?:дней|недель|месяцев)|незабаром|згодом|wkrótce\s+potem|kilka\s+(?:dni|tygodni|"
    r"miesięcy)\s+później|krátce\s+poté|o\s+několik\s+(?:dní|týdnů|měsíců)\s+později|скоро\s+след\s+това|"
    r"curând\s+după|la\s+scurt\s+timp|không\s+lâu\s+sau|ít\s+lâu\s+sau|vài\s+(?:ngày|tuần|tháng)\s+sau|"
    r"tak\s+lama\s+kemudian|beberapa\s+(?:hari|minggu|bulan)\s+kemudian)(?!\w)", re.IGNORECASE)
# A title held "then", before the verb: "then-Prime Minister", "the then defence minister", "der
# damalige Außenminister", "l'alors ministre", "тодішній президент", "당시 모디 총리", "时任外长": the
# office as it was, history retold (a "then" after "if" in a condition is none of these forms)
_THEN_TITLE = re.compile(
    r"(?<!\w)(?:then-|the then\s|damalig\w*|l['’]alors\s|alors\s+(?=président|ministre|premier|chef|secrétaire|"
    r"porte-parole)|el entonces|la entonces|o então|a então|l['’]allora\s|allora\s+(?=presidente|ministro|premier|"
    r"capo|segretario|portavoce)|тогдашн\w*|тодішн\w*|тогавашн\w*|ówczesn\w*|tehdejší\w*|akkori|de atunci|pe atunci|"
    r"dåvarande|daværende|dönemin|o dönemki|o zamanki|时任|時任|当时的|當時的|当時の|당시(?=\s)|آنذاك|حينذاك|דאז)",
    re.IGNORECASE)


def _told_then(text: str, lang: str, s0: int, cue: int, before: Span | None, stamp: str | None) -> bool:
    """History told without a year in the sentence: the speaker's title held "then" ("the then defence
    minister warned …"), or a sentence opened by "Then" after one that tells history."""
    if _THEN_TITLE.search(text, s0, cue) is not None:
        return True
    return before is not None and _THEN_OPENER.match(text, s0) is not None and \
        _historical(text, lang, before.start, stamp, before.end)


INNER_REACH = 120  # characters before a quote inside a quote where whose words they are is named


def _quoted_others(text: str, sq: Sequence[tuple[int, int]], mentions: Sequence[Mention], cues: Sequence[Hit],
                   own: str | None) -> list[tuple[int, int]]:
    """Quotes inside the speaker's quote that give another state's words: '"I read X's message
    like this: "…""', '"X told us: "…""'. The inner quote opens after a colon or a speech verb and
    the last person, body or state named before it in its sentence belongs to another country.
    A name right after a speech verb is whom the speaker addressed ('"We told X: "…""'): theirs."""
    out: list[tuple[int, int]] = []
    if own is None:
        return out
    for a, b in sq:
        for x, y in quotes(text[a:b]):
            x, y = x + a, y + a
            mark = x - 1  # the inner opening mark
            lo = max(a, mark - INNER_REACH)
            lead = text[lo:mark].rstrip()
            if not lead.endswith((":", "：")) and not any(lo <= c.start and 0 <= mark - c.end <= 3 for c in cues):
                continue  # a scare-quoted word ('our "red lines"'), not speech
            lo = max([lo, *(i + 1 for i in (text.rfind(p, lo, mark) for p in ".!?;") if i >= 0)])
            names = [m for m in mentions if lo <= m.start and m.end <= mark and m.type in SPEAKER_TYPES
                     and m.country is not None and (m.type != "city" or m.role == "capital")]
            names = [m for m in names if not any(0 <= m.start - c.end <= 3 for c in cues)]
            if names and max(names, key=lambda m: m.end).country != own:
                out.append((x, y))
    return out


# A day named in figures ("21/4", "4.21"): what was said is tied to a date.
_DAY = re.compile(r"(?<![\d/.])\d{1,2}[/.]\d{1,2}(?![\d/.])")
QUOTE_SLACK = 4  # characters of a quote beyond the term it holds: scare quotes ('a "red line"')
_WARNING_CLASSES = frozenset({"escalation", "red_line", "grave_consequences", "grave_threat", "retaliation",
                              "consequences", "response", "party_to_conflict"})


def _held_views(text: str, speaker: Speaker, cues: Sequence[Hit], sq: Sequence[tuple[int, int]], mods: Sequence[Hit],
                terms: list[Hit], at: int, s0: int, s1: int) -> list[Hit]:
    """Drop the terms of a view held rather than a warning given, when the only speech verbs of the
    sentence (outside quotes) are verbs of holding a view and nothing makes it a warning (no
    conditional or possibility after the verb):
    - a red line of a state named as subject with "regards/considers/views X as …" (`stance` markers)
      and no day named: the journalist's account of a standing position ('Beijing regards it as a
      "red line"'). "Regards this as an escalation" answers an event: it stays.
      The state's own words quoted beyond the term ('X considers it "a reckless step towards
      escalation"') are a statement and stay;
    - "believes/holds that X is a serious threat" (`opinion` or `stance`) with a serious threat as the
      only warning term: an assessment, not a warning of action."""
    if not cues or not terms:
        return terms
    if any(h.phrase.value in ("conditional", "hypothetical") and at <= h.start < s1 for h in mods):
        return terms
    kinds = {h.phrase.value for h in mods if s0 <= h.start < s1}

    def held(c: Hit, values: tuple[str, ...]) -> bool:
        return any(h.phrase.value in values and h.start <= c.start and c.end <= h.end for h in mods)

    if speaker.kind == "country" and all(held(c, ("stance",)) for c in cues) and "occasion" not in kinds and \
            _DAY.search(text, s0, s1) is None:
        # (a red line is a standing position; "regards this as an escalation" answers an event)
        return [t for t in terms if t.phrase.value != "red_line" or any(
            a <= t.start < b and len(text[a:b].strip(" \"“”«»„'")) > t.end - t.start + QUOTE_SLACK for a, b in sq)]
    warning = {t.phrase.value for t in terms} & _WARNING_CLASSES
    if warning == {"grave_threat"} and all(held(c, ("opinion", "stance")) for c in cues):
        return [t for t in terms if t.phrase.value != "grave_threat"]
    return terms


PRONOUN_REACH = 3  # sentences back where a pronoun or an unexpressed subject finds its official
# A personal pronoun right after the cue ('…," said he', "kata dia", "добавил он", "a-t-il ajouté" is one word)
_PRONOUN_AFTER = re.compile(r"\s*(?:he|she|er|sie|il|elle|él|ella|lui|lei|ele|ela|ia|dia|beliau|ông|bà|он|она|"
                            r"він|вона|on|ona)(?!\w)", re.IGNORECASE)
_PRONOUN_CUE = re.compile(r"(?:nya|\s(?:dia|ia|beliau)|-t-(?:il|elle)\s+\w+)$", re.IGNORECASE)
ZERO_SUBJECT_WORDS = 2  # words outside quotes before the cue when no subject is expressed ("또", "Also")


def _pronoun_subject(text: str, s0: int, anchor: Hit, sq: Sequence[tuple[int, int]]) -> bool:
    """The cue's subject is a personal pronoun ("he added", "ia memperingatkan", "kata dia", "그는", "彼は")
    or is not expressed at all ('"…", añadió', '또 "…"라고 경고했다', "وأضاف أن …")."""
    cue = text[anchor.start:anchor.end]
    if _PRONOUN_BEFORE.search(text, max(s0, anchor.start - 24), anchor.start) or \
            _CJK_PRONOUN.search(text, max(s0, anchor.start - 6), anchor.start) or \
            _PRONOUN_AFTER.match(text, anchor.end) or _PRONOUN_CUE.search(cue):
        return True
    outside = "".join(" " if _inside(i, sq) else c for i, c in enumerate(text[s0:anchor.start], s0))
    return len(outside.translate(_TAG_PUNCT_BLANK).split()) <= ZERO_SUBJECT_WORDS


def _recent_speaker(text: str, sents: Sequence[Span], si: int, out: Sequence[Statement], mentions: list[Mention],
                    sentence_mentions: dict[int, list[int]], sentence_hits: dict[int, list[Hit]],
                    kb: KnowledgeBase, skip_roles: bool = False, lang: str = "") -> Speaker | None:
    """The official a pronoun refers to: the speaker of the latest statement or the subject of the latest
    sentence, up to PRONOUN_REACH sentences back; none past a sentence that names another person, a title
    or a non-government subject (somebody else may be meant)."""
    # the last statement of each of the sentences in reach (``out`` is in sentence order: reading it
    # from the end keeps this linear in a text of many statements)
    spoken: dict[int, Statement] = {}
    for st in reversed(out):
        if st.sentence < si - PRONOUN_REACH:
            break
        spoken.setdefault(st.sentence, st)
    for k in range(si - 1, max(-1, si - 1 - PRONOUN_REACH), -1):
        if k in spoken:
            return spoken[k].speaker
        sp = _subject_before(text, sents[k], mentions, sentence_mentions.get(k, []), sentence_hits.get(k, []), kb,
                             lang)
        if sp is not None:
            return sp
        if any(mentions[i].type == "person" for i in sentence_mentions.get(k, ())) or \
                any(h.phrase.layer == "nongov" or (h.phrase.layer == "role" and not skip_roles)
                    for h in sentence_hits.get(k, ())):
            return None
    return None


BARE_REACH = 40  # characters from a bare body to its verb ("The defence ministry in a statement warned")
# What may stand before a bare body that is the subject: an article, or the end of a quote and its tag
# comma ('"…," the foreign ministry said'); in Russian, Ukrainian and Bulgarian the impersonal "В МИД
# заявили", "У Міноборони заявили", "От МВнР заявиха" (they said at the ministry)
_BARE_LEAD = re.compile(r"[\s\"“”«»„,.:—–-]*(?:(?:the|la|le|les|l['’]|el|los|las|il|lo|gli|die|der|das|o|os|as)\s+)?",
                        re.IGNORECASE)
_BARE_AT = {"ru": re.compile(r"\s*(?:в|во|из)\s+", re.IGNORECASE),
            "uk": re.compile(r"\s*(?:в|у|з|із)\s+", re.IGNORECASE),
            "bg": re.compile(r"\s*(?:от|в)\s+", re.IGNORECASE)}


# a place named right after a bare body: "the defence ministry in Moscow", "le ministère à Pékin"
_BARE_PLACE = re.compile(r"\s+(?:in|at|à|en|em|im|в|у|w|di|ở|tại|ve|i)\s+", re.IGNORECASE)


_LED_BY = re.compile(r"\s+(?:of|de|du|des|del|do|da|der|von|di)\s+(?:(?:the|el|la|le|o|a|il|dem)\s+)?(?:"
                     r"(?:prime minister|president|premier|presidente|primer ministro|primeiro-ministro|président|"
                     r"Premierminister|Präsident|Ministerpräsident)\s+)?", re.IGNORECASE)
_LED_KINDS = frozenset({"government", "presidency"})


def _led_by(text: str, h: Hit, mentions: Sequence[Mention]) -> Mention | None:
    """The head of state or government who owns a bare government ("the government of Benjamin
    Netanyahu", "el gobierno de Petro", "die Regierung von Netanjahu"): its state's government."""
    if h.phrase.value not in _LED_KINDS:
        return None
    gap = _LED_BY.match(text, h.end)
    if gap is None:
        return None
    return next((m for m in mentions if m.start == gap.end() and m.type == "person" and m.country is not None
                 and m.role in _TOP_OFFICES), None)


def _bare_subject(text: str, lang: str, s0: int, anchor: Hit, layers: _Layers, sq: Sequence[tuple[int, int]],
                  smentions: Sequence[Mention], filed: re.Match[str] | None = None) -> Hit | None:
    """A government body named without its state as the subject of the cue: "The defence ministry
    said …", "Le ministère de la Défense a averti …", "В Минобороны заявили …", '"…," the foreign
    ministry said'. Not one inside a name ("China's foreign ministry"), owned ("the ministry of
    the rebels") or followed by a name ("Foreign Ministry spokesperson X" is a title)."""
    clause = _clause_start(text, s0, anchor.start, layers.bounds)
    opens = [clause, *(b for _, b in sq if clause <= b <= anchor.start)]
    if filed is not None and filed.end() <= anchor.start:  # "BEIJING (Reuters) - The foreign ministry said"
        opens.append(filed.end())
    at = _BARE_AT.get(lang)
    for h in layers.bare:
        if h.end > anchor.start or anchor.start - h.end > BARE_REACH or _inside(h.start, sq) or \
                any(m.start <= h.start < m.end or h.start <= m.start < h.end for m in smentions) or \
                (_TITLE_OWNER.match(text, h.end) and _led_by(text, h, smentions) is None) or \
                _OWNER.search(text, max(0, h.start - 40), h.start):
            continue
        nxt = _NEXT_WORD.match(text, h.end)
        if lang != "de" and nxt is not None and nxt.group(1)[:1].isupper() and \
                not text[h.end:nxt.start(1)].strip():
            continue  # "Foreign Ministry Spokesperson Mao": a title before a name (German capitalises every noun)
        for o in opens:
            lead = _BARE_LEAD.match(text, o, h.start)
            if (lead is not None and lead.end() == h.start) or \
                    (at is not None and (m := at.match(text, o, h.start)) is not None and m.end() == h.start):
                return h
    return None


def _bare_body_speaker(h: Hit, text: str, sents: Sequence[Span], si: int, out: Sequence[Statement],
                       mentions: list[Mention], sentence_mentions: dict[int, list[int]],
                       sentence_hits: dict[int, list[Hit]], kb: KnowledgeBase,
                       filed_from: Mention | None = None) -> Speaker | None:
    """The body a bare body names: of the state whose voice spoke or opened a sentence just before
    ("Azerbaijan accused Armenia …. The defence ministry said …"), else of the capital the story was
    filed from ("BEIJING (Reuters) - The foreign ministry said …"); "the ministry" alone only as the
    ministry (or its minister) just named."""
    place = next((m for i in sentence_mentions.get(si, ()) if (m := mentions[i]).country is not None
                  and (m.type == "country" or (m.type == "city" and m.role == "capital"))
                  and _BARE_PLACE.fullmatch(text, h.end, m.start)), None)
    found: Speaker | None = None
    leader = _led_by(text, h, [mentions[i] for i in sentence_mentions.get(si, ())]) if place is None else None
    if place is not None:  # "the defence ministry in Moscow"
        found = speaker_of(place, kb)
    elif leader is not None:  # "the government of Benjamin Netanyahu"
        found = speaker_of(leader, kb)
    elif si > 0:
        found = _recent_speaker(text, sents, si, out, mentions, sentence_mentions, sentence_hits, kb, skip_roles=True)
    if found is None and place is None and filed_from is not None and h.phrase.value != "ministry":
        found = speaker_of(filed_from, kb)
    if found is None and si > 0:
        # "La Cina ha convocato l'ambasciatore filippino. Il ministero degli Esteri ha avvertito che
        # Manila …": the state that opens the sentence before, when the body's words name another
        # state and not that one ("Iran fired missiles at Israel. The army warned Tehran …" is Israel's army)
        named = {m.country for i in sentence_mentions.get(si, ()) if (m := mentions[i]).start >= h.end
                 and m.country is not None and (m.type in ("country", "body") or m.role == "capital")}
        opening = next((m for i in sentence_mentions.get(si - 1, ()) if (m := mentions[i]).type == "country"
                        and _opens_clause(text, sents[si - 1].start, m)), None)
        if opening is not None and named and opening.country not in named:
            found = speaker_of(opening, kb)
    if found is None or not found.government or found.country is None:
        return None
    kind = h.phrase.value
    held = found.role if found.kind == "body" else kb.roles.get(found.role or "")
    if kind == "ministry":
        if held not in ("foreign_ministry", "defence_ministry"):
            # "Korea Utara … melalui pernyataan Kementerian Pertahanan …. Kementerian itu menyebut …": the
            # state that spoke just before, whose ministry this is
            return found if found.kind == "country" else None
        kind = held
    if found.kind == "body" and held == kind and found.voice is None:
        return found
    body = kb.body(found.country, kind)
    return Speaker(body.name, "body", found.country, body.id, kind, None, True)


OWN_REACH = 16  # characters between a title and a state that qualifies it ("spokesperson of the Russian …")


_TOPIC_PARTICLES = frozenset("はが는은이가")


OFFICE_REACH = 8  # sentences back to the official a bare title ("the minister") names again


def _office_holder(role: str, si: int, mentions: list[Mention], sentence_mentions: dict[int, list[int]],
                   kb: KnowledgeBase) -> Speaker | None:
    """The latest person named with an office ``role`` names ("minister": any minister), within
    OFFICE_REACH sentences, when a government voice; None when two different people of it are named
    (either may be meant)."""
    def holds(held: str | None) -> bool:
        return held is not None and (held == role or held.endswith("_" + role) or (
            role == "other_minister" and held.endswith("minister")))

    for k in range(si - 1, max(-1, si - 1 - OFFICE_REACH), -1):
        # (any office the person held: "the minister" after a defence minister since made security adviser)
        found = {m.entity_id or m.name: m for i in sentence_mentions.get(k, ()) if (m := mentions[i]).type == "person"
                 and (holds(m.role) or (m.entity_id in kb.entities and any(
                     holds(r) for r, _, _ in kb.entities[m.entity_id].offices)))}
        if len(found) > 1:
            return None
        if found:
            holder = speaker_of(next(iter(found.values())), kb)
            return holder if holder.government else None
    return None


# A possessive that opens a sentence before a title: "Its spokesman", "Leur porte-parole", "Его пресс-секретарь"
_POSSESSIVE_LEAD: dict[str, re.Pattern[str]] = {
    lang: re.compile(rf"[\s\"“”«»„‚‘’'(\-–—]*(?:{words})\s+$", re.IGNORECASE) for lang, words in {
    "en": "its|their", "fr": "son|sa|leur", "es": "su|sus", "pt": "o seu|a sua|seu|sua",
    "it": "il suo|la sua|il loro|la loro|suo|sua", "de": "sein|seine|ihr|ihre", "ru": "его|её|ее|их",
    "uk": "його|її|їхній|їхня|їхні", "pl": "jego|jej|ich", "cs": "jeho|její|jejich", "bg": "негов|неговият|техният",
    "sv": "dess|deras", "no": "dets|deres"}.items()}


def _opening_owner(text: str, sent: Span, mentions: list[Mention], idx: list[int], kb: KnowledgeBase
                   ) -> Speaker | None:
    """Who opens a sentence that holds no statement, as the owner of a possessed title after it."""
    first = min((mentions[i] for i in idx if mentions[i].type in SPEAKER_TYPES),
                key=lambda m: (m.start, -m.end), default=None)
    return speaker_of(first, kb) if first is not None and _opens_clause(text, sent.start, first) else None


def _possessed_title(text: str, lang: str, s0: int, anchor: Hit, roles: Sequence[Hit]) -> bool:
    """The sentence opens with a possessive and a title before its cue ("Its spokesman X warned",
    "Juru bicaranya …"): the title is somebody's named before."""
    title = next((h for h in roles if s0 <= h.start < anchor.start), None)
    if title is None:
        return False
    if lang == "id":
        return not text[s0:title.start].strip(" \t\"“”") and (text.startswith("nya", title.end)
                                                              or text[title.start:title.end].endswith("nya"))
    lead = _POSSESSIVE_LEAD.get(lang)
    return lead is not None and lead.fullmatch(text, s0, title.start) is not None


def _same_office(text: str, s0: int, anchor: Hit, layers: _Layers, sq: Sequence[tuple[int, int]],
                 sents: Sequence[Span], si: int,
                 out: Sequence[Statement], mentions: list[Mention], sentence_mentions: dict[int, list[int]],
                 sentence_hits: dict[int, list[Hit]], kb: KnowledgeBase) -> Speaker | None:
    """The recent official whose office a bare title before the cue names again ("the spokesperson" after
    "Foreign Ministry spokesperson X", "the minister" after "Foreign Minister X")."""
    titles = [h for h in layers.roles if s0 <= h.start < anchor.start and _bare_title(text, h)]
    if not titles:
        return None
    # (the title after the last comma before the cue: "Speaking with the Hungarian prime minister, the
    # president said" is the president's)
    comma = text.rfind(",", s0, anchor.start)
    t = next((h for h in titles if h.start > comma), titles[0])
    own = [m for i in sentence_mentions.get(si, ()) if s0 <= (m := mentions[i]).start < anchor.start
           and m.type in ("body", "country", "city") and not _inside(m.start, sq)
           # (in the title's own phrase, not a state the words name: "報道官はまた、米国が…")
           and (0 <= t.start - m.end <= OWN_REACH or (0 <= m.start - t.end <= OWN_REACH
                                                       # (not past the topic's particle: "報道官は日本側に")
                                                       and text[t.end:t.end + 1] not in _TOPIC_PARTICLES))
           and not _PUNCT.search(text, min(m.end, t.end), max(m.start, t.start))]
    if own:
        return None  # "the Russian spokesperson": a state of its own
    role = t.phrase.value
    found = _recent_speaker(text, sents, si, out, mentions, sentence_mentions, sentence_hits, kb, skip_roles=True)
    if found is None:
        # "Defence Minister X toured the border. … (four sentences on the visit) … '…,' the minister said.": the
        # latest official of that office named a few sentences back (whose office it matched)
        return _office_holder(role, si, mentions, sentence_mentions, kb)
    if not found.government:
        return None
    held = found.voice.role if found.voice is not None else found.role
    if found.kind == "body" and found.voice is None and role.endswith("spokesperson"):
        return found  # "北朝鮮外務省は…。報道官はまた…": the spokesperson of the ministry just named
    if role == "other_minister" and held is not None and held.endswith("minister"):
        return found  # "Der Minister sagte …", "Ministr uvedl …" after "Defence Minister X": that minister
    if held is None or not (held == role or held.endswith("_" + role)):
        # "President Amani inspected the troops. Rebels said …. The president said …": the holder of that
        # office named a few sentences back, not the last voice of another office
        return _office_holder(role, si, mentions, sentence_mentions, kb)
    return found


# "Unacceptable" as the speaker's verdict on a move they call an escalation, a red line crossed or a
# grave threat ("this escalation is unacceptable", "エスカレートさせる発射は容認できない"): a warning
# that the move is one, not a bare condemnation. Per language, the verdict word.
_UNACCEPTABLE = {
    "en": r"unacceptable", "de": r"inakzeptabel|nicht hinnehmbar", "fr": r"inacceptable", "es": r"inaceptable",
    "pt": r"inaceitável", "it": r"inaccettabile", "ru": r"неприемлем", "uk": r"неприйнятн", "pl": r"nie do przyjęcia",
    "tr": r"kabul edilemez", "id": r"tidak dapat diterima|tak dapat diterima", "vi": r"không thể chấp nhận",
    "ar": r"غير مقبول", "zh": r"不可接受|不能接受", "ja": r"容認でき|容認すること|容認しない",
    "ko": r"용납할 수 없|용납 못",
}
_UNACCEPTABLE_RE = {k: re.compile(v, re.IGNORECASE) for k, v in _UNACCEPTABLE.items()}
_STRONG = frozenset({"escalation", "red_line", "grave_threat", "party_to_conflict"})

# Accusing a state of escalating ("Russia accused the US of escalating tensions", "oskarżyła … o
# eskalację") is saying that its move is an escalation: a warning, where condemning "the escalation"
# stays a condemnation. Per language, the accusation verbs among the condemnation cues (ja 非難 and
# ko 비난 are condemnations as much as accusations: left out).
_ACCUSE = {
    "en": r"accus|blam", "de": r"vorgeworfen|beschuldig|warf vor|wirft vor", "fr": r"accus|blâm", "es": r"acus",
    "pt": r"acus", "it": r"accus|puntato il dito", "ru": r"обвин", "uk": r"звинуват", "pl": r"oskarż|zarzuc",
    "tr": r"suçla", "id": r"menuduh|menuding|menyalahkan", "vi": r"cáo buộc|đổ lỗi|tố cáo",
    "ar": r"اتهم|يتهم|تتهم|متهم", "zh": r"指责|指責|指控|控诉|控訴", "bg": r"обвин", "cs": r"obvin", "hu": r"vádol",
    "no": r"anklag|beskyld", "sv": r"anklag|beskyll", "he": r"האשים|מאשים|האשימ", "ro": r"acuz", "hi": r"आरोप",
}
_ACCUSE_RE = {k: re.compile(v, re.IGNORECASE) for k, v in _ACCUSE.items()}


PROHIBITIVE_GAP = 12  # characters from "not to" / "jangan" to the phrase it forbids

# Warning a state off a military step ("warned the West against letting Ukraine strike …", "a mis en
# garde l'Occident contre …", "warnte Washington vor …"): the state warned is the object right after
# the verb and the step follows "against". A threat to that state, where "warned of new strikes"
# (no state warned) is an assessment.
_AGAINST = {
    "en": r"against|not to", "de": r"vor|davor", "fr": r"contre|de ne pas", "es": r"contra|de no|que no",
    "pt": r"contra|para não|a não", "it": r"contro|dal|dall['’]|di non", "ru": r"от|не ", "uk": r"від|не ",
    "pl": r"przed|by nie|żeby nie", "id": r"agar tidak|agar tak|agar jangan|untuk tidak|supaya tidak|jangan",
    "vi": r"không được|không nên|chớ|đừng", "ar": r"من|بعدم", "zh": r"不要|不得|勿|别|切勿",
}
_AGAINST_RE = {k: re.compile(rf"\s*(?:{v})(?!\w)" if k != "zh" else rf"\s*(?:{v})", re.IGNORECASE)
               for k, v in _AGAINST.items()}
WARNED_GAP = 30  # characters between the warning verb and the state warned ("the ", "l'", "repeatedly")
WARNED_WORDS = 4  # words between, an elided article counted


def _a_name(m: Mention, kb: KnowledgeBase) -> bool:
    """The mention is a state's name ("Washington", "Japan"), not its people ("Americans")."""
    return any(h.phrase.layer == "entity" and h.phrase.cap and h.start == 0 and h.end == len(m.text)
               for h in kb.matcher.scan(m.text))


def _warned_off(text: str, lang: str, cues: Sequence[Hit], terms: Sequence[Hit], named: Sequence[Mention],
                kb: KnowledgeBase) -> bool:
    against = _AGAINST_RE.get(lang)
    if against is None:
        return False
    for c in cues:
        if c.phrase.value != "warn":
            continue
        for m in named:
            if (m.type not in ("country", "organization") and m.role != "capital") or \
                    not 0 <= m.start - c.end <= WARNED_GAP:
                continue
            if len(text[c.end:m.start].split()) > WARNED_WORDS or _PUNCT.search(text, c.end, m.start):
                continue  # an article or an adverb between ("the", "l'", "à plusieurs reprises")
            if against.match(text, m.end) and any(
                    t.phrase.value == "threat_of_force" and t.start > m.end for t in terms) and _a_name(m, kb):
                return True
    return False


def _own_force(text: str, lang: str, cues: Sequence[Hit], terms: Sequence[Hit], speaker: Speaker | None,
               named: Sequence[Mention]) -> set[str]:
    """A warning that the speaker's own state will use force ("warned the Taliban that Islamabad
    would strike militant hideouts if …", "巴方将…实施打击", "إسلام آباد ستضرب"): a threat, as if
    the verb were "threatened"; a warning that another state will strike is not."""
    if speaker is None or not speaker.country or not any(c.phrase.value == "warn" for c in cues) or \
            not any(t.phrase.value == "threat_of_force" for t in terms):
        return set()
    after = _OWN_FORCE_AFTER.get(lang)
    for m in named:
        if m.country != speaker.country or not (m.type == "country" or m.role == "capital" or m.text in _SELF_FORMS):
            continue
        if speaker.kind == "country" and m.entity_id == speaker.entity_id:
            continue  # the state that speaks, not one named in what it said
        if after is not None and after.match(text, m.end) is not None:
            return {"threaten"}
    return set()


def _verdict(text: str, lang: str, cues: Sequence[Hit], terms: Sequence[Hit], mods: Sequence[Hit],
             named: Sequence[Mention], kb: KnowledgeBase) -> set[str]:
    """A warn class for a condemnation cue that is the verdict "unacceptable" on a strong term or an
    accusation of escalation, and for a call that forbids a threat phrase ("urged Washington not to play
    with fire", "pidió «no jugar con fuego»", "mendesak agar jangan bermain api"): telling another state
    not to is warning it."""
    if any(c.phrase.value == "call_on" for c in cues) and any(
            p.phrase.value == "prohibitive" and p.start <= t.start and t.start - p.end <= PROHIBITIVE_GAP
            and not _PUNCT.search(text, min(p.end, t.start), t.start)
            for t in terms if t.phrase.value == "grave_consequences" for p in mods):
        return {"warn"}
    accuse = _ACCUSE_RE.get(lang)
    if accuse is not None and any(t.phrase.value == "escalation" for t in terms) and any(
            c.phrase.value == "condemn" and accuse.search(text, c.start, c.end) for c in cues):
        return {"warn"}
    if _warned_off(text, lang, cues, terms, named, kb):
        return {"threaten"}
    pat = _UNACCEPTABLE_RE.get(lang)
    if pat is None or not any(t.phrase.value in _STRONG for t in terms):
        return set()
    if any(c.phrase.value == "condemn" and pat.search(text, c.start, c.end) for c in cues):
        return {"warn"}
    return set()


BARE_TAG_WORDS = 3  # words besides the names, titles and the verb ("on Tuesday", "he", "also")
_TAG_PUNCT = " \t\n.,:;!?-—–\"“”«»„「」『』()。，、،"
_TAG_PUNCT_BLANK = {ord(c): " " for c in _TAG_PUNCT}
_TAG_BLANKS = {ord(c): " " for c in _TAG_PUNCT}


def _bare_tag(text: str, s0: int, s1: int, layers: _Layers, names: Sequence[Mention]) -> bool:
    """A sentence that is only a speech verb and who spoke ("Zakharova warned.", "he added.", "kata dia."):
    an attribution set after what was said, on its own line or as a sentence of its own."""
    if layers.terms or not any(h.phrase.value != "source" for h in layers.cues):
        return False
    spans = [(h.start, h.end) for h in (*layers.cues, *layers.roles)] + [(m.start, m.end) for m in names]
    spans += [(h.start, h.end) for h in layers.mods if h.phrase.value != "negation"]
    # the sentence with every span blanked out, piece by piece (linear in its length)
    pieces, at = [], s0
    for a, b in sorted((max(a, s0), min(b, s1)) for a, b in spans if a < s1 and b > s0):
        if a > at:
            pieces.append(text[at:a])
        if b > at:
            pieces.append(" " * (b - max(a, at)))
            at = b
    pieces.append(text[at:s1])
    words = "".join(pieces).translate(_TAG_BLANKS).split()
    return len(words) <= BARE_TAG_WORDS


_OWN_SUBJECT_GAP = 3  # characters between a person or body and the cue they are the subject of


def _own_subject(speaker: Speaker | None, text: str, lang: str, anchor: Hit, best: Hit, free: list[Mention],
                 sq: list[tuple[int, int]], kb: KnowledgeBase) -> Speaker | None:
    """The warning of a sentence has its own subject when a person or body stands right before it,
    after the first cue: "A and B criticised the move, with B's foreign minister warning of …",
    "the ministry condemned it and its spokesman warned …". The subject of the first cue did not warn."""
    if best is anchor or best.start <= anchor.end or _inside(best.start, sq) or lang in VERB_FINAL or lang == "de":
        return speaker  # where the verb closes the clause, the name before it is as often its object
    own = [m for m in free if m.type in ("person", "body") and m.start >= anchor.end
           and 0 <= best.start - m.end <= _OWN_SUBJECT_GAP and not text[m.end:best.start].strip()]
    if not own:
        return speaker
    if speaker is not None and speaker.government and _THAT_BEFORE.search(text, anchor.end, min(m.start for m in own)):
        return speaker  # "X said that Putin threatens Europe": a reported clause's subject (_reported_threats)
    mine = speaker_of(max(own, key=lambda m: (m.end, -m.start)), kb)
    if speaker is not None and mine.country == speaker.country:
        return speaker  # the same state either way: the first, often fuller, name stays
    return mine


# (not in Russian, Ukrainian, Polish: "В Кремле заявили", "У Пекіні попередили" are the metonymy itself)
_AT_PLACE = {lang: re.compile(rf"(?<![\w'’])(?:{v})\s+$", re.IGNORECASE) for lang, v in {
    "en": "in|at|from", "de": "in|aus", "fr": "à|depuis", "es": "desde", "pt": "em"}.items()}
# an Arabic active participle in the accusative ("محذراً", "مهدداً", "مؤكدا"): a circumstance of the main verb
_AR_PARTICIPLE = re.compile(r"و?م[\u0621-\u064a]{2,}(?:اً|ا|ًا)")
# (Hebrew "כי" and Arabic "أن"/"إن" open the clause too: "הזהיר כי אם חיזבאללה …")
_THAT_BEFORE = re.compile(rf"(?<!\w)(?:{_THAT_WORDS}|bahwa|rằng|že|че|că|hogy|कि|כי|أن|أنّ|إن|إنّ|بأن)(?!\w)",
                          re.IGNORECASE)
_MEDIA_REACH = 40  # characters between "quoting"/"citing" and the outlet's noun ("the official … newspaper")


# An outlet that carried the words ("…, state media KCNA said"): it reports the speaker, it is not one
_MEDIA = re.compile(r"media|agenc|agentur|KCNA|Xinhua|TASS|ТАСС|РИА|Yonhap|news|newspaper|televis|TV|radio|"
                    r"Sinmun|Zeitung|gazet|báo|berita|通信|通讯社|新华|통신|신문|وكالة|تلفزيون|قناة|СМИ|ЗМІ|媒体|メディア|언론",
                    re.IGNORECASE)
# A wire dateline opens a story with the place it was filed from ("SEOUL (Yonhap) --", "MOSCOW, Dec
# 5 (Reuters) -", "МОСКВА, 5 декабря. /ТАСС/.", "PEKING (dpa) -"): a place, never the speaker.
_DATELINE = re.compile(r"\s*(?:[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄ][A-ZÀ-ÖØ-ÞА-ЯЁІЇЄ .'’-]{1,30}"
                       r"(?:,\s*[^()/\n]{1,30}?)?\s*(?:\([^()\n]{1,30}\)|/[^/\n]{1,20}/)"
                       # "Lisboa, 3 mar (Lusa) –", "Bruselas, 10 jun (EFE).-": a place in mixed case, a date, an agency
                       # (or no date: "Seoul (dpa) -", "Berlin/Moskau (dpa) –")
                       r"|[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄ][\w .'’/-]{1,30}(?:,\s*[^()/\n]{1,30}?)?\s*"
                       r"\((?:Lusa|EFE|AFP|Reuters|AP|ANSA|dpa|"
                       r"Europa Press|Agência Brasil|PAP|TASS|ТАСС|RIA|РИА Новости|Xinhua|Yonhap|Kyodo|Anadolu|AA|IRNA|"
                       r"BTA|ČTK|CTK|MTI|Agerpres|MENA|Ukrinform|Укрінформ|УНІАН|Interfax|Интерфакс|Antara|TTXVN|Bernama|"
                       r"Prensa Latina|Notimex|Télam|Adnkronos|AGI|Belga|APA|Keystone-SDA|KNA|epd|AFP/dpa|dpa/AFP)\)"
                       # (a dash or colon after it: "Tentara Arakan (AA) mengklaim …" is a group and its initials)
                       r"(?=\s*(?:[.:]?\s*[-–—]|:)))"
                       r"\s*[.:]?\s*[-–—]*\s*")
_QUALIFYING_SUFFIX = re.compile(r"[-‑](?:based|backed|born|headquartered|funded|financed|allied|aligned|sponsored|"
                                r"supported|registered|owned|run|affiliated|friendly|leaning)\b|"
                                # "struck Cambodian military targets": the body's name before what was hit
                                r"\s+(?:targets?|positions?|bases?|installations?|sites?|facilities|facility|assets?|"
                                r"outposts?|depots?|infrastructure|convoys?|vehicles?|aircraft|jets?|drones?)\b")
def _filed_from(text: str, sents: Sequence[Span], mentions: list[Mention]) -> Mention | None:
    """The capital in the dateline of the story's first lines ("BEIJING, May 3 (Reuters) -", "Kampala –")."""
    for sent in sents[:2]:
        m = _DATELINE.match(text, sent.start, sent.end) or _place_dateline(text, sent.start, sent.end, mentions)
        if m is not None:
            return next((x for x in mentions if sent.start <= x.start < m.end() and x.type == "city"
                         and x.role == "capital"), None)
    return None


# A known city opening a line, then a dash ("NAIROBI –", "Kampala –", "KYIV, March 3 -"): where the story
# was filed, whoever speaks after it
# (scripts without capitals, Arabic and Hebrew: "صنعاء - قال …", "ירושלים – "; the place must be a known city)
_PLACE_DASH = re.compile(r"\s*([A-ZÀ-ÖØ-ÞА-ЯЁІЇЄ\u0600-\u06ff\u05d0-\u05ea][\w'’.-]*"
                         r"(?:[ /][A-ZÀ-ÖØ-ÞА-ЯЁІЇЄ\u0600-\u06ff\u05d0-\u05ea][\w'’.-]*){0,2})"
                         r"(?:,\s*[^()\n–—:]{1,30}?)?(?:\s*\([^()\n]{1,30}\))?\s+[–—-]{1,2}\s+")


def _place_dateline(text: str, s0: int, s1: int, mentions: list[Mention]) -> re.Match[str] | None:
    if s0 and text[s0 - 1] != "\n":
        return None
    m = _PLACE_DASH.match(text, s0, s1)
    if m is None or not any(x.type == "city" and x.start == m.start(1) for x in mentions):
        return None
    return m


# Chinese and Japanese wire datelines: "新华社亚的斯亚贝巴4月5日电", "【北京共同】"
_DATELINE_CJK = re.compile(r"\s*(?:(?:新华社|中新社|新華社)[^\s，。、]{0,16}?\d{1,2}月\d{1,2}日电|"
                           r"【[^】\n]{1,16}】|"
                           # Taiwanese bylines: "〔記者X／台北報導〕", "（中央社記者X台北15日電）"
                           r"[〔（(\[]\s*(?:中央社)?(?:記者|记者)[^〕）)\]\n]{1,24}[〕）)\]])\s*")


def _media_source(speaker: Speaker | None, text: str, anchor: Hit, layers: _Layers, sq: list[tuple[int, int]],
                  s1: int) -> Speaker | None:
    """A state named as the speaker ("Pyongyang threatened …") on the word of a non-government
    source the sentence then names ("…, quoting the official newspaper X", "citing state media"):
    the threat is that outlet's, the country is the journalist's shorthand. A person or body that
    speaks stays the speaker; the outlet only carried their words."""
    if speaker is None or speaker.kind != "country":
        return speaker
    for h in layers.mods:
        if h.phrase.value != "source" or h.start <= anchor.start or h.start >= s1 or _inside(h.start, sq):
            continue
        if any(c.phrase.value in ("say", "warn") and anchor.end <= c.start < h.start for c in layers.cues):
            continue  # "…, the head of the Guards said on Sunday, according to state media": his words
        ng = next((n for n in layers.nongov if h.end <= n.start <= h.end + _MEDIA_REACH
                   and not _PUNCT.search(text, h.end, n.start)), None)
        if ng is not None and not _WIRE_AGENCY.search(text, ng.start, ng.end):
            # (a news agency carried the state's words: "Iran cảnh báo …, theo hãng thông tấn IRNA")
            return Speaker(text[ng.start:ng.end], "unknown", None, None, None, None, False)
    return speaker


_WIRE_AGENCY = re.compile(r"agenc|agentur|agentsch|агентств|агенці|thông tấn|kantor berita|ajans|وكالة|"
                          r"通讯社|通信社|통신", re.IGNORECASE)

# "former", "ex-": an office no longer held; it qualifies every title coordinated after it
# ("the former UN commissioner and Irish president").
_FORMER_WORDS = (r"(?<!\w)(?:former|one-time|then(?=-\w|\s+(?:[A-Z][\w.]*\s+)?(?:[Pp]resident|[Pp]rime|[Ff]oreign|"
                     r"[Dd]efen[cs]e|[Ss]ecretary|[Cc]hancellor|[Mm]inister|[Aa]mbassador))|retired|ehemalig\w*|frühere\w*|ancien(?:ne)?|ex|"
                     r"antigu[oa]|bývalý|bývalá|bývalého|bývalé|bývalým|bývalou|bývalí|бывш\w*|бивш\w*|колишн\w*|"
                     r"mantan|cựu|były|była|byłego|byłej|"
                     r"byłym|eski|fost(?:ul|a|ului)|egykori|korábbi|volt|tidigare|före detta|f\.d\.|"
                     r"tidligere|forhenværende|पूर्व|السابق|السابقة)(?!\w)")
# joined: "expresidente", "exministra", "expremier"
_FORMER_JOINED = (r"(?<!\w)ex(?=(?:president|ministr|premier|primer|canciller|mandatari|jefe|capo|asesor|consejer|"
                  r"consigli|funcionari|diplomátic|diplomatic|oficial|militar|agente|alto|"
                  r"embajador|ambasciator|embaixador|secretari|portavo|porta-voz|comandante|general|direct)\w*)")
_FORMER = re.compile(f"{_FORMER_WORDS}|{_FORMER_JOINED}", re.IGNORECASE)
FORMER_REACH = 60
_INITIALS = re.compile(r"(?<!\w)(?:[A-Z]\.){2,}")  # "U.S.", "U.K.": no punctuation between words
# (after the title, perhaps after its demonym: "وزير الدفاع التركي الأسبق", "שר חוץ סומלי לשעבר")
_FORMER_AFTER = re.compile(r"\s*(?:[^\s,.]+\s+)?(?:السابق|السابقة|الأسبق|سابق|سابقة|לשעבר|retirad[oa]|reformad[oa]|"
                           r"à la retraite|in pensione|in congedo|a\.\s?D\.|в отставке|у відставці|в оставка|"
                           r"w stanie spoczynku|ve výslužbě|i pension|i reserven|pensjonert)(?!\w)")
_TOP_OFFICES = frozenset({"head_of_state", "head_of_government"})
KNOWN_FORMER_REACH = 48  # "former President X", "Former British defence secretary X": before a known name


def _former(text: str, s0: int, chosen: Mention, layers: _Layers, kb: KnowledgeBase) -> int | None:
    """Where a "former" stands before the subject in its noun phrase (no cue between)."""
    # A known person's dates decide (_date_check), unless the text calls a head of state or
    # government former in their own noun phrase ("el expresidente Trump": written when out of that
    # office; "former president Medvedev" holds another office now, which the dates give), or a
    # person who holds no office any more ("former Defense Secretary Mark Esper")
    titled = chosen.via in ("role", "role_cue")
    if titled and _FORMER_AFTER.match(text, chosen.end):
        return chosen.start  # "وزير الدفاع الإسرائيلي السابق": Arabic puts "former" after the title
    lo = max(s0, chosen.start - (FORMER_REACH if titled else KNOWN_FORMER_REACH))
    m = max(_FORMER.finditer(text, lo, chosen.start), key=lambda x: x.start(), default=None)
    if m is None or any(m.end() <= h.start < chosen.start for h in layers.cues) or \
            _PUNCT.search(_INITIALS.sub("", text[m.end():chosen.start])):  # ("Former U.S. defense secretary")
        return None
    if titled or speaker_of(chosen, kb).role in _TOP_OFFICES:
        return m.start()
    # "Mantan Menteri Pertahanan AS Mark Esper": a known person whose every office has ended
    ent = kb.entities.get(chosen.entity_id or "")
    return m.start() if ent is not None and ent.offices and all(end for _, _, end in ent.offices) else None


_INTRO = re.compile(r"(?<!\w)(?:in|on|dans|en|em|con|nel|nella|in einer|in einem|dalam|trong|w|we|в|во|у)"
                    r"(?:\s+(?:a|an|the|un|une|une|la|le|el|um|uma|una|sebuah|một|bản|seiner|ihrer|der|its|his|her))?"
                    # (an adjective or two before the noun: "In a joint statement", "in einer gemeinsamen Erklärung")
                    r"(?-i:(?:\s+[a-zäöüßàâçéèêëîïôûùœáíóúñ-]+){0,2}?)\s*$", re.IGNORECASE)


# (Hebrew writes "in" onto the noun: "במסיבת עיתונאים", "בהודעה", "בראיון"; Arabic "في" stands apart)
# (or a participle of speaking that opens the sentence: "Trả lời phỏng vấn AFP, Bộ trưởng … khẳng định",
# "Speaking to reporters, …", "Выступая в Думе, …", "Hablando con la prensa, …")
_INTRO_LEAD = re.compile(r"(?:in|on|dans|en|em|con|nel|nella|dalam|trong|w|we|в|во|у|في)\s|ב(?=[\u05d0-\u05ea])|"
                         r"(?:trả lời|phát biểu|speaking|answering|talking|replying|berbicara|menjawab|выступая|"
                         r"отвечая|виступаючи|відповідаючи|hablando|respondiendo|falando|respondendo|parlando|"
                         r"rispondendo|répondant|s['’]exprimant|intervenant|przemawiając|odpowiadając)(?!\w)",
                         re.IGNORECASE)


def _according_first(text: str, lang: str, cue: Hit, nxt: Hit, mentions: list[Mention], idx: list[int]) -> bool:
    """"조선중앙통신에 따르면 북한 국방성 대변인은 … 경고했다": the report's source comes first, the
    speaker (with its topic particle) and their verb after it."""
    acc, topic = _ACCORDING.get(lang), _TOPIC.get(lang)
    if acc is None or topic is None or acc.search(text, max(0, cue.start - 1), cue.end) is None:
        return False
    # (perhaps after the name's title: "北朝鮮の金正恩総書記は", "국방성 대변인은")
    return any(cue.end <= mentions[i].start < nxt.start and any(
        topic.match(text, e) for e in _title_ends(text, mentions[i].end)) for i in idx)


_TITLE_CHAR = re.compile(r"[\u30a0-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


def _title_ends(text: str, end: int) -> list[int]:
    """Where a CJK title of up to six characters after a name may end (the name's end included)."""
    out = [end]
    pos = end + 1 if text[end:end + 1] == " " else end
    for k in range(pos, min(len(text), pos + 6)):
        if not _TITLE_CHAR.match(text, k):
            break
        out.append(k + 1)
    return out


_TITLE_WORDS = re.compile(r"\s+(?:(?:der|die|the|le|la|el|il|o|a)\s+)?(?:[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄ]?[\w-]+\s+){1,3}")
_TAG_COMMA = re.compile(r"[,—–]\s*[\"“”»«„]?\s*$")
_TAG_SUBJECT_BEFORE = re.compile(r"[,—–]\s*[\"“”»«„]?\s*(?:the\s+)?$", re.IGNORECASE)


def _closing_tag(text: str, lang: str, outside: Sequence[Hit], mentions: Sequence[Mention]) -> Hit | None:
    """A speech verb set after a comma as the tag of what came before it, its subject a person named
    right after or right before it ("…, sagte Trump", "…, Trump said"), no person before the threat."""
    people = [m for m in mentions if m.type == "person"]
    if any(m.end <= outside[0].start for m in people):
        return None  # "X drohte Teheran: …, schrieb er": a person before the threat is its subject and speaker
    for c in outside[1:]:
        if c.phrase.value != "say":
            continue
        # (the person perhaps after a title: "…, sagte Präsident Trump", "…, said Foreign Minister X")
        inverted = _TAG_COMMA.search(text, max(0, c.start - 4), c.start) is not None and \
            any(0 <= m.start - c.end <= 2 or (0 <= m.start - c.end <= TITLED_REACH and
                                                 _TITLE_WORDS.fullmatch(text, c.end, m.start) is not None)
                for m in people)
        before = any(0 <= c.start - m.end <= 2 and _TAG_SUBJECT_BEFORE.search(text, max(0, m.start - 8), m.start)
                     for m in people)
        if inverted or before:
            return c
    return None


def _introductory(text: str, s0: int, cue: Hit, nxt: Hit) -> bool:
    """A speech noun in an opening phrase ("In a statement, …", "Dans un communiqué, …", "Dalam
    pernyataan, …", "В заявлении …,"): a preposition before it, a comma between it and the next cue;
    or a source clause that opens the sentence ("Wie staatliche Medien berichteten, warnte …", "As
    state media reported, …", "Как сообщили СМИ, …")."""
    # the cue phrase "In a statement" itself, opening the sentence ("במסיבת עיתונאים עם …, אמר")
    lead = _INTRO_LEAD.match(text, cue.start, cue.end) is not None and not text[s0:cue.start].strip(" \t\"“”«»„")
    return (lead or _INTRO.search(text, max(s0, cue.start - 16), cue.start) is not None
            or _SOURCE_CLAUSE.match(text, s0) is not None) and "," in text[cue.end:nxt.start]


# An outlet's verb that gives the words of the one it names after it
_AUDIENCE_BEFORE = re.compile(r"(?<!\w)(?:vor|gegenüber|před|pred|пред|перед|inför|overfor|foran|in front of|"
                             r"devant|ante|davanti a|przed|în fața)\s+(?:den\s+|the\s+|les\s+|los\s+|i\s+)?$",
                             re.IGNORECASE)
# a plural noun in the dative is whom it was said to: "Novinářům řekl", "Újságíróknak azt mondta", "журналистам"
_DATIVE_END = {"cs": ("ům",), "sk": ("om",), "hu": ("nak", "nek"), "ru": ("ам", "ям"), "uk": ("ам", "ям"),
               "pl": ("om",), "bg": ()}
_MEETING = frozenset("会會采採问問")  # "记者会", "接受记者采访", "记者问": the journalist asks, not says
_FRONTED = re.compile(r"[^,.;:]*,\s*")
_QUOTED_VERB = re.compile(r"quot|zitiert|cit[éóoa]|цитир|цитув|cytowa|mengutip|dẫn lời", re.IGNORECASE)
# A source clause opening the sentence: "As … reported,", "Wie … berichtete,", "Comme l'a rapporté …,"
_SOURCE_CLAUSE = re.compile(r"[\s\"“”«»„]*(?:as|wie|comme|como|come|как|як|jak|seperti|theo như)\s", re.IGNORECASE)
# German: a noun after a preposition of place is where something was said, not who said it ("In
# einer Erklärung im iranischen Staatsfernsehen hieß es …")
_DE_PLACE = re.compile(r"(?<!\w)(?:im|in|bei|beim|auf|aus)\s+(?:(?:der|dem|den|die|das|einer|einem|eines)\s+)?"
                       r"(?:[^\W\d]+\s+){0,2}$", re.IGNORECASE)


def _quoted_sentence(sent: Span, qspans: Sequence[tuple[int, int]]) -> bool:
    """The whole sentence lies inside a quote ('"Any strike is a red line."')."""
    return any(a <= sent.start + 2 and b >= sent.end - 3 for a, b in qspans)


_POSSESSIVE = re.compile(r"['’]s?")
_LEAD_FILLER = re.compile(r"[\s,]*(?:و?ال|لل)?")  # (Arabic writes "the" onto the title: "المتحدث")


def _titled_lead(text: str, clause: int, chosen: Mention, cands: Sequence[Mention], hits: Sequence[Hit]) -> bool:
    """Only a state's possessive, its bodies and titles stand before ``chosen`` in its clause: "Russia's
    deputy foreign minister Sergei Ryabkov spoke …", "رد المتحدث باسم الخارجية الصينية لين جيان" open with
    the official as much as "Sergei Ryabkov" does."""
    lead = _ARTICLE.match(text, clause, chosen.start)
    at = lead.end() if lead is not None else clause
    parts = sorted([(m.start, m.end) for m in cands if m.type in ("country", "body") and m.end <= chosen.start] +
                   [(h.start, h.end) for h in hits if h.phrase.layer == "role" and clause <= h.start
                    and h.end <= chosen.start])
    titled = False
    for a, b in parts:
        if a < at:  # overlapping titles ("متحدث", "متحدث باسم الخارجية"): the longest reach counts
            at = max(at, b)
            continue
        if a != _filler_end(text, at, a):
            return False
        at = b
        possessive = _POSSESSIVE.match(text, at, chosen.start)
        if possessive is not None:
            at = possessive.end()
        titled = True
    return titled and _filler_end(text, at, chosen.start) == chosen.start


def _filler_end(text: str, a: int, b: int) -> int:
    filler = _LEAD_FILLER.match(text, a, b)
    return filler.end() if filler is not None else a


# "A local farmer said", "Ein Anwohner sagte", "Un habitant a dit": a noun with its article right
# before the verb is a subject of its own, somebody the lexicons do not name, not the speaker before.
_DETERMINERS = {
    "en": "a|an|the|one|some|many|several|another|other", "de": "ein|eine|einer|der|die|das|viele|einige|andere",
    "fr": "un|une|le|la|les|l['’]|des|plusieurs|d['’]autres", "es": "un|una|el|la|los|las|varios|varias|otros|otras",
    "pt": "um|uma|o|a|os|as|vários|várias|outros|outras", "it": "un|uno|una|un['’]|il|lo|la|l['’]|i|gli|le|altri|altre",
}
_PREPOSITIONS = {
    "en": "in|on|at|after|during|with|from|by|of|to|for|before|since|amid|about",
    "de": "in|im|auf|bei|nach|mit|von|vor|seit|während|an|am|über",
    "fr": "dans|en|après|avec|de|du|par|pour|avant|depuis|sur|lors",
    "es": "en|tras|con|de|del|por|para|antes|desde|sobre|durante",
    "pt": "em|no|na|após|com|de|do|da|por|para|antes|desde|sobre|durante",
    "it": "in|nel|nella|dopo|con|di|del|della|da|per|prima|su|durante",
}
_COMMON_SUBJECT = {
    k: re.compile(rf"(?:^|(?<=[\s,;:]))(?<!\w)(?:(?:{_PREPOSITIONS[k]})\s+)?(?:{v})\s*(?:[\w-]+\s+){{1,3}}$",
                  re.IGNORECASE) for k, v in _DETERMINERS.items()}
_PREP_LEAD = {k: re.compile(rf"(?:{v})\s", re.IGNORECASE) for k, v in _PREPOSITIONS.items()}
_GENITIVE_LEAD = {k: re.compile(rf"\s*(?:{v})\s", re.IGNORECASE) for k, v in {
    "en": "of", "de": "von", "fr": "de|du|des", "es": "de|del", "pt": "de|do|da|dos|das",
    "it": "di|del|della|dei|degli"}.items()}


def _names_other(mentions: Sequence[Mention], idx: Sequence[int], prev: Statement) -> bool:
    """A sentence between a statement and a pronoun names a person of another state ("Austin told
    reporters …. Mr Marcos was asked about the blockade. '…,' he said."): the pronoun may be theirs."""
    if prev.speaker is None:
        return False
    # (one of the speaker's own state is the same voice: "Beijing warned …. Spokesman Lin Jian was asked ….")
    return any(mentions[i].type == "person" and mentions[i].entity_id != prev.speaker.entity_id
               and mentions[i].country != prev.speaker.country for i in idx)


def _common_subject(text: str, lang: str, s0: int, anchor: Hit, sq: Sequence[tuple[int, int]]) -> bool:
    """A common noun with its determiner stands right before the verb (outside quotes and not
    after a preposition: "In a statement he said" has none)."""
    pattern = _COMMON_SUBJECT.get(lang)
    if pattern is None:
        return False
    start = max([b for a, b in sq if b <= anchor.start] + [s0])
    m = pattern.search(text, start, anchor.start)
    if m is not None and (g := _GENITIVE_LEAD.get(lang)) is not None and g.match(m.group(0)):
        # "A member of the Chinese delegation told …", "un membre de la délégation": the noun the
        # genitive hangs on is the subject
        m = pattern.search(text, start, m.start()) if m.start() > start else None
        m = m if m is not None and not _PREP_LEAD.get(lang, pattern).match(m.group(0)) else None
    if m is None or _PREP_LEAD.get(lang, pattern).match(m.group(0)):
        return False
    words = m.group(0).split()
    return not any(w.lower() in _NOT_NAMES or w.lower() in ("he", "she", "they", "er", "sie", "il", "elle", "ils",
                                                              "elles", "él", "ella", "ele", "ela", "lui", "lei")
                   for w in words[1:])


_PRONOUN_CUE_LEAD = re.compile(
    r"(?:ông|bà|anh|chị|họ|ia|dia|beliau|he|she|they|er|sie|il|elle|он|она|они|він|вона|вони)\s", re.IGNORECASE)
# a state and its possessive before a headline's subject: "セルビアのブチッチ大統領、", "세르비아의 …"
_OWNER_LEAD = re.compile(r"\s*[^\s、,。の의]{1,12}(?:の|의)\s?")
_TOPIC_PRONOUN = re.compile(r"[\s\"“”]*(?:그는|그녀는|그들은|彼は|彼女は|同氏は|彼らは)")
_AR_VERB_FIRST = re.compile(r"[\u0621-\u064a]+\s+")


_IT_TAG = re.compile(r"(?<!\w)it\s+$")
_IMPERSONAL = re.compile(r"(?<!\w)(?:heißt|hieß) es(?!\w)", re.IGNORECASE)
_DE_FROM_PLACE = re.compile(r"\s+(?:in|aus)\s+(?:dem\s+|der\s+|den\s+)?")
_DE_SAID_AT = re.compile(rf"{_IMPERSONAL.pattern}{_DE_FROM_PLACE.pattern}$", re.IGNORECASE)
_OWNS_INSTITUTION = re.compile(r"['’]s\s+(?:[A-Z][\w-]*\s+){0,3}(?:[A-Z][\w-]*|government|cabinet|army|military|"
                               r"ministry|presidency|council|committee)\b")


def _subject_before(text: str, sent: Span, mentions: list[Mention], idx: list[int], hits: Sequence[Hit],
                    kb: KnowledgeBase, lang: str = "", states: bool = False) -> Speaker | None:
    """The person or body that opens a sentence as its subject (perhaps after its title: "Prime
    Minister X"), when it speaks for a government; with ``states`` (the tag's pronoun is "it") the
    state or body that opens it, not a person ("Pakistan's security committee met …. '…,' it said.")."""
    cands = [mentions[i] for i in idx if mentions[i].type in SPEAKER_TYPES and mentions[i].start < sent.end]
    if states:
        first = min((m for m in cands if m.type != "person" and (m.type != "city" or m.role == "capital")),
                    key=lambda m: (m.start, -m.end), default=None)
        if first is None or not (_opens_clause(text, sent.start, first) or (
                _ARTICLE.match(text, sent.start, first.start) is not None
                and _OWNS_INSTITUTION.match(text, first.end) is not None)):
            return None  # ("Pakistan's National Security Committee met …": the state's own institution)
        state = speaker_of(first, kb)
        return state if state.government and state.country is not None else None
    if lang in _V2 and cands and (op := _V2_OPENER.match(text, sent.start)) is not None and op.end() > sent.start:
        # "Efter mötet talade Abdelatty med journalister": after an opening phrase the subject follows
        # the verb, the first person or body outside a prepositional phrase and before any comma
        v2 = next((m for m in sorted(cands, key=lambda m: (m.start, -m.end)) if m.type in ("person", "body")
                   and m.start - sent.start <= V2_SUBJECT_REACH and "," not in text[sent.start:m.start]
                   and not _after_preposition(text, m)), None)
        sp = speaker_of(v2, kb) if v2 is not None else None
        if sp is not None and sp.government and sp.country is not None:
            return sp
    if len(cands) > 1:
        # "China's foreign ministry summoned the Philippine ambassador": a verb between the opening
        # name and a later one makes the later one its object, no apposition of the subject
        first = min(cands, key=lambda m: (m.start, -m.end))
        title_spans = [(h.start, h.end) for h in hits if h.phrase.layer == "role"]
        cands = [m for m in cands if m.start <= first.end or not any(
            not _inside(w.start(), title_spans) for w in _LOWER_WORD.finditer(text, first.end, m.start))]
    chosen = _pick(cands, text)
    if chosen is None or chosen.type not in ("person", "body"):
        return None
    if chosen.type == "person" and chosen.via == "kb" and " " not in chosen.text.strip() and \
            not _CJK.search(chosen.text) and \
            not any(h.phrase.layer == "role" and 0 <= chosen.start - h.end <= 1 for h in hits) and \
            not _corroborated(chosen, mentions):
        # a bare surname ("Morrison testified …") may be anybody of that name; not one after its
        # title ("Prime Minister Netanyahu held talks …")
        return None
    first = min(cands, key=lambda m: (m.start, -m.end))
    # Arabic puts the verb first ("التقى نائب وزير الخارجية …": met the deputy foreign minister …)
    verb = _AR_VERB_FIRST.match(text, sent.start, first.start)
    # (or a phrase closed by a comma before the subject: "Devant la presse, le locataire de l'Élysée a …")
    fronted = _FRONTED.match(text, sent.start, first.start)
    for clause in (sent.start, *((verb.end(),) if verb else ()), *((fronted.end(),) if fronted else ())):
        # a title that opens the sentence (a genitive after it names its body: "Le porte-parole du Kremlin")
        titles = [h for h in hits if h.phrase.layer == "role" and _leads(text, clause, h) and
                  h.end <= first.start and _TITLE_OF.fullmatch(text, h.end, first.start) is not None]
        if _opens_clause(text, clause, first) or titles or _titled_lead(text, clause, chosen, cands, hits) or \
                (first.type == "person" and first.via == "role" and _NAME_WORDS.fullmatch(text, clause, first.start)):
            # ("Rádzsnáth Szingh indiai védelmi miniszter … látogatott": an unknown name before its title)
            break
    else:
        return None
    sp = speaker_of(chosen, kb)
    return sp if sp.government and sp.country is not None else None


def _corroborated(person: Mention, mentions: Sequence[Mention]) -> bool:
    """A bare surname is that official where the text names him in full or names his state
    ("Lukashenko received officers in Minsk. He added …"; "Lavrov met reporters. … Russia will …")."""
    named = _NAMED.get()
    if named is None or named[0] is not mentions:  # (outside attribute(): read the mentions once here)
        named = (mentions, *_named_in(mentions))
    return person.entity_id in named[1] or (person.country is not None and person.country in named[2])


def _named_in(mentions: Sequence[Mention]) -> tuple[frozenset[str], frozenset[str]]:
    """The people an article names in full, and the states it names (by name, adjective or city)."""
    return (frozenset(m.entity_id for m in mentions if m.type == "person" and " " in m.text.strip()),
            frozenset(m.country for m in mentions if m.type in ("country", "city") and m.country is not None))


# The article's full names and states, read once per attribute() call: a bare surname is checked
# against them for every sentence it opens (a scan of all mentions each time was quadratic)
_NAMED: ContextVar[tuple[Sequence[Mention], frozenset[str], frozenset[str]] | None] = ContextVar("_NAMED",
                                                                                               default=None)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# A lower-case word of a cased script (Latin, Cyrillic, Greek): a verb or a common noun, not a name
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zà-ÿа-яёіїєґ\u03b1-\u03c9][\w'’-]*")
# What joins a title to the body it belongs to: "Le porte-parole du Kremlin", "el portavoz del Kremlin"
_TITLE_OF = re.compile(r"\s*(?:(?:of|du|de|des|del|do|da|dos|das|della|dello|dei|di|von|des|der)"
                       r"(?:\s+(?:the|la|l['’]|el|o|a|il|lo))?\s*|\s*)")
_LABEL_PUNCT = " \t\n:：-—–"
MAX_LABEL = 80  # characters: a name with its title, not a sentence
MAX_NAME_WORD = 16  # characters of an unknown name in a label


def _label(text: str, sents: Sequence[Span], si: int, q: int, mentions: list[Mention],
           sentence_mentions: dict[int, list[int]], sentence_hits: dict[int, list[Hit]],
           kb: KnowledgeBase) -> Speaker | None:
    """The speaker of a quote introduced by a bare name or title with no verb, as in interviews,
    live pages and TV transcripts: 'Lavrov: "…"', "Außenminister X:\n„…“", "岸防衛相\n「…」".
    The label is what stands before the quote's opening mark in its sentence, or, where the quote
    opens the sentence, the whole sentence before it; it must consist of names and titles only."""
    s0 = sents[si].start
    a = q - 1  # the opening mark
    if text[s0:a].strip(_LABEL_PUNCT + "\"“”«»„「『"):
        lo, hi, where = s0, a, si
    elif si > 0:
        lo, hi, where = sents[si - 1].start, sents[si - 1].end, si - 1
        if any(h.phrase.layer == "cue" for h in sentence_hits.get(where, ())):
            return None
    else:
        return None
    if hi - lo > MAX_LABEL:
        return None
    names = [mentions[i] for i in sentence_mentions.get(where, ()) if lo <= mentions[i].start < hi and
             mentions[i].type in ("person", "body")]
    if not names:
        return None
    spans = [(m.start, m.end) for m in mentions if lo <= m.start < hi] + \
            [(h.start, h.end) for h in sentence_hits.get(where, ()) if h.phrase.layer == "role" and lo <= h.start < hi]
    rest = "".join(" " if any(x <= i < y for x, y in spans) else c for i, c in enumerate(text[lo:hi], lo))
    left = rest.strip(_LABEL_PUNCT + "\"“”«»„「『.。")
    if left and not (" " not in left and len(left) <= MAX_NAME_WORD and any(
            0 <= x - (lo + rest.index(left) + len(left)) <= 1 for x, _ in spans)):
        return None  # (one unknown word right before a title is a name: "부치치 세르비아 대통령")
    chosen = _pick(names, text)
    return speaker_of(chosen, kb) if chosen is not None else None


def _date_check(st: Statement, kb: KnowledgeBase, day: str) -> None:
    """A person out of office on the article's date speaks for nobody but themselves."""
    sp = st.speaker
    if sp is None:
        return
    person = kb.entities.get(sp.voice.entity_id if sp.voice else sp.entity_id or "")
    if person is not None and person.type == "person" and person.offices and not person.in_office(day):
        st.speaker = Speaker(person.name, "person", person.country, person.id, person.role, None, False)


_FORCE_TALK = frozenset({"threat_of_force", "security_context"})


def _party_to(st: Statement, states: set[str] | None) -> bool:
    """The statement's speaker is of a state the diplomatic scene names, or of no known state (the scene
    may be theirs: "Britain expelled 23 diplomats. '…,' the embassy said")."""
    if states is None or st.speaker is None or st.speaker.country is None:
        return True
    return st.speaker.country in states


def _context(statements: list[Statement], split: _SentenceLayers, text: str, sents: Sequence[Span] = (),
             lang: str = "", mentions: Sequence[Mention] | None = None,
             sentence_mentions: dict[int, list[int]] | None = None) -> None:
    """Term classes in each statement's sentence and the ones before and after it: what a rule's
    context_any looks at ("consequences" counts only where troops or missiles are in the air)."""
    terms: dict[int, set[str]] = {}  # per sentence, computed once: statements share their neighbours

    def terms_of(si: int) -> set[str]:
        if si not in terms:
            if si not in split.made and not any(h.phrase.layer == "term" for h in split.sentence_hits.get(si, ())):
                terms[si] = set()  # no term: nothing to negate either (its layers are not needed)
                return terms[si]
            layers = split.of(si)
            negated = layers.negated(text)
            terms[si] = {t.phrase.value for t in layers.terms if t not in negated}
            # "does not seek escalation, but will respond": a denied escalation or force still says
            # the talk is of security, which is all a context is asked
            # (and a negated security context: "if Tokyo does not stop its provocations" still talks of them)
            if any(t.phrase.value in _SECURITY_TOPIC or t.phrase.value == "security_context" for t in negated):
                terms[si].add("security_context")
        return terms[si]

    # the sentences with a diplomatic scene, found once (few articles have any)
    diplomatic = {si: scene for si, hits in split.sentence_hits.items() if (scene := _diplomatic(hits))}
    # the states each scene names: an expulsion between two others sets no scene for the speaker's threat
    scene_states = {si: {m.country for i in (sentence_mentions or {}).get(si, ()) if (m := mentions[i]).country}
                    for si in diplomatic} if mentions is not None else {}
    starts = [s.start for s in sents]
    for st in statements:
        found: set[str] = set()
        # (from the sentence before the first it spans: a quote over two sentences starts in the earlier)
        first = min(st.sentence, bisect_right(starts, st.start) - 1) if starts else st.sentence
        # (force in what was said answers more than the expulsion next door: "Poland expels Russian
        # diplomats. Any further sabotage will be met firmly, militarily if need be, the minister said.")
        armed = "threat_of_force" in st.terms
        for si in range(first - 1, st.sentence + 2):
            near = terms_of(si)
            if si != st.sentence and si in diplomatic and (armed or not _party_to(st, scene_states.get(si))):
                near = near - diplomatic[si]  # (an expulsion between two other states next door)
            found |= near
        # a story of expelled diplomats sets its scene for several sentences: a threatened
        # "response" a few sentences on still answers the expulsion
        for si, scene in diplomatic.items():
            if abs(si - st.sentence) <= WIDE_REACH and (si == st.sentence or (
                    not armed and _party_to(st, scene_states.get(si)))):
                found |= scene
        # (a sentence after that turns to another topic sets no scene: "… will burn themselves. They also
        # spoke about trade.")
        nxt, also = st.sentence + 1, _ALSO.get(lang)
        turned = also is not None and nxt < len(sents) and also.search(
            text, sents[nxt].start, min(sents[nxt].end, sents[nxt].start + ALSO_REACH)) is not None
        if "economic_context" in (found if not turned else terms_of(st.sentence - 1) | terms_of(st.sentence)
                                  | set(st.terms)) and not (terms_of(st.sentence) | set(st.terms)) & _FORCE_TALK:
            # tariffs or sanctions next door and no talk of force in the statement's own sentence: "If they
            # escalate, we will escalate", "would respond with countermeasures" is trade tit-for-tat
            found.add("trade_scene")
        st.context = sorted(found)


ALSO_REACH = 60  # characters from a sentence's start to the "also" that turns it to another topic
_ALSO = {lang: re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE) for lang, words in {
    "en": "also|additionally", "de": "auch|ebenfalls|zudem|außerdem", "fr": "aussi|également", "es": "también",
    "pt": "também|além disso", "it": "anche|inoltre", "ro": "de asemenea", "id": "juga", "vi": "cũng",
    "ru": "также|кроме того", "uk": "також|крім того", "pl": "także|również|ponadto", "cs": "také|rovněž|též",
    "bg": "също", "hu": "is|továbbá", "sv": "också|även", "no": "også", "tr": "ayrıca|da|de",
    "ar": "كما|أيضا|أيضاً", "he": "גם", "hi": "भी"}.items()}


def _diplomatic(hits: Sequence[Hit]) -> set[str]:
    """diplomatic_context of one sentence: a phrase of it ("persona non grata"), or an expulsion
    and diplomats together ("expelled ten Russian diplomats"); "expelled migrants" is no such thing."""
    classes = {h.phrase.value for h in hits if h.phrase.layer == "term"}
    if "diplomatic_context" in classes or {"expulsion", "diplomats"} <= classes:
        return {"diplomatic_context"}
    return set()


_WORD = re.compile(r"\w")
TAG_REACH = 80  # characters from the comma to the end of a sentence-final tag (", dijo un analista.")
# The subject pronoun of a tag right after its verb ("sagte er", "dijo él", "сказал он"), per language
# (Italian "il" and Vietnamese "ông" open a name after the verb: "ha detto il ministro", "cho biết ông X")
_TAG_PRONOUN = {k: re.compile(rf"\s*(?:{v})(?!\w)", re.IGNORECASE) for k, v in {
    "en": r"he|she", "de": r"er|sie", "es": r"él|ella", "pt": r"ele|ela", "it": r"lui|lei",
    "id": r"dia|ia|beliau", "ru": r"он|она", "uk": r"він|вона", "pl": r"on|ona", "sv": r"han|hon",
    "no": r"han|hun", "fr": r"il|elle"}.items()}


_DE_NAME_END = re.compile(r"\s*(?:[.,;:!?]|$)")
# what may follow a closing tag's verb and say nothing ("…, hieß es weiter.")
_FURTHER = r"weiter|zudem|auch|außerdem|noch|encore|aussi|además|también|ancora|anche|também|ainda|further|also|again"
_NOTHING_MORE = re.compile(rf"\W*(?:(?:{_FURTHER})\W*)?", re.IGNORECASE)
# a pronoun alone closing the sentence ("…, sagte sie."), perhaps with "further" or "also" ("sagte er weiter",
# "hieß es weiter", "dit-il encore", "dijo además")
_TAG_END = re.compile(rf"\s*\w+(?:\s+(?:{_FURTHER}))?\s*[.!?…]?\s*", re.IGNORECASE)
# "According to him, …", "selon lui", "según ella", "według niego": the source is a pronoun, not a
# state named later in the sentence
_SOURCE_PRONOUN = re.compile(r"\s*(?:him|her|them|lui|elle|eux|él|ella|ellos|ele|ela|eles|lei|loro|dia|beliau|"
                             r"niego|niej|nich|него|неё|нее|них|нього|неї|ihm|ihr|ihnen|"
                             r"něj|něho|ní|nej|neho|нея|тях|honom|henne|ham)(?!\w)", re.IGNORECASE)

# "По его словам"; Hebrew writes the pronoun onto the word: "לדבריו" (according to him)
_SOURCE_POSSESSIVE = re.compile(r"(?<!\w)(?:его|её|ее|их|його|її|їх|jego|jej|ich|לדבריו|לדבריה|לדבריהם)(?!\w)")


def _pronoun_source(text: str, anchor: Hit, layers: _Layers) -> bool:
    """The cue cites a pronoun as its source: "According to him", "Selon lui", "По его словам"."""
    return any(h.phrase.value == "source" and h.start <= anchor.start < h.end for h in layers.mods) and (
        _SOURCE_PRONOUN.match(text, anchor.end) is not None
        or _SOURCE_PRONOUN.search(text, anchor.start, anchor.end) is not None
        or _SOURCE_POSSESSIVE.search(text, anchor.start, anchor.end) is not None)


# "any", "every", "a new", "further" before an act ("any Chinese incursion", "toute incursion chinoise")
_ANY_ACT = re.compile(
    r"(?<!\w)(?:any|every|each|a|an|another|further|new|toute?s?|tout|chaque|une?|nouvelles?|nouveaux?|"
    r"cualquier|toda|todo|nuevas?|nuevos?|otras?|otros?|qualsiasi|ogni|nuove?|nuovi|qualquer|novas?|novos?|"
    r"jede[rsnm]?|eine[rnms]?|ein|weitere[rnms]?|neue[rnms]?|любо[еейм]|люб[аы][яй]|нов\w*|дальнейш\w*|"
    r"будь-як\w*|кожн\w*|кожен|każd\w*|jakikolwiek|jakakolwiek|jakiekolwiek|kolejn\w*|now\w*|orice|fiecare|"
    r"nou[ăa]?|noi|každ\w*|jakýkoli\w*|jakákoli\w*|další\w*|всяк\w*|всеки|varje|ett|en|nya?|nytt|enhver|"
    r"ethvert|hver|nye|minden|bármely|újabb|her|herhangi\s+bir|yeni|setiap|tiap|mọi|bất kỳ|bất cứ)\s+$",
    re.IGNORECASE)


_EN_EVENT = re.compile(r"\s+(?:briefings?|conferences?|availability|events?|scrums?|call|interviews?|outlets?)(?!\w)",
                       re.IGNORECASE)


def _act_attribute(text: str, m: Mention, terms: list[Hit], roles: list[Hit]) -> bool:
    """A state's adjective on an act of force after "any"/"every" ("any Chinese incursion", "toute
    incursion chinoise", "jede russische Provokation"): whose act it is, not who speaks."""
    if m.type != "country":
        return False
    for t in terms:
        if t.phrase.value != "threat_of_force" or any(r.start <= t.start < r.end for r in roles):
            continue
        if t.start - m.end == 1 and text[m.end] == " ":  # adjective first
            return _ANY_ACT.search(text, max(0, m.start - 24), m.start) is not None
        if m.start - t.end == 1 and text[t.end] == " ":  # noun first
            return _ANY_ACT.search(text, max(0, t.start - 24), t.start) is not None
    return False


def _speaker(text: str, lang: str, s0: int, s1: int, anchor: Hit, best: Hit, free: list[Mention],
             sq: list[tuple[int, int]], layers: _Layers, kb: KnowledgeBase
             ) -> tuple[Speaker | None, list[tuple[int, int]]]:
    """Who speaks, and the spans that hold what they said (quotes, the reported clause)."""
    # '"…," kata X', '„…“, sagte X', '«…», — заявил X': a quote that closes its clause
    # just before the cue; a quoted phrase inside the clause ('vor „Konsequenzen“ gewarnt') is not.
    quote_before = any(b <= anchor.start <= b + 6 and _CLOSES.search(text, b - 1, anchor.start) for _, b in sq)
    owner = _warning_owner(text, anchor, free)
    if owner is not None:  # "L'avertissement du Kremlin … a été formulé par Peskov": the Kremlin's warning
        return speaker_of(owner, kb), [*sq, (s0, s1)]
    if _RELATIVE_SOURCE.match(text, anchor.end) and any(
            h.phrase.value == "source" and h.start <= anchor.start < h.end for h in layers.mods):
        # "un exfuncionario del Pentágono, según el cual …", "un expert selon lequel …": the source is
        # whom the pronoun stands for, before the cue, not a state named in what follows
        return _relative_source(text, s0, anchor, free, layers, kb), [*sq, (anchor.end, s1)]
    # names and titles, for where the phrase a name belongs to ends (ja/ko and German only)
    spans = sorted([(m.start, m.end) for m in free] + [(h.start, h.end) for h in layers.roles]) \
        if lang in _TOPIC or lang == "de" else []
    if lang in _TOPIC and _TOPIC_PRONOUN.match(text, s0):
        return None, [*sq, (s0, anchor.end)]  # "그는 또 미국이 …라고 주장했다": the pronoun speaks (its antecedent)
    if lang in _TOPIC:  # "「…」と警告した中国国防省の報道官は": the verb modifies the speaker after it
        head = next((m for m in free if 0 <= m.start - anchor.end <= 1 and m.type in ("person", "body")
                     and _TOPIC_ONLY[lang].match(text, _phrase_end(text, m.end, spans))), None)
        if head is None:
            title = next((h for h in layers.roles if 0 <= h.start - anchor.end <= 1), None)
            head = next((m for m in free if title is not None and title.start <= m.start < title.end), None)
        if head is not None:
            return speaker_of(head, kb), [*sq, (s0, anchor.end)]
    if lang == "de":  # "X, der der Hisbollah mit … gedroht hatte, besuchte …": the relative clause is X's
        rel = next((r for r in reversed(list(_DE_RELATIVE.finditer(text, s0, anchor.start)))
                    if "," not in text[r.end():anchor.start]), None)
        ante = next((m for m in reversed(free) if rel is not None and m.end <= rel.start()
                     and _phrase_end(text, m.end, spans) == rel.start()), None)
        if ante is not None and rel is not None:
            return speaker_of(ante, kb), [*sq, (rel.end(), anchor.end)]
    before = [m for m in free if m.end <= anchor.start and not (lang == "zh" and _zh_framed(text, s0, m))
              and not _act_attribute(text, m, layers.terms, layers.roles)
              and not (m.type in ("country", "city", "organization") and _victim(text, lang, m, s0))]  # X suffers it
    if lang == "zh" and _ZH_AND.search(text, s0, anchor.start):
        # "美国防长在新加坡发表演讲，称…，并警告说": "and" after a comma: the subject of the sentence's first clause
        first = next((m for m in before if m.start - s0 <= 2), None)
        if first is not None:
            first_clause = [m for m in before if m.start < _clause_end_zh(text, s0, anchor.start)]
            return speaker_of(_pick(first_clause, text) or first, kb), [*sq, (anchor.start, s1)]
    # (and a name the cue's last word opens: "Theo ông Lavrov", the cue "Theo ông", the name "ông Lavrov")
    after = [m for m in free if m.start >= anchor.end or (anchor.start < m.start < anchor.end < m.end)]
    # The clause of the cue: from the last boundary ("that", "bahwa", ";") before it.
    clause = _clause_start(text, s0, anchor.start, layers.bounds)
    # "…, pelo Conselho … do Irã, que afirmou …", "…, qui a déclaré": a relative pronoun opens the
    # clause; its subject is the name before the comma
    antecedent = _antecedent(text, clause, anchor, before, layers)
    before = antecedent or [m for m in before if m.start >= clause] or before[-1:]
    # "…, the Chinese foreign ministry said": the subject between the last comma and the cue.
    comma = max(text.rfind(",", clause, anchor.start), text.rfind("،", clause, anchor.start),
                text.rfind("、", clause, anchor.start))
    if lang in _DASH_TAGS:  # "Kto igra z ogniem, ten się sparzy – ostrzegło ministerstwo": the dash is the comma
        dash = max(text.rfind(" – ", clause, anchor.start), text.rfind(" — ", clause, anchor.start),
                   text.rfind(" - ", clause, anchor.start))
        if dash >= 0:  # (no dash: the comma found, or none)
            comma = max(comma, dash + 1)
    tail = [m for m in before if m.start > comma] if comma >= 0 else []
    if tail and (lang == "de" or lang in VERB_FINAL or _listed(text, before, comma, tail[0])):
        # German, Turkish, Japanese, Korean end clauses with the verb and put the subject first
        # ("Putin, NATO'nun … belirterek"); "Deutschland, Frankreich und …" is a list
        tail = []
    if not tail and comma > clause and lang != "de" and lang not in VERB_FINAL and \
            any(m.end in (comma, comma - 1) and m.type == "person" for m in before) and \
            len(text[anchor.end:s1].strip()) <= APPOSED_TAG_REACH and not _THAT_BEFORE.search(text, anchor.end, s1):
        # "…, Russia's ambassador in Copenhagen, Vladimir Barbin, told the newspaper.": a closing tag whose
        # subject is a title and a name set off by commas
        pc = text.rfind(",", clause, comma)
        if pc > clause:
            tail = [m for m in before if m.start > pc]
    topic: int | None = None  # (Japanese, Korean: where the sentence's topic ends)
    if lang in _TOPIC:  # Japanese, Korean: the subject carries は/が, 은/는/이/가; "…に対し" is no subject
        # after the whole name and title ("조태열 외교부 장관은", "ペスコフ報道官は")
        spans = sorted([(m.start, m.end) for m in before] + [(h.start, h.end) for h in layers.roles])
        before = [m for m in before if (_TOPIC[lang].match(text, e := _phrase_end(text, m.end, spans))
                                        # (not the subject of a condition: "アルメニアが…続ければ…と警告した")
                                        and not (_SUBJECT_MARK[lang].match(text, e)
                                                 and _CONDITION_END[lang].search(text, e, anchor.start)))
                  or _ACCORDING[lang].match(text, _phrase_end(text, m.end, spans))
                  # a headline's subject before a comma, particle dropped: "中国、比に「…」と警告"
                  or ((not text[s0:m.start].strip() or _OWNER_LEAD.fullmatch(text, s0, m.start) is not None)
                      and text[(e := _phrase_end(text, m.end, spans)):e + 1] in ("、", ",", ":", "："))]
        topic = next((e for a, b in spans if clause <= a < anchor.start and not _inside(a, sq)
                      and _TOPIC_ONLY[lang].match(text, e := _phrase_end(text, b, spans))), None)
        if topic is not None:
            before = [m for m in before if m.start < topic]
    elif lang == "tr":  # "Polonya Dışişleri Bakanı'nın", "ABD'ye": a case suffix marks no subject
        # the suffix closes the whole name ("Polonya Dışişleri Bakanı'nın"): every part of it is no subject
        spans = sorted([(m.start, m.end) for m in before] + [(h.start, h.end) for h in layers.roles])
        # (a name may hold its own suffix: "NATO'ya")
        before = [m for m in before if not _suffixed(text, _phrase_end(text, m.end, spans))
                  or _ACCORDING_TR.match(text, _phrase_end(text, m.end, spans))  # "Peskov'a göre": the source
                  # "İran'dan İsrail'e sert uyarı:": a warning from the ablative's voice
                  or _FROM_TR.match(text, m.start)]
    ng = [h for h in layers.nongov if s0 <= h.start < s1 and not _inside(h.start, sq)
          # (not a word inside a government's own name: "Taliban government spokesman Zabihullah Mujahid")
          and not any(m.start <= h.start and h.end <= m.end and m.type in ("body", "person") and m.country
                      for m in free)
          and text[h.end:h.end + 1] not in _MEETING  # "记者会上" is a press conference, not a journalist
          # "at the weekly media briefing", "a press conference": an event, not the media speaking
          and not (lang == "en" and _EN_EVENT.match(text, h.end) is not None)
          # "Vor Journalisten sagte er", "Inför journalister sade han": the journalists are whom it was said to
          and not _AUDIENCE_BEFORE.search(text, max(s0, h.start - 14), h.start)
          and not (lang in _DATIVE_END and text[h.start:h.end].endswith(_DATIVE_END[lang]))
          # Hindi marks case after the noun: "पत्रकारों से बात करते हुए" (talking to journalists) is no subject
          and not (lang == "hi" and _HI_OBLIQUE.match(text, h.end) is not None)
          # Turkish: "Bir gazetecinin … sorusu üzerine" (upon a journalist's question): a case suffix, no subject
          and not (lang == "tr" and _TR_OBLIQUE.search(text, h.start, h.end) is not None)
          and not (lang == "de" and _DE_PLACE.search(text, max(s0, h.start - 40), h.start))]
    if lang in _TOPIC:  # "기자들에게" (to reporters), "記者団に": a noun with no subject particle is no subject
        ng = [h for h in ng if h.start >= anchor.start or (
            _TOPIC[lang].match(text, e := _plural_end(text, h.end))
            # (not the subject of a condition, nor one after the sentence's topic: "…国防相は、ヒズボラが…やめなければ")
            and not (_SUBJECT_MARK[lang].match(text, e) and (_CONDITION_END[lang].search(text, e, anchor.start)
                                                              or (topic is not None and h.start >= topic))))
              or _ACCORDING[lang].match(text, _plural_end(text, h.end))]
    # "a déclaré mardi soir le porte-parole", "declaró este martes la portavoz": a time said between
    # the verb and its subject is skipped
    verb_end = _past_time_words(text, anchor.end, layers.mods)
    # (not one inside the reported clause: "said that every attack from Hezbollah …")
    ng_after = [h for h in ng if anchor.end <= h.start <= verb_end + 24
                and not _THAT_BEFORE.search(text, anchor.end, h.start)]
    after_pronoun = _TAG_PRONOUN.get(lang)
    if ng_after and after_pronoun is not None and after_pronoun.match(text, verb_end):
        ng_after = []  # "sagte er vor Journalisten": the pronoun is the subject, the journalists the audience
    # "…, предупреждают экономисты", "…, dijo el ministro X": the subject follows the cue.
    follows = min([m.start for m in after[:1]] + [h.start for h in ng_after[:1]], default=s1)
    # "according to X", "selon X", "по словам X": the cue introduces its source.
    source = any(h.phrase.value == "source" and h.start <= anchor.start < h.end for h in layers.mods)
    # "a déclaré le porte-parole du Kremlin", "advirtió el ministro": a title right after the cue
    role_after = any(anchor.end <= h.start <= verb_end + 8 for h in layers.roles)
    # "Le président russe, Vladimir Poutine, a prévenu l'Occident": the comma closes an apposition
    apposition = any(m.end in (comma, comma - 1) and m.type in ("person", "body") for m in before)
    if not apposition and comma > s0:
        # "China's ambassador to the Philippines, Huang Xilian, said Manila …": a name the knowledge base
        # does not know, set off by commas after a title, is an apposition too
        pc = text.rfind(",", s0, comma)
        apposition = pc >= 0 and _APPOSED_ONLY.fullmatch(text, pc + 1, comma) is not None and \
            any(h.end <= pc for h in layers.roles)
        # "Lavrov, the foreign minister, said Washington …": a name opening the sentence, its title set off
        # by commas after it
        apposition = apposition or (pc >= 0 and any(m.end in (pc, pc - 1) and m.type in ("person", "body")
                                                    and not text[s0:m.start].strip(" \t\"“”«»„") for m in before)
                                    and any(pc < h.start and h.end in (comma, comma - 1) for h in layers.roles))
    # '…, he added.', '…, ia menambahkan.': a subject pronoun between the comma and the cue is the tag's
    gap = text[comma + 1:anchor.start].strip(" \t\"“”«»„—–-") if comma >= 0 else ""
    # (a comma right after the verb opens what was said: "X warnte, deutsche Lieferungen würden …")
    tag = quote_before or (comma >= 0 and not tail and ((follows - verb_end <= 4 and
                                                          "," not in text[anchor.end:follows]) or role_after
                                                         or _ARTICLE.fullmatch(text, anchor.end, follows) is not None
                                                         # "…, sagte sie.": the pronoun after the verb
                                                         or (after_pronoun is not None and
                                                             _TAG_END.fullmatch(text, verb_end, s1) is not None
                                                             and after_pronoun.match(text, verb_end) is not None))
                           and not apposition and (not gap or _PRONOUN_BEFORE.fullmatch(gap) is not None
                                                   or _AUX_GAP.fullmatch(gap) is not None))
    if not tag and lang == "de" and comma >= 0 and not text[comma + 1:anchor.start].strip() and \
            _IMPERSONAL.fullmatch(text, anchor.start, anchor.end) is not None:
        tag = True  # "Peking werde … als feindseligen Akt betrachten, hieß es aus dem Ministerium": what came before
    if tag and not quote_before and after and after[0].start - verb_end <= 4 and any(
            h.phrase.value == "clause" and not text[after[0].end:h.start].strip(" ,")
            for h in layers.mods if after[0].end <= h.start <= after[0].end + 3):
        # "X, the Arizona Democrat, warned Moscow that …": a name the cue addresses, with the clause of what
        # was said after it, is the object of a verb whose subject stands before; no inverted tag
        tag = False
    # Verb first ("حذر وزير الخارجية", "Об этом заявил Песков", "Kata Menlu"): nothing stands
    # before the cue in its clause, so its subject is what follows (up to the reported clause).
    opening = not antecedent and ((not [m for m in before if m.start >= clause] and text[clause:anchor.start].strip(
        " \t\"“”«»„,،、—–-:") in ("", "و", "ف")) or (not before and role_after and not any(
            # (a title opening the clause is its subject: "Президент обвинил премьера X")
            clause <= h.start < anchor.start and not text[clause:h.start].strip(" \t\"“”«»„")
            for h in layers.roles)) or any(
        h.phrase.value == "recap" and (clause <= h.start < anchor.start or h.start <= anchor.start < h.end)
        for h in layers.mods))
    # (Japanese and Korean put the verb last: a noun after it is the subject of what follows,
    # '"…"라고 말했다고 조선중앙통신이 보도했다': the agency reports, the man before the quote spoke)
    # (a cue that holds its pronoun subject, "Ông nhấn mạnh", has its subject: what follows is no subject)
    opening = opening and not _PRONOUN_CUE_LEAD.match(text, anchor.start, anchor.end)
    inverted = source or ((tag or opening) and lang not in _TOPIC)
    if lang == "he" and not inverted and not antecedent and _COMMA_END.search(text, s0, anchor.start) and \
            any(m.start - anchor.end <= V2_REACH for m in after):
        inverted = True  # "במסיבת עיתונאים עם עמיתו …, אמר שר החוץ …": after a fronted phrase the verb comes first
    if lang in _V2 and not inverted and not antecedent and _V2_OPENER.match(text, clause, anchor.start) and \
            not [m for m in before if m.start >= clause and not _in_phrase(text, lang, m)] and \
            any(m.start - anchor.end <= V2_REACH for m in after):
        inverted = True
    if lang in _V2 and not inverted and not antecedent:
        # "Mit Beginn der Manöver der USA hat Nordkorea … gedroht": after a fronted phrase the finite
        # auxiliary stands second and the subject right after it; the participle, the cue, ends the clause
        aux = _V2_AUX.search(text, clause, anchor.start)
        if aux is not None and aux.start() > clause and _V2_OPENER.match(text, clause, aux.start()):
            subject_next = [m for m in before if aux.end() <= m.start <= aux.end() + V2_REACH]
            if subject_next:
                before = subject_next
    former_title: tuple[int, int] | None = None
    if inverted:
        stop = min([b for b in layers.bounds if b > anchor.end] + [anchor.end + 90])
        near = [m for m in after if m.start < stop]
        if (gap and _PRONOUN_BEFORE.fullmatch(gap) is not None) or _PRONOUN_CUE.search(text, anchor.start, anchor.end) \
                or (after_pronoun is not None and after_pronoun.match(text, anchor.end) is not None) \
                or _pronoun_source(text, anchor, layers):
            near = []  # '"…," he said in France', "sagte er in Frankreich": the pronoun is the subject
        # '"…," he said', "…, katanya": a pronoun tag continues the speaker before; it is not a
        # country named inside the quote
        # "richtete er eine Warnung an Israel", "a warning to Tehran", "un avertissement à Moscou": the
        # name after "to" is whom the warning is for
        # (and whom it is for besides: "an Israel und die USA")
        addressed, edge, to = [], -1, _ADDRESSED.get(lang)
        for m in near:
            if (to is not None and to.fullmatch(text, anchor.end, m.start)) or \
                    (edge >= 0 and _AND_ALSO.fullmatch(text, edge, m.start)) or \
                    _ADDRESSING.search(text, max(anchor.end, m.start - ADDRESSING_REACH), m.start):
                addressed.append(m)
                edge = m.end
        near = [m for m in near if m not in addressed]
        title = next((h for h in layers.roles if anchor.end <= h.start <= verb_end + 24
                      and not _CLAUSE_END.search(text, anchor.end, h.start)), None)
        if title is not None and _FORMER.search(text, anchor.end, title.start) is not None:
            # "Według byłego ministra obrony …", "said a former defence minister": out of office, whatever
            # state is named after the title
            former_title = (anchor.end, title.end)
            near = []
        breaks = [*layers.cues, *(h for h in layers.mods if h.phrase.value in ("clause", "conditional"))]
        chosen = _pick(near, text, breaks) or (None if tag else _pick(before, text))
        if chosen is None and near and lang == "de" and _IMPERSONAL.fullmatch(text, anchor.start, anchor.end) and \
                _DE_FROM_PLACE.fullmatch(text, anchor.end, near[0].start) is not None:
            chosen = near[0]  # "…, hieß es in Moskau", "hieß es aus Washington": the place that spoke
    elif comma > s0 and not tail and lang not in VERB_FINAL and any(
            _ARTICLE.fullmatch(text, comma + 1, h.start) is not None and not text[h.end:anchor.start].strip()
            for h in layers.roles if comma < h.start < anchor.start):
        # "Беседуя с президентом Франции, глава государства заявил", "Speaking with the French president,
        # the head of state said": a bare title after the comma is the subject, not whom the phrase before it names
        chosen = None
    else:  # what follows a cue is its object ("warned Washington"), not its subject
        # (Swedish and Norwegian "i" is "in": "Pelosi har landat i Taipei – Kina svarar", not Polish "and")
        chosen = _pick(tail, text) or _pick([m for m in before if not _in_phrase(text, lang, m)
                                             or _impersonal_from(text, lang, s0, m, anchor)], text)
        if chosen is not None and chosen.type in ("country", "city") and \
                anchor.start - chosen.end > (90 if lang in VERB_FINAL or lang == "de" else 60) and \
                not _opens_clause(text, clause, chosen):
            # a country named far from the cue is a place in the sentence, not its subject, unless
            # it opens the clause ("La Chine a fait part … de son opposition … et averti que …")
            chosen = None
        if chosen is not None and chosen.type in ("country", "city") and \
                _SUBJECT_PRONOUN.search(text, chosen.end, anchor.start):
            chosen = None  # "… as Japan rebuilt after the war, he has described …": the pronoun is the subject
    # (Japanese, Korean: the passive verb is the sentence's last, after what was said)
    last = max((c for c in layers.cues if s0 <= c.start < s1 and not _inside(c.start, sq)), key=lambda c: c.start,
               default=anchor) if lang in ("ja", "ko") else anchor
    other = _passive_other(text, lang, s0, last, free)
    if other is not None:  # "Токио был предупрежден Пекином", "韓国政府は北朝鮮国防省から…警告された"
        chosen = other
    by = _passive_agent(text, anchor) if other is None else None
    if by is not None:  # "Britain was warned by Moscow that …": the agent speaks, whoever they are
        # (the agent, or the first name in its phrase: "por el ministro de Defensa venezolano, X")
        agent = next((x for x in after if x.start == by), None) or next(
            (x for x in after if by <= x.start <= by + AGENT_REACH and not _PUNCT.search(text, by, x.start)), None)
        ng_agent = next((h for h in layers.nongov if h.start == by), None)
        if ng_agent is not None:
            return Speaker(text[ng_agent.start:ng_agent.end], "unknown", None, None, None, None, False), \
                [*sq, (s0, s1)]
        if agent is not None:
            chosen = agent
    former = _former(text, s0, chosen, layers, kb) if chosen is not None and chosen.type == "person" else None
    if chosen is not None and chosen.type == "country" and text[chosen.start:chosen.start + 1].islower() and \
            _FORMER_AFTER.match(text, chosen.end):
        former = chosen.start  # "Un general ruso retirado", "un général israélien à la retraite": out of office
    # What was said: quotes; the sentence for warnings and threats; for a plain "said",
    # the reported clause ("said that …") or what precedes an end-of-sentence attribution.
    content = list(sq)
    if best.phrase.value != "say":
        content.append((s0, s1))
    else:  # what follows "said" ("said it will …"), or what precedes an attribution at the end
        content.append((anchor.start, s1))  # (from the cue: "não descarta uma resposta" is one term)
        if lang in VERB_FINAL or (lang == "de" and _NOTHING_MORE.fullmatch(text, anchor.end, s1) is not None):
            # "…と述べた", "…고 밝혔다", "… söyledi", German "hat … als … bezeichnet": what was said
            # comes first
            content.append((clause, anchor.start))
        # ("…, a statement from his office said.": a speech verb after the cue closes the sentence)
        if tail or inverted or (comma >= 0 and (_NOTHING_MORE.fullmatch(text, anchor.end, s1) is not None
                                                or _TAG_OBJECT.fullmatch(text, anchor.end, s1) is not None or any(
                c.start >= anchor.end and c.phrase.value == "say" and not _WORD.search(text, c.end, s1)
                for c in layers.cues))):
            # (and "China will take …, a defence ministry spokesman said.": a verb that ends its
            # sentence after a comma attributes what came before)
            content.append((s0, comma if comma >= 0 else anchor.start))
    # A non-government subject ("analysts warned", "— сказала экономист …") overrides a
    # country named nearby.
    ng_before = [h for h in ng if h.start < anchor.start and h.start >= clause
                 # (German verb-second after a fronted clause: "Wie die Staatsmedien berichteten, warnte das
                 # Ministerium": the noun in that clause is not the verb's subject)
                 and not (lang in _V2 and _FRONTED.fullmatch(text, h.end, anchor.start))]
    if tail and chosen is not None and chosen.start > comma:
        # "In a statement carried by state media, North Korea's defence ministry warned": an opening
        # phrase before the comma holds no subject
        ng_before = [h for h in ng_before if h.start > comma]
    subject = None
    # "…, a déclaré un analyste.", "…, kata seorang analis.": a sentence-final tag after a comma
    final_tag = 0 <= comma and s1 - comma <= TAG_REACH and chosen is not None and chosen.start < comma and \
        not apposition  # ("Israel Katz, the defence minister, said Hezbollah …": the comma closes a title)
    if ng_after and lang not in _TOPIC and (inverted or chosen is None or chosen.start > anchor.end or final_tag):
        if chosen is None or chosen.start < anchor.start or ng_after[0].start < chosen.start or \
                (chosen.type in ("country", "organization", "city") and _qualifies(text, chosen, ng_after[0])):
            # "according to Russian media", "…, said Chinese analysts": the state qualifies the noun
            subject = ng_after[0]
    elif ng_before and (chosen is None or chosen.start > anchor.end or ng_before[-1].start < chosen.start
                        # (a state outside the cue's clause: "Georgien: Proteste gehen weiter – Opposition warnt")
                        or chosen.start < clause
                        or (chosen.type in ("country", "organization", "city", "body")
                            and any(_qualifies(text, chosen, h) for h in ng_before))
                        # "Russia will respond …, an analyst said": the noun after the last comma (not in
                        # Turkish, whose subject comes first and a comma after it: "Bakan X, Hizbullah … söyledi")
                        or (0 <= comma < ng_before[-1].start and chosen.start < comma and lang != "tr")):
        # the subject is the non-government noun: it comes first, or a country qualifies it ("Russian
        # analysts", "Hong Kong police … and threatened", "the Hong Kong Nuclear Association")
        subject = next((h for h in ng_before if chosen is not None and chosen.type in ("country", "organization",
                        "city", "body") and _qualifies(text, chosen, h)), ng_before[-1])
    elif chosen is not None and chosen.type == "person" and any(0 <= chosen.start - h.end <= 3 for h in ng):
        # "NATO Secretary General Mark Rutte", "the opposition leader X": who they speak for is not a government
        subject = next(h for h in ng if 0 <= chosen.start - h.end <= 3)
    if subject is not None:
        return Speaker(text[subject.start:subject.end], "unknown", None, None, None, None, False), content
    relative = _relative_nongov(text, s0, anchor, layers)
    if relative is not None:
        return Speaker(text[relative[0]:relative[1]], "unknown", None, None, None, None, False), content
    if former_title is not None and chosen is None:
        return Speaker(text[former_title[0]:former_title[1]].strip(), "unknown", None, None, None, None, False), content
    if former is not None:  # "the former UN commissioner and Irish president": out of office
        return Speaker(text[former:chosen.end] if chosen else "", "unknown", None, None, None, None, False), content
    # German capitalises every noun: a capitalised word is a name there only as the tag's subject that
    # ends the sentence or clause right after the verb ('„…“, sagte Masala.')
    name = _bare_name(text, s0, s1, anchor, inverted, free, layers) if lang != "de" or inverted else None
    if name is not None and (lang != "de" or (name[0] - anchor.end <= 1 and (
            text[name[1] - 1] == "." or _DE_NAME_END.match(text, name[1]) is not None))):
        # "Mr Howard said", '"…," said Lord Butler': somebody the KB does not know
        return Speaker(text[name[0]:name[1]], "person", None, None, None, None, False), content
    return (speaker_of(chosen, kb) if chosen else None), content


# (the capitals of Latin Extended-A and of Vietnamese only: "đó", "ł…" are lower case)
_UPPER_EXTENDED = "".join(c for c in map(chr, [*range(0x100, 0x180), *range(0x1E00, 0x1F00)]) if c.isupper())
_CAP = rf"[A-ZÀ-ÖØ-Þ{_UPPER_EXTENDED}А-ЯЁІЇЄҐ][\w'’-]*\.?"
_NAME_WORDS = re.compile(rf"\s*(?:{_CAP}\s+){{1,3}}")


def _qualifies(text: str, m: Mention, h: Hit) -> bool:
    """A state named right before a noun, or inside a name that ends in it ("Russian analysts",
    "the Hong Kong Nuclear Association"): it says whose the noun is, it does not speak."""
    gap = h.start - m.end
    if m.start < h.start < m.end < h.end:  # "a Ukrainian military analyst": the noun shares a word with it
        return True
    if h.start <= m.start and m.end <= h.end:  # "China Daily", "Global Times": the state inside an outlet's name
        return True
    return 0 <= gap <= 3 or (0 < gap <= 40 and _NAME_WORDS.fullmatch(text, m.end, h.start) is not None) or \
        any(r.fullmatch(text, m.end, h.start) is not None for r in (_OWNED_BY, _STATE_RUN, _POSTPOSED_OF))


# "state-run" between a state's adjective and its outlet: "A kínai állami Global Times", "russische staatliche"
_STATE_RUN = re.compile(r"\s+(?:(?:state-run|state-owned|state|official|állami|hivatalos|staatliche[nr]?|"
                        r"государственн\w*|державн\w*|państwow\w*|statlig\w*|statsägd\w*|statseid\w*|oficial\w*|"
                        r"officiel\w*|ufficial\w*|resmi|státní\w*|държавн\w*)\s+){1,2}", re.IGNORECASE)
# A possessive and a few adjectives between a state and its noun: "China's state-run Global Times"
_OWNED_BY = re.compile(r"['’]s\s+(?:[a-z][\w-]*\s+){0,2}")
# A genitive postposition between a state and its noun: "रूस के विशेषज्ञों ने" (Russia's experts)
_POSTPOSED_OF = re.compile(r"\s+(?:के|की|का)\s+(?:(?:सरकारी|प्रमुख|कई|कुछ|वरिष्ठ)\s+)?")
_NAME_BEFORE = re.compile(rf"(?<![\w'’-])((?:{_CAP}\s+){{0,3}}{_CAP})\s*$")
_NAME_AFTER = re.compile(rf"\s*((?:{_CAP}\s+){{0,3}}{_CAP})")
_APPOSED_ONLY = re.compile(rf"\s*(?:{_CAP}\s+){{1,3}}{_CAP}\s*")
_NAME_APPOSED = re.compile(rf"[\s\"“”«»„]*((?:{_CAP}\s+){{1,3}}{_CAP}),")
_HONORIFIC = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "sir", "lord", "lady", "dr", "dr.", "dame", "m.", "mme",
              "sr.", "sra.", "herr", "frau", "pak", "bu", "ông", "bà", "г-н", "г-жа", "signor", "sig."}
# Capitalised words that open a sentence or a title, not a name
_NOT_NAMES = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "he",
              "she", "it", "they", "we", "i", "you", "but", "and", "as", "in", "on", "at", "then", "also", "yet",
              "la", "le", "les", "el", "los", "las", "il", "lo", "gli", "o", "os", "um", "uma", "un", "une",
              "ce", "cette", "elle", "ils", "elles", "ella", "ellos", "ele", "ela", "lui", "lei", "ia", "dia",
              "mereka", "он", "она", "они", "это", "так", "об", "по", "в", "и", "но", "а", "він", "вона", "вони",
              "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "az", "det",
              # days and months: "on Tuesday threatened"
              "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
              "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
              "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lunes", "martes",
              "miércoles", "jueves", "viernes", "sábado", "domingo", "senin", "selasa", "rabu", "kamis", "jumat",
              "sabtu", "minggu", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
              "понедельник", "вторник", "среду", "среда", "четверг", "пятницу", "пятница", "субботу", "воскресенье"}


# Hungarian local cases on a capitalised word: "Debrecenben" (in), "Moszkvából" (from), "Kijevhez" (to)
_HU_PLACE_CASE = re.compile(r"\w{3,}(?:ban|ben|ból|ből|ról|ről|tól|től|nál|nél|hoz|hez|höz|ba|be)$")


TITLE_GAP = 40  # characters of a title between a tag's verb and the name after it


def _inverted_tag(text: str, lang: str, first: Hit, cue: Hit, s1: int, mentions: list[Mention]) -> bool:
    """A say or warn verb after the sentence's last comma (or tag dash) with a known person or body of
    a state named right after it, ending the sentence ("…, заявила Мария Захарова.", "… – powiedziała
    rzeczniczka"), where no name of that state stands before the ``first`` verb as its own subject
    ("Alžírsko … odpoví na něj, uvedlo alžírské ministerstvo" is Algeria's answer either way)."""
    if cue.phrase.value not in ("say", "warn") or s1 - cue.start > TAG_REACH:
        return False
    lead = text[max(0, cue.start - 3):cue.start]
    if not (lead.endswith(", ") or (lang in _DASH_TAGS and lead.rstrip().endswith(("–", "—")))):
        return False
    # (a title may stand between: "– powiedział minister obrony Władysław Kosiniak-Kamysz")
    named = next((m for m in mentions if m.type in ("person", "body") and m.country is not None
                  and 0 <= m.start - cue.end <= TITLE_GAP and not _PUNCT.search(text, cue.end, m.start)), None)
    return named is not None and not any(m.country == named.country and m.end <= first.start for m in mentions)


def _bare_name(text: str, s0: int, s1: int, anchor: Hit, inverted: bool, free: list[Mention],
               layers: _Layers) -> tuple[int, int] | None:
    """A capitalised name right next to the cue (before it, or after it when the subject follows)
    that no mention, title or non-government word covers: a speaker the knowledge base does not know."""
    if inverted:
        m = _NAME_AFTER.match(text, anchor.end, s1)
        if m is None:
            return None
        a, b = m.span(1)
    else:
        m = _NAME_BEFORE.search(text, max(s0, anchor.start - 60), anchor.start)
        if m is None and text[s0:anchor.start].rstrip().endswith(","):
            # "Ashish Jha, dean of …, warned": a name, then its apposition closed by a comma
            m = _NAME_APPOSED.match(text, s0, anchor.start)
            if m is not None and (any(m.end() <= h.start < anchor.start for h in layers.roles) or any(
                    m.end() <= x.start < anchor.start and x.type in ("person", "body") for x in free)):
                return None  # "X, the Russian foreign ministry's spokeswoman, warned": the office speaks
        if m is None:
            return None
        a, b = m.span(1)
    if _CJK_CHAR.search(text, a, b):
        return None  # "NATO諸国は…": a capital letter in Chinese, Japanese or Korean text opens an acronym, not a name
    if any(h.phrase.value == "source" and 0 <= a - h.end <= 1 for h in layers.mods):
        return None  # "… podle ČTK uvedl": the outlet cited, not who speaks
    prev = _LAST_WORD.search(text, max(s0, a - 16), a)
    if prev is not None and prev.end() >= a - 1 and (_PREPOSITION.fullmatch(prev.group(1))
                                                      or _IN_PLACE.fullmatch(prev.group(1))):
        return None  # "A embaixadora de Israel em Lisboa avisou": a place, not who spoke
    if prev is not None and prev.end() >= a - 1 and prev.group(1) in ("the", "The"):
        return None  # "in the Taiwan Strait", "the Black Sea Fleet": a place or a thing, not a person
    if prev is not None and prev.end() >= a - 1 and _DAY_WORD.fullmatch(prev.group(1)):
        return None  # "hôm thứ Bảy cảnh báo", "vào Chủ nhật": a day, not a name
    if any(0 <= a - m.end <= 2 for m in free if m.type in ("body", "person")) or \
            any(0 <= a - h.end <= 2 for h in layers.roles):
        return None  # "Náčelník alžírského generálního štábu Saíd Šanegríha": the name of the office just named
    if _CASE_SUFFIX.search(text, a, b):
        return None  # "Anadolu Ajansı'na konuştu": a Turkish case suffix marks whom it was said to, not who
    if anchor.phrase.lang == "hu" and _HU_PLACE_CASE.search(text, a, b):
        return None  # "kedden Debrecenben kijelentette": a place in its case ("in Debrecen"), not who spoke
    words = text[a:b].split()
    while words and words[0].lower() in _NOT_NAMES:  # "The Ministry", "But Mr Howard"
        a = text.index(words[1], a + len(words[0])) if len(words) > 1 else b
        words = words[1:]
    if not words or any(w.lower() in _NOT_NAMES for w in words):
        return None
    for covered in (free, layers.roles, layers.nongov, layers.cues):
        for x in covered:
            if x.start < b and a < x.end:
                return None
    honorific = words[0].lower() in _HONORIFIC
    if honorific and len(words) == 1:  # "Ông tái khẳng định": "he", not a name
        return None
    if not honorific and len(words) == 1 and not text[s0:a].strip(" \t\"“”«»„,—–-0123456789:."):
        return None  # one capitalised word opening the sentence: a pronoun or a surname, left to the caller
    return a, b


# An international organisation right before a title it owns: "UN special envoy", "FN:s särskilda sändebud",
# "ENSZ szudáni különmegbízottja", "спецпосланник ООН" is the other order (a non-government phrase)
_INTL_TITLE = re.compile(r"(?<!\w)(?:UN|U\.N\.|FN|ONU|ONZ|OSN|OON|ООН|ОНН|ENSZ|BM|PBB|LHQ|NATO|НАТО|OTAN|EU|ЕС|UE|"
                         r"OSCE|OBSE|ОБСЕ|EBESZ|AU)(?:[:'’]s|-)?(?:\s+[\w-]+){0,2}\s*$")
# An international organisation that owns the title after it in Chinese, Japanese or Korean
# "former" and at most a few words (a demonym) before a bare title: "a former Israeli defence minister"
_FORMER_BEFORE = re.compile(f"{_FORMER_WORDS}[ \\w'’-]{{0,30}}$|{_FORMER_JOINED}", re.IGNORECASE)
_ING = re.compile(r"\w+ing\b")
# What leaves an English participle without a subject of its own: ", warning", "days after threatening"
_PARTICIPLE_LEAD = re.compile(r"(?:,\s*(?:\w+ly\s+)?|\b(?:after|before|while|when|since)\s+)$", re.IGNORECASE)
_INTL_OWNER = re.compile(r"(?:国連|联合国|聯合國|유엔|NATO|北約|北约|나토|EU|欧州連合|欧盟|유럽연합|"
                         r"AU|アフリカ連合|非盟)"
                         r"(?:の|의|的)?\s?[^\s、。，,]{0,8}$")
_CASE_SUFFIX = re.compile(r"['’](?!s\b)[a-zçğıöşü]{1,4}$")
_DAY_WORD = re.compile(r"thứ|hôm|ngày|tháng|vào|sáng|chiều|tối", re.IGNORECASE)  # Vietnamese days: "thứ Bảy"
_IN_PLACE = re.compile(r"em|en|à|au|aux|nel|nella|na|no|ở|tại|в|во|у|w|ve|auf", re.IGNORECASE)
_CJK_CHAR = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_CLOSES = re.compile(r"[,—–:!?]|\s-\s")  # " - " typed for a dash: '"…" - powiedziała X
# Subject pronouns (not "it", not "sie"/"ông" before a name): one between a country and the cue is the subject.
_SUBJECT_PRONOUN = re.compile(
    r"(?<!\w)(?:he|she|they|er|il|elle|ils|elles|él|ella|ellos|ellas|ele|ela|eles|lui|lei|ia|dia|mereka|"
    r"beliau|он|она|они|він|вона|вони|(?:ông|bà|họ)(?!\s+[A-ZĐ]))(?!\w)", re.IGNORECASE)
# A personal pronoun right before the cue (perhaps with "also"): the subject is somebody named earlier.
_PRONOUN_BEFORE = re.compile(
    r"(?<!\w)(?:he|she|er|sie|il|elle|él|ella|lui|lei|ele|ela|ia|dia|beliau|ông|bà|он|она|він|вона|on|ona|han|hon|hun|"
    r"הוא|היא|הם|هو|هي)"
    r"(?:\s+(?:also|then|later|auch|aussi|también|também|anche|juga|cũng|còn|также|тоже|також|też))?\s*$",
    re.IGNORECASE)
# An auxiliary between a tag's comma and its participle: "…, a déclaré le ministre", "…, ha detto il ministro",
# "…, a declarat ministrul"
_AUX_GAP = re.compile(r"(?:a|ont|avait|avaient|aurait|ha|hanno|han|aveva|avevano|havia|tinha|avea)"
                      r"(?:\s+(?:également|aussi|encore|anche|inoltre|también|ainda|de asemenea))?", re.IGNORECASE)
# Chinese, Japanese, Korean pronouns right before the cue ("他說", "她表示", "彼は述べた", "그는 말했다")
_CJK_PRONOUN = re.compile(r"(?<!其)(?:他|她)(?:也|还|還|则|則|又|并|並)?$|(?:彼|彼女|同氏)(?:は|も)$|"
                          r"(?:그는|그녀는)\s*$")


def _subject_taken(text: str, s0: int, anchor: Hit, layers: _Layers) -> bool:
    """The cue's subject is a pronoun ("Ông cảnh báo Trung Quốc … sẽ phải trả giá", "他說，…") or a bare
    title ("وأضاف رئيس الوزراء أن …"), not a name further on: a later cue must not lend its own."""
    if _PRONOUN_BEFORE.search(text, max(s0, anchor.start - 24), anchor.start) or \
            _CJK_PRONOUN.search(text, max(s0, anchor.start - 6), anchor.start) or text[anchor.start] in "他她":
        return True
    return any(anchor.end <= h.start <= anchor.end + 8 or 0 <= anchor.start - h.end <= 3 for h in layers.roles)
# (a live page's time may come first: "11:03 — Irans Außenminister …")
_ARTICLE = re.compile(r"[\s\"“”«»„]*(?:\d{1,2}[:.]\d{2}\s*[—–-]?\s*)?"
                      r"(?:(?:the|la|le|les|l['’]|el|los|las|il|lo|gli|die|der|das|den|det|a|o|os|as)\s*)?",
                      re.IGNORECASE)


_RELATIVE_GAP = re.compile(r"\s*[,،]\s*$")
# A relative pronoun opening the cue's clause, perhaps with an auxiliary or adverb before the cue
# ("…, quien advirtió", "qui affirme", "der warnte", "который предупредил", "care susține")
_RELATIVE_BEFORE = re.compile(r"(?<!\w)(?:who|whom|quien|quienes|el cual|la cual|qui|il quale|la quale|i quali|"
                              r"o qual|a qual|der|die|welcher|welche|который|которая|которые|которого|який|яка|які|"
                              r"który|która|którzy|care|som|aki|akik|който|която|които|který|která|kteří)"
                              r"\s+(?:[^\W\d][\w'’-]*\s+){0,2}$", re.IGNORECASE)
# between a non-government noun and the relative pronoun: a modifier or two and perhaps a comma
# ("un analista militar, quien", "einen Militärexperten, der", "военного эксперта, который")
_ANTECEDENT_GAP = re.compile(r"(?:\s+[^\W\d][\w'’-]*){0,2}\s*,?\s*")


_WORD_END = re.compile(r"[\w'’-]*")
# Chinese frames a topic or a condition before the clause's subject: "谈及菲律宾问题时指出", "就美国对台军售
#问题，…", "在回答有关日本问题的提问时表示", "如果菲方继续挑衅": a state inside one is not who speaks
_ZH_FRAME = re.compile(r"^\s*(?:就|关于|關於|对于|對於|针对|針對|有关|有關)|谈及|谈到|談及|談到|提及|提到|回答|"
                       r"如果|若|一旦|假如|倘若")


# A second voice in the same sentence, after a conjunction: "X stressed …, while the UN envoy said …",
# "…، فيما قال المبعوث الأممي …", "…, mientras que el analista advirtió …"
_CONTRAST = re.compile(r"(?:^|(?<=[\s,،，、]))(?:while|whereas|but|and|as|meanwhile|tandis que|alors que|mais|et|"
                       r"mientras que|mientras|en tanto que|pero|y|enquanto|mas|e|mentre|ma|während|aber|und|doch|"
                       r"а|тогда как|но|и|тоді як|але|і|zaś|natomiast|ale|a|i|فيما|بينما|في حين|و|בעוד|ואילו|אך|"
                       r"ise|ancak|fakat|ve|sementara|sedangkan|namun|tetapi|dan|trong khi|còn|nhưng|và|而|但|同时)"
                       r"(?=[\s,])", re.IGNORECASE)
SECOND_VOICE_REACH = 50  # characters from the conjunction to the second voice's verb


def _second_voice(text: str, lang: str, anchor: Hit, s0: int, s1: int, layers: _Layers,
                  smentions: Sequence[Mention], sq: Sequence[tuple[int, int]]) -> tuple[int, Hit, bool] | None:
    """A second voice after the first speaker's cue: a conjunction, a subject of its own (no government's,
    or a state the first part does not name) and a speech verb of theirs ("X stressed …, while the UN
    envoy said …", "…, but Lithuania's defence minister warned …"). Where the conjunction stands, the
    verb, and whether the voice is a state's; None when there is none."""
    for c in layers.cues:
        if c.start <= anchor.end or c.start >= s1 or _inside(c.start, sq) or c.phrase.value not in ("say", "warn"):
            continue
        if any(h.phrase.value == "source" and h.start <= c.start < h.end for h in layers.mods):
            continue  # "…, according to state television": where the words were reported
        conj = max((m for m in _CONTRAST.finditer(text, max(anchor.end, c.start - SECOND_VOICE_REACH), c.start)),
                   key=lambda m: m.start(), default=None)
        if conj is None:
            continue
        # (the subject before the verb; in Arabic, verb first, right after it: "فيما قال المبعوث الأممي")
        lo, hi = conj.end(), (min(s1, c.end + 30) if lang == "ar" else c.start)
        if any(lo <= h.start < hi for h in layers.nongov) or any(
                lo <= r.start < hi and _INTL_TITLE.search(text, max(lo, r.start - 30), r.start) is not None
                for r in layers.roles):
            return conj.start(), c, False
        first = {m.country for m in smentions if s0 <= m.start < conj.start() and m.type in SPEAKER_TYPES}
        if any(lo <= m.start < hi and m.country is not None and m.country not in first and m.type in SPEAKER_TYPES
               for m in smentions):
            return conj.start(), c, True
    return None


# the genitive and dative (not the ablative: "bakanlarından biri" is one of them)
_TR_OBLIQUE = re.compile(r"(?:n[ıiuü]n|l[ae]r[ıi]n|l[ae]r[ae])$")
_HI_OBLIQUE = re.compile(r"\s*(?:से|को|में|पर|तक)(?!\w)")
_ZH_AND = re.compile(r"[，,]\s*(?:并|並|并且|並且|同时|同時|随后|隨後|还|還)\s*$")


def _clause_end_zh(text: str, s0: int, end: int) -> int:
    """Where the first clause of a Chinese sentence ends (its first comma), or `end`."""
    cut = [i for i in (text.find("，", s0, end), text.find(",", s0, end)) if i >= 0]
    return min(cut, default=end)


def _zh_framed(text: str, s0: int, m: Mention) -> bool:
    lo = max(s0, text.rfind("，", s0, m.start) + 1, text.rfind(",", s0, m.start) + 1)
    return _ZH_FRAME.search(text[lo:m.start]) is not None


# A relative pronoun right after "according to": "según el cual", "selon lequel", "secondo il quale",
# "potrivit căruia", "по словам которого", "according to whom"
_RELATIVE_SOURCE = re.compile(r"\s*(?:whom|el cual|la cual|los cuales|las cuales|quien|quienes|lequel|laquelle|"
                              r"lesquels|lesquelles|qui|il quale|la quale|i quali|le quali|cui|o qual|a qual|os quais|"
                              r"as quais|quem|căruia|căreia|cărora|которого|которой|которых|якого|якої|яких|"
                              r"którego|której|których)(?!\w)", re.IGNORECASE)


def _relative_source(text: str, s0: int, anchor: Hit, free: list[Mention], layers: _Layers,
                     kb: KnowledgeBase) -> Speaker | None:
    """The speaker a relative "according to whom" stands for: the noun or name just before the cue."""
    lo = max(s0, anchor.start - 60)
    nobody = _nongov_antecedent(text, lo, anchor.start, layers)
    if nobody is not None:
        return Speaker(text[nobody[0]:nobody[1]], "unknown", None, None, None, None, False)
    named = next((m for m in reversed(free) if lo <= m.start and m.end <= anchor.start
                  and _ANTECEDENT_GAP.fullmatch(text, m.end, anchor.start)), None)
    return speaker_of(named, kb) if named is not None else None


def _nongov_antecedent(text: str, lo: int, rel: int, layers: _Layers) -> tuple[int, int] | None:
    """A non-government noun, or a title out of office ("un exfuncionario del Pentágono", "a former
    official"), a modifier or two and perhaps a comma before `rel`."""
    for h in reversed(layers.nongov):
        if lo <= h.start and h.end <= rel and _ANTECEDENT_GAP.fullmatch(text, h.end, rel):
            return h.start, h.end
    for f in reversed(list(_FORMER.finditer(text, lo, rel))):
        word = _WORD_END.match(text, f.end())  # (the joined "exfuncionario" whole)
        end = word.end() if word is not None else f.end()
        title = next((h for h in layers.roles if end <= h.start <= end + 30 and not _PUNCT.search(text, end, h.start)),
                     None)
        if title is not None:
            end = title.end
        if _ANTECEDENT_GAP.fullmatch(text, end, rel):
            return f.start(), end
    return None


def _relative_nongov(text: str, s0: int, anchor: Hit, layers: _Layers) -> tuple[int, int] | None:
    """The non-government noun a relative clause hangs on when the cue opens that clause ("La agencia
    rusa citó a un analista militar, quien advirtió …", "TASS a cité un expert qui affirme …", "quoted a
    former official who said"): the clause's subject, whatever state the sentence names before it."""
    rel = _RELATIVE_BEFORE.search(text, max(s0, anchor.start - 40), anchor.start)
    if rel is None:
        return None
    return _nongov_antecedent(text, s0, rel.start(), layers)


def _antecedent(text: str, clause: int, anchor: Hit, before: list[Mention], layers: _Layers) -> list[Mention]:
    """The names a relative clause hangs on: "X, que afirmou", "X, qui a averti", "X, yang
    mengatakan" (the clause word right after a comma that closes a name, the cue right after it)."""
    word = next((h for h in layers.mods if h.phrase.value == "clause" and h.end == clause), None)
    if word is None or len(text[clause:anchor.start].strip()) > 12 or any(
            clause <= m.start < anchor.start for m in before):
        return []
    gap = _RELATIVE_GAP.search(text, max(0, word.start - 4), word.start)
    if gap is None:
        return []
    spans = sorted([(m.start, m.end) for m in before] + [(h.start, h.end) for h in layers.roles])
    return [m for m in before if m.end <= gap.start() and _phrase_end(text, m.end, spans) == gap.start()]


_PLURAL = re.compile(r"들|たち|ら|団")


def _plural_end(text: str, end: int) -> int:
    """After a plural suffix written onto a noun ("기자들", "記者たち", "記者団")."""
    m = _PLURAL.match(text, end)
    return m.end() if m is not None else end


def _phrase_end(text: str, end: int, spans: list[tuple[int, int]]) -> int:
    """The end of the run of names and titles that a name ending at `end` belongs to
    ("Polonya Dışişleri" + "Dışişleri Bakanı"), spans sorted by start."""
    for a, b in spans:
        g = _GLOSS.match(text, end)
        if g is not None and a >= g.end():  # "린젠(林劍) 대변인", "大統領府（クレムリン）は": a gloss in brackets
            end = g.end()
        # (a middle dot may join a Japanese name to its title: "林芳正・官房長官は")
        if a <= end + 1 and b > end and not text[end:a].strip(" ・"):
            end = b
    g = _GLOSS.match(text, end)
    return g.end() if g is not None else end


_GLOSS = re.compile(r"\s?[(（][^()（）\n]{1,24}[)）]")


# A speech verb in the passive with its agent after it: "were told by Moscow", "a été averti par
# Pékin", "fue advertido por Moscú", "foi alertado pelo Kremlin", "è stato avvertito dal Cremlino".
_PASSIVE_AUX = re.compile(r"(?<!\w)(?:was|were|been|being|été|fue|fueron|sido|foi|foram|stato|stata|stati|state)\s+$",
                          re.IGNORECASE)
_PASSIVE_CUE = re.compile(r"(?:foi|foram|è stat[oa]|sono stati)\s", re.IGNORECASE)  # the auxiliary in the cue
_AGENT = re.compile(r"\s+(?:by|par|por|pelo|pela|pelos|da|dal|dalla|dai|dagli)\s+(?:l['’]|(?:the|la|le|les|el|los|"
                    r"o|a|il|lo)\s+)?", re.IGNORECASE)


AGENT_REACH = 40  # characters from "by" to the first name of the agent's phrase
# A warning or threat named as a noun, and the genitive that gives its owner: "the warning of the
# Kremlin", "l'avertissement du Kremlin", "la advertencia del Kremlin", "o alerta do Kremlin",
# "l'avvertimento del Cremlino", "lời cảnh báo của Điện Kremlin"
# a statement published by its owner: "a statement by North Korea's defence ministry"
_STATEMENT_NOUNS = (r"statements?|déclarations?|communiqués?|declaraci[oó]n(?:es)?|comunicados?|dichiarazion[ei]|"
                    r"comunicat[oi]|declaraç(?:ão|ões)|Erklärung(?:en)?|Stellungnahme|заявлени\w*|заяв[аиуі]|"
                    r"oświadczeni\w*|pernyataan|tuyên bố")
_WARNING_NOUN = re.compile(r"(?:l['’])?(?:warnings?|threats?|avertissements?|mises? en garde|menaces?|advertencias?|"
                           r"amenazas?|alertas?|advertências?|avisos?|ameaças?|avvertimento|avvertimenti|moniti?|"
                           r"minacce|minaccia|(?:lời )?cảnh báo|lời đe dọa|Warnung(?:en)?|Drohung(?:en)?|"
                           r"предупреждени\w*|попередженн\w*|погроз\w*|ostrzeżeni\w*|groźb\w*|"
                           + _STATEMENT_NOUNS + ")", re.IGNORECASE)
_STATEMENT_NOUN = re.compile(_STATEMENT_NOUNS, re.IGNORECASE)
# what puts a statement into the topic of something else: "asked about", "soal", "о заявлении", "über die"
_ABOUT_BEFORE = re.compile(r"(?<!\w)(?:about|on|regarding|to|over|soal|tentang|terhadap|mengenai|về|sur|à|sobre|su|"
                           r"über|zu|auf|о|об|на|по|o|na|do|ke)\s+(?:(?:the|a|an|la|le|les|el|los|las|die|der|"
                           r"den|dem|une|un|una|um|uma|il|lo|các|những)\s+)?(?:\w+\s+)?$", re.IGNORECASE)
# (German, Slavic: the owner in the genitive right after the noun, "die Warnung des Kremls", "погроза Кремля")
_OWNER_DIRECT = re.compile(r"(?:Warnung|Drohung|предупреждени|попередженн|погроз|ostrzeżeni|groźb|Erklärung|"
                           r"Stellungnahme|заявлени|заяв|oświadczeni|pernyataan)", re.IGNORECASE)
# (not Vietnamese "tuyên bố", a verb too: "X tuyên bố Iran sẽ …" is X declaring; its owner takes "của")
_OWNER_OF = re.compile(r"\s+(?:(?:of|by|du|des|de\s+la|del|do|da|dos|das|della|dello|dei|degli|di|de|của)\s+|"
                       r"de\s+l['’]|dell['’])(?:the\s+|el\s+|la\s+|los\s+|o\s+|a\s+|il\s+|lo\s+)?", re.IGNORECASE)


# one or two lower-case words after a warning noun, no preposition among them ("đanh thép", "ferme",
# "contundente"): adjectives, where the owner's genitive may still follow
_ADJECTIVE_GAP = re.compile(r"(?:\s+(?!(?:about|on|to|for|against|over|sur|sobre|su|về|tentang|soal|contre|contra|"
                            r"contro|à|a|ao|al|au|aux|gửi|cho|với|đối|pour|para|per|kepada|terhadap|an|gegen|über|"
                            r"of|by|du|des|de|del|do|da|dos|das|della|di|của|từ|la|le|el|il|o)(?!\w))"
                            r"[a-zà-ÿđăâêôơư\u1ea0-\u1ef9]+){1,2}(?=\s)")


_DE_RELATIVE = re.compile(r",\s*(?:der|die|das|welcher|welche|welches)\s")
_GENITIVE_GAP = re.compile(r"\s+(?:des|der)?\s*", re.IGNORECASE)


def _warning_owner(text: str, anchor: Hit, free: Sequence[Mention]) -> Mention | None:
    """The state, body or official a warning noun belongs to, named right after it in the genitive
    ("the Kremlin's" is a mention before the cue, found the usual way)."""
    if not _WARNING_NOUN.fullmatch(text, anchor.start, anchor.end):
        return None
    if _STATEMENT_NOUN.fullmatch(text, anchor.start, anchor.end) and \
            _ABOUT_BEFORE.search(text, max(0, anchor.start - 24), anchor.start):
        return None  # "asked about a statement by Japan's prime minister": whose words were asked about
    of = _OWNER_OF.match(text, anchor.end) or (
        _GENITIVE_GAP.match(text, anchor.end) if _OWNER_DIRECT.match(text, anchor.start) else None)
    if of is None and (adj := _ADJECTIVE_GAP.match(text, anchor.end)) is not None:
        # "lời cảnh báo đanh thép của Moskva", "la sévère mise en garde de Pékin" → "mise en garde ferme de":
        # an adjective or two between the noun and its owner
        of = _OWNER_OF.match(text, adj.end())
    if of is None:
        return None
    owner = next((m for m in free if m.start == of.end() and m.country is not None
                  and m.type in ("country", "body", "person", "city")), None)
    if owner is not None and text[owner.end - 1:owner.end] in _RU_DATIVE_END and \
            not text[owner.start:owner.end].isupper():
        return None  # "предупреждение Литве" (dative): whom it is for; the owner is "Литвы" (genitive)
    return owner


_RU_DATIVE_END = frozenset("еуюЕУЮ")  # (Cyrillic letters only: no other script's name ends in them)


# The passive of a warning in languages that mark its agent otherwise than "by" after the verb:
# Russian and Ukrainian put it in the instrumental after the participle ("был предупрежден
# Пекином"), Polish after "przez", German after "von" between the auxiliary and the participle,
# Japanese before から and Korean before (으)로부터 (the verb passive: された, 받았다), Chinese after 被.
# (the participle, not the noun it begins: "предупреждение", "попередження" are "a warning"; but "С
# предупреждением выступил министр …": the noun in the instrumental before an inverted verb, whose
# subject follows as an agent would)
_PASSIVE_PARTICIPLE = {"ru": re.compile(r"(?:предупрежд[её]н|предостережен)(?!и(?!ем))", re.IGNORECASE),
                       "uk": re.compile(r"(?:попереджен|застережен)(?!н(?!ям))", re.IGNORECASE)}
_PL_PASSIVE = re.compile(r"(?:zosta\w+|był\w*)\s+$", re.IGNORECASE)
_PL_AGENT = re.compile(r"\s+przez\s+", re.IGNORECASE)
_DE_PASSIVE = re.compile(r"(?<!\w)(?:wurde|wurden|worden|wird|werden)\s", re.IGNORECASE)
_DE_AGENT = re.compile(r"(?<!\w)(?:von|vom)\s+(?:der\s+|dem\s+|den\s+)?$", re.IGNORECASE)
_JA_PASSIVE = re.compile(r"(?:さ|を受け)")
_KO_PASSIVE = re.compile(r"[^.。]{0,12}받(?:았|은|는)")


def _passive_other(text: str, lang: str, s0: int, anchor: Hit, free: Sequence[Mention]) -> Mention | None:
    """The agent of a passive warning in Russian, Ukrainian, Polish, German, Japanese, Chinese or
    Korean, who speaks (the subject is the one warned)."""
    if lang in _PASSIVE_PARTICIPLE:
        if not _PASSIVE_PARTICIPLE[lang].search(text, anchor.start, anchor.end):
            return None
        to = _ADDRESSED.get(lang)
        return next((m for m in free if anchor.end <= m.start <= anchor.end + AGENT_REACH
                     and not _PUNCT.search(text, anchor.end, m.start)
                     and (to is None or to.fullmatch(text, anchor.end, m.start) is None)), None)
    if lang == "pl":
        agent = _PL_AGENT.match(text, anchor.end)
        if agent is None or not _PL_PASSIVE.search(text, max(s0, anchor.start - 16), anchor.start):
            return None
        return next((m for m in free if agent.end() <= m.start <= agent.end() + AGENT_REACH
                     and not _PUNCT.search(text, agent.end(), m.start)), None)
    if lang == "de":
        aux = _DE_PASSIVE.search(text, s0, anchor.start)
        if aux is None or not text[anchor.start:anchor.end].lower().startswith("gewarnt"):
            return None
        return next((m for m in free if aux.end() <= m.start < anchor.start
                     and _DE_AGENT.search(text, max(aux.end(), m.start - 12), m.start)), None)
    if lang == "ja":
        if not _JA_PASSIVE.match(text, anchor.end):
            return None
        spans = [(x.start, x.end) for x in free]
        return next((m for m in reversed(free) if s0 <= m.start and m.end < anchor.start
                     and text.startswith("から", _phrase_end(text, m.end, spans))), None)
    if lang == "ko":
        if "받" not in text[anchor.start:anchor.end] and not _KO_PASSIVE.match(text, anchor.end):
            return None
        return next((m for m in reversed(free) if s0 <= m.start and m.end < anchor.start
                     and re.match(r"\s?(?:으로부터|로부터|에게서)", text[m.end:m.end + 6])), None)
    if lang == "zh":
        bei = text.rfind("被", s0, anchor.start)
        if bei < 0:
            return None
        return next((m for m in free if bei < m.start <= bei + 2 and m.end <= anchor.start), None)
    return None


def _passive_agent(text: str, anchor: Hit) -> int | None:
    """Where the agent of a passive speech verb starts, if the cue is one."""
    if _PASSIVE_AUX.search(text, max(0, anchor.start - 12), anchor.start) is None and \
            _PASSIVE_CUE.match(text, anchor.start, anchor.end) is None:
        return None
    m = _AGENT.match(text, anchor.end)
    return m.end() if m else None


def _leads(text: str, clause: int, m: Mention | Hit) -> bool:
    """Only an article stands before ``m`` in its clause."""
    lead = _ARTICLE.match(text, clause, m.start)
    return lead is not None and lead.end() == m.start


def _opens_clause(text: str, clause: int, m: Mention | Hit) -> bool:
    """The name is the first words of its clause and no possessive or genitive follows
    ("China's economy …", "Russlands Armee …" are not China or Russia speaking)."""
    lead = _ARTICLE.match(text, clause, m.start)
    if lead is None or lead.end() != m.start:
        return False
    return not re.match(r"['’]s\b|\s+(?:of|de|du|des|del|der|da|do)\b", text[m.end:m.end + 5])


def _listed(text: str, before: list[Mention], comma: int, first: Mention) -> bool:
    """True when the comma separates items of a list of names ("Deutschland, Frankreich")."""
    if text[comma + 1:first.start].strip():
        return False
    return any((m.end == comma or m.end == comma - 1) and m.type == first.type for m in before)


def _clause_start(text: str, s0: int, at: int, bounds: list[int]) -> int:
    start = s0
    for b in bounds:
        if s0 <= b <= at:
            start = max(start, b)
    semi = max(text.rfind(";", s0, at), text.rfind(":", s0, at), text.rfind("؛", s0, at))
    return max(start, semi + 1) if semi >= 0 else start


_CLAUSE_END = re.compile(r"[,;،、，；]")


def _foreground(text: str, lang: str, mods: list[Hit], terms: list[Hit], sq: list[tuple[int, int]], s0: int,
                s1: int) -> list[Hit]:
    """Drop terms of a narrative background phrase ("amid rising tensions", "на фоне эскалации",
    "trong bối cảnh căng thẳng leo thang"): the journalist's scene, not what the speaker said.
    Such a phrase, outside quotes, runs from its marker to the next comma or the sentence end;
    in verb-final languages and Chinese the marker closes it ("緊張が高まる中", "紧张升级之际")."""
    spans = _background(text, lang, mods, sq, s0, s1)
    if not spans:
        return terms
    return [t for t in terms if not any(a <= t.start < b for a, b in spans)]


def _background(text: str, lang: str, mods: Sequence[Hit], sq: Sequence[tuple[int, int]], s0: int,
                s1: int) -> list[tuple[int, int]]:
    """The narrative background phrases of a sentence (see _foreground)."""
    spans = []
    for h in mods:
        if h.phrase.value != "background" or _inside(h.start, sq):
            continue
        if lang in VERB_FINAL or lang == "zh":
            opened = max([m.end() for m in _CLAUSE_END.finditer(text, s0, h.start)], default=s0)
            spans.append((opened, h.end))
        else:
            end = _CLAUSE_END.search(text, h.end, s1)
            spans.append((h.start, end.start() if end else s1))
    return spans


def _quotes_in(sent: Span, qspans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(max(a, sent.start), min(b, sent.end)) for a, b in qspans if a < sent.end and b > sent.start]


def _evidence_quote(sq: list[tuple[int, int]], terms: list[Hit]) -> tuple[int, int] | None:
    for a, b in sq:
        if any(a <= t.start < b for t in terms):
            return a, b
    return sq[0] if sq else None


def _subjunctive_words(text: str, lang: str, content: Sequence[tuple[int, int]], terms: Sequence[Hit]
                       ) -> tuple[int, int] | None:
    """German reports a speaker's own words in the subjunctive (Konjunktiv I) where English quotes
    them: "Der Iran werde auf jeden Angriff mit aller Härte reagieren, sagte der Minister" is the
    minister's words, as the quote '"Iran will respond …," the minister said' is. The part of what
    was said that holds a term and a subjunctive verb stands for the quote."""
    if lang != "de":
        return None
    for a, b in content:
        if any(a <= t.start < b for t in terms) and _KONJUNKTIV.search(text, a, b) is not None:
            return a, b
    return None


def _modality(mods: list[Hit], frm: int, to: int) -> str:
    kinds = {h.phrase.value for h in mods if frm <= h.start < to}
    if "conditional" in kinds:
        return "conditional"
    if "hypothetical" in kinds:
        return "hypothetical"
    return "asserted"


_PUNCT = re.compile(r"[.,;:!?\"“”«»„()、。「」『』，]")
_OPENING = re.compile(r"\s*[\"“«„「『]")


def _introduced_former(text: str, m: Mention) -> bool:
    """A "former" before a person's mention in its own sentence ("The former defence minister, X")."""
    f = max(_FORMER.finditer(text, max(0, m.start - FORMER_REACH), m.start), key=lambda x: x.start(), default=None)
    return f is not None and not _SENTENCE_END.search(text, f.end(), m.start)


def _still_former(speaker: Speaker | None, former: set[str], kb: KnowledgeBase) -> Speaker | None:
    """A known official whom the article calls a former one anywhere ("Former defence minister Ben
    Wallace spoke …" then '"…," Wallace said'; a headline "Conte: …" over "ex premier Giuseppe Conte")
    speaks out of office throughout: one article, one person."""
    if speaker is None or not speaker.government or speaker.kind != "person" or speaker.entity_id is None:
        return speaker
    ent = kb.entities.get(speaker.entity_id)
    if ent is not None and any(end is None for _, _, end in ent.offices):
        return speaker  # "Former Russian President Dmitry Medvedev": he holds another office now
    if speaker.entity_id in former:
        return Speaker(speaker.name, "person", None, None, None, None, False)
    return speaker


def _named_in_full(st: Statement, mentions: list[Mention], family: dict[str, Mention],
                   kb: KnowledgeBase) -> Speaker | None:
    """A state whose name is a person's family name that the article gives in full elsewhere (a headline
    "Türk advierte …" over "el alto comisionado de la ONU, Volker Türk") is that person."""
    sp = st.speaker
    if sp is None or sp.kind != "country":
        return sp
    word = next((mentions[i].text for i in st.mentions if mentions[i].type == "country"
                 and mentions[i].entity_id == sp.entity_id and " " not in mentions[i].text), None)
    if word is None:
        return sp
    person = family.get(word)
    return speaker_of(person, kb) if person is not None else sp


def _known_surname(speaker: Speaker | None, mentions: list[Mention], before: int, kb: KnowledgeBase,
                   text: str = "", end: int = 0, lang: str = "") -> Speaker | None:
    """An unknown one-word name that is the family name of a person named earlier in the article
    ("… Kim Yo Jong …" then "kata Kim", "Lin Jian" then "afirmó Lin") is that person."""
    if speaker is None or speaker.kind != "person" or speaker.entity_id is not None:
        return speaker
    # ('"…," kata Guo.': not the full stop; "Ông Lâm": not the courtesy word)
    words = speaker.name.split(maxsplit=1)
    name = (words[1] if len(words) == 2 and words[0].lower() in _HONORIFIC else speaker.name).rstrip(".")
    if " " in name or not name:
        return speaker
    if lang in _TAG_PRONOUN and _TAG_PRONOUN[lang].fullmatch(name):
        return None  # Norwegian "Han la til" is "he added", not Han Zheng: a pronoun, whose antecedent speaks
    for m in reversed([m for m in mentions if m.start < before and m.type == "person"]):
        for parts in (m.name.split(), m.text.split()):
            if len(parts) > 1 and name in (parts[0], parts[-1]):
                if text and _introduced_former(text, m):
                    # "Der frühere Generalinspekteur … Harald Kujat" … "sagte Kujat": out of office still
                    return Speaker(m.name, "person", None, None, None, None, False)
                return speaker_of(m, kb)
    # "Zhao dijo", "Wang said" with no full name before: an official of that family name whose
    # state the article names ("China tomará medidas", "U.S.-China relations"); officials of one
    # state who share it speak for it together; bearers of several named states: undecidable
    named = {m.country for m in mentions if m.country is not None}
    # ("According to KCNA, Kim said …": the state whose agency the sentence cites is named too)
    agency = kb.confrontations.agency_state(text, before, end) if end else None
    if agency is not None:
        named.add(agency)
    bearers = [kb.entities[i] for i in kb.surnames.get(name, ()) if i in kb.entities]
    states = {e.country for e in bearers if e.country in named and e.government}
    if len(states) != 1:
        return speaker
    state = states.pop()
    people = [e for e in bearers if e.country == state and e.government]
    ent = people[0] if len(people) == 1 else None
    return Speaker(ent.name if ent else speaker.name, "person", state, ent.id if ent else None,
                   ent.role if ent else None, None, True)


# Words by which a report names where its words come from, after them: "quoting", "citant".
_CITING = {
    "en": r"quoting|citing", "fr": r"citant", "es": r"citando", "pt": r"citando", "it": r"citando",
    "de": r"unter Berufung auf", "ru": r"ссылаясь на|цитируя", "uk": r"посилаючись на|цитуючи",
    "pl": r"cytując|powołując się na", "id": r"mengutip", "vi": r"dẫn lời", "zh": r"援引|引述",
}
_CITING_RE = {k: re.compile(rf"(?<!\w)(?:{v})(?!\w)" if k != "zh" else v, re.IGNORECASE) for k, v in _CITING.items()}
CITED_REACH = 40  # characters from "quoting" to the name of the source


def _cited(text: str, lang: str, anchor: Hit, s0: int, s1: int, sq: list[tuple[int, int]], layers: _Layers,
           free: list[Mention], kb: KnowledgeBase, speaker: Speaker | None) -> Speaker | None:
    """The source a report quotes after the cue ("…, CNN reported, quoting the official newspaper
    X", "a déclaré l'agence Irna citant le vice-ministre"): a non-government source (a newspaper,
    state media) is no government voice; a named official or body is the speaker."""
    cite = _CITING_RE.get(lang)
    if cite is None:
        return None
    m = cite.search(text, anchor.start, s1)  # the cue itself may be the citing word ("援引")
    if m is not None and not _inside(m.start(), sq):
        ng = next((h for h in layers.nongov if m.end() <= h.start <= m.end() + CITED_REACH), None)
        if ng is not None:
            return Speaker(text[ng.start:ng.end], "unknown", None, None, None, None, False)
        who = [x for x in free if m.end() <= x.start <= m.end() + CITED_REACH and x.type in ("person", "body")]
        return speaker_of(who[0], kb) if who else None
    if speaker is not None and speaker.government:
        return None
    # "KCNA, quoting a defence ministry spokesman, warned …", "朝中社援引…发言人的话警告称": an agency
    # (no government voice) passes on an official's words
    m = cite.search(text, s0, anchor.start)
    if m is None or _inside(m.start(), sq):
        return None
    who = [x for x in free if m.end() <= x.start <= m.end() + CITED_REACH and x.type in ("person", "body")]
    return speaker_of(who[0], kb) if who else None


def _nominal(text: str, lang: str, h: Hit) -> bool:
    """A Chinese cue made a noun by 所 ("所作承諾": the commitments made) is no speech act."""
    return lang == "zh" and h.phrase.layer == "cue" and text[max(0, h.start - 2):h.start].endswith(
        ("所", "所作", "所做"))


# German reported speech runs on in the subjunctive (Konjunktiv I): "X schrieb, … . Sollte Israel
# weitere Fehler begehen, werde die Reaktion härter ausfallen." The forms differ from the indicative
# (werde/wird, sei/ist, könne/kann), so a sentence that uses one is still the source's words.
_KONJUNKTIV = re.compile(r"(?<!\w)(?<!ich )(?:werde|sei|seien|habe|könne|müsse|wolle|solle|dürfe|gebe|stehe|"
                         r"bleibe|wisse)(?!\w)")


def _reports_on(text: str, lang: str, prev: Statement, s0: int, s1: int) -> bool:
    """Reported speech that runs on over the sentences after its verb with no quote marks: Chinese
    opened by "X說，" / "X表示：" until a new speech verb, German in the subjunctive."""
    if lang == "de":
        return prev.end <= s0 and _KONJUNKTIV.search(text, s0, s1) is not None
    if lang != "zh" or prev.cue_start > prev.start + 40:
        return False
    end = prev.cue_start + len(prev.cue_text.rstrip("，,:：")) if prev.cue_text else prev.cue_start
    return text[end:end + 1] in ("，", ",", ":", "：") and prev.end <= s0


# "We do not seek war, but we will respond": the disclaimer is the preamble of the threat after the
# "but", not a reassurance that cancels it.
_BUT = re.compile(r"(?<!\w)(?:but|aber|doch|jedoch|mais|pero|mas|porém|però|ma|но|однако|але|проте|однак|ale|lecz|"
                  r"jednak|ama|ancak|fakat|tetapi|tapi|namun|nhưng|song)(?!\w)|لكن|ولكن|غير أن|但是?|然而|しかし|だが|"
                  r"하지만|그러나|"
                  # "not a threat, it is a warning": the correction that turns it
                  r"[,;:]\s*(?:it\s+is|it['’]s|this\s+is|c['’]est|es|é|è|это|це|to\s+jest|to\s+je|es\s+ist|"
                  r"das\s+ist)\s+(?:a|un|una|um|uma|ein|eine|jen|tylko)?\s*(?:warning|avertissement|advertencia|"
                  r"aviso|avviso|avvertimento|предупреждение|попередження|ostrzeżenie|varování|Warnung)(?!\w)",
                  re.IGNORECASE)


def _disclaimed(text: str, terms: list[Hit]) -> list[Hit]:
    """Drops a reassurance or restraint that a "but" turns into the preamble of a threatened answer."""
    # (or a warning of escalation, a red line, a grave threat: "we do not want war, but any incursion would be
    # an escalation")
    answers = [t.start for t in terms if t.phrase.value in _ANSWERS or t.phrase.value in _WARNED]
    if not answers:
        return terms
    last = max(answers)
    # (and restraint shown, "we have exercised restraint, but …", "تحلينا بضبط النفس لكن …")
    return [t for t in terms if not (t.phrase.value in ("reassurance", "restraint") and t.end <= last and
                                     _BUT.search(text, t.end, last) is not None)]


# "has no (immediate) plans to retaliate", "keine Pläne für Vergeltung", "n'a pas l'intention de
# riposter", "보복할 계획이 없다": a plan or intention denied denies the act it names. Per language,
# the nouns (and verbs) of planning and intending that stand between a negation and the term.
_INTENT = {
    "en": r"plans?|intention|intent|desire|wish|interest|planning|intends?|intending",
    # not "vor" ("haben nicht vor"): "nicht vor Vergeltung zurückschrecken" is a threat
    "de": r"Pläne|Plan|Planungen|Absicht(?:en)?|Interesse|Wunsch|beabsichtig\w*",
    "fr": r"projets?|plans?|intention|volonté|désir|envisage\w*",
    "es": r"planes|plan|intención|intenciones|voluntad|interés|deseo|planea\w*",
    "pt": r"planos|plano|intenção|intenções|vontade|interesse|desejo|planeja\w*|pretende\w*",
    "it": r"piani|piano|intenzione|intenzioni|volontà|interesse|desiderio|intende\w*",
    "ru": r"план\w*|намерен\w*|желани\w*|собира\w*",
    "uk": r"план\w*|намір\w*|наміру|бажанн\w*|збира\w*",
    "pl": r"plan\w*|zamiar\w*|intencj\w*|zamierza\w*",
    "id": r"rencana|berencana|niat|berniat|bermaksud|keinginan",
    "vi": r"kế hoạch|ý định|dự định|ý muốn|có ý",
    "ar": r"خطط|خطة|نية|نوايا|رغبة|تخطط|يخطط|ينوي|تنوي",
    "zh": r"计划|計劃|打算|意图|意圖|准备|準備",
    "no": r"planer|plan|hensikt|intensjon|ønske",
    "sv": r"planer|plan|avsikt|avsikter|intention|önskan",
}
_INTENT_RE = {k: re.compile(rf"(?<!\w)(?:{v})(?!\w)") for k, v in _INTENT.items()}
# Where the negation follows: "보복할 계획이 없다", "報復計画はない", "misilleme planı olmadığını",
# "没有立即报复以色列的计划" (the negation before the term, the noun after it).
_INTENT_AFTER = {
    "ko": re.compile(r"[^.,。]{0,6}?(?:계획|의도|생각|의향|방침)[이은가도]?\s*(?:전혀\s*)?없"),
    "ja": re.compile(r"[^.,。、]{0,8}?(?:計画|意図|予定|つもり|考え)(?:は|が|も)?(?:全く|まったく)?"
                     r"(?:ない|なく|ありません)"),
    "tr": re.compile(r"\w*\s+(?:\w+\s+)?(?:plan\w*|niyet\w*)\s+(?:yok|olmadı\w*|bulunmadı\w*|bulunmuyor)"),
    "zh": re.compile(r"[^，。]{0,8}?(?:计划|計劃|打算|意图|意圖)"),
}
INTENT_REACH = 60  # characters between a negation and the term it denies through a plan


_NEW_VERB_AFTER_AND = {
    "en": re.compile(r"\band\s+(?:will|would|shall|is|are|has|have)\b", re.IGNORECASE),
    "ru": re.compile(r"(?<!\w)и\s+[а-яё]+(?<![тч]ь)(?<!ти)(?!\w)", re.IGNORECASE),
    "uk": re.compile(r"(?<!\w)(?:і|й|та)\s+[а-яєіїґ']+(?<![тч]и)(?<!ть)(?!\w)", re.IGNORECASE)}


def _not_intended(text: str, lang: str, mods: list[Hit], terms: list[Hit]) -> list[Hit]:
    """Drops the terms whose act a negated plan or intention denies."""
    pattern, after = _INTENT_RE.get(lang), _INTENT_AFTER.get(lang)
    if pattern is None and after is None:
        return terms
    negs = [h for h in mods if h.phrase.value == "negation"]
    out = []
    for t in terms:
        before = [n for n in negs if n.end <= t.start and t.start - n.end <= INTENT_REACH
                  and not _PUNCT.search(text, n.end, t.start)
                  # (a second finite verb after "and" is a clause of its own: "не допустит … и даст ответ",
                  # "will not allow … and will respond")
                  and not (lang in _NEW_VERB_AFTER_AND and _NEW_VERB_AFTER_AND[lang].search(text, n.end, t.start))]
        denied = pattern is not None and lang != "zh" and \
            any(pattern.search(text, n.end, t.start) for n in before)
        if not denied and after is not None:
            m = after.match(text, t.end, t.end + 30)
            denied = m is not None and (lang != "zh" or bool(before))
        if not denied:
            out.append(t)
    return out


FORESEEN_REACH = 150  # characters of one clause an "is expected to" governs
# verb-final languages put the expectation after what is expected ("報復する見通し", "karşılık vermesi bekleniyor")
_EXPECTED_AFTER = frozenset({"ja", "ko", "tr"})


def _foreseen(text: str, lang: str, mods: list[Hit], cues: list[Hit], terms: list[Hit],
              sq: list[tuple[int, int]]) -> list[Hit]:
    """Drops the terms of an act others expect of a state: "Moscow is expected to respond", "Se espera que
    Caracas advierta", "Ожидается, что Пекин ответит", "karşılık vermesi bekleniyor". The journalist's (or
    the observers') forecast, not the state's words: no warning was given. An expectation inside what a
    speaker said ('warned that the move is expected to escalate') is the speaker's own and stays."""
    expected = [m for m in mods if m.phrase.value == "expected" and not _inside(m.start, sq)]
    if not expected or not terms:
        return terms
    spoken = [c.start for c in cues if not _inside(c.start, sq)]
    after = lang in _EXPECTED_AFTER

    def governed(t: Hit, m: Hit) -> bool:
        if after:
            if not (0 <= m.start - t.end <= FORESEEN_REACH) or any(c > m.end for c in spoken):
                return False
            return _PUNCT.search(text, t.end, m.start) is None
        if not (0 <= t.start - m.end <= FORESEEN_REACH) or any(c < m.start for c in spoken):
            return False
        gap = text[m.end:t.start].lstrip(" ,")  # "Москва, как ожидается, ответит"
        return _PUNCT.search(gap) is None

    return [t for t in terms if not any(governed(t, m) for m in expected)]


def _continues_quote(text: str, s0: int, s1: int, qspans: list[tuple[int, int]]) -> bool:
    """A sentence with no cue that opens with a quote mark or lies inside a quote. A quote that
    opens the sentence but closes early is a quoted name or phrase the narrative goes on about
    ('"Iron Dome" can intercept …', '"Tên lửa X" là …'), not the speaker's words going on."""
    if any(a <= s0 and s1 <= b + 1 for a, b in qspans):
        return True
    opening = _OPENING.match(text, s0)
    if opening is None:
        return False
    closes = next((b for a, b in qspans if a == opening.end()), None)
    return closes is None or len(text[closes:s1].split()) <= _QUOTE_TAIL


_QUOTE_TAIL = 4  # words after a quote that opens a sentence: '"…," he said.' goes on; narrative does not


def _extend(st: Statement, text: str, layers: _Layers, si: int, s1: int, mentions: list[int]) -> None:
    negated = layers.negated(text)
    for t in layers.terms:
        if t not in negated:
            st.terms.setdefault(t.phrase.value, []).append(text[t.start:t.end])
    st.mentions.extend(mentions)
    st.end = s1


# Terms that say an act will go unanswered or unpunished: a threat only under a negation.
_UNANSWERED = re.compile(r"unanswered|unpunished|unbeantwortet|unbeachtet|ungestraft|sans réponse|impuni|"
                         r"sin respuesta|impune|sem resposta|senza risposta|impunit|без ответа|безнаказанн|"
                         r"без відповіді|безкарн|bez odpowiedzi|bezkarn|tanpa balasan|tanpa jawaban", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _unanswered(term: str) -> tuple[int, int] | None:
    """_UNANSWERED's span in a term's text: its matches depend on that text only (no look-around, no
    anchor), and a term's words recur, so each is searched once."""
    u = _UNANSWERED.search(term)
    return None if u is None else u.span()


_NEGATED_BEFORE = re.compile(r"(?<!\w)(?:no|not|never|none|nothing|kein\w{0,2}|nicht|nie|niemals|aucun\w?|ne|n['’]|"
                             r"jamais|ningún|ninguna|ninguno|nunca|nenhum\w?|não|nessun\w?|non|mai|ни|не|жоден|"
                             r"жодна|жодне|ні|żaden|żadna|żadne|tidak|tak|takkan|tiada)"
                             r"(?:[ \t]+[^\W\d]+){0,2}[ \t]+$", re.IGNORECASE)


# A negative determiner opening the subject ("Nessuna provocazione della NATO resterà senza risposta",
# "Ningún ataque contra nuestro territorio quedará sin respuesta"): the subject may be a few words long.
_NO_SUBJECT_BEFORE = re.compile(r"(?<!\w)(?:no|kein\w{0,2}|aucun\w?|ningún|ninguna|ninguno|nenhum\w?|nessun\w?|"
                                r"żaden|żadna|żadne|жоден|жодна|жодне|ни один|ни одна|ни одно|tidak ada)"
                                r"((?:[ \t]+[^\W\d][\w'’-]*){1,7})[ \t]+$", re.IGNORECASE)
# words that end the subject: a clause joined after it is not what goes unanswered
_CLAUSE_JOINS = frozenset("and but or that which who y e pero que et ou mais qui und oder aber dass "
                          "ma che и но что і але що lub ale że atau dan tetapi bahwa yang".split())


def _no_subject_before(text: str, at: int) -> bool:
    m = _NO_SUBJECT_BEFORE.search(text, max(0, at - 80), at)
    return m is not None and not any(w.lower() in _CLAUSE_JOINS for w in m.group(1).split())


# what may stand between a Japanese or Korean term and the negation of its own verb: the verb's
# stem and a particle ("하지는 ", "するもの")
_HEAD_FINAL_NEGATION = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]{0,5} ?")


def _not_of_condition(negs: list[Hit], mods: Sequence[Hit]) -> list[Hit]:
    """The negations that are no condition's own ("멈추지 않으면", "if they do not stop", "やめなければ"
    end in a conditional marker): what follows such a condition is not denied."""
    conds = [h for h in mods if h.phrase.value == "conditional"]
    if not conds:
        return negs
    return [n for n in negs if not any(n.start <= c.start <= n.end + 1 and c.end > n.end for c in conds)]


def _negated_terms(text: str, mods: list[Hit], terms: list[Hit], cover: Sequence[Hit] = ()) -> set[Hit]:
    """Terms with a negation right before them in the same clause ("no escalation", "bukan
    eskalasi"); a negation inside the term itself ("will not hesitate to respond") is part of it."""
    if not terms:
        return set()
    negations = [h for h in mods if h.phrase.value == "negation"]
    negs: list[Hit] = []
    if negations:  # (most sentences have none)
        prohibitive = {(h.start, h.end) for h in mods if h.phrase.value == "prohibitive"}
        # a negation inside a longer cue or term is part of it ("wird nicht unbeantwortet bleiben")
        inside = prohibitive | {(c.start, c.end) for c in (*cover, *terms)}
        # a negation that is itself a prohibition ("đừng", "jangan": don't) forbids, it does not deny
        negs = [h for h in negations if (h.start, h.end) not in prohibitive and not any(
            a <= h.start and h.end <= b and (a, b) != (h.start, h.end) for a, b in inside)]
        negs = _not_of_condition(negs, mods)
    out = set()
    for t in terms:
        negated = False
        for n in negs:
            if t.start <= n.start and n.end <= t.end:
                continue
            if n.end > t.start:  # a negation after the term does not negate it ...
                # ... except where the verb ends the clause and its negation follows it, right after
                # the term ("전쟁을 의미하지는 않는다", "戦争を意味するものではない")
                if n.start >= t.end and _HEAD_FINAL_NEGATION.fullmatch(text, t.end, n.start) and \
                        _CJK.match(text, t.end - 1):
                    negated = True
                    break
                continue
            gap = text[n.end:t.start]
            if len(gap) <= NEGATION_REACH and not _PUNCT.search(gap) and len(gap.split()) <= 2:
                negated = True
                break
        u = _unanswered(text[t.start:t.end])  # (the span of _UNANSWERED in the term, from its start)
        if u is not None and not any(t.start <= h.start and h.end <= t.end and not u[0] <= h.start - t.start < u[1]
                                     for h in negations):
            # "No attack will go unanswered", "Kein Angriff wird unbeantwortet bleiben", "Aucune attaque ne
            # restera sans réponse": a negation before a term of going unanswered makes the threat; without
            # one ("the question went unanswered") there is none
            negated = (_NEGATED_BEFORE.search(text, max(0, t.start - NEGATION_REACH - 8), t.start) is None
                       and not _no_subject_before(text, t.start))
        if negated:
            out.add(t)
    return out


def _negated(text: str, mods: list[Hit], cue: Hit, terms: list[Hit]) -> bool:
    """"did not warn", "tidak memperingatkan"; "no escalation", "bukan eskalasi": a negation
    right before the cue or a term, in the same clause."""
    # A negation inside the cue or term itself ("will not hesitate to respond",
    # "tidak akan tinggal diam") is part of the phrase, not a negation of it.
    inside = [cue, *terms]
    negs = _not_of_condition([h for h in mods if h.phrase.value == "negation"
                              and not any(x.start <= h.start and h.end <= x.end for x in inside)], mods)
    for n in negs:
        for a, reach in ((cue, 10), *((t, NEGATION_REACH) for t in terms)):
            if 0 <= a.start - n.end <= reach and not _PUNCT.search(text, n.end, a.start):
                return True
    return False


def _adopt(person: Speaker, country: str, kb: KnowledgeBase) -> Speaker:
    if person.kind == "body":  # a bare body ("the defence ministry"), now placed
        body = kb.body(country, person.role or "government")
        return Speaker(body.name, "body", country, body.id, person.role, None, True)
    body_kind = kb.roles.get(person.role or "")
    if body_kind:
        body = kb.body(country, body_kind)
        return Speaker(body.name, "body", country, body.id, body_kind,
                       Voice(person.name, person.entity_id or "", person.role), True)
    return Speaker(person.name, "person", country, person.entity_id, person.role, None, True)


def _merge_speakers(statements: list[Statement], kb: KnowledgeBase) -> None:
    """'Jerman memperingatkan …' then '"…" kata juru bicara Kemlu Jerman': one speaker."""
    for i, st in enumerate(statements):
        sp = st.speaker
        if sp is None or sp.kind not in ("country", "body") or sp.country is None:
            continue
        for j in (i + 1, i - 1):
            if not 0 <= j < len(statements) or abs(statements[j].sentence - st.sentence) != 1:
                continue
            other = statements[j].speaker
            if other is not None and other.kind == "person" and other.country is None and other.government \
                    and sp.kind in ("country", "body"):
                # "Ukraine warned …" then "spokesperson Olena Marchuk of the foreign ministry": hers is Ukraine's voice.
                other = _adopt(other, sp.country, kb)
                statements[j].speaker = other
            if other is None or other.country != sp.country or not other.government:
                continue
            if sp.kind == "country" and other.kind in ("body", "person"):
                st.speaker = other
                break
            if sp.kind == "body" and other.kind == "body" and other.entity_id == sp.entity_id and other.voice:
                st.speaker = other
                break


# An unnamed speaker ("he added", "katanya", "der Diplomat", "发言人") whose state is named in what
# they said as the subject of a commitment: "China will take …", "Rusia podría …", "wird China …".
# Per language: words that, right after a state's name, make it the subject of a future action or
# of readiness (the voice of that state's own official speaking of it in the third person).
_SELF_FUTURE = {
    "en": r"will|would|could|shall|won['’]t|is ready|stands ready|is prepared|reserves|"
          r"(?:firmly |strongly |resolutely )?opposes",
    "de": r"wird|werde|würde|werden|könnte|ist bereit|behält sich",
    # (with the conditional of reported speech: "a averti que la France riposterait")
    "fr": r"va|ne va|sera|prendra|répondra|ripostera|est prête?|se réserve|ne restera|pourrait|pourra|"
          r"ne permettra|ne tolérera|s['’]oppose|allait|prendrait|répondrait|riposterait|serait prête?|"
          r"ne resterait|ne permettrait|ne tolérerait",
    "es": r"va a|tomará|responderá|está dispuesta|está preparada|está lista|se reserva|no dudará|podría|podrá|"
          r"no permitirá|no tolerará|se opone|iba a|tomaría|respondería|estaría dispuesta|estaría preparada|"
          r"no dudaría|no permitiría|no toleraría",
    "pt": r"vai|irá|tomará|responderá|está pronta|está preparada|se reserva|não hesitará|poderia|poderá|"
          r"não permitirá|não tolerará|se opõe|ia|tomaria|responderia|estaria pronta|estaria preparada|"
          r"não hesitaria|não permitiria|não toleraria",
    "it": r"farà|prenderà|risponderà|è pronta|si riserva|non esiterà|potrebbe|potrà|non permetterà|"
          r"non tollererà|si oppone|avrebbe|farebbe|prenderebbe|risponderebbe|sarebbe pronta|non esiterebbe|"
          r"non permetterebbe|non tollererebbe",
    "id": r"pasti akan|akan|tidak akan|siap|bakal|dengan tegas menentang|menentang keras|menentang",
    "vi": r"sẽ|sẵn sàng|không ngần ngại|kiên quyết phản đối|phản đối",
    # (and the verbs of force whose perfective present is a future: "Иран нанесёт удар", "Polska uderzy")
    "ru": r"будет|готова|готов|примет|ответит|не оставит|оставляет за собой|может|могла бы|выступает против|"
          r"нанес[её]т|ударит|уничтожит|собь[её]т|атакует|применит",
    "uk": r"буде|готова|готовий|вживе|відповість|залишає за собою|може|виступає проти|завдасть|вдарить|знищить|"
          r"зб['’]є|атакує|застосує",
    "pl": r"będzie|jest gotowa|podejmie|odpowie|może|mogłaby|sprzeciwia się|uderzy|zniszczy|zestrzeli|zaatakuje|użyje",
    "zh": r"将|必将|必然|会|必定|一定|坚决反对|堅決反對",
    # the future prefix sa- written onto the verb ("روسيا سترد"), except verbs of undergoing ("ستدفع الثمن")
    "ar": r"(?!ستدفع|سيدفع|ستتحمل|سيتحمل|ستواجه|سيواجه|ستندم|سيندم)س[تين][\u0600-\u06ff]{2,}|سوف|لن|مستعد\w*|"
          r"تحتفظ|ترفض بشدة",
}
# (a closing or opening quote mark may stand between: 'Korut "tidak akan …"')
_SELF_AFTER = {k: re.compile(rf"\s*[\"“”«»„]?\s*(?:{v})(?!\w)", re.IGNORECASE) for k, v in _SELF_FUTURE.items()}
_SELF_AFTER["zh"] = re.compile(rf"(?:{_SELF_FUTURE['zh']})")
# Japanese and Korean put the verb last: the state as the subject of what was said is enough ("トルコ軍が…
# 作戦を行う", "튀르키예가 군사 작전에 나설 수 있다고 경고했다"), the talk of force being there already
# (in _own_force only: in _self_reference a state with が is as often the subject of a condition)
_OWN_FORCE_AFTER = {**_SELF_AFTER, "ja": re.compile(r"\s?(?:軍)?(?:が|は)"),
                    # Turkish: the state as the genitive subject of a nominalised clause ("İran'ın … vuracağı")
                    # (the suffix may be part of the name's match: "İran'ın" as one mention)
                    "tr": re.compile(r"(?:['’]n?[ıiuü]n|" + "|".join(f"(?<=['’]{x})" for x in (
                        "ın", "in", "un", "ün", "nın", "nin", "nun", "nün")) + r")(?=\s)"),
                    "ko": re.compile(r"\s?(?:군)?(?:가|이|는|은)(?![가-힣])")}
# ... or a few words on, as the second of two joined predicates ("Ukraine keeps watching the border
# and is ready to respond", "Україна продовжує … та готова реагувати")
_AND = r"and|und|et|y|e|dan|serta|và|и|та|і|й|oraz|ve|و"
# the gap between a cue and whom it is addressed to ("eine Warnung an Israel", "advertencia a Irán"), and a
# second addressee after the first ("an Israel und die USA")
_ARTICLE_AFTER = r"(?:(?:die|den|das|dem|der|the|la|le|les|el|los|las|o|os|as|il|lo|gli)\s+)?"
# (an adverb may stand between: "Advirtió también a Washington", "warnte zudem an die Adresse")
_ADDRESSED = {lang: re.compile(rf"(?:\s+(?-i:[a-zà-ÿ]{{2,12}}))?\s+(?:{words})\s+{_ARTICLE_AFTER}", re.IGNORECASE)
              for lang, words in {
    "de": "an", "en": "to", "fr": "à|au|aux", "es": "a|al|para", "it": "a|ad|al|alla|allo|ai|agli|alle",
    "pt": "ao|aos|à|às|para", "ru": "в адрес", "uk": "на адресу", "pl": "pod adresem", "id": "kepada",
    "vi": "tới|gửi tới"}.items()}
# (Hebrew marks the object itself: "הזהיר היום את ישראל", warned Israel today)
_ADDRESSED["he"] = re.compile(r"(?:\s+[\u05d0-\u05ea]{2,12}){0,2}?\s+את\s+")
# "…, – powiedział, zwracając się do rosyjskiej delegacji", "addressing the Russian delegation": whom
# the speaker turned to, in a participle after the tag
_ADDRESSING = re.compile(
    r"(?:addressing|zwracając się|обращаясь|звертаючись|обръщайки се|s['’]adressant|dirigiéndose|dirigindo-se|"
    r"rivolgendosi|an die Adresse)(?:\s+[\w-]+)?(?:\s+(?:do|к|ко|до|към|à|au|aux|a|al|ao|à|alla|al|ai|agli|alle|"
    r"to|the|den|der|die))*\s+$", re.IGNORECASE)
ADDRESSING_REACH = 48
_AND_ALSO = re.compile(rf"\s*(?:,|\s(?:{_AND}))\s+{_ARTICLE_AFTER}", re.IGNORECASE)
_SELF_JOINED = {k: re.compile(rf"(?:\s+[^\s.,;:!?]+){{1,6}}?\s+(?:{_AND})\s+(?:{v})(?!\w)", re.IGNORECASE)
                for k, v in _SELF_FUTURE.items() if k != "zh"}
# ... unless what follows makes the state the one that suffers the threat ("Israel will pay a price",
# "AS harus membayar", "Trung Quốc sẽ phải trả giá"): that is the target, not the speaker.
_PATIENT = {
    "en": r"pay|face|bear|share|regret|suffer|be held|be responsible|have to|be made",
    "de": r"zahlen|tragen|bereuen|verantwortlich|müssen|erleiden|spüren",
    "fr": r"payer|subir|assumer|regretter|devra|faire face|être tenu",
    "es": r"pagar|enfrentar|asumir|lamentar|sufrir|tendrá que|arrepentir",
    "pt": r"pagar|enfrentar|arcar|sofrer|terá de|terá que|arrepender",
    "it": r"pagare|affrontare|subire|pentir|dovrà|assumer",
    "id": r"menghadapi|membayar|menanggung|bertanggung jawab|harus|menyesal|menderita",
    "vi": r"phải|trả giá|gánh chịu|đối mặt|hối hận",
    "ru": r"заплат|понес|столкн|пожале|ответственност|придётся|придется",
    "uk": r"заплат|понес|зіткн|пошкоду|відповідальн|доведеться",
    "pl": r"zapłac|ponies|zmierzy|żałowa|odpowiedzialn|musiał",
    "zh": r"付出|承担|承擔|自食|后悔|後悔|面临|面臨",
}
# right after the future word, or one word on ("will certainly pay", "sẽ phải trả giá")
_PATIENT_RE = {k: re.compile(rf"\s*(?:\S+\s+)?(?:{v})", re.IGNORECASE) for k, v in _PATIENT.items()}


def _suffers(text: str, lang: str, cue: Hit) -> bool:
    """A threat verb whose subject undergoes it ("Taiwan would pay a heavy price", "Đài Loan sẽ phải
    trả giá"): that subject is the target, never the speaker."""
    pattern = _PATIENT_RE.get(lang)
    return pattern is not None and pattern.match(text, cue.start, cue.end) is not None
# German puts the auxiliary before the subject after an opening clause: "…, wird China Maßnahmen ergreifen".
_SELF_BEFORE = {"de": re.compile(r"(?:wird|würde|werde)\s*$")}
# Forms that only the state itself uses of itself: "中方" (the Chinese side) in a spokesperson's words.
_SELF_FORMS = frozenset({"中方", "我国政府"})
# "No one should underestimate the resolve of the Chinese people", "不要低估中国政府和中国人民…的决心":
# the state whose resolve must not be underestimated is the speaker's own. Per language, the verb; the
# first state named after it in the same sentence is that state.
_UNDERESTIMATE = {
    "en": r"underestimat\w*", "de": r"unterschätz\w*", "fr": r"sous-estim\w*", "es": r"subestim\w*",
    "pt": r"subestim\w*", "it": r"sottovalut\w*", "id": r"meremehkan|remehkan", "vi": r"đánh giá thấp",
    "ru": r"недооцени\w*|недооценива\w*", "uk": r"недооціню\w*|недооцінит\w*", "pl": r"lekceważ\w*|nie docenia\w*",
    "tr": r"hafife al\w*|küçümse\w*", "ar": r"\w{0,3}استهان\w*|\w{0,3}يستهين\w*|\w{0,3}تستهين\w*",
    "zh": r"低估", "ja": r"過小評価|見くび", "ko": r"과소평가",
}
_UNDERESTIMATE_RE = {k: re.compile(rf"(?<!\w)(?:{v})" if k not in ("zh", "ja", "ko") else v, re.IGNORECASE)
                     for k, v in _UNDERESTIMATE.items()}
RESOLVE_REACH = 200  # characters from "underestimate" to the state whose resolve it is
_SENTENCE_END = re.compile(r"[.!?。！？]")
# A sentence that opens with "I" or "we" speaking is the speaker's own words even without quote
# marks (briefing transcripts: "我要强调，…", "I want to stress …").
_FIRST_PERSON = re.compile(
    r"\s*[\"“«„「]?\s*(?:(?:I|We|Ich|Wir|Je|Nous|Yo|Nosotros|Eu|Nós|Io|Noi|Saya|Kami|Kita|Tôi|Chúng tôi|Я|Мы|Ja|My)"
    r"(?!\w)|我|私は|私たちは|われわれは|我々は|나는|저는|우리는)")
# First person plural: a quote in which the speaker says "we" speaks for a collective; the state
# their reported words then name as acting ('"… those who threaten us," he said, warning that
# Russia could …') is that collective.
_WE = {
    "en": r"we|us|our|ours", "de": r"wir|uns|unser\w*", "fr": r"nous|notre|nos",
    "es": r"nos|nosotros|nuestr[oa]s?", "pt": r"nós|nos|noss[oa]s?", "it": r"noi|ci|nostr[oaie]",
    "id": r"kami|kita", "vi": r"chúng tôi|chúng ta", "ru": r"мы|нас|нам|наш\w*", "uk": r"ми|нас|нам|наш\w*",
    "pl": r"my|nas|nam|nasz\w*", "tr": r"biz|bizi|bize|bizim", "ar": r"نحن|لدينا|لنا",
}
_WE_RE = {k: re.compile(rf"(?<!\w)(?:{v})(?!\w)", re.IGNORECASE) for k, v in _WE.items()}
# The complementiser that opens reported speech right after the verb ("he stressed that Ukraine …",
# "він підкреслив, що Україна …"): the state the clause then names as acting is the speaker's.
_THAT = {
    "en": r"that", "de": r"dass", "fr": r"que|qu['’]", "es": r"que", "pt": r"que", "it": r"che",
    "id": r"bahwa|bahwasanya", "vi": r"rằng|là", "ru": r"что", "uk": r"що", "pl": r"że", "ar": r"أن|إن|بأن",
}
# Where a language's press names its own government's officials without their country and a
# neighbour by a name that neighbour never uses for itself, a bare title or pronoun whose quoted words
# threaten that neighbour is the home government's: in Korean news "북한" (the South's name for the
# North; the North says 조선/공화국) in a spokesperson's own words makes the spokesperson the South's.
_HOME_PRESS = {"ko": ("KR", re.compile(r"북한|북측"))}
_THAT_RE = {k: re.compile(rf"[ \t,]*(?:{v})(?!\w)", re.IGNORECASE) for k, v in _THAT.items()}
_OFFICE_FREE = frozenset({"party_official"})  # titles that hold no office of state
# A state's name as subject is its own voice only in talk of force and security: "Ireland will
# not …" from a coach, "Japan would be the first market" from a firm are not.
_SECURITY_TERMS = frozenset({"escalation", "red_line", "grave_consequences", "grave_threat", "retaliation",
                             "consequences", "response", "party_to_conflict", "threat_of_force"})
_OFF_TOPIC = frozenset({"economic_context", "sports_context", "other_context"})
# Terms whose mere mention, negated or not, makes the talk one of force and security.
_SECURITY_TOPIC = frozenset({"escalation", "red_line", "grave_threat", "party_to_conflict", "threat_of_force"})
_WARNED = _SECURITY_TOPIC - {"threat_of_force"}  # (what a warning names, not the force it speaks of)
# Words that answer an act: where they are said, the state named as attacked is the speaker's.
_ANSWERS = frozenset({"retaliation", "response", "consequences", "grave_consequences"})


# "if they attack Iran, our response …", "ancaman AS terhadap DPRK", "تهديدات صاروخية جديدة لروسيا": in
# words that threaten a response, the state named as the one attacked or threatened is the speaker's
# own. Per language: the hostile act and the word that joins it to its object, right before the state.
_VICTIM = {
    "en": r"(?:attack|attacks|attacked|aggression|threat|threats|strike|strikes|invasion|provocations?|"
          r"hostile acts?|incursions?)\s+(?:on|against|to|at)(?:\s+(?:the|a|an|any))?|"
          r"(?:attack|attacks|invade|invades|strike|strikes)",
    "de": r"(?:Angriff\w*|Aggression|Bedrohung\w*|Drohung\w*|Provokation\w*|Schlag|Schläge)\s+(?:auf|gegen)"
          r"(?:\s+(?:den|die|das|dem|einen|einem|eine|ein|jeden|jedes|jede))?",
    "fr": r"(?:attaques?|agressions?|menaces?|frappes?|provocations?|invasion)\s+(?:contre|sur|envers)"
          r"(?:\s+(?:l['’]|la|le|les|une?))?|"
          r"(?:attaquer|attaque|attaquait|frapper|envahir|toucher)\s+(?:le\s+sol|le\s+territoire|l['’]|la|le|les)?",
    "es": r"(?:ataques?|agresi(?:ón|ones)|amenazas?|provocaci(?:ón|ones)|invasión)\s+(?:contra|a|sobre)"
          r"(?:\s+(?:la|el|los|una?))?",
    "pt": r"(?:ataques?|agress(?:ão|ões)|ameaças?|provocaç(?:ão|ões)|invasão)\s+(?:contra|a|ao|à|sobre)"
          r"(?:\s+(?:a|o|os|uma?))?",
    "it": r"(?:attacchi|attacco|aggressioni|aggressione|minacce|minaccia|provocazioni?|invasione)\s+"
          r"(?:contro|a|al|alla|sull[a']?)(?:\s+(?:la|il|l['’]|una?|uno|un['’]))?",
    "id": r"(?:serangan|ancaman|agresi|provokasi|invasi)\s+(?:\w+\s+){0,2}?(?:terhadap|ke|atas|kepada)|"
          r"(?:menyerang|mengancam)",
    "vi": r"(?:tấn công|đe dọa|xâm lược|khiêu khích|xâm phạm)(?:\s+(?:vào|đối với|nhằm vào))?",
    "ru": r"(?:нападени\w*|агресси\w*|угроз\w*|удар\w*|провокаци\w*|вторжени\w*)\s+(?:на|против|в отношении|для)",
    "uk": r"(?:напад\w*|агресі\w*|загроз\w*|удар\w*|провокаці\w*|вторгнен\w*)\s+(?:на|проти|щодо|для)",
    "pl": r"(?:atak\w*|agresj\w*|zagrożeni\w*|groźb\w*|prowokacj\w*|inwazj\w*)\s+(?:na|przeciwko|wobec|dla)",
    "ar": r"(?:هجوم|هجمات|اعتداء|اعتداءات|عدوان|تهديد|تهديدات|ضربة|ضربات)(?:\s+[\u0600-\u06ff]+){0,2}?"
          r"\s*(?:على|ضد|لـ?)",
    "ro": r"(?:atac\w*|agresiun\w*|amenințar\w*|amenintar\w*|provocar\w*|invazi\w*)\s+"
          r"(?:asupra|împotriva|impotriva|contra|la adresa)",
    "cs": r"(?:útok\w*|agres\w*|hrozb\w*|provokac\w*|invaz\w*)\s+(?:na|proti|vůči)",
    "bg": r"(?:нападени\w*|атак\w*|агреси\w*|заплах\w*|провокаци\w*|инвази\w*)\s+(?:срещу|на|към)",
    "sv": r"(?:angrepp\w*|anfall\w*|attack\w*|aggression\w*|hot|hotet)\s+(?:mot|på)",
    "no": r"(?:angrep\w*|anfall\w*|attack\w*|aggresjon\w*|trussel\w*)\s+(?:mot|på)",
}
# "any attack on a NATO country", "toute attaque contre un pays de l'Otan": the alliance is attacked
# through one of its members (only for an alliance, whose members the words leave unnamed)
_MEMBER_OF = re.compile(
    r"(?:(?:a|an|any|one|un|une|un\s+seul|uno|una|um|uma|ein\w*|jede\w*|o|orice|un\w*)\s+)?"
    r"(?:(?:member|allied)\s+)?(?:country|countries|member|members|ally|allies|state|states|pays|membre|alli[ée]s?|"
    r"[ÉE]tats?|país|países|miembro|aliado|estado|paese|membro|alleato|stato|Land|Länder|Mitglied\w*|"
    r"Verbündete\w*|Staat\w*|țar\w*|tar\w*|stat\w*|aliat\w*)\s+(?:of|de|du|del|della|dell['’]|da|do|"
    r"des|der|din|al|a)?\s*(?:the\s+|l['’]|la\s+|le\s+)?$", re.IGNORECASE)
_VICTIM_RE = {k: re.compile(rf"(?<!\w)(?:{v})\s*$", re.IGNORECASE) for k, v in _VICTIM.items()}
VICTIM_REACH = 50  # characters before a state where the hostile act that befalls it is named


def _victim(text: str, lang: str, m: Mention, a: int) -> bool:
    """The state of ``m`` is named as the one attacked or threatened ("aggression against X")."""
    pattern = _VICTIM_RE.get(lang)
    if pattern is None:
        return False
    lead = text[max(a, m.start - VICTIM_REACH):m.start]
    if lang == "ar" and lead.endswith("ل"):  # "لروسيا": the preposition written onto the name
        lead += " "
    if m.type == "organization" and (member := _MEMBER_OF.search(lead)) is not None:
        lead = lead[:member.start()]
    return pattern.search(lead) is not None


# A fear or worry right before a state's name ("we fear that Russia will …", "nous craignons que la
# Russie ne …", "мы опасаемся, что Россия …"): what that state will do is feared, not declared.
_FEARED = {
    "en": r"(?:fear|fears|feared|worried|worry|concerned|afraid|alarmed)(?:\s+that)?(?:\s+the)?",
    "de": r"(?:befürchten|befürchtet|fürchten|fürchtet|besorgt|Sorge|Angst)\W*(?:dass)?(?:\s+(?:die|der|das))?",
    "fr": r"(?:craign\w*|crain\w*|inquiet\w*|préoccup\w*|peur)\s*(?:que|qu['’])?(?:\s*(?:la|le|les|l['’]))?",
    "es": r"(?:tem\w*|preocupa\w*|miedo)(?:\s+(?:de\s+)?que)?(?:\s+(?:la|el|los))?",
    "pt": r"(?:tem\w*|preocupa\w*|receio|receamos|medo)(?:\s+(?:de\s+)?que)?(?:\s+(?:a|o|os))?",
    "it": r"(?:tem\w*|preoccupa\w*|paura)(?:\s+che)?(?:\s+(?:la|il|l['’]))?",
    "id": r"(?:khawatir|takut|cemas|prihatin)(?:\s+(?:bahwa|jika|kalau))?",
    "vi": r"(?:lo ngại|lo sợ|e ngại|lo lắng|sợ)(?:\s+(?:rằng|là))?",
    "ru": r"(?:опаса\w*|боим\w*|боя\w*|обеспокоен\w*|тревож\w*)\W*(?:что)?",
    "uk": r"(?:побою\w*|боїмо\w*|боїть\w*|стурбован\w*|занепокоєн\w*)\W*(?:що)?",
    "pl": r"(?:obawia\w*|boimy\w*|boi\w*|zaniepokojen\w*)\W*(?:że)?",
}
_FEARED_RE = {k: re.compile(rf"(?<!\w)(?:{v})\s*$", re.IGNORECASE) for k, v in _FEARED.items()}
FEARED_REACH = 30  # characters before a state where the fear of what it does is named


_IF_BEFORE = re.compile(r"(?<!\w)(?:if|si|se|wenn|falls|sollte|sollten|jeśli|jeżeli|если|якщо|ако|jika|apabila|nếu|"
                        r"अगर|यदि|"
                        r"eğer|إذا|لو|om|hvis|dersom|ifall|pokud|dacă)"
                        r"\s+(?:[^\W\d][\w'’-]*\s+){0,2}$", re.IGNORECASE)

# A state named as the doer inside a noun phrase ("any incursion by Russia would …", "toute attaque
# par la Russie serait …", "удар со стороны России будет …"): the subject is the act, not the state.
_AGENT_BEFORE = re.compile(r"(?<!\w)(?:by|par|durch|seitens|von seiten|por parte de|por parte d[aoe]s?|"
                           r"da parte d\w*|de la part d\w*|со стороны|з боку|ze strony|oleh)"
                           r"\s+(?:the\s+|la\s+|le\s+|les\s+|l['’]\s*|el\s+|a\s+|o\s+|la\s+)?$", re.IGNORECASE)

# ... and a state in the genitive right after a noun of a hostile act ("ein Angriff Russlands würde",
# "нападение России будет", "serangan Rusia akan", "cuộc tấn công của Nga sẽ", "un ataque de Rusia podría")
_DOER = {
    "de": r"(?:Angriff|Angriffe|Überfall|Einmarsch|Invasion|Aggression|Provokation|Provokationen|Vorstoß|"
          r"Militäraktion|Militärschlag|Schritt|Schritte|Eskalation|Einmischung|Stationierung|Vorgehen|Handeln|"
          r"Aufrüstung|Drohung|Drohungen|Offensive|Intervention)\s+(?:des|der)?\s*",
    "ru": r"(?:нападени[еяю]|агресси[яи]|вторжени[еяю]|удар|удары|провокаци[яи]|действия|шаги|шаг|эскалаци[яи]|"
          r"вмешательств[оа]|размещени[еяю]|наступлени[еяю]|интервенци[яи])\s+",
    "uk": r"(?:напад|агресія|агресії|вторгнення|удар|удари|провокація|провокації|дії|кроки|крок|ескалація|"
          r"ескалації|втручання|розміщення|наступ|інтервенція)\s+",
    "pl": r"(?:atak|ataki|agresja|agresji|inwazja|inwazji|napaść|uderzenie|prowokacja|prowokacje|działania|kroki|"
          r"eskalacja|eskalacji|interwencja|rozmieszczenie|ofensywa)\s+",
    "cs": r"(?:útok|agrese|invaze|provokace|kroky|eskalace|intervence|rozmístění|ofenziva)\s+",
    "id": r"(?:serangan|agresi|invasi|provokasi|tindakan|langkah|eskalasi|intervensi|penempatan|serbuan|ofensif)"
          r"\s+(?:militer\s+)?(?:dari\s+|oleh\s+)?",
    "vi": r"(?:tấn công|xâm lược|xâm lấn|khiêu khích|hành động|động thái|leo thang|can thiệp|triển khai|"
          r"tấn công quân sự)\s+(?:quân sự\s+)?(?:của|từ)\s+",
    "fr": r"(?:attaque|attaques|agression|invasion|offensive|provocation|provocations|intervention|frappe|frappes|"
          r"escalade)\s+(?:de la|du|des|de|d['’])\s*",
    "es": r"(?:ataque|ataques|agresión|invasión|ofensiva|provocación|provocaciones|intervención|escalada)"
          r"\s+(?:de la|del|de)\s+",
    "pt": r"(?:ataque|ataques|agressão|invasão|ofensiva|provocação|provocações|intervenção|escalada)"
          r"\s+(?:da|do|das|dos|de)\s+",
    "it": r"(?:attacco|attacchi|aggressione|invasione|offensiva|provocazione|provocazioni|intervento|escalation)"
          r"\s+(?:della|del|dello|dell['’]|di)\s*",
}
_DOER_RE = {k: re.compile(rf"(?<!\w)(?:{v})$", re.IGNORECASE) for k, v in _DOER.items()}


def _self_reference(text: str, lang: str, a: int, b: int, mentions: list[Mention],
                    qspans: Sequence[tuple[int, int]], quoted_only: bool, threat: bool = False,
                    resolve_too: bool = True) -> str | None:
    """The one state that what was said (text[a:b]) names as its own: the subject of a future
    action or readiness ("China will …"), a self-only form ("中方"), or, in words that threaten
    a response (``threat``), the state they name as attacked or threatened, and (``resolve_too``)
    the state whose resolve nobody should underestimate. None when there is none, or more than one
    (not confident)."""
    after = _SELF_AFTER.get(lang)
    before = _SELF_BEFORE.get(lang)
    found: set[str] = set()
    victims: set[str] = set()
    for m in mentions:
        if not a <= m.start < b or m.country is None or m.type not in ("country", "city"):
            continue
        if m.type == "city" and m.role != "capital":
            continue
        # 'Korut "tidak akan …"': a subject set just before the quote of its own predicate
        if quoted_only and not _inside(m.start, qspans) and not any(0 < x - m.end <= 3 for x, _ in qspans):
            continue
        if m.text in _SELF_FORMS:
            found.add(m.country)
            continue
        if _IF_BEFORE.search(text, max(a, m.start - 30), m.start):
            continue  # "está preparado para luchar si la RDC amenaza …": the condition's subject, not the speaker's
        if _AGENT_BEFORE.search(text, max(a, m.start - 24), m.start) or (
                (doer := _DOER_RE.get(lang)) is not None and doer.search(text, max(a, m.start - 40), m.start)):
            continue  # "any incursion by Russia would be …", "ein Angriff Russlands würde …": the doer (or the
            # owner) of the act warned against is the subject's attribute, not the speaker
        if threat and _victim(text, lang, m, a):
            victims.add(m.country)
            continue
        fut = after.match(text, m.end) if after is not None else None
        if fut is None and lang in _SELF_JOINED:
            fut = _SELF_JOINED[lang].match(text, m.end, b)
            if fut is not None and any(m.end < x.start < fut.end() for x in mentions if x.country is not None):
                fut = None  # another state is named between: the predicate may be its
        feared = _FEARED_RE.get(lang)
        if feared is not None and feared.search(text, max(a, m.start - FEARED_REACH), m.start):
            continue  # "we fear that Russia will escalate": the state feared, not the one speaking
        pre = before.search(text, max(a, m.start - 8), m.start) if before is not None else None
        if fut is None and pre is None:
            continue
        verb_at = fut.end() if fut is not None else m.end
        patient = _PATIENT_RE.get(lang)
        if patient is not None and patient.match(text, verb_at, b):
            return None  # a state made to undergo something: whose voice this is stays open
        found.add(m.country)
    resolve = _UNDERESTIMATE_RE.get(lang) if resolve_too else None
    for r in resolve.finditer(text, a, b) if resolve is not None else ():
        own = next((m for m in mentions if r.end() <= m.start <= r.end() + RESOLVE_REACH and m.start < b
                    and m.country is not None and (m.type == "country" or m.role == "capital")
                    and not (quoted_only and not _inside(m.start, qspans))), None)
        if own is not None and own.country is not None and not _SENTENCE_END.search(text, r.end(), own.start):
            found.add(own.country)
    found |= victims
    return found.pop() if len(found) == 1 else None


_NEXT_WORD = re.compile(r"[ \t,]*(\w+)")
_PREV_TOKEN = re.compile(r"(\S+)\s+$")
_OWNER = re.compile(r"[A-Z][\w.&-]*['’]s\s+(?:[a-z-]+\s+){0,2}$")  # "IBM's senior vice president"


def _bare_title(text: str, h: Hit) -> bool:
    """A title that stands alone ("the Foreign Minister said", "der Diplomat", "发言人"), not one
    that a name follows ("President Bush") or a company or body owns ("IBM's vice president")."""
    nxt = _NEXT_WORD.match(text, h.end)
    if nxt is not None and nxt.group(1)[:1].isupper() and not text[h.end:nxt.start(1)].strip(" \t"):
        return False
    if _OWNER.search(text, max(0, h.start - 40), h.start):
        return False
    prev = _PREV_TOKEN.search(text, max(0, h.start - 30), h.start)
    # (a comma closes what came before: "Беседуя с президентом Франции, глава государства заявил")
    return prev is None or prev.group(1)[-1] in ".!?," or \
        not (prev.group(1)[:1].isupper() and prev.group(1).lower() not in _NOT_NAMES)


def _antecedent_near(text: str, sents: Sequence[Span], st: Statement, mentions: Sequence[Mention],
                     sentence_hits: dict[int, list[Hit]], qspans: Sequence[tuple[int, int]]) -> bool:
    """A person, or a noun for a non-government voice ("analyst"), named outside quotes in the
    two sentences before a pronoun's verb or in its own sentence before it: the pronoun's antecedent."""
    first = max(0, st.sentence - 2)
    lo, hi = sents[first].start, st.cue_start
    if any(lo <= m.start < hi and m.type == "person" and not _inside(m.start, qspans) for m in mentions):
        return True
    # "The former chief of the Bundeswehr, X, spoke …. He warned …": somebody out of office was named
    if any(not _inside(f.start(), qspans) for f in _FORMER.finditer(text, lo, hi)):
        return True
    return any(h.phrase.layer == "nongov" and lo <= h.start < hi and not _inside(h.start, qspans)
               for si in range(first, st.sentence + 1) for h in sentence_hits.get(si, ()))


def _stateless_official(st: Statement, article: CleanArticle, mentions: list[Mention],
                        qspans: Sequence[tuple[int, int]], kb: KnowledgeBase) -> None:
    """A titled official the knowledge base does not know and no country qualifies ("Defence
    Minister Jan Kowalczyk said: 'Poland will respond …'"): their state is the one their words
    name as their own, as for a bare title."""
    sp = st.speaker
    if sp is None or sp.kind != "person" or sp.country is not None or not sp.government or not sp.role \
            or sp.role in _OFFICE_FREE:
        return
    classes = {*st.terms, *st.context}
    if not classes & _SECURITY_TERMS or classes & _OFF_TOPIC:
        return
    country = _self_reference(article.text, st.language, st.start, st.end, mentions, qspans, quoted_only=False,
                              threat=bool(classes & _ANSWERS))
    if country is None:
        country = kb.confrontations.agency_state(article.text, st.start, st.end)
    if country is None and not _defended_only(article.text, st, mentions):
        country = kb.confrontations.infer(_named_states([st], st.start, st.end, mentions), st.language)
    if country is not None:
        st.speaker = _adopt(sp, country, kb)


def _defended_only(text: str, st: Statement, mentions: list[Mention]) -> bool:
    """Every state or alliance the words name is the one they say is attacked ("any attack on a NATO
    country would be a grave escalation"): the words defend it, so its rival is not who speaks."""
    named = [m for m in mentions if st.start <= m.start < st.end and m.country is not None
             and (m.type in ("country", "organization", "body") or m.role == "capital")]
    return bool(named) and all(_victim(text, st.language, m, st.start) for m in named)


# What owns a title that follows it ("the spokesman for the rebels", "le porte-parole du groupe"):
# a title so owned and placed in no state is somebody else's.
_TITLE_OWNER = re.compile(r"\s+(?:for|of|at|de|du|des|del|della|dello|degli|do|da|dos|das|der|von|für|van)(?!\w)",
                          re.IGNORECASE)
_HARSH = frozenset({"retaliation", "grave_consequences", "red_line", "escalation", "party_to_conflict"})
# What an unplaced voice says must answer an act or draw a line: "the conflict could escalate further"
# from a bare "he" is as often an analyst's.
_UNPLACED_TERMS = frozenset({*_ANSWERS, "red_line"})



def _first_named(mentions: Sequence[Mention], sentence_hits: dict[int, list[Hit]],
                 qspans: Sequence[tuple[int, int]], end: int) -> int:
    """Where the text first names somebody outside quotes (a person or a non-government voice)."""
    people = (m.start for m in mentions if m.type == "person" and not _inside(m.start, qspans))
    voices = (h.start for hits in sentence_hits.values() for h in hits
              if h.phrase.layer == "nongov" and not _inside(h.start, qspans))
    return min((*people, *voices), default=end)


def _named_states(run: Sequence[Statement], a: int, b: int, mentions: Sequence[Mention]) -> set[str]:
    """The states and alliances what was said (text[a:b]) names, not counting a place in the tag
    after a quote ('"Our red line is clear," he said in France')."""
    tags = [(s.cue_start, s.end) for s in run if s.quote_end is not None and s.quote_end <= s.cue_start]
    return {m.country for m in mentions if a <= m.start < b and m.country is not None
            and (m.type in ("country", "organization", "body") or m.role == "capital") and not _inside(m.start, tags)}


def _unplaced(text: str, sents: Sequence[Span], a: int, b: int, role: Hit | None, run: Sequence[Statement],
              classes: set[str], mentions: Sequence[Mention], sentence_hits: dict[int, list[Hit]],
              qspans: Sequence[tuple[int, int]], first_named: Callable[[], int]) -> bool:
    """A bare title, or a pronoun whose own verb warns or threatens, that speaks for a state the text
    never names as its own: an official nonetheless, when nobody (no person, no non-government
    voice) is named before it outside quotes (``first_named``), and what was said names another
    state or alliance."""
    if first_named() < max(s.cue_start for s in run):
        return False  # (so only the start of a text gets this far: the scans below stay short)
    if role is not None and classes & _UNPLACED_TERMS and classes & _SECURITY_TERMS and (
            (role.phrase.layer == "bare_body" and role.phrase.value in FOREIGN_FACING_BODIES)
            or (role.phrase.layer == "role" and role.phrase.value in FOREIGN_FACING_ROLES)):
        # "The defence ministry warned that any incursion into its airspace would be met with a military
        # response": a foreign or defence ministry threatening an answer speaks abroad, state named or not
        return _TITLE_OWNER.match(text, role.end) is None
    # (not a place in the tag after a quote: '"Our red line is clear," he said in France')
    if not _named_states(run, a, b, mentions):
        return False
    if role is not None:
        return _TITLE_OWNER.match(text, role.end) is None
    return bool(classes & _UNPLACED_TERMS) and _pronoun_warns(text, sents, run, sentence_hits, qspans)


# Korean and Japanese put the verb last: a sentence that opens with "he" has him as the subject of
# the warning verb after however long a quote ('그는 "…"이라며 "…"이라고 경고했다').
_HEAD_FINAL_PRONOUN = re.compile(r"\s*(?:그는|그녀는|그도|彼は|彼女は|同氏は)")


def _pronoun_warns(text: str, sents: Sequence[Span], run: Sequence[Statement],
                   sentence_hits: dict[int, list[Hit]], qspans: Sequence[tuple[int, int]]) -> bool:
    """A warning or threat verb outside quotes whose subject is a pronoun or unexpressed
    ("ia memperingatkan", '그는 "…"라고 경고했다')."""
    for s in run:
        s0 = sents[s.sentence].start
        sq = [(x, y) for x, y in qspans if x < sents[s.sentence].end and y > s0]
        we = _WE_RE.get(s.language)
        # "said" too where the quoted words speak for a collective in talk of force ('"… our red lines
        # …," he said'), not of a match ('"we will respond to Brazil on the pitch"')
        # … or where the quoted words themselves threaten retaliation ('"… the US will pay a price,"
        # he added'; not a mere "we will respond")
        said = (*s.terms, *s.context)
        collective = we is not None and any(we.search(text, x, y) for x, y in sq) and \
            not _SECURITY_TOPIC.isdisjoint(said)
        threat = not _HARSH.isdisjoint(said) and any(
            h.phrase.layer == "cue" and h.phrase.value == "threaten" and _inside(h.start, sq)
            for h in sentence_hits.get(s.sentence, ()))
        verbs = ("warn", "threaten", "say") if collective or threat else ("warn", "threaten")
        if not set(verbs) & {s.cue, *s.cues}:
            continue
        for h in sentence_hits.get(s.sentence, ()):
            if h.phrase.layer == "cue" and h.phrase.value in verbs and not _inside(h.start, sq) \
                    and (_pronoun_subject(text, s0, h, sq) or _HEAD_FINAL_PRONOUN.match(text, s0) is not None):
                return True
    return False


def _unnamed_speakers(statements: list[Statement], article: CleanArticle, mentions: list[Mention],
                      sentence_hits: dict[int, list[Hit]], qspans: Sequence[tuple[int, int]],
                      kb: KnowledgeBase, bare_of: dict[int, Hit]) -> None:
    """A speaker that is a pronoun or a bare title with no antecedent in the text ("he added",
    "katanya", "the Foreign Minister said", "der Diplomat"): the office follows from the title,
    the state from how the speech refers to itself. A pronoun holds no office of its own: it
    speaks for a state only when its own quoted words name that state as acting."""
    i = 0
    # where the text first names somebody: computed once, where first needed
    first_named = functools.cache(lambda: _first_named(mentions, sentence_hits, qspans, len(article.text)))
    by_sentence: dict[int, list[Statement]] = {}  # (the statements a sentence before or after: no scan of all)
    for x in statements:
        by_sentence.setdefault(x.sentence, []).append(x)
    while i < len(statements):
        st = statements[i]
        if st.speaker is not None:
            near = [x.speaker for k in (st.sentence - 1, st.sentence, st.sentence + 1)
                    for x in by_sentence.get(k, ()) if x is not st]
            if not any(x is not None and x.kind == "country" and x.country for x in near):
                # (a state speaking a sentence before or after is theirs: _merge_speakers)
                _stateless_official(st, article, mentions, qspans, kb)
            i += 1
            continue
        # The run of speakerless statements that follow one another: one voice.
        j = i
        while j + 1 < len(statements) and statements[j + 1].speaker is None and \
                statements[j + 1].sentence - statements[j].sentence <= 2:
            j += 1
        run = statements[i:j + 1]
        classes = {c for s in run for c in (*s.terms, *s.context)}
        if not classes & _SECURITY_TERMS or classes & _OFF_TOPIC:
            i = j + 1
            continue
        text, sents = article.text, article.sentences
        a, b = run[0].start, max(s.end for s in run)
        # '"China pasti akan …, katanya': a sentence that opens with a quote mark is quoted up to
        # its attribution even where the closing mark is missing or mismatched.
        said = [*qspans, *((s.start, run[-1].cue_start) for s in run if _OPENING.match(text, s.start)),
                *((s.start, s.end) for s in run if _FIRST_PERSON.match(text, s.start))]
        role = next((bare_of[k] for k in range(i, j + 1) if k in bare_of), None)
        if role is not None and role.phrase.value == "ministry":
            role = None  # "the ministry" with no ministry named before: no office of its own
        for s in run if role is None else ():
            sq = [(x, y) for x, y in qspans if x < s.end and y > s.start]
            titles = [h for h in sentence_hits.get(s.sentence, ()) if h.phrase.layer == "role"
                      and not _inside(h.start, sq) and _bare_title(text, h)]
            if titles:
                role = min(titles, key=lambda h: (h.start, h.start - h.end))  # ("Ministr obrany", not "Ministr")
                break
        if role is not None:
            if role.phrase.value in _OFFICE_FREE or _INTL_OWNER.search(text, max(0, role.start - 16), role.start) \
                    or _FORMER_BEFORE.search(text, max(0, role.start - FORMER_REACH), role.start):
                # ("A former defence minister warned …": out of office)
                i = j + 1  # ("国連のスーダン担当特使", "유엔 특사": a title of the UN or an alliance, no state's)
                continue
            # A title's words often go on in the next sentence ("发言人强调 …。任何 … 中方 …").
            last = run[-1].sentence + 1
            after = next((s for s in statements[j + 1:j + 2] if s.sentence == last), None)
            # not into the words of somebody else named there ("…. Russia will respond, Lavrov said")
            own = after is None or after.speaker is None or after.speaker.kind == "country"
            end = sents[last].end if last < len(sents) and own else b
            country = _self_reference(text, st.language, a, max(b, end), mentions, said, quoted_only=False,
                                      threat=bool(classes & _ANSWERS))
            if country is None:  # "KCNA quoted a defence ministry spokesman": the agency's state
                country = kb.confrontations.agency_state(text, sents[run[0].sentence].start,
                                                         sents[run[-1].sentence].end)
        elif _antecedent_near(text, sents, run[0], mentions, sentence_hits, qspans):
            # "Analyst X spoke to reporters. '…,' he said": the pronoun has its person, who is no official
            i = j + 1
            continue
        else:
            last = run[-1].sentence + 1
            if _FIRST_PERSON.match(text, sents[run[-1].sentence].start) and last < len(sents) and \
                    not any(s.sentence == last for s in statements[j + 1:j + 2]):
                # "我要强调，…。任何国家都不要低估…": the words in the first person go on in the next sentence
                said.append((sents[last].start, sents[last].end))
                b = sents[last].end
            threat = bool(classes & _ANSWERS)
            country = _self_reference(text, st.language, a, b, mentions, said, quoted_only=True, threat=threat)
            we = _WE_RE.get(st.language)
            if country is None and we is not None and any(
                    we.search(text, x, y) for x, y in qspans if a <= x < b):
                country = _self_reference(text, st.language, a, b, mentions, said, quoted_only=False, threat=threat)
            that = _THAT_RE.get(st.language)
            if country is None and that is not None and not any(a <= x < b for x, _ in qspans):
                # reported speech with no quote: "He stressed that Ukraine … is ready to respond", an
                # assertion's clause, not a warning's ("he warned that Germany will send troops" is as
                # often about that state); "nobody should underestimate Germany's resolve" stays a
                # journalist's paraphrase
                clause = next((m for h in sentence_hits.get(st.sentence, ()) if h.phrase.layer == "cue"
                               and h.phrase.value != "warn" and (m := that.match(text, h.end)) is not None), None)
                if clause is not None:
                    country = _self_reference(text, st.language, clause.end(), b, mentions, said,
                                              quoted_only=False, threat=threat, resolve_too=False)
        home = _HOME_PRESS.get(st.language)
        if country is None and home is not None and classes & _ANSWERS and any(
                home[1].search(text, x, y) for x, y in said if a <= x < b):
            country = home[0]
        # (a title, or a pronoun that threatens, with nobody named before and no state of its own: an
        # official of a state the text does not say; its alerts carry the country as unknown)
        if country is not None or _unplaced(text, sents, a, b, role, run, classes, mentions, sentence_hits,
                                            qspans, first_named):
            name = text[role.start:role.end] if role is not None else "(unnamed speaker)"
            person = Speaker(name, "body" if role is not None and role.phrase.layer == "bare_body" else "person",
                             None, None, role.phrase.value if role else None, None, True)
            if country is None:
                # the one state that confronts those the words name, if one stands out
                country = kb.confrontations.infer(_named_states(run, a, b, mentions), st.language)
            speaker = _adopt(person, country, kb) if country is not None else person
            for s in run:
                s.speaker = speaker
        i = j + 1
