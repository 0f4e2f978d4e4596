"""Paragraphs and sentences as ``models.Span`` offsets into the clean text.

Paragraphs are the text's lines. Sentences never cross a paragraph. Inside a paragraph a
sentence may end after ``.``, ``!``, ``?`` (Arabic ``؟`` too), ``…`` (or runs like ``?!`` and ``...``)
followed by a space; closing quotes and brackets right after the mark belong to the
sentence that ends (``... melawan Ukraina."``). Whether a candidate is a real end:

- the next word (after opening quotes/brackets) starts with a lower-case letter: no
  (``"Kami menolak." kata juru bicara`` stays one sentence);
- after ``.`` the word before the dot is looked up in :data:`ABBREVIATIONS`:
  ``NON_FINAL`` (Mr., Dr., z. B., bzw., т. е., TP.) never ends a sentence; ``AMBIGUOUS``
  (U.S., Jr., Inc., г., v. Chr.) ends one only when the next word is a frequent sentence
  opener (:data:`STARTERS`: "The", "Ia", "Die", "В" ...); ``FINAL`` (etc., usw., т. д.)
  ends one before a capital like any other word;
- a single capital letter (initials: S. Jaishankar, J. R. R. Tolkien) and dotted
  acronyms (N.Y.) are treated as ``AMBIGUOUS``; "AS." or "USA." are ordinary words;
- a number: "25. Oktober" (a day before a month name) and, in German, "3. Platz" (a
  number of up to three digits, unless a sentence opener follows) are ordinals; a
  number opening a paragraph or a sentence ("1. ...") is a list marker;
- decimals (3.5), URLs and "U.S.-led" have no space after the dot, so are never
  candidates.

A full stop inside a quotation that closes later in the same paragraph does not end the
sentence (``"Kami menolak. Ini tidak adil," kata dia.`` is one sentence, so the quote
stays with its speaker), unless the quotation is longer than :data:`MAX_QUOTE`.

The tables are per language (the detected language's table wins, then all the others):
add abbreviations there.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable

from streams.models import Span

NON_FINAL = 0  # never ends a sentence: a title or a word that needs a complement
AMBIGUOUS = 1  # ends a sentence only before a frequent sentence opener
FINAL = 2  # may end a sentence like any word

_N, _A, _F = NON_FINAL, AMBIGUOUS, FINAL

# Abbreviations, written without their final dot; inner dots stay, spaces go ("z. B." -> "z.B").
ABBREVIATIONS: dict[str, dict[str, int]] = {
    "en": {
        **dict.fromkeys(
            "Mr Mrs Ms Messrs Dr Prof Gen Lt Col Maj Capt Cmdr Adm Sgt Cpl Pvt Gov Sen Rep Rev Hon Pres "
            "Supt Insp St Mt Ft No Nos vs v e.g i.e cf approx Fig fig Vol vol pp Ch ch Sec Dept Gov "
            "Jan Feb Mar Apr Aug Sep Sept Oct Nov Dec".split(),
            _N,
        ),
        **dict.fromkeys(
            "Jr Sr Inc Ltd Co Corp Bros U.S U.K U.N E.U U.S.A a.m p.m Ph.D D.C L.A N.Y Ave Blvd Rd".split(),
            _A,
        ),
        "etc": _F,
    },
    "id": {
        **dict.fromkeys(
            "dr Dr drg Prof prof Ir Drs Dra H Hj KH Tn Ny Nn Sdr Sdri Bpk Yth Jl Jln No Kab Kec Kel Prov "
            "Kol Letkol Jend Kapt Kompol Hlm hlm tgl Rp a.n u.p s.d".split(),
            _N,
        ),
        **dict.fromkeys("S.H S.E M.H M.Si S.Pd S.Sos S.Kom S.T M.Sc Tbk".split(), _A),
        **dict.fromkeys("dll dsb dst".split(), _F),
    },
    "vi": {
        **dict.fromkeys("TP Tp TS PGS GS ThS Th.S BS KS NXB Q P TT".split(), _N),
        **dict.fromkeys("TP.HCM Tp.HCM".split(), _A),
    },
    "de": {
        **dict.fromkeys(
            "z.B d.h u.a v.a u.U i.d.R z.T bzw ca vgl ggf evtl sog inkl zzgl Nr Dr Prof Hr Hrn Fr St "
            "Abs Art Bd Hrsg geb gest Dipl Ing Mio Mrd Tsd Tel Jan Feb Febr Aug Sept Okt Nov Dez".split(),
            _N,
        ),
        **dict.fromkeys("Str Jh v.Chr n.Chr Min Std".split(), _A),
        **dict.fromkeys("usw u.s.w etc o.ä u.Ä".split(), _F),
    },
    "fr": {
        **dict.fromkeys(
            "M MM Mme Mmes Mlle Mlles Me Dr Pr St Ste av bd boul p.ex cf env art chap vol p "
            "janv févr avr juil sept oct nov déc".split(),
            _N,
        ),
        "etc": _F,
    },
    "es": {
        **dict.fromkeys(
            "Sr Sra Srta Sres Dr Dra Lic Ing Arq Ud Uds Vd Vds D Dña p.ej aprox núm pág av avda Av art "
            "Excmo Excma Ilmo Sto Sta ene feb abr ago sept oct nov dic".split(),
            _N,
        ),
        **dict.fromkeys("EE.UU S.A".split(), _A),
        "etc": _F,
    },
    "ru": {
        **dict.fromkeys(
            "т.е т.к т.н т.ч в.т.ч им ул просп пер д кв стр см рис проф акад доц ген ст ч п "
            "янв февр сент окт нояб дек".split(),
            _N,
        ),
        **dict.fromkeys("г гг н.э обл тыс млн млрд руб долл".split(), _A),
        **dict.fromkeys("т.д т.п др".split(), _F),
    },
    # Polish and Ukrainian ranks and titles before a name ("gen. Ahmed Sharif Chaudhry", "kpt. Ibrahim Traoré")
    "pl": {
        **dict.fromkeys("gen płk ppłk mjr kpt por ppor adm kmdr wiceadm kontradm marsz dr prof hab inż mgr ks "
                        "św ul al pl tzw np m.in ok ds ws".split(), _N),
        **dict.fromkeys("r tys mln mld zł".split(), _A),
        **dict.fromkeys("itd itp".split(), _F),
    },
    "uk": {
        **dict.fromkeys("ген полк підполк майор кап проф акад доц вул просп т.зв т.ч".split(), _N),
        **dict.fromkeys("м р рр тис млн млрд грн".split(), _A),
        **dict.fromkeys("т.д т.п ін".split(), _F),
    },
}

# Frequent sentence openers, all languages together (they hardly collide).
STARTERS = frozenset(
    (
        # en
        "The A An He She It They We I You This That These Those There But And In On At For As If When "
        "While After Before His Her Its Their Our My Some Many No Yet So Meanwhile However Also Last Earlier "
        "Later Now Then "
        # id
        "Ia Dia Mereka Kami Kita Saya Ini Itu Namun Tetapi Sementara Dalam Pada Di Ke Dari Untuk Dengan "
        "Selain Sebelumnya Kemudian Menurut Hal Para Sebuah Seorang Adapun Sedangkan Selanjutnya "
        # vi
        "Ông Bà Theo Trong Tại Khi Nhưng Và Các Những Một Đây Điều Sau Trước Họ Chúng Tôi Đó "
        # de
        "Der Die Das Ein Eine Er Sie Es Wir Ich Man Im Am Auf Mit Nach Bei Doch Aber Und Auch Dies Diese "
        "Dieser Dabei Zudem Wie Als Wenn Damit Dort Seit Für Von Zum Zur Vor Laut Nun Zuvor "
        # fr
        "Le La Les Un Une Il Elle Ils Elles Nous On Je Ce Cette Ces Mais Et En Dans Pour Selon Depuis "
        "Après Avant Par Sur Lors "
        # es
        "El Los Las Una Él Ella Ellos Este Esta Esto Pero Y Con Para Por Según Desde Tras Al Del Se Lo "
        # ru
        "В На По Он Она Они Оно Мы Я Это Этот Эта Но И А Как При С К У После До За Из Также Однако Кроме "
        "Так Там Тогда"
    ).split()
)

MONTHS = frozenset(
    "Januar Jänner Februar März April Mai Juni Juli August September Oktober November Dezember "
    "Jan Feb Febr Mrz Apr Jun Jul Aug Sep Sept Okt Nov Dez".split()
)


def _merge(tables: list[dict[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for table in tables:
        for key, cls in table.items():
            old = merged.get(key)
            merged[key] = cls if old is None or old == cls else AMBIGUOUS
    return merged


_ALL = _merge(list(ABBREVIATIONS.values()))
_BY_LANGUAGE = {lang: {**_ALL, **table} for lang, table in ABBREVIATIONS.items()}

_OPENERS = "\"'“‘«„‚‹([{¿¡—–-"
_CLOSERS = "\"'”’»“›)]}"
# "." (or "..."), then more marks, then closers, then a space: literal first char => fast scan
# (the mark comes first in the pattern and the look-behind after it, which checks the character
# before the mark: a pattern that opens with a look-behind is tried at every position, 10x slower).
# Linear on any input: a candidate starts only at the first mark of a run (the look-behind),
# so a run of n marks with no space after it is scanned once, not n times, and the
# possessive quantifiers never give back (nothing after a run of marks is a mark).
# "।" (danda) is the full stop of Hindi and other Devanagari writing.
_DOT = re.compile(r"\.(?<![.!?…।]\.)[.!?…।]*+[\"'”’»“›)\]}]*+ ")
_OTHER = re.compile(r"[!?…।؟](?<![.!?…।؟][!?…।؟])[.!?…।؟]*+[\"'”’»“›)\]}]*+ ")
_WORD = re.compile(r"[^\W\d_]+")
_QUOTE = re.compile('["«»“”„]')
_QUOTE_MARKS = '"«»“”„'  # (the same marks as _QUOTE)
MAX_QUOTE = 600  # a longer "quotation" is more likely a stray quote mark: split inside it


def _quotations(text: str, marks: list[int]) -> tuple[list[int], list[int]]:
    """Merged ``(starts, ends)`` of the double-quoted stretches among ``marks``.

    ``marks`` are the positions of the quote marks of one paragraph. ``"…"``, ``«…»``,
    ``“…”`` and ``„…“`` (``„…”``) are paired left to right; a quote mark left open, or a
    pair more than :data:`MAX_QUOTE` characters apart, is ignored.
    """
    pairs: list[tuple[int, int]] = []
    straight = guillemet = curly = low = -1
    for pos in marks:
        q = text[pos]
        if q == '"':
            if straight < 0:
                straight = pos
            else:
                pairs.append((straight, pos))
                straight = -1
        elif q == "«":
            guillemet = pos
        elif q == "»":
            if guillemet >= 0:
                pairs.append((guillemet, pos))
                guillemet = -1
        elif q == "„":
            low = pos
        elif q == "“":
            if low >= 0:
                pairs.append((low, pos))
                low = -1
            else:
                curly = pos
        elif curly >= 0 or low >= 0:  # ”
            opened = curly if curly >= 0 else low
            pairs.append((opened, pos))
            curly = low = -1
    starts: list[int] = []
    ends: list[int] = []
    for a, b in sorted(pairs):
        if b - a > MAX_QUOTE:
            continue
        if ends and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def _positions(text: str, chars: str) -> list[int]:
    """Where any of ``chars`` stands in ``text``, in order: one str.find scan per character, much
    faster than a regex trying a class at every position (an article has a few dozen of them)."""
    found: list[int] = []
    for ch in chars:
        at = text.find(ch)
        while at >= 0:
            found.append(at)
            at = text.find(ch, at + 1)
    found.sort()
    return found


def _other_candidates(text: str) -> list[tuple[int, int]]:
    """``(m.start(), m.end() - 1)`` of ``_OTHER.finditer(text)``, tried only where one of its
    marks stands (every match opens with one; a match resumes the search at its end)."""
    found: list[tuple[int, int]] = []
    last = 0
    for at in _positions(text, "!?…।؟"):
        if at >= last and (m := _OTHER.match(text, at)) is not None:
            found.append((at, m.end() - 1))
            last = m.end()
    return found


def quote_marks(text: str) -> list[int]:
    """Where the quote marks (_QUOTE) stand, in order."""
    return _positions(text, _QUOTE_MARKS)


def paragraph_spans(text: str) -> list[Span]:
    """One span per non-blank line."""
    spans = []
    start = 0
    n = len(text)
    while start <= n:
        end = text.find("\n", start)
        if end == -1:
            end = n
        s, e = start, end
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        if s < e:
            spans.append(Span(s, e))
        start = end + 1
    return spans


def _is_end(
    text: str, dot: int, after: int, para_start: int, sent_start: int, lang: str | None, table: dict[str, int]
) -> bool:
    """Is the candidate whose marks start at ``dot`` and whose space is at ``after`` a sentence end?

    ``para_start`` and ``sent_start`` are where the paragraph and the current sentence start.
    """
    # the next word, past opening quotes and brackets
    j = after + 1
    n = len(text)
    while j < n and text[j] in _OPENERS:
        j += 1
    if j >= n or text[j] == "\n":
        return True
    if text[j].islower():
        return False
    if text[dot] != "." or (dot + 1 < n and text[dot + 1] in ".…"):
        return True  # ! ? … and ellipses: a capital (or digit, or symbol) follows

    # the word before the dot, and the one before it for "z. B." / "т. д."
    space = text.rfind(" ", para_start, dot)
    if space < 0:
        space = para_start - 1
    token = text[space + 1 : dot].lstrip(_OPENERS)
    if not token:
        return True
    if len(token) <= 3 and j == after + 1:
        # the first half of a two-part abbreviation: "z. B.", "v. Chr."
        nxt = _WORD.match(text, j)
        if nxt is not None and nxt.end() - j <= 3 and text.startswith(".", nxt.end()):
            if token + "." + nxt.group() in table:
                return False
    cls = None
    if len(token) <= 3 and space > para_start:
        prev_space = text.rfind(" ", para_start, space)
        if prev_space < 0:
            prev_space = para_start - 1
        prev = text[prev_space + 1 : space]
        if 2 <= len(prev) <= 4 and prev[-1] == ".":
            cls = table.get(prev.lstrip(_OPENERS) + token)
    if cls is None:
        cls = table.get(token)
    if cls is None:
        if token.isdigit():
            if space < sent_start:
                return False  # "1. " opening a paragraph or a sentence: a list marker
            nxt = _WORD.match(text, j)
            word = nxt.group() if nxt is not None else ""
            if len(token) <= 2 and word in MONTHS:
                return False  # "25. Oktober"
            if lang == "de" and len(token) <= 3:
                return word in STARTERS  # "3. Platz", but "... waren es 12. Die Polizei ..."
            return True
        if len(token) == 1 and token.isupper():
            cls = AMBIGUOUS  # an initial: "S. Jaishankar"
        elif "." in token and len(token) <= 8 and all(0 < len(p) <= 2 for p in token.split(".")):
            cls = AMBIGUOUS  # a dotted acronym: "N.Y."
        else:
            return True
    if cls == NON_FINAL:
        return False
    if cls == AMBIGUOUS:
        nxt = _WORD.match(text, j)
        if nxt is None or nxt.group() not in STARTERS:
            return False
        # "В. В. Петров": a one-letter "opener" followed by a dot is another initial
        return nxt.end() - nxt.start() > 1 or not text.startswith(".", nxt.end())
    return True


def sentence_spans(text: str, language: str | None = None, paragraphs: list[Span] | None = None) -> list[Span]:
    """Sentence spans, in order, non-overlapping, each inside one paragraph."""
    if paragraphs is None:
        paragraphs = paragraph_spans(text)
    table = _BY_LANGUAGE.get(language or "", _ALL)
    candidates = [(m.start(), m.end() - 1) for m in _DOT.finditer(text)]
    others = _other_candidates(text)
    if others:
        candidates.extend(others)
        candidates.sort(key=lambda c: (c[1], c[0]))
        # "?." is found by both patterns: keep one candidate per space
        candidates = [c for i, c in enumerate(candidates) if i == 0 or candidates[i - 1][1] != c[1]]
    if not candidates:
        return [Span(p.start, p.end) for p in paragraphs]
    marks = quote_marks(text)
    spans: list[Span] = []
    k = 0
    nc = len(candidates)
    for para in paragraphs:
        ps, pe = para.start, para.end
        start = ps
        while k < nc and candidates[k][1] < ps:
            k += 1
        quoted: tuple[list[int], list[int]] | None = None
        while k < nc and candidates[k][1] < pe:
            dot, space = candidates[k]
            k += 1
            if dot < start:
                continue
            if marks:
                # a quote mark before the candidate and one after it, in this paragraph?
                i = bisect_right(marks, dot)
                if i > 0 and marks[i - 1] >= ps and i < len(marks) and marks[i] < pe:
                    if quoted is None:
                        quoted = _quotations(text, marks[bisect_right(marks, ps - 1) : bisect_right(marks, pe)])
                    q = bisect_right(quoted[0], dot) - 1
                    if q >= 0 and quoted[1][q] > space:
                        continue  # inside a quotation that closes later in the paragraph
            if not _is_end(text, dot, space, ps, start, language, table):
                continue
            end = space
            while end > start and text[end - 1] == " ":
                end -= 1
            if end > start:
                spans.append(Span(start, end))
            start = space + 1
            while start < pe and text[start] == " ":
                start += 1
        if start < pe:
            spans.append(Span(start, pe))
    return spans


_CJK_END = frozenset("。！？")
_CJK_OPEN = frozenset("「『（“")
_CJK_CLOSE = frozenset("」』）”")


# Every character _split_cjk acts on: re finds them, the characters between are skipped in C (a
# loop over every character of a Chinese article was ~0.9 ms of a 2-3 KB one).
_CJK_MARK = re.compile("[" + "".join(sorted(_CJK_END | _CJK_OPEN | _CJK_CLOSE)) + "]")


def _split_cjk_over(text: str, spans: list[Span], positions: Callable[[int, int], Iterable[int]]) -> list[Span]:
    """Chinese and Japanese end a sentence at "。", "！" or "？" with no space after it; not
    inside 「…」 or “…” (a quoted sentence stays with its speaker). ``positions(start, end)``: the
    characters of a span to look at (every one, or only the marks)."""
    out: list[Span] = []
    for sp in spans:
        start, depth = sp.start, 0
        for i in positions(sp.start, sp.end):
            ch = text[i]
            if ch in _CJK_OPEN:
                depth += 1
            elif ch in _CJK_CLOSE:
                depth = max(0, depth - 1)
            elif ch in _CJK_END and depth == 0 and i + 1 < sp.end:
                out.append(Span(start, i + 1))
                start = i + 1
                while start < sp.end and text[start] in " \u3000":
                    start += 1
        if start < sp.end:
            out.append(Span(start, sp.end))
    return out


def reference_split_cjk(text: str, spans: list[Span]) -> list[Span]:
    """_split_cjk looking at every character: the rule as written, and what the fast form is
    tested against."""
    return _split_cjk_over(text, spans, range)


def _split_cjk(text: str, spans: list[Span]) -> list[Span]:
    """One linear pass per span over the marks only (re finds them; the rest is skipped in C)."""
    return _split_cjk_over(text, spans, lambda a, b: (m.start() for m in _CJK_MARK.finditer(text, a, b)))


# The longest sentence of real news seen here is ~1,300 characters (120,000 sentences of the
# development feed and corpus). A longer "sentence" is a run with no sentence end (a list, a
# paste with no punctuation, an unclosed 「): attribution looks at every cue, name and quote of a
# sentence for each of them, so one sentence of n characters cost ~n² (a 100,000-character one
# over 10 s); cut into pieces of at most this many, an article's cost grows linearly.
MAX_SENTENCE = 2_000
_CLAUSE_END = re.compile(r"[,;:，、；：]")


def _bounded(text: str, spans: list[Span], limit: int = MAX_SENTENCE) -> list[Span]:
    """Sentences longer than ``limit`` cut into pieces of at most ``limit`` characters: at the last
    space of the piece's second half, else after its last comma, semicolon or colon, else at the
    limit (CJK text with no punctuation)."""
    if all(sp.end - sp.start <= limit for sp in spans):
        return spans
    out: list[Span] = []
    for sp in spans:
        start, end = sp.start, sp.end
        while end - start > limit:
            lo, hi = start + limit // 2, start + limit
            cut = text.rfind(" ", lo, hi)
            if cut < 0:
                marks = [m.end() for m in _CLAUSE_END.finditer(text, lo, hi)]
                cut = marks[-1] if marks else hi
            stop = cut
            while stop > start and text[stop - 1].isspace():
                stop -= 1
            out.append(Span(start, stop))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if start < end:
            out.append(Span(start, end))
    return out


def segment(text: str, language: str | None = None) -> tuple[list[Span], list[Span]]:
    """``(paragraphs, sentences)`` of a clean text; no sentence is longer than MAX_SENTENCE."""
    paragraphs = paragraph_spans(text)
    sentences = sentence_spans(text, language, paragraphs)
    if "。" in text or "！" in text or "？" in text:
        sentences = _split_cjk(text, sentences)
    return paragraphs, _bounded(text, sentences)
