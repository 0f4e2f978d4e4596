"""Boilerplate removal, with a record of what was removed and why.

Works on normalised paragraphs (one line each). A line is removed only when the whole
line looks like boilerplate: every pattern is anchored to the line (``fullmatch``) and
bounded, and lines longer than :data:`MAX_LINE` are never candidates. Two exceptions,
both bounded tokens: ad placeholders in brackets (``[iklan_2]``) are also removed inside a
line, and a comment counter glued to the very end of the text (``...tanggul.Komentar (0)``)
is cut off.

Kinds (``models.Removal.kind``):

=================  ==========================================================  =========
kind               example                                                     where
=================  ==========================================================  =========
ad_placeholder     ``[iklan_2]``, ``[Anzeige]``, ``ADVERTISEMENT``             anywhere
comment_counter    ``Komentar (0)``, ``Bình luận (0)``, ``12 comments``        anywhere
photo_caption      ``| Foto ... (Sumber: Japan Times) |``                      anywhere
photo_credit       ``Foto: Antara``, ``Ảnh: Reuters``                          anywhere
related_link       ``Baca juga: ...``, ``Xem thêm: ...``, ``Lire aussi : ...``  anywhere
source_line        ``Sumber: https://...``, ``Nguồn: ...``, ``Quelle: ...``    trailing
byline             ``Editor: Budi``, ``Penulis: ...``                          trailing
tags               ``Tags: ...``, ``Topik: ...``                               trailing
share_line         ``Share this article``, ``Follow us on Telegram``           trailing
=================  ==========================================================  =========

"trailing" kinds are removed only in the run of boilerplate lines that ends the text.
A caption's credit ("Japan Times") goes to ``photo_credits``; a source line's URL to
``source_url`` and a source named without a URL to ``source_credit``.

The words live in :data:`LABELS`, per kind and language: add a language or a word there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from streams.models import Removal

MAX_LINE = 700  # longer lines are never boilerplate

# kind -> language -> words (case-insensitive; a space matches one space)
LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    # inside brackets, optionally numbered: [iklan_2], [ads], [Anzeige], [quảng cáo 3]
    "ad_word": {
        "id": ("iklan",),
        "en": ("ad", "ads", "advert", "advertisement", "sponsored"),
        "vi": ("quảng cáo",),
        "de": ("anzeige", "werbung"),
        "fr": ("publicité", "pub"),
        "es": ("publicidad", "anuncio"),
        "ru": ("реклама",),
    },
    # a line of its own without brackets
    "ad_line": {
        "id": ("iklan", "scroll to continue with content", "gulir untuk melanjutkan"),
        "en": ("advertisement", "sponsored content", "story continues below advertisement"),
        "vi": ("quảng cáo",),
        "de": ("anzeige", "werbung"),
        "fr": ("publicité",),
        "es": ("publicidad",),
        "ru": ("реклама",),
    },
    "comment": {
        "id": ("komentar",),
        "en": ("comments", "comment"),
        "vi": ("bình luận",),
        "de": ("kommentare", "kommentar"),
        "fr": ("commentaires", "commentaire"),
        "es": ("comentarios", "comentario"),
        "ru": ("комментарии", "комментариев", "комментария", "комментарий"),
    },
    # the label before a photo credit, inside a caption or on a line of its own
    "photo": {
        "id": ("foto", "gambar", "sumber foto"),
        "en": ("photo", "image", "picture", "photo credit", "credit"),
        "vi": ("ảnh", "nguồn ảnh"),
        "de": ("foto", "bild", "bildquelle"),
        "fr": ("photo", "crédit photo", "crédit", "crédits"),
        "es": ("foto", "imagen"),
        "ru": ("фото",),
    },
    # the label of a source: a trailing line, or a credit inside a caption
    "source": {
        "id": ("sumber",),
        "en": ("source",),
        "vi": ("nguồn",),
        "de": ("quelle",),
        "fr": ("source",),
        "es": ("fuente",),
        "ru": ("источник",),
    },
    "related": {
        "id": ("baca juga", "baca pula", "simak juga", "lihat juga"),
        "en": ("read more", "read also", "also read", "see also", "related"),
        "vi": ("xem thêm", "đọc thêm", "tin liên quan"),
        "de": ("lesen sie auch", "lesen sie mehr", "mehr zum thema", "auch interessant"),
        "fr": ("lire aussi", "à lire aussi", "voir aussi"),
        "es": ("lea también", "leer también", "te puede interesar"),
        "ru": ("читайте также", "смотрите также"),
    },
    "byline": {
        "id": ("editor", "penulis", "pewarta", "reporter", "penyunting", "redaktur"),
        "en": ("editor", "editing by", "reporting by", "writer", "author"),
        "vi": ("biên tập", "phóng viên", "tác giả"),
        "de": ("autor", "autorin", "redaktion"),
        "fr": ("auteur", "rédaction", "par"),
        "es": ("autor", "redacción", "editor"),
        "ru": ("автор", "редактор"),
    },
    "tags": {
        "id": ("tag", "tags", "topik"),
        "en": ("tags", "topics"),
        "vi": ("từ khóa", "chủ đề"),
        "de": ("schlagworte", "themen"),
        "fr": ("mots-clés", "sujets"),
        "es": ("etiquetas", "temas"),
        "ru": ("теги", "темы"),
    },
    # a share button's text: the whole line, or with the networks after a colon
    "share": {
        "id": ("bagikan", "bagikan artikel ini", "bagikan berita ini"),
        "en": ("share", "share this", "share this article", "share this story", "share article", "share story"),
        "vi": ("chia sẻ", "chia sẻ bài viết"),
        "de": ("teilen", "artikel teilen", "diesen artikel teilen", "beitrag teilen"),
        "fr": ("partager", "partager cet article", "partagez cet article"),
        "es": ("compartir", "compartir este artículo", "comparte este artículo"),
        "ru": ("поделиться",),
    },
    # an invitation to follow the site, then the networks: "Follow us on Telegram"
    "follow": {
        "id": ("ikuti kami", "ikuti kami di"),
        "en": ("follow us", "follow us on", "join us on", "join our", "subscribe to our"),
        "vi": ("theo dõi chúng tôi", "theo dõi chúng tôi trên"),
        "de": ("folgen sie uns", "folgen sie uns auf", "folge uns auf"),
        "fr": ("suivez-nous", "suivez-nous sur", "rejoignez-nous sur"),
        "es": ("síguenos", "síguenos en", "siguenos en"),
        "ru": ("подписывайтесь на нас", "подписывайтесь на наш", "читайте нас в"),
    },
}

ANYWHERE = ("ad_placeholder", "comment_counter", "photo_caption", "photo_credit", "related_link")
TRAILING = ("source_line", "byline", "tags", "share_line")

REASONS = {
    "ad_placeholder": "ad placeholder line",
    "comment_counter": "comment counter line",
    "photo_caption": "photo caption between pipes",
    "photo_credit": "photo credit line",
    "related_link": "related-article link line",
    "source_line": "trailing source line",
    "byline": "trailing byline",
    "tags": "trailing tag list",
    "share_line": "trailing share or follow-us line",
}


def _words(kind: str) -> list[str]:
    words = {unicodedata.normalize("NFC", w) for lang in LABELS[kind].values() for w in lang}
    return sorted(words, key=lambda w: (-len(w), w))  # longest first


def _alt(*kinds: str) -> str:
    words = sorted({w for kind in kinds for w in _words(kind)}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", " ") for w in words) + ")"


_AD_BRACKET = r"\[ ?" + _alt("ad_word") + r"(?:[ _-]?\d{1,3})? ?\]"
_COLON = r" ?: ?"

_LINE = re.compile(
    "|".join(
        [
            rf"(?P<ad_placeholder>{_AD_BRACKET}|[-–—* ]{{0,3}}{_alt('ad_line')}[-–—* ]{{0,3}})",
            rf"(?P<comment_counter>{_alt('comment')} ?(?:\( ?\d{{1,7}} ?\)|: ?\d{{1,7}})"
            rf"|\d{{1,7}} {_alt('comment')})",
            r"(?P<photo_caption>\| ?(?P<caption>[^|]{1,600}?) ?\|)",
            rf"(?P<photo_credit>{_alt('photo')}{_COLON}(?P<credit>.{{1,300}}))",
            rf"(?P<related_link>{_alt('related')}{_COLON}.{{0,400}})",
            rf"(?P<source_line>{_alt('source')}{_COLON}(?P<source>.{{1,600}}))",
            rf"(?P<byline>{_alt('byline')}{_COLON}.{{1,120}})",
            rf"(?P<tags>{_alt('tags')}{_COLON}.{{0,400}})",
            rf"(?P<share_line>{_alt('share')}(?:{_COLON}.{{0,200}})?|{_alt('follow')}(?: .{{1,120}})?)",
        ]
    ),
    re.IGNORECASE,
)
# cheap filter before the regex: a boilerplate line starts with a label's first word
# (case-folded), or with one of these characters
_FIRST_WORDS = frozenset(w.split(" ", 1)[0].casefold() for kind in LABELS for w in _words(kind))
_FIRST_CHARS = frozenset("[|-–—*0123456789")
_LEADING_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")

_AD_INLINE = re.compile(_AD_BRACKET, re.IGNORECASE)
# a comment counter glued to the end of the text: capitalised or upper-case word only
_GLUED_WORDS = sorted({v for w in _words("comment") for v in (w[:1].upper() + w[1:], w.upper())}, key=lambda w: -len(w))
_GLUED = re.compile("(?:" + "|".join(re.escape(w).replace(r"\ ", " ") for w in _GLUED_WORDS) + r") ?\( ?\d{1,7} ?\)$")

# a credit inside a caption: "(Sumber: Japan Times)", "Foto: Antara", "Ảnh: Reuters"
_CREDIT_LABEL = _alt("photo", "source")
_CREDIT_PAREN = re.compile(r"[(\[] ?" + _CREDIT_LABEL + _COLON + r"(?P<credit>[^()\[\]]{1,120}?) ?[)\]]", re.I)
_CREDIT_TAIL = re.compile(r"(?:^|[\s.,;–—-])" + _CREDIT_LABEL + _COLON + r"(?P<credit>[^()|]{1,120}?)[ .]?$", re.I)

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']{1,2000}", re.IGNORECASE)
_URL_TRAIL = ".,;:!?)]}»”’\"'"
_NAME_TRIM = " -–—|/\\,;:()[]"
_SHORT_CREDIT = 80


@dataclass(slots=True)
class Boilerplate:
    lines: list[str]  # the paragraphs that remain
    removed: list[Removal] = field(default_factory=list)
    photo_credits: list[str] = field(default_factory=list)
    source_url: str | None = None
    source_credit: str | None = None


def caption_credit(caption: str) -> str | None:
    """The credit inside a caption, e.g. "Japan Times" from "... (Sumber: Japan Times)"."""
    tail = caption[-200:]
    found: re.Match[str] | None = None
    for match in _CREDIT_PAREN.finditer(tail):
        found = match  # the last parenthesised credit wins
    if found is None:
        found = _CREDIT_TAIL.search(tail)
    if found is None:
        return None
    credit = found.group("credit").strip(_NAME_TRIM + ".")
    return credit or None


def _short_credit(value: str) -> str | None:
    """A photo-credit line's value is a credit if it is short and not a sentence."""
    value = value.strip(_NAME_TRIM)
    if not value or len(value) > _SHORT_CREDIT or ". " in value:
        return caption_credit(value)
    return value.rstrip(".") or None


