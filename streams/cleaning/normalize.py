"""Text normalisation: the first step of cleaning, run before any offset exists.

The output is a list of paragraphs (non-empty lines), each trimmed, with every run of
whitespace collapsed to one space; joined with ``"\\n"`` it is the clean text that every
downstream offset points into.

What it does, in order:

1. lone UTF-16 surrogates become U+FFFD (a valid pair is joined into its code point), so
   the text can always be encoded to UTF-8 (orjson, Kafka);
2. mojibake (UTF-8 read as Latin-1/cp1252, C1 controls) is repaired with ftfy, only on
   the lines where a cheap byte-level test sees it: ftfy costs ~0.2 ms per KB, far too much
   to run on every article;
3. HTML character references in plain-text bodies (``&amp;``, ``&#8220;``) are decoded,
   ANSI terminal escapes are dropped;
4. one pass over "odd" characters: zero-width and bidi controls (U+200B..U+200F,
   U+2060..U+206F, U+FEFF, soft hyphen, variation selectors, tag characters: every
   Default_Ignorable_Code_Point) and control characters are removed; rare quote
   forms are mapped to the common ones (‟ → “, ‛ → ‘, ″ → ", 〝〞 → “ ”) while “ ” ‘ ’ « »
   „ ‚ ‹ › " ' are kept as they are, so the quote extractor sees every style it knows;
   dashes are reduced to - – — (hyphen, en dash, em dash); Latin ligatures are expanded
   and full-width ASCII forms become ASCII (ftfy's ``fix_latin_ligatures`` and
   ``fix_character_width``);
5. Unicode NFC (before step 4 too: decomposed Arabic would lose its hamza there);
6. lines are split on every line boundary Python knows (``str.splitlines``), and within a
   line every whitespace run (tabs, NBSP, thin and ideographic spaces ...) becomes one
   space; lines are trimmed and empty lines dropped, so paragraphs come out separated by
   exactly one ``"\\n"``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from html import unescape
from typing import Any

# ------------------------------------------------------------------ surrogates

_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _join_pair(match: re.Match[str]) -> str:
    return match.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def fix_surrogates(text: str) -> str:
    """Join valid surrogate pairs, replace lone surrogates with U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATE_PAIR.sub(_join_pair, text)
        return _SURROGATE.sub("\ufffd", text)
    return text


def safe_str(value: str, limit: int | None = None) -> str:
    """A trimmed, UTF-8-encodable copy of a short metadata string (id, url, name ...)."""
    value = fix_surrogates(value).strip()
    return value[:limit] if limit is not None else value


# -------------------------------------------------------------------- mojibake

# A Latin-1 letter Â..ô followed by a character that a UTF-8 continuation byte becomes in
# Latin-1 or cp1252 ("Ã©", "â€œ", "Ä‘", "á»‡" ...), tested on the UTF-8 bytes: the literal
# lead byte \xc3 lets the regex engine skip through the text quickly.
_MOJIBAKE = re.compile(
    rb"\xc3[\x82-\xb4](?:\xc2[\x80-\xbf]|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|\xcb[\x86\x9c]"
    rb"|\xe2\x80[\x93\x94\x98-\x9a\x9c-\x9e\xa0-\xa2\xa6\xb0\xb9\xba]|\xe2\x82\xac|\xe2\x84\xa2)"
)
# C1 control characters (U+0080..U+009F) almost always mean a decoding accident.
_C1 = re.compile(rb"\xc2[\x80-\x9f]")

@functools.cache
def _ftfy() -> tuple[Any, Any]:
    """ftfy and its settings, imported on the first line that needs them (~70 ms of a worker's
    or a backtest's start-up otherwise; few articles need it)."""
    import ftfy

    return ftfy, ftfy.TextFixerConfig(
        uncurl_quotes=False,  # keep typographic quotes: the quote extractor needs them
        unescape_html=False,  # done here, and only for plain-text bodies
        explain=False,
    )


def _looks_mojibaked(data: bytes) -> bool:
    return _MOJIBAKE.search(data) is not None or (b"\xc2" in data and _C1.search(data) is not None)


def _fix_mojibake(text: str) -> str:
    out = []
    for line in text.split("\n"):
        data = line.encode("utf-8")
        if _looks_mojibaked(data):
            ftfy, config = _ftfy()
            try:
                fixed = ftfy.fix_text(line, config)
            except Exception:  # ftfy is best effort; never let it fail the record
                fixed = line
            out.append(fixed)
        else:
            out.append(line)
    return "\n".join(out)


# --------------------------------------------------------- entities and escapes

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ANSI = re.compile(r"\x1b\[[0-9;?]{0,32}[ -/]{0,4}[@-~]|\x1b[@-_]")


def _unescape(match: re.Match[str]) -> str:
    return unescape(match.group())


# ------------------------------------------------------------- odd characters

_ODD_MAP: dict[str, str] = {}
# removed: C0/C1 controls other than \t \n \v \f \r and U+0085 (line and tab characters,
# handled by splitlines/split), zero-width and bidi controls, soft hyphen, BOM, noncharacters
for _cp in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0)]:
    _ODD_MAP[chr(_cp)] = ""
for _cp in [0xAD, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F)]:
    _ODD_MAP[chr(_cp)] = ""
for _cp in [*range(0x2060, 0x2070), 0xFEFF, 0xFFFE, 0xFFFF]:
    _ODD_MAP[chr(_cp)] = ""
