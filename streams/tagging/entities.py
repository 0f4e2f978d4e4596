"""Entity mentions from matcher hits: plain aliases, bodies by pattern, people by role.

Composition works on spans: a body pattern "Kementerian Luar Negeri {c}" is a
prefix hit followed by a country mention; "Germany's foreign ministry" is a
country mention followed by a suffix hit. A role title followed (perhaps through
a country or body) by a capitalised name gives a person the knowledge base does
not know yet.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import unicodedata
from bisect import bisect_left, bisect_right

from streams.models import Mention
from streams.tagging.kb import Entity, KnowledgeBase
from streams.tagging.matcher import Hit, longest_first

SPOKESPERSON_BY_BODY = {
    "foreign_ministry": "foreign_ministry_spokesperson",
    "defence_ministry": "defence_ministry_spokesperson",
    "presidency": "presidential_spokesperson",
    "government": "government_spokesperson",
    "national_security_council": "nsc_spokesperson",
    "military": "defence_ministry_spokesperson",
}
# "Germany's foreign ministry", "US-Außenministerium", "北朝鮮の国防相"
_JOIN = re.compile(r"(?:\s|['’]s\b|,|،|-|の|의(?=\s))*")
# Words that may stand between a title and what qualifies it: "Sprecherin des Auswärtigen
# Amts", "spokesperson of the State Department", "portavoz del Gobierno", "người phát ngôn của".
_LINK = re.compile(r"(?:\s|,|،|['’]s\b|\b(?:of|the|des|der|de|del|la|l'|du|von|của|di|dari|in|to|at|à|en|bei|beim|"
                   r"tại|untuk|при|в|во|у|у|لدى|في|w|we|przy|a|em|no|na|da|do|das|dos|della|dello|dei|degli|delle|dell'|"
                   r"des|dem|den)\b)*", re.IGNORECASE)
# A word of a name: at most 40 characters, a longer word is none (the match stops there, so a text
# with no spaces, Chinese or Japanese, is not read to its end at every title: that was quadratic).
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.-]{0,39}(?![\w'’.-])")
_PARTICLES = {"de", "da", "van", "von", "der", "den", "bin", "al", "el", "la", "le", "del", "dos", "di", "ibn"}
MAX_NAME_TOKENS = 4


def joined(text: str, a: int, b: int, commas: bool = False) -> bool:
    """True when only whitespace (and a possessive or, if allowed, a comma) separates a and b."""
    if b < a or b - a > 4:
        return False
    gap = text[a:b]
    if not commas and "," in gap:
        return False
    return _JOIN.fullmatch(gap) is not None


def linked(text: str, a: int, b: int) -> bool:
    """Like joined, but also through a linking word ("of the", "des", "del", "của")."""
    return b >= a and b - a <= 12 and _LINK.fullmatch(text, a, b) is not None


# "ロシア外務省のペトロワ報道官": a name in katakana between the body (with の) and the title after it
_KO_NAME_GAP = re.compile(r"\s+(?:[\uac00-\ud7af]{1,6}\s+){1,3}")
_KANA_NAME = re.compile(r"の[\u30a0-\u30ff・]{1,12}")
_KANA_SPAN = 13  # the longest text _KANA_NAME matches
_OWNER_FIRST = frozenset({"tr", "ja", "ko"})
_JA_OWNER = re.compile(r"の[\u30a0-\u30ff・]{0,12}")  # "の" and perhaps a name in katakana
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_OF_STATE = re.compile(r"\s+of\s+(?:the\s+)?")  # a state named after a titled name
_SUBJECT_COMMA = frozenset({"tr"})  # languages whose subject a comma closes: no apposed name after a title
_STATIONED = ("驻", "駐")  # "stationed in": the host country of an envoy follows


def _mention(ent: Entity, start: int, end: int, text: str, via: str = "kb", role: str | None = None) -> Mention:
    return Mention(ent.id, ent.type, ent.name, start, end, text[start:end], ent.country, role or ent.role,
                   ent.qid, via)


# A military rank between a title and the name: "army chief Gen. Pana …", "military spokesman Lt. Gen. X",
# "navy chief Adm. Y" (English wire style; the rank is part of no name)
_RANK = re.compile(r"(?:(?:Lt|Lieut|Maj|Brig|Gen|Adm|Col|Capt|Cmdr|Cdr|Sgt|Rear|Vice|Air|Field|Lieutenant|Major|"
                   r"Brigadier|General|Admiral|Colonel|Captain|Commander|Marshal)\.?(?:-| +))+")


def _name_at(text: str, pos: int) -> int:
    """Where the name after a title starts: past the joining marks and a military rank."""
    m = _JOIN.match(text, pos)
    pos = m.end() if m else pos
    r = _RANK.match(text, pos)
    return r.end() if r is not None and r.end() < len(text) and text[r.end()].isupper() else pos


def _unknown_name(text: str, pos: int) -> tuple[int, int] | None:
    """A capitalised personal name starting at pos (2 to 4 words), or None."""
    pos = _name_at(text, pos)
    start = pos
    end = -1
    count = 0
    while count < MAX_NAME_TOKENS:
        tok = _NAME_TOKEN.match(text, pos)
        if tok is None:
            break
        word = tok.group().rstrip(".")
        if word.lower() in _PARTICLES and count:
            nxt = pos + len(tok.group())
            pos = nxt + 1 if text[nxt : nxt + 1] == " " else nxt
            continue
        if not word[:1].isupper() or (word.isupper() and len(word) > 1):
            break
        end = pos + len(word)
        count += 1
        if text[end : end + 1] != " ":
            break
        pos = end + 1
    if count < 2:
        return None
    return start, end


def find_mentions(text: str, hits: list[Hit], kb: KnowledgeBase) -> list[Mention]:
    ents = kb.entities
    # The hits of each layer used here, in one pass (in the hits' order, which breaks ties below).
    names: list[Hit] = []
    roles: list[Hit] = []
    cues: list[Hit] = []
    parts: list[Hit] = []
    nongov: list[Hit] = []
    # one dict lookup per hit rather than a chain of comparisons (~100 hits an article, terms and
    # modality words falling through them all)
    bucket_of = {"entity": names, "short": names, "ambiguous": names, "nongov": nongov, "role": roles,
                 "cue": cues, "body_part": parts}
    for h in hits:
        bucket = bucket_of.get(h.phrase.layer)
        if bucket is not None:
            bucket.append(h)
    named = longest_first(names)
    full = {h.phrase.value for h in named if h.phrase.layer == "entity"}
    # Where a body or role phrase ends, an ambiguous country form is meant ("Bộ Ngoại giao Pháp");
    # once so confirmed, its other uses inside a sentence count too ("của Anh và Pháp").
    lead_ends = {h.end for h in roles} | {h.end for h in parts if h.phrase.value[1] == "prefix"}
    for h in named:
        if h.phrase.layer == "ambiguous" and any(joined(text, e, h.start) for e in lead_ends
                                                 if h.start - 4 <= e <= h.start):
            full.add(h.phrase.value)
    # A bare surname also counts where it is plainly a speaker or an office holder:
    # next to a cue ("Peskov said", "kata Retno") or after a title ("President Trump").
    cue_edges = {h.start for h in cues} | {h.end for h in cues}
    # (and after "the government of": "el gobierno de Petro", "die Regierung von Scholz")
    role_ends = {h.end for h in roles} | {h.end for h in parts if h.phrase.value[1] == "prefix"}
    # (a known surname alone is no hit here: "Jordan Miller" is not Matthew Miller)
    hit_starts = {h.start for h in hits if h.phrase.layer != "short"}
    hit_ends = {h.end for h in hits}
    plain: list[Mention] = []
    for hit in named:
        eid = hit.phrase.value
        ent = ents.get(eid)
        if ent is None:
            continue
        layer = hit.phrase.layer
        if layer == "short" and eid not in full and (not _introduced(text, hit, cue_edges, role_ends)
                                                     or _other_given_name(text, hit, ent.name, hit_ends)):
            continue
        if ent.type == "person" and _HANGUL.match(text, hit.start) and hit.start and _HANGUL.match(text, hit.start - 1):
            continue  # Korean separates words by spaces: "북한 국방상" holds no "한 국방상" (Han Min-koo)
        if layer == "ambiguous" and ((not _ambiguous_ok(text, hit.start, eid in full, hit.end) and not any(
                joined(text, e, hit.start) for e in lead_ends if hit.start - 4 <= e <= hit.start))
                # (right after the title it qualifies it is the state: "il ministro degli Esteri albanese")
                or any(n.start <= hit.start and hit.end <= n.end for n in nongov)):
            # (nor inside a noun of its own: "Nhật báo" is a daily paper, not Japan's)
            continue
        # (a city only where its name is marked ambiguous: "Sofia Rossi"; "Ankara Büyükelçisi" is a title)
        if (ent.type == "country" or (ent.type == "city" and layer == "ambiguous")) and \
                _given_name(text, hit, hit_starts, lead_ends):
            continue
        if ent.type == "body" and any(n.start == hit.start and n.end == hit.end and n.phrase.lang != hit.phrase.lang
                                      for n in nongov):
            continue  # Swedish "MSB" (civil protection) is not Turkey's "MSB": the article's language says so
        plain.append(_mention(ent, hit.start, hit.end, text,
                              role="capital" if ent.id in kb.capitals
                              else "region" if ent.id.startswith("region:") else None))

    starts = [m.start for m in plain]

    def mention_at(pos: int, types: tuple[str, ...]) -> Mention | None:
        i = bisect_left(starts, pos)
        while i < len(plain) and plain[i].start <= pos + 4:
            m = plain[i]
            if m.type in types and joined(text, pos, m.start):
                return m
            i += 1
        return None

    def mention_before(pos: int, types: tuple[str, ...]) -> Mention | None:
        i = bisect_left(starts, pos) - 1
        while i >= 0 and plain[i].end >= pos - 4:
            m = plain[i]
            if m.type in types and joined(text, m.end, pos):
                return m
            i -= 1
        return None

    def _capital_at(pos: int) -> Mention | None:
        m = mention_at(pos, ("city",))
        return m if m is not None and m.role == "capital" else None

    # Bodies by pattern (and titles that hold their country inside).
    bodies: list[Mention] = []
    titled: list[Mention] = []
    suffixes: dict[tuple[int, int], Hit] = {}
    for h in parts:
        idx, side = h.phrase.value
        if side == "suffix":
            suffixes[(idx, h.start)] = h
    places = ("country",)
    for h in parts:
        idx, side = h.phrase.value
        pattern = kb.body_patterns[idx]
        if side == "prefix":
            # "Regierung in Kinshasa", "gouvernement de Téhéran": a capital after the body stands for its state
            place = mention_at(h.end, places) or _capital_at(h.end)
            if place is None or place.country is None:
                continue
            end = place.end
            if pattern.suffix:
                suffix = next((suffixes[(idx, p)] for p in range(end, end + 5) if (idx, p) in suffixes), None)
                if suffix is None or not joined(text, end, suffix.start):
                    continue
                end = suffix.end
            start = h.start
        elif pattern.prefix is None:
            place = mention_before(h.start, places)
            if place is None or place.country is None:
                continue
            start, end = place.start, h.end
        else:
            continue
        assert place is not None and place.country is not None
        if pattern.role is not None:  # "vice-ministre russe des Affaires étrangères": a titled person
            cc = place.country
            ent = Entity(f"r:{cc.lower()}:{pattern.role}", "person", text[start:end], cc, None, pattern.role, True)
            titled.append(_mention(ent, start, end, text, via="role", role=pattern.role))
            continue
        body = kb.body(place.country, pattern.kind)
        bodies.append(_mention(body, start, end, text, via="pattern"))
    bodies = _outermost(bodies)
    # A name inside a body found by pattern is part of it: "俄罗斯外交部发言人" is not also China's
    # "外交部发言人", "중국 외교부" not also Korea's "외교부" (they would turn up as targets).
    if bodies:
        # ... and so is one that starts inside it: "俄罗斯外交部发言人" holds no "外交部发言人" of China's either
        # (bodies are sorted and do not overlap: only the last one starting at or before m can hold it)
        body_starts = [b.start for b in bodies]
        plain = [m for m in plain if not (m.type == "body" and any(
            (b.start <= m.start and m.end <= b.end and (b.end - b.start) > (m.end - m.start))
            or b.start < m.start < b.end < m.end for b in bodies[max(0, bisect_right(body_starts, m.start) - 1):][:1]))]
        starts = [m.start for m in plain]  # mention_before indexes `plain` by these

    # People by role: "<role> [<country|body>] [,] <Name>".
    everything = sorted(plain + bodies, key=lambda m: (m.start, -m.end))
    all_starts = [m.start for m in everything]
    people: list[Mention] = []
    by_start = {m.start: m for m in plain if m.type == "person"}
    kept: list[Mention] = []
    absorbed: set[int] = set()
    titles = [(t.start, t.end) for t in _outermost(titled)]
    # everything[:before(p)] is every mention starting before p, everything[from_(p):upto(q)] every one
    # starting in [p, q]: slices in everything's own order, so the scans below find what a scan of
    # the whole list found, first match included
    def before(pos: int) -> int:
        return bisect_left(all_starts, pos)

    # No mention is longer than `longest`: one that reaches p starts at p - longest or later, so each
    # scan below looks at the mentions starting from there (a scan of all of them per title was
    # quadratic: 5,000 titles in an article took seconds), in the same order, finding the same first.
    longest = max((m.end - m.start for m in everything), default=0)

    def overlapping(a: int, b: int) -> list[Mention]:
        """The mentions that may overlap [a, b): those starting before b and not before a - longest."""
        return everything[before(a - longest):before(b)]

    body_ends = [b.end for b in bodies]  # (sorted: bodies do not overlap)
    title_starts = [a for a, _ in titles]

    for t in _outermost(titled):
        known = by_start.get(_name_at(text, t.end))
        if known is None:
            span = _unknown_name(text, t.end)
            if span is not None and not any(x.start < span[1] and span[0] < x.end for x in plain):
                # "… des Affaires étrangères Ivan Petrovitch": somebody the knowledge base does not know
                t = _unknown_official(text, span, t.country, t.role or "", t.start)
            kept.append(t)
            continue
        # "vice-ministre russe des Affaires étrangères Sergueï Riabkov": one mention, of the named person
        # (dropped from `plain` at the end: its positions index the lookups below)
        absorbed.add(id(known))
        kept.append(dataclasses.replace(known, start=t.start, text=text[t.start:known.end], role=known.role or t.role))
    titled = kept
    for hit in longest_first(roles):
        # (titles do not overlap: only the last one starting at or before the hit can hold it)
        if any(a <= hit.start and hit.end <= b
               for a, b in titles[max(0, bisect_right(title_starts, hit.start) - 1):][:1]):
            continue  # "ministre" inside "vice-ministre russe des Affaires étrangères"
        role: str = hit.phrase.value
        pos = hit.end
        # A title may carry its body: "Sprecherin des Auswärtigen Amts".
        inner = [m for m in everything[before(hit.start):bisect_right(all_starts, hit.end)]
                 if hit.start <= m.start and m.end <= hit.end and m.country]
        country: str | None = inner[-1].country if inner else None
        body_kind: str | None = next((m.role for m in inner if m.type == "body"), None)
        if country is not None and inner and hit.phrase.lang == "ja":
            # "ロシアのザハロワ外務省報道官": a body named alone (外務省, Japan's) is the owner's named before it
            owner = next((x for x in reversed(overlapping(hit.start - _KANA_SPAN, hit.start)) if x.type == "country"
                          and x.end < hit.start and _JA_OWNER.fullmatch(text, x.end, hit.start)), None)
            if owner is not None and owner.country:
                country = owner.country
        ahead = None
        if country is None:  # "Russian Foreign Minister X", "Rusya Dışişleri Bakanı X": the country first;
            # "北朝鮮外務省の報道官", "중국 외교부 대변인": the body first, perhaps sharing a word with the title.
            # What qualifies a title from before, nothing after it qualifies again ("İran Dışişleri
            # Bakanlığı Sözcüsü, İsrail'in …": Israel is what the spokesperson speaks of).
            ahead = mention_before(hit.start, ("country", "body")) or next(
                (x for x in overlapping(hit.start, hit.start) if hit.start < x.end and x.type in ("country", "body")),
                None) \
                or next((b for b in bodies[bisect_left(body_ends, hit.start - 4):bisect_right(body_ends, hit.start)]
                         if joined(text, b.end, hit.start)), None) \
                or next((x for x in overlapping(hit.start - _KANA_SPAN, hit.start)
                         if hit.start - _KANA_SPAN <= x.end < hit.start
                         and x.type in ("country", "body") and _KANA_NAME.fullmatch(text, x.end, hit.start)), None)
            # (the last two: "X foreign ministry's spokeswoman", "ロシア外務省のペトロワ報道官")
            if ahead is not None and text[max(0, ahead.start - 1):ahead.start] in _STATIONED:
                # "中国驻美国大使": the country after 驻 hosts the envoy; the one before sends him
                ahead = mention_before(ahead.start - 1, ("country",))
            if ahead is None and hit.phrase.lang == "ko":
                # "인도 라즈나트 싱 국방장관은", "수단군 나빌 압둘라 대변인은": the country (or its body), a name
                # the knowledge base lacks, then the title
                ahead = next((x for x in reversed(everything[:before(hit.start)]) if x.type in ("country", "body")
                              and hit.start - x.end <= 24
                              and _KO_NAME_GAP.fullmatch(text, x.end, hit.start)), None)
            if ahead is not None and ahead.country is not None:
                country = ahead.country
                if ahead.type == "body":
                    body_kind = ahead.role
        # (Turkish, Japanese, Korean put what qualifies a title before it: a country after the title
        # opens what was said, "Dışişleri Bakanlığı sözcüsü ABD'nin … devam etmesi halinde")
        for _ in range(0 if (country is not None and ahead is not None) or hit.phrase.lang in _OWNER_FIRST else 2):
            # up to two qualifiers: "juru bicara Kementerian Luar Negeri Jerman"
            i = bisect_left(all_starts, pos)
            nxt = None
            while i < len(everything) and everything[i].start <= pos + 12:
                cand = everything[i]
                if cand.type in ("country", "body") and linked(text, pos, cand.start):
                    nxt = cand if nxt is None or cand.end > nxt.end else nxt
                i += 1
            if nxt is None:
                break
            if pos > hit.end and nxt.country and country is not None and nxt.country != country:
                break  # "حذر وزير الخارجية الجزائري حكومة النيجر": a second state is the verb's object
            # "посол России в США", "Đại sứ Nga tại Nhật Bản": an envoy's first country sends him
            if not (role.endswith("ambassador") and country is not None):
                country = nxt.country or country
            if nxt.type == "body":
                body_kind = nxt.role
            pos = nxt.end
        if role == "spokesperson":
            role = SPOKESPERSON_BY_BODY.get(body_kind or "", "spokesperson")
        known = by_start.get(_name_at(text, pos))
        if known is not None:
            if known.role is None or role.endswith("spokesperson"):
                known.role = role
            continue
        span = _unknown_name(text, pos)
        if span is not None and hit.phrase.lang in _SUBJECT_COMMA and "," in text[pos:span[0]]:
            span = None  # Turkish sets its subject off with a comma: "Başbakan, Ulusal Güvenlik Komitesinin …"
        if span is None:
            if country is not None and not any(x.start < hit.end and hit.start < x.end and x.type == "person"
                                               for x in overlapping(hit.start, hit.end)):
                # "the deputy foreign minister of Russia said", "وقال نائب وزير خارجية روسيا": the office speaks
                ent = Entity(f"r:{country.lower()}:{role}", "person", text[hit.start:pos], country, None, role, True)
                people.append(_mention(ent, hit.start, pos, text, via="role", role=role))
            continue
        if any(x.start < span[1] and span[0] < x.end for x in overlapping(*span)):
            continue
        if country is None and (of := _OF_STATE.match(text, span[1])) is not None:
            # "Defence Minister Tolga Berkanov of Kazakhstan": the state after the name places the title
            place = mention_at(of.end(), ("country",))
            if place is not None:
                country = place.country
        official = _unknown_official(text, span, country, role)
        if country is None and any(hit.start - 3 <= n.end <= hit.start and joined(text, n.end, hit.start)
                                   for n in nongov):
            # "Houthi military spokesman Yahya Saree", "Hamas spokesman X": a group's title, no state's
            official = dataclasses.replace(official, role=None)
        people.append(official)

    if absorbed:
        plain = [m for m in plain if id(m) not in absorbed]
    return sorted(plain + bodies + titled + people, key=lambda m: (m.start, -m.end))


# A state's name that is also a given name, before a surname nobody knows: "said Jordan Miller, a
# professor", "a estimé Maurice Dupont", "avaliou Maurício Santoro". A capitalised word, then lower case
# or punctuation (not Title Case: "Russia Moves Troops To …").
_SURNAME_AFTER = re.compile(r" ([A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ][a-zß-öø-ÿа-яёіїєґ'’-]+)"
                            r"(?=\s*[,.;:()]|\s+[^\W\d_A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ])")


def _given_name(text: str, hit: Hit, hit_starts: set[int], lead_ends: set[int]) -> bool:
    """A country's form is a person's given name ("Jordan Miller"): capitalised, before an unknown
    capitalised word, and not after a title or body it would qualify ("Menteri Pertahanan Filipina
    Gilberto Teodoro": the official's state, before his name)."""
    if not text[hit.start:hit.start + 1].isupper() or text[hit.start:hit.end].isupper():
        return False
    m = _SURNAME_AFTER.match(text, hit.end)
    if m is None or m.start(1) in hit_starts:
        return False
    return not any(linked(text, e, hit.start) for e in lead_ends if hit.start - 12 <= e <= hit.start)


def _unknown_official(text: str, span: tuple[int, int], country: str | None, role: str,
                      start: int | None = None) -> Mention:
    """A titled person the knowledge base does not know ("Außenminister X", "… des Affaires
    étrangères Ivan Petrovitch"); the mention starts at ``start`` when the title is part of it."""
    s, e = span
    ent = Entity(f"p:{(country or 'xx').lower()}:{'-'.join(text[s:e].lower().split())}", "person", text[s:e], country,
                 None, role, True)
    return _mention(ent, s if start is None else start, e, text, via="role_cue", role=role)


# A given name before a known surname, in Latin script: "Chikondi Phiri" is not Chrispin Phiri. Spellings
# of one given name across languages stay alike once these letters are read alike ("Jewgenij", "Yevgeny").
_GIVEN_BEFORE = re.compile(r"([A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+) $")
_SPELLING = str.maketrans({"w": "v", "j": "y", "i": "y", "k": "c", "q": "c", "z": "s", "x": "s"})
_NOT_GIVEN = frozenset({"mr", "mrs", "ms", "dr", "prof", "sir", "herr", "frau", "monsieur", "madame", "señor", "señora",
                        "senhor", "senhora", "signor", "signora", "pan", "pani", "pak", "bu", "general", "colonel",
                        "admiral", "captain", "major", "commander", "marshal", "brigadier", "lieutenant", "president",
                        "minister", "ambassador", "spokesman", "spokeswoman", "secretary", "premier", "chancellor"})


# capitalised in running text: "On Tuesday Lavrov said", "Am Montag sagte Wadephul", "Pada Senin Retno …"
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar "
    "märz juni juli oktober dezember senin selasa rabu kamis jumat sabtu minggu januari februari maret mei juni juli "
    "agustus oktober desember".split())
