"""HTML to text with selectolax's lexbor parser.

- Page furniture is dropped with its content: scripts, styles, navigation, headers,
  footers, asides, forms, iframes, hidden elements and the ARIA landmarks that mean the
  same (``role=navigation|banner|contentinfo|complementary``).
- The main content is the longest ``<article>``, else ``<main>`` / ``[role=main]``,
  else ``<body>``.
- ``<figcaption>`` texts are taken out of the body and returned as captions (the
  cleaner turns their credits into photo credits).
- The headline (``og:title``, else the first ``<h1>``, else ``<title>`` without a
  trailing " | Site" part) is returned as the title; an ``<h1>`` carrying the headline is
  not repeated in the body text.
- Block elements become line breaks; inside a block, HTML whitespace collapses to one
  space. The text still needs :mod:`streams.cleaning.normalize`.

Nothing here recurses in Python, and nodes are removed in reverse document order (a
descendant before its ancestor) so no removed node is ever touched again: 10,000 nested
``<div>`` elements parse and extract in a fraction of a second.

The parser itself is not linear in nesting depth (100,000 unclosed ``<div>`` took 24 s),
so before parsing, :func:`flatten_deep` drops the element tags nested deeper than
:data:`MAX_HTML_DEPTH` (browsers cap the tree at a similar depth); their text stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from streams.cleaning.normalize import fix_surrogates, normalize_inline

_DROP = ", ".join(
    [
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "iframe",
        "svg",
        "math",
        "button",
        "select",
        "textarea",
        "object",
        "embed",
        "canvas",
        "dialog",
        "menu",
        "[hidden]",
        '[aria-hidden="true"]',
        '[role="navigation"]',
        '[role="banner"]',
        '[role="contentinfo"]',
        '[role="complementary"]',
    ]
)
_BLOCKS = ", ".join(
    [
        "address",
        "article",
        "blockquote",
        "br",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
_MARK = "\x1e"  # block boundary marker; stripped from the input first
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_TITLE_SUFFIX = re.compile(r"\s+\|\s+[^|]{1,80}$")
MAX_HTML_DEPTH = 512  # Chromium's tree builder caps nesting at 512 too
# A start or end tag. "[^<>]*+" stops at the next "<", so "<a<a<a..." is scanned once, not
# once per "<"; a tag with a ">" or "<" inside a quoted attribute is only miscounted.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]{0,30})\b[^<>]*+>")
# No end tag, or one that is often left out: not counted (unclosed <p> and <li> are normal).
_UNCOUNTED = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp rtc html head body".split()
)

# Tags that feeds put into a plain-text body (RSS descriptions), which strip_fragments removes: the
# block elements above end a paragraph, these inline ones just go (an image has no text).
_INLINE = ("a", "abbr", "b", "cite", "em", "font", "i", "img", "mark", "small", "span", "strong", "time", "u")
_FRAGMENT_BLOCKS = frozenset(_BLOCKS.split(", "))
_FRAGMENT_INLINE = frozenset(_INLINE)
# a well-formed tag: a name, then only name=value attributes (a bounded number of bounded ones), so
# "a < b", "<3" or "x <b and c> y" are not tags. Any name matches and _fragment looks it up: an
# alternation of the names was tried at every "<", 5x slower on a run of them. The parts cannot
# overlap (a value holds no space, a name no "="), so a failing candidate is given up quickly.
_ATTR = r"""\s+[A-Za-z_:][-\w:.]{0,40}\s*=\s*(?:"[^"<>]{0,1000}"|'[^'<>]{0,1000}'|[^\s"'<>=`]{1,1000})"""
_FRAGMENT = re.compile(rf"</?([A-Za-z][A-Za-z0-9]{{0,9}})(?:{_ATTR}){{0,20}}\s*/?>")


def _fragment(match: re.Match[str]) -> str:
    name = match.group(1).lower()
    if name in _FRAGMENT_INLINE:
        return ""
    return "\n\n" if name in _FRAGMENT_BLOCKS else match.group()


def strip_fragments(text: str) -> str:
    """A plain-text body without the HTML tags of a known, bounded set (_BLOCKS, _INLINE): block
    ones become a blank line, so a paragraph ends there (and is never taken for a wrapped line),
    inline ones are removed. Nothing else changes: character references are decoded later, with the
    rest of the body's (so an escaped "&lt;p&gt;" stays text), and a text without "<" is returned."""
    if "<" not in text:
        return text
    return _FRAGMENT.sub(_fragment, text)