# ... and the other invisible characters Unicode says to ignore (Default_Ignorable_Code_Point): the
# grapheme joiner, variation selectors, Mongolian and Khmer format characters, Hangul fillers. Inside
# a word they hid it from every phrase ("Ger\u034fmany warned" alerted nobody). Those beyond the BMP
# (tag characters ...) are removed by _ODD_ASTRAL: in _ODD's class, they made the regex check every
# character against a list of ranges instead of a bitmap (normalising took a third longer).
for _cp in [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, *range(0x180B, 0x1810), 0x3164, *range(0xFE00, 0xFE10), 0xFFA0]:
    _ODD_MAP[chr(_cp)] = ""
_ODD_ASTRAL = re.compile("[\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0000-\U000E0FFF]")
_ODD_MAP.update(
    {
        # rare quote forms -> the common ones (the common ones are left alone)
        "\u201b": "\u2018",  # ‛ -> ‘
        "\u201f": "\u201c",  # ‟ -> “
        "\u2033": '"',  # ″ double prime, often typed for a quote
        "\u2036": '"',  # ‶ reversed double prime
        "\u02ee": '"',  # ˮ modifier letter double apostrophe
        "\u301d": "\u201c",  # 〝
        "\u301e": "\u201d",  # 〞
        "\u301f": "\u201e",  # 〟
        "\u275b": "\u2018",  # ❛
        "\u275c": "\u2019",  # ❜
        "\u275d": "\u201c",  # ❝
        "\u275e": "\u201d",  # ❞
        # dashes: hyphen-minus, en dash, em dash
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2043": "-",  # hyphen bullet
        "\u2212": "-",  # minus sign
        "\ufe63": "-",  # small hyphen-minus
        "\u2012": "\u2013",  # figure dash
        "\ufe32": "\u2013",  # presentation form en dash
        "\u2015": "\u2014",  # horizontal bar
        "\u2e3a": "\u2014",  # two-em dash
        "\u2e3b": "\u2014",  # three-em dash
        "\ufe31": "\u2014",  # presentation form em dash
        "\ufe58": "\u2014",  # small em dash
        # Latin ligatures
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)
# Arabic short vowels, shadda, sukun and tatweel, Hebrew points: optional marks that the phrase files
# never write ("سيُقابل بردٍّ" is "سيقابل برد"; a word with them would match nothing)
for _cp in (*range(0x064B, 0x0660), 0x0670, 0x0640, *range(0x06D6, 0x06DD), *range(0x06DF, 0x06E5), 0x06E7, 0x06E8,
            *range(0x06EA, 0x06EE), *range(0x0591, 0x05BE), 0x05BF, 0x05C1, 0x05C2, 0x05C4, 0x05C5, 0x05C7):
    _ODD_MAP[chr(_cp)] = ""
# full-width ASCII forms (！ … ～) -> ASCII; the full-width hyphen-minus is a dash too
for _cp in range(0xFF01, 0xFF5F):
    _ODD_MAP[chr(_cp)] = chr(_cp - 0xFEE0)

_ODD = re.compile("[" + "".join(re.escape(c) for c in sorted(_ODD_MAP)) + "]")


def _replace_odd(match: re.Match[str]) -> str:
    return _ODD_MAP[match.group()]


# ------------------------------------------------------------------- public API


def normalize_lines(text: str, *, decode_entities: bool = True) -> list[str]:
    """Normalise ``text`` and return its paragraphs: non-empty, trimmed, single-spaced lines.

    ``decode_entities`` decodes HTML character references; turn it off for text that
    came out of an HTML parser (already decoded: decoding twice would turn ``&amp;lt;``
    into ``<``).
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        text = fix_surrogates(text)
        data = text.encode("utf-8")
    # (the ignorables beyond the BMP are looked for by their first UTF-8 bytes, F3 A0, F0 9B B2 and
    # F0 9D 85, one memchr when there is none: a regex scan for them cost more than the whole _ODD
    # pass; repaired mojibake and decoded entities may bring them too)
    astral = b"\xf3" in data or (b"\xf0" in data and (b"\xf0\x9b\xb2" in data or b"\xf0\x9d\x85" in data))
    if not text.isascii() and _looks_mojibaked(data):
        text = _fix_mojibake(text)
        astral = True
    if decode_entities and "&" in text:
        astral = astral or "&#" in text
        text = _ENTITY.sub(_unescape, text)
        text = fix_surrogates(text)
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if not text.isascii():
        # NFC before the _ODD pass as well: in decomposed text the Arabic hamza and madda are marks
        # of their own (U+0653..U+0655), which it removes ("أ" would become "ا")
        text = unicodedata.normalize("NFC", text)
    odd = _ODD.sub(_replace_odd, text)
    if astral:
        odd = _ODD_ASTRAL.sub("", odd)
    if odd is not text and not odd.isascii():  # (re returns its input when nothing matched)
        # a removed character may have stood between a letter and its combining mark
        odd = unicodedata.normalize("NFC", odd)
    text = odd
    out = []
    for line in text.splitlines():
        if line:
            line = single_spaced(line)
            if line:
                out.append(line)
    return out


def single_spaced(line: str) -> str:
    """``" ".join(line.split())``: every whitespace run one space, none at either end. Most lines
    are that already but for their ends: a line with no whitespace but single ASCII spaces (every
    other whitespace character is a control or a separator, so not printable) is only trimmed,
    two C scans instead of a list of its words."""
    if line.isprintable() and "  " not in line:
        return line.strip(" ")
    return " ".join(line.split())


def normalize_text(text: str, *, decode_entities: bool = True) -> str:
    """:func:`normalize_lines` joined with ``"\\n"``."""
    return "\n".join(normalize_lines(text, decode_entities=decode_entities))


def normalize_inline(text: str, *, decode_entities: bool = True) -> str:
    """Normalise a one-line field (a title, a caption): line breaks become spaces."""
    return " ".join(normalize_lines(text, decode_entities=decode_entities))