# words that open a sentence before a surname ("But Albanese said", "Auch Scholz warnte", "Pero Petro dijo")
_OPENERS = frozenset(
    "but and yet so then now still also meanwhile however earlier later today yesterday tonight on in at when while "
    "after before as if though although because since thus instead indeed here there this that these those "
    "prime foreign defence defense "
    "aber auch doch dann nun heute gestern zudem außerdem jedoch denn und da hier dort laut nach "
    "mais et puis alors ainsi or donc aujourd'hui hier selon pour cependant "
    "pero luego entonces así hoy ayer según sin también "
    "mas então hoje ontem segundo também "
    "ma poi allora così oggi ieri secondo anche "
    "dar iar apoi astăzi ieri potrivit "
    "namun tetapi dan lalu kemudian menurut "
    "ale i a także dziś wczoraj według "
    "men och så idag igår enligt "
    "men og så i dag i går ifølge "
    "de és ma tegnap szerint".split())


def _plain_letters(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)).translate(_SPELLING)


def _other_given_name(text: str, hit: Hit, name: str, hit_ends: set[int]) -> bool:
    """A bare known surname right after a capitalised word that is no title, rank or honorific, nor
    a given name like the known person's own: another person of that surname ("Malawi's defence
    minister, Chikondi Phiri" is not South Africa's Chrispin Phiri). Latin script only; a word
    opening its sentence may be any word ("But Phiri said")."""
    start = hit.start
    if start < 2 or start - 1 in hit_ends:
        return False
    m = _GIVEN_BEFORE.search(text, max(0, start - 42), start)
    if m is None or m.start(1) in hit_ends:
        return False
    word = m.group(1)
    folded = word.casefold()
    head = text[max(0, m.start(1) - 2):m.start(1)]
    if (m.start(1) == 0 or head.endswith((". ", "\n", "! ", "? ", "» ", "” ", '" ', ": "))) and folded in _OPENERS:
        return False  # "But Phiri said", "Gestern sagte …"; a given name may open a sentence too
    if folded in _NOT_GIVEN or folded in _CALENDAR or folded in _PARTICLES or _RANK.fullmatch(word + " "):
        return False
    own = name.split()[0] if " " in name else ""
    if not own:
        return False
    a, b = _plain_letters(word), _plain_letters(own)
    return difflib.SequenceMatcher(None, a, b).ratio() < 0.6