def _classify(line: str) -> re.Match[str] | None:
    if len(line) > MAX_LINE:
        return None
    if line[0] not in _FIRST_CHARS:
        word = _LEADING_WORD.match(line)
        if word is None or word.group().casefold() not in _FIRST_WORDS:
            return None
    return _LINE.fullmatch(line)


def strip_boilerplate(lines: list[str]) -> Boilerplate:
    """Remove boilerplate lines (and bracketed ad placeholders) from normalised paragraphs."""
    result = Boilerplate(lines=[])
    removed = result.removed
    work = list(lines)

    # a comment counter glued to the end of the last line
    if work:
        last = work[-1]
        tail_start = max(0, len(last) - 64)
        glued = _GLUED.search(last, tail_start)
        if glued is not None and glued.start() > 0:
            removed.append(Removal("comment_counter", glued.group(), "comment counter glued to end of text"))
            work[-1] = last[: glued.start()].rstrip()

    # bracketed ad placeholders inside lines
    for i, line in enumerate(work):
        if "[" in line and _AD_INLINE.search(line) is not None:
            stripped = _AD_INLINE.sub("", line)
            own_line = not stripped.strip()
            for ad in _AD_INLINE.finditer(line):
                reason = REASONS["ad_placeholder"] if own_line else "inline ad placeholder"
                removed.append(Removal("ad_placeholder", ad.group(), reason))
            work[i] = " ".join(stripped.split())

    matches = [_classify(line) if line else None for line in work]
    # the trailing run: every line from here to the end is boilerplate (or empty)
    tail = len(work)
    while tail > 0 and (not work[tail - 1] or matches[tail - 1] is not None):
        tail -= 1

    source_credits: list[str] = []
    for i, (line, m) in enumerate(zip(work, matches, strict=True)):
        if not line:
            continue
        kind = m.lastgroup if m is not None else None
        if kind is None or m is None or (kind in TRAILING and i < tail):
            result.lines.append(line)
            continue
        removed.append(Removal(kind, line, REASONS[kind]))
        credit: str | None = None
        if kind == "photo_caption":
            credit = caption_credit(m.group("caption"))
        elif kind == "photo_credit":
            credit = _short_credit(m.group("credit"))
        elif kind == "source_line":
            value = m.group("source")
            url = _URL.search(value)
            if url is not None:
                if result.source_url is None:
                    result.source_url = url.group().rstrip(_URL_TRAIL)
                value = value[: url.start()] + value[url.end() :]
            name = value.strip(_NAME_TRIM)
            if name:
                source_credits.append(name)
        if credit and credit not in result.photo_credits:
            result.photo_credits.append(credit)
    if source_credits:
        result.source_credit = "; ".join(source_credits)
    return result