@dataclass(slots=True)
class HtmlText:
    text: str  # lines separated by "\n", not yet normalised
    title: str | None = None  # normalised headline, if the page has one
    captions: list[str] = field(default_factory=list)  # normalised figcaption texts


def _text(node: LexborNode | None) -> str:
    if node is None:
        return ""
    return normalize_inline(node.text(deep=True), decode_entities=False)


def _remove(nodes: list[LexborNode]) -> None:
    for node in reversed(nodes):  # descendants (later in document order) first
        node.decompose()


def _headline(tree: LexborHTMLParser) -> str | None:
    meta = tree.css_first('meta[property="og:title"]')
    if meta is not None:
        content = meta.attributes.get("content")
        if content:
            title = normalize_inline(content, decode_entities=False)
            if title:
                return title
    h1 = _text(tree.css_first("h1"))
    if h1:
        return h1
    title = _text(tree.css_first("title"))
    if title:
        return _TITLE_SUFFIX.sub("", title) or title
    return None


def _container(tree: LexborHTMLParser) -> LexborNode | None:
    articles = tree.css("article")
    if len(articles) == 1:
        return articles[0]
    if articles:
        return max(articles, key=lambda node: len(node.text(deep=True)))
    main = tree.css_first("main") or tree.css_first('[role="main"]')
    if main is not None:
        return main
    return tree.body or tree.root


def collapse_space(text: str) -> str:
    """reference_collapse_space in str methods: the four other HTML whitespace characters made
    spaces, then runs of spaces halved until none is left (C scans: the regex tries its class at
    every position, ~75 us on a 2 KB page)."""
    for ch in "\t\n\r\f":
        if ch in text:
            text = text.replace(ch, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def reference_collapse_space(text: str) -> str:
    """Every run of HTML whitespace (space, tab, line feed, carriage return, form feed) one space."""
    return _HTML_SPACE.sub(" ", text)


def flatten_deep(html: str, max_depth: int = MAX_HTML_DEPTH) -> str:
    """``html`` without the start and end tags nested deeper than ``max_depth``: one linear
    pass, so the parser never sees a deeper tree. Unchanged when the page is shallower.

    reference_flatten_deep, skipped for a page with no more than ``max_depth`` start tags: the
    depth grows only at one, so it never passes ``max_depth`` and every tag is kept. They are
    counted in C as the "<" not followed by "/" (a bound: a "<" in text counts too), where the
    reference calls Python at every tag (~150 us of a 2 KB page's ~480 us extraction)."""
    if max_depth > 0 and html.count("<") - html.count("</") <= max_depth:  # (at 0 an end tag goes too)
        return html
    return reference_flatten_deep(html, max_depth)


def reference_flatten_deep(html: str, max_depth: int = MAX_HTML_DEPTH) -> str:
    """flatten_deep asking every tag: the rule as written, and what the fast form is tested against."""
    depth = 0

    def keep(m: re.Match[str]) -> str:
        nonlocal depth
        if m.group(2).lower() in _UNCOUNTED or m.group(0).endswith("/>"):
            return m.group(0)
        if m.group(1):  # an end tag
            depth = max(0, depth - 1)
            return m.group(0) if depth < max_depth else " "
        depth += 1
        return m.group(0) if depth <= max_depth else " "

    return _TAG.sub(keep, html)


def html_to_text(html: str) -> HtmlText:
    """Extract the main text, headline and figure captions of an HTML page."""
    html = fix_surrogates(html)
    if _MARK in html:
        html = html.replace(_MARK, "")
    html = flatten_deep(html)
    tree = LexborHTMLParser(html)
    title = _headline(tree)
    _remove(tree.css(_DROP))
    root = _container(tree)
    if root is None:
        return HtmlText(text="", title=title)

    captions = [c for c in (_text(n) for n in root.css("figcaption")) if c]
    _remove(root.css("figcaption"))
    if title is not None:
        _remove([h1 for h1 in root.css("h1") if _text(h1) == title])

    for node in root.css(_BLOCKS):
        node.insert_before(_MARK)
        node.insert_after(_MARK)
    text = root.text(deep=True)
    text = collapse_space(text).replace(_MARK, "\n")
    return HtmlText(text=text, title=title, captions=captions)