def _introduced(text: str, hit: Hit, cue_edges: set[int], role_ends: set[int]) -> bool:
    """A surname with a cue within a space or a comma of it, a title just before it, or opening
    a sentence as its subject ("Putin, NATO'nun …", "Lavrov fue explícito")."""
    head = text[max(0, hit.start - 3):hit.start]
    if hit.start == 0 or head.endswith(("\n", ". ", "» ", "” ", "\" ")):
        return True
    near = range(hit.end, hit.end + 3)
    if any(p in cue_edges for p in near) or any(p in cue_edges for p in range(hit.start - 2, hit.start + 1)):
        return True
    # a reflexive between the verb and its inverted subject: "äußerte sich Wadephul", "vyjádřil se Lipavský"
    if any(e in cue_edges and _REFLEXIVE_GAP.fullmatch(text, e, hit.start) for e in range(hit.start - 8, hit.start)):
        return True
    return any(joined(text, e, hit.start) for e in role_ends if hit.start - 4 <= e <= hit.start)


_REFLEXIVE_GAP = re.compile(r"\s+(?:sich|se|si|sig|się)\s+")


# Honorifics before a given name: "ông Đức" is Mr Duc, not Germany.
_HONORIFICS = {"ông", "bà", "anh", "chị", "cô", "chú", "bác", "em", "mr", "mrs", "ms", "herr", "frau", "m",
               "mme", "sr", "sra", "pak", "bu", "господин", "госпожа"}
