"""Undo hard wrapping in plain-text bodies (wires, e-mail newsletters, RSS).

Such a text breaks its lines at a fixed width inside each paragraph, and separates paragraphs with
a blank line (or a shorter line). Every line of a body becomes a paragraph, so without this each
sentence would be cut at the wrap width, and a speaker and what they said end up in different
paragraphs.

A line break is undone only where the text shows it was wrapped. A greedy wrapper at width ``W``
breaks a line only when the next word does not fit: ``len(line) + 1 + len(next word) > W``. The
text's widest line is a lower bound of ``W``, so a break that is soft passes that test with it; a
short paragraph or a headline mostly fails it (the next line's first word would have fitted). The
text counts as wrapped when its widest line is at most :data:`MAX_WIDTH`, most of its breaks pass
the test (a break after a sentence's end, and a short line's in a block of its own such as a
footer, say nothing), and the lines before them mostly do not end a sentence (genuine short
paragraphs do). Only the breaks that pass are undone: a short line still ends its paragraph.

A two-line text is ambiguous: when its first line is the widest, that break always passes. It is
joined when the line does not end a sentence, is as long as a wrap leaves it (:data:`MIN_SINGLE`)
and the next line goes on in lower case (or in a script without case): a headline without a full
stop over its article's first sentence (a capital) stays apart. A list item's line is joined in a
wrapped text but is no evidence of one.

Never undone: a break before a blank line, an indented line, a list item or bullet; a break
next to a character of a script written without spaces (Chinese, Japanese, Thai ...), where
joining would need no space and the wrap cannot be told from a paragraph; a text with column
gaps (a table laid out with runs of spaces or tabs).
"""

from __future__ import annotations

import re

MAX_WIDTH = 100  # wider lines are paragraphs, not a wrapped text
MIN_WIDTH = 40  # narrower "wrapping" is a list, a table or verse
MAX_WORD = 30  # a longer first "word" is a URL or unspaced text: it says nothing about the width
# One soft-looking break is little evidence (the widest line always passes): the line and the next
# word must also overflow the narrowest usual wrap width (60-80 columns).
MIN_SINGLE = 60
MOST = 2 / 3  # share of a text's breaks that must look soft (those after a sentence's end aside)
# Share of those soft-looking lines that may end a sentence: in wrapped prose a break falls after
# a sentence's last word about once in ten, a short-paragraph article ends nearly every line.
MAX_ENDED = 2 / 3

# a list item or bullet: "- ", "* ", "• ", "1. ", "2) ", "(a) "
_LIST_START = re.compile(r"(?:[-*+•·‣◦▪>]|\d{1,3}[.)]|\(?[A-Za-z0-9]{1,3}\))\s")
# column gaps: a tab, or three spaces between two non-spaces (two are often typed after a full stop)
_COLUMNS = re.compile(r"\S(?:\t| {3})")
# scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, CJK, kana, full-width forms)
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                       "\uf900-\ufaff\uff00-\uffef]")
_ENDS = frozenset(".!?…:;。！？।॥")  # (the danda ends a Hindi sentence)
_CLOSING = "\"'”’»)]}"
_OPENING = "\"'“‘„«([{"


def _ends_sentence(line: str, nxt: str) -> bool:
    """Does ``line`` end a sentence, as far as its last characters and the next line's first tell?"""
    if nxt[:1].islower():
        return False  # "... a U.S.\nnaval blockade", "... warned:\nany attack"
    stripped = line.rstrip(_CLOSING)
    if not stripped or stripped[-1] not in _ENDS:
        return False
    # an initial or a dotted abbreviation: "Tore O.", "U.S."
    return not (stripped[-1] == "." and len(stripped) > 1 and stripped[-2].isupper()
                and (len(stripped) == 2 or stripped[-3] in " ."))


def _first_word(line: str) -> str:
    space = line.find(" ")
    return line if space < 0 else line[:space]


def _joinable(line: str, nxt: str) -> bool:
    """Could the break between ``line`` and the non-blank line ``nxt`` be soft at all?"""
    return not (nxt[0].isspace() or _LIST_START.match(nxt) is not None
                or _UNSPACED.match(line, len(line) - 1) is not None or _UNSPACED.match(nxt) is not None)


def soft_breaks(lines: list[str]) -> list[bool]:
    """For each line (trailing whitespace stripped; "" for a blank line), whether the break after it
    is a soft wrap to undo. All False unless the text as a whole looks hard-wrapped."""
    n = len(lines)
    soft = [False] * n
    width = max(map(len, lines), default=0)
    if n < 2 or not MIN_WIDTH <= width <= MAX_WIDTH:
        return soft
    breaks = passed = ended = 0
    reach = 0  # the longest line + next word of the soft-looking breaks
    short = 0  # breaks after a short line, in the current block (up to a blank line)
    block_passed = 0
    lower = False  # a soft-looking break before a lower-case word (no headline over its article)
    for i in range(n - 1):
        line, nxt = lines[i], lines[i + 1]
        if not nxt:
            # A short line without a sentence end counts against wrapping only in a block that has
            # soft-looking breaks (a list of headlines), not in one of its own (a footer's lines).
            breaks += short if block_passed else 0
            short = block_passed = 0
        if not line or not nxt or not _joinable(line, nxt):
            continue
        word = len(_first_word(nxt))
        if word <= MAX_WORD and len(line) + 1 + word > width:
            soft[i] = True
            if _LIST_START.match(line) is not None:
                continue  # a list item's line is joined in a wrapped text, but is no evidence of one
            reach = max(reach, len(line) + 1 + word)
            # (past opening quotes; a script without case cannot show a headline's end: a continuation)
            first = nxt.lstrip(_OPENING)[:1]
            lower = lower or first.islower() or (first.isalpha() and not first.isupper())
            passed += 1
            block_passed += 1
            breaks += 1
            ended += _ends_sentence(line, nxt)
        elif not _ends_sentence(line, nxt):
            # a line that would have taken the next word and does not end a sentence (a paragraph
            # ends there, wrapped text or not) counts against wrapping
            if 2 * len(line) >= width:
                breaks += 1
            else:
                short += 1
    breaks += short if block_passed else 0
    if passed == 0 or passed < MOST * breaks or ended > MAX_ENDED * passed:
        return [False] * n
    if passed == 1 and (reach <= MIN_SINGLE or not lower):
        return [False] * n
    if any(_COLUMNS.search(line) is not None for line in lines):
        return [False] * n
    return soft


def unwrap(text: str) -> str:
    """``text`` with its soft line breaks (see the module docstring) replaced by a space; unchanged
    when it does not look hard-wrapped. A break after a hyphen glued to a word ("pro-" / "Russian")
    is joined without a space."""
    first = text.find("\n")
    if first < 0 and "\r" not in text:
        return text
    if first > MAX_WIDTH and len(text[:first].rstrip()) > MAX_WIDTH:
        return text  # most articles: a first paragraph on one long line (no splitting the text)
    lines = [line.rstrip() for line in text.splitlines()]
    soft = soft_breaks(lines)
    if not any(soft):
        return text
    out: list[str] = []
    for i, line in enumerate(lines):
        if i > 0 and soft[i - 1]:
            prev = out[-1]
            glue = "" if len(prev) > 1 and prev[-1] == "-" and prev[-2].isalpha() and line[:1].isalpha() else " "
            out[-1] = prev + glue + line
        else:
            out.append(line)
    return "\n".join(out)
