"""The HTML extraction's fast forms give what their references give: flatten_deep's shortcut (a page
with no more start tags than the cap is returned as it is) what reference_flatten_deep, which asks
every tag, gives, on generated pages around the cap; collapse_space (str methods) what the
whitespace regex gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.cleaning.html import (
    MAX_HTML_DEPTH,
    collapse_space,
    flatten_deep,
    reference_collapse_space,
    reference_flatten_deep,
)

PIECES = ["<div>", "</div>", "<p>", "</p>", "<br/>", "<span class='a'>", "</span>", "<b>", "</b>", "<li>",
          "< div>", "<", "</", "<a<b", "x", " ", "<!-- c -->", "<img src=x>", "</section>", "<section>"]


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=60), cap=st.integers(0, 12))
def test_flatten_deep_is_the_reference(pieces: list[str], cap: int) -> None:
    page = "".join(pieces)
    assert flatten_deep(page, cap) == reference_flatten_deep(page, cap)


def test_flatten_deep_is_the_reference_at_the_default_cap() -> None:
    for n in (0, 1, MAX_HTML_DEPTH - 1, MAX_HTML_DEPTH, MAX_HTML_DEPTH + 1, 2 * MAX_HTML_DEPTH):
        for page in ("<div>" * n + "text", "<div>" * n + "</div>" * n, "<p>x" * n, "<" * n + "<b>"):
            assert flatten_deep(page) == reference_flatten_deep(page)


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=" \t\n\r\f\v\xa0\x1e\u2009ab", max_size=200))
def test_collapse_space_is_the_reference(text: str) -> None:
    assert collapse_space(text) == reference_collapse_space(text)


def test_collapse_space_on_long_runs() -> None:
    for n in (1, 2, 3, 7, 64, 1000, 4097):
        for ws in (" ", "\n", " \t\r\f"):
            text = "a" + ws * n + "b" + ws * n
            assert collapse_space(text) == reference_collapse_space(text)