_PREV_WORD = re.compile(r"(\w+)\W*$")


# Scripts without capitals cannot tell a name from a word: there an ambiguous form ("مالي" Mali or
# "financial", "माली" Mali or "gardener") is the country only next to a word that takes a place,
# before it in Arabic ("في مالي", "حكومة مالي"), after it in Hindi ("माली में", "माली के राष्ट्रपति").
_PLACE_WORD_BEFORE = re.compile(
    r"(?:^|[\s\u200f\u200e(«\"])(?:في|من|إلى|الى|مع|على|عن|ضد|بين|حكومة|دولة|جمهورية|رئيس|جيش|شمال|جنوب|وسط|"
    r"شرق|غرب|عاصمة|سفير|سفارة|وزير|خارجية|دفاع|حدود)\s+$")
_PLACE_WORD_AFTER = re.compile(r"\s+(?:में|के|की|का|ने|से|को|पर|सरकार|सेना)(?!\w)")
_ARABIC_ARTICLE = re.compile(r"(?:ال|لل)$")


def _caseless_ok(text: str, pos: int, end: int, confirmed: bool) -> bool | None:
    """_ambiguous_ok in Arabic and Devanagari; None in a script with capitals."""
    ch = text[pos]
    if "\u0600" <= ch <= "\u06ff":
        if _ARABIC_ARTICLE.search(text, max(0, pos - 2), pos):
            return False  # "المالي": the adjective, "financial" (or "Malian", which needs no target)
        return confirmed or _PLACE_WORD_BEFORE.search(text, max(0, pos - 12), pos) is not None
    if "\u0900" <= ch <= "\u097f":
        return confirmed or _PLACE_WORD_AFTER.match(text, end) is not None
    return None


def _ambiguous_ok(text: str, pos: int, confirmed: bool, end: int | None = None) -> bool:
    """An ambiguous form ("Anh", "Đức", "Того") is the country inside a sentence after a
    lower-case word ("của Anh", "в Того"), or anywhere once the article confirmed it; never
    when it opens a sentence ("Anh cho biết", "Того же мнения") or follows a capitalised
    word or an honorific (a name: "Tuấn Anh", "ông Đức")."""
    if end is not None:
        caseless = _caseless_ok(text, pos, end, confirmed)
        if caseless is not None:
            return caseless
    before = text[max(0, pos - 40):pos]
    stripped = before.rstrip()
    if not stripped or stripped[-1] in ".!?\"“”«»\n:":
        return False
    m = _PREV_WORD.search(stripped)
    if m is None:
        return confirmed
    word = m.group(1)
    if word.lower() in _HONORIFICS or word[:1].isupper():
        return False
    return True


def _outermost(mentions: list[Mention]) -> list[Mention]:
    mentions.sort(key=lambda m: (m.start, -m.end))
    out: list[Mention] = []
    for m in mentions:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out
