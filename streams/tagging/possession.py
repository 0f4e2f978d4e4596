"""Whose red line, whose response: terms that belong to somebody other than the speaker.

"Russia's red lines", "the red line of the Kremlin", "lằn ranh đỏ của Nga", "红线" after "中方":
a red line, a response or a retaliation has an owner. When a speaker names one owned by another
state ("the Ukrainian minister said the West's response matters", "Washington dismissed
Moscow's red lines"), the speaker reports or answers it; they are not drawing it or threatening
it. Such terms are not the speaker's words for the rules. A term owned by the speaker's own
state ("Iran's response will be harsher" from Tehran) or by "us" ("our red lines") stays.

Only the owning form counts: a state named right before the term (a possessive, an adjective,
a bare genitive, 的/の/의), or after it with the language's genitive word ("of", "của", "de").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from streams.models import Mention
from streams.tagging.matcher import Hit

# term classes that have an owner; "escalation" has none that matters (calling Russia's moves an
# escalation is the warning itself), "consequences" of X are what X brings about, not X's own
OWNED = frozenset({"red_line", "response", "retaliation"})
OWNER_TYPES = frozenset({"country", "city", "person", "body", "organization"})

# The genitive word after a term, per language; where the language marks the genitive on the
# name itself (Russian, German, Polish …) only a name right after the term counts ("линии России").
_OF = {
    "en": r"of(?:\s+the)?",
    "fr": r"d['’]|de\s+la|de\s+l['’]|du|des|de",
    "es": r"del|de\s+la|de\s+los|de\s+las|de",
    "pt": r"da|do|das|dos|de",
    "it": r"della|dello|dell['’]|del|dei|degli|delle|di",
    "vi": r"của",
    "id": r"dari|milik",
    "ms": r"dari|milik",
}
# (in languages that put adjectives after the noun, up to two may stand between: "phản ứng đồng nhất
# của phương Tây", "la réponse unie de l'Occident")
_OF_RE = {k: re.compile(rf"[\s\"“”«»„']*(?:[^\W\d]+[\s\"“”«»„']+){{0,{2 if k != 'en' else 0}}}(?:{v})(?!\w)"
                        rf"[\s\"“”«»„']*", re.IGNORECASE) for k, v in _OF.items()}
# Languages that put the owner after the noun (a name or an adjective), and those that mark a
# genitive on the name after the noun ("Linien Russlands", "линии России")
NOUN_FIRST = frozenset({"vi", "id", "ms", "fr", "es", "pt", "it", "ro", "ar", "he"})
GENITIVE_AFTER = frozenset({"de", "ru", "uk", "pl", "cs", "bg", "sv", "no", "hu"})
# Between an owner named first and its term: a possessive, nothing, or an attributive particle.
_GAP_BEFORE = re.compile(r"(?:['’]s?|s)?[\s\"“”«»„]{0,3}(?:的|の|의)?[\s\"“”«»„]{0,2}$")
# A name governed by a preposition is no subject: "werde auf die Stationierung von Raketen in Deutschland
# militärisch antworten" is Moscow's answer, not Germany's (a possessive still owns: "against Russia's response").
# (nor the doer in a passive phrase: "auf jede Verletzung seines Luftraums durch Belarus entschlossen reagieren")
_PLACE_BEFORE = re.compile(r"(?<!\w)(?:in|im|at|from|to|against|nach|aus|gegen|auf|an|bei|über|into|в|во|на|из|против|"
                           r"w|we|z|ze|do|przeciwko|у|із|до|проти|durch|by|przez)\s+$", re.IGNORECASE)
# "Pakistan's threat of retaliation", "Moscow's warnings of a response": the state threatens it
_THREAT_OF = re.compile(r"(?:['’]s?)?\s+(?:threats?|warnings?|vows?|promises?)\s+of\s+(?:an?\s+|the\s+)?$",
                        re.IGNORECASE)
# (and who pays or faces something is its subject too: "make Pyongyang pay a price")
_VERB_FIRST = ("pay ", "will pay", "would pay", "face ", "cross", "越", "踩", "触", "觸", "挑", "突", "碰", "逾",
               "一線", "선을", "레드라인을")
# Owners that are no state of the knowledge base and never the speaker's own: the West, the
# international community, the allies, "you" (after the genitive word, or before the term)
_OTHERS = re.compile(r"(?:phương Tây|các nước phương Tây|cộng đồng quốc tế|bạn|các bạn|ngài|các đồng minh|đồng minh|"
                     r"allies|alliés|aliados|alleati|sekutu|Verbündeten|союзников|союзників|sojuszników|"
                     r"West|Western countries|international community|you|"
                     r"l['’]Occident|Occident|Occidente|communauté internationale|comunidad internacional|"
                     r"comunidade internacional|comunità internazionale|vous|"
                     r"Barat|negara-negara Barat|komunitas internasional|masyarakat internasional|Anda|kalian|"
                     r"Запада|международного сообщества|Заходу|міжнародної спільноти|Zachodu|"
                     r"Westens|internationalen Gemeinschaft)(?!\w)", re.IGNORECASE)
_OTHERS_BEFORE = re.compile(r"(?<!\w)(?:Western|your|westliche\w*|occidental\w*|западн\w*|західн\w*|zachodni\w*|"
                            r"西方的?|你们的?|西側の?|서방의?)[\s\"“”«»„]{0,2}$", re.IGNORECASE)


def foreign_owned(text: str, lang: str, terms: Sequence[Hit], mentions: Sequence[Mention],
                  speaker_country: str | None, verbs: Sequence[Hit] = ()) -> set[Hit]:
    """The terms of an owned class (red line, response, retaliation) whose owner is named and is
    not the speaker's state: another state, an alliance, "the West", "you". ``verbs``: the
    sentence's threat and warning verbs, whose object is no owner."""
    if speaker_country is None:
        return set()
    out: set[Hit] = set()
    for t in terms:
        if t.phrase.value not in OWNED:
            continue
        owner = _owner(text, lang, t, mentions, verbs)
        if owner is not None and owner != speaker_country:
            out.add(t)
    return out


# A reflexive verb ("se vingar dos EUA", "se venger de", "vengarse de", "vendicarsi di"): what follows
# its "de" is whom it is done to, not an owner.
_REFLEXIVE = re.compile(r"^(?:se|s['’]|si)\s|\S(?:-se|rse|rsi)$", re.IGNORECASE)


# Between two states listed as one object: "Polsce i Litwie", "Seoul and Tokyo"
_LISTED = re.compile(r"\s*(?:,|\bi\b|\bи\b|\bі\b|\bта\b|\bund\b|\band\b|\boraz\b)\s*$", re.IGNORECASE)


# Slavic languages put a genitive owner after the noun ("ответ России"). Swedish and Norwegian write
# the genitive onto the name ("Rysslands svar"); Hungarian marks the possessed noun ("Irán válasza"): a
# bare name before a term is its subject there ("Teherán súlyos árat fog fizetni", "försvara Essequibo
# med alla medel"), not its owner.
_GENITIVE_S = frozenset({"sv", "no", "da"})


_SLAVIC = frozenset({"ru", "uk", "pl", "cs", "bg"})


def _genitive_form(lang: str, text: str, m: Mention, t: Hit) -> bool:
    if lang == "hu":
        return False
    if lang in _SLAVIC:
        # the owner before a noun is an adjective, lower case ("российский ответ", "rosyjska odpowiedź"); a
        # name there is an object ("сделает Германию законной целью", "uczyni Finlandię legalnym celem")
        return text[m.start:m.start + 1].islower()
    if lang in _GENITIVE_S or lang == "de":
        # (German too: "Russlands Antwort", "Moskaus rote Linie"; a bare name before the term is its object,
        # "man werde Moskau eine Lektion erteilen")
        return text[m.start:m.end].endswith("s") or text[m.end:t.start].startswith(("s", "'", "’"))
    return True


def _addressed(text: str, m: Mention, mentions: Sequence[Mention], verbs: Sequence[Hit]) -> bool:
    """``m`` is the object of a threat or warning verb right before it ("пригрозила Південній
    Кореї «нищівною відповіддю»", "zagroził Polsce i Litwie odpowiedzią"): the one threatened,
    not the owner of the response that follows."""
    start = m.start
    for _ in range(4):
        if any(v.phrase.value in ("threaten", "warn") and 0 <= start - v.end <= 2 for v in verbs):
            return True
        prev = next((x for x in mentions if x.end <= start and _LISTED.fullmatch(text, x.end, start)), None)
        if prev is None:
            return False
        start = prev.start
    return False


def _owner(text: str, lang: str, t: Hit, mentions: Sequence[Mention], verbs: Sequence[Hit] = ()) -> str | None:
    """The country (alpha-2, or an alliance id) that owns the term, "" for an owner that is no
    state the knowledge base knows ("the West", "you"), None when no owner is named."""
    if lang in NOUN_FIRST and _REFLEXIVE.search(text[t.start:t.end]) is not None:
        return None
    # a state named before a verb form ("if the US crosses a red line", "美国越过红线") is its subject
    if lang not in NOUN_FIRST and not text[t.start:t.end].lower().startswith(_VERB_FIRST):
        for m in mentions:
            if m.type in OWNER_TYPES and m.country and m.end <= t.start and t.start - m.end <= 28 and \
                    _THREAT_OF.fullmatch(text, m.end, t.start) is not None:
                return m.country
            if m.type in OWNER_TYPES and m.country and m.end <= t.start and t.start - m.end <= 6 and \
                    _GAP_BEFORE.match(text[m.end:t.start]) is not None and _genitive_form(lang, text, m, t) and \
                    (text[m.end:t.start].strip(" \"“”«»„") != "" or m.type in ("country", "city")) and \
                    not _addressed(text, m, mentions, verbs) and \
                    not (text[m.end:t.start].isspace() and _PLACE_BEFORE.search(text, max(0, m.start - 12), m.start)):
                return m.country
        if _OTHERS_BEFORE.search(text, max(0, t.start - 24), t.start) is not None:
            return ""  # "the Western response", "your red lines"
    of = _OF_RE.get(lang)
    gap = of.match(text, t.end) if of is not None else None
    if gap is not None:
        at = gap.end()
    elif lang in NOUN_FIRST or lang in GENITIVE_AFTER:  # "garis merah Rusia", "линии России", "lignes rouges russes"
        at = t.end + len(text[t.end:t.end + 3]) - len(text[t.end:t.end + 3].lstrip(" \"“”«»„'"))
    else:
        return None
    for m in mentions:
        if m.start == at and m.type in OWNER_TYPES and m.country:
            if lang in GENITIVE_AFTER and text[m.start:m.start + 1].islower():
                # "bude sestřelovat ruské drony", "vil skyte ned russiske droner": an adjective after the
                # term opens its object (a genitive owner there is a name: "линии России", "Antwort Russlands")
                continue
            return m.country
    if gap is not None and _OTHERS.match(text, at) is not None:
        return ""  # "phản ứng của phương Tây", "the response of the international community"
    return None
