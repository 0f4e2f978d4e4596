"""HTML tags in a plain-text body (strip_fragments in streams/cleaning/html.py): the known, well-formed
tags go (block ones end a paragraph), and text that only looks like a tag stays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from streams.cleaning import clean
from streams.cleaning.html import strip_fragments
from streams.models import RawArticle

NOW = datetime(2024, 3, 12, 8, 30, tzinfo=UTC)


def paragraphs(body: str) -> list[str]:
    a = clean(RawArticle(body=body, language="en"), now=NOW)
    return [a.text[p.start : p.end] for p in a.paragraphs]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>Ministers met in Kessel.</p><p>Talks resume in June.</p>",
         "\n\nMinisters met in Kessel.\n\n\n\nTalks resume in June.\n\n"),
        ("First line<br>second line<br/>third line<BR />fourth", "First line\n\nsecond line\n\nthird line\n\nfourth"),
        ('<div class="lead">The <b>minister</b> said <i>no</i>, <em>twice</em>.</div>',
         "\n\nThe minister said no, twice.\n\n"),
        ('Read the <a href="https://news.example/a?x=1&amp;y=2" target=_blank>statement</a> in full.',
         "Read the statement in full."),
        ("<strong>Kessel</strong> - <span style='color:red'>breaking</span>", "Kessel - breaking"),
        ('<img src="https://news.example/p.jpg" alt="a photo"/>Caption-free text.', "Caption-free text."),
    ],
)
def test_known_tags_are_removed(body: str, expected: str) -> None:
    assert strip_fragments(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "a < b and c > d",
        "a<b, b>c",
        "I <3 this town",
        "if x <b and c> y",  # attributes without values: not a tag
        "<brown fox>",
        "<script>alert(1)</script>",  # not of the known set: left to the rest of cleaning
        "Escaped: &lt;p&gt; stays text",
        "No tags at all.",
    ],
)
def test_text_that_only_looks_like_a_tag_stays(body: str) -> None:
    assert strip_fragments(body) == body


def test_an_rss_description_cleans_like_its_plain_text() -> None:
    html_body = (
        "<p>The <b>foreign ministry</b> of Valdoria said on Monday that the deployment would be met "
        "with a &quot;firm response&quot;.</p><p>Sarnovia&#x27;s government did not comment.</p>"
    )
    plain = (
        'The foreign ministry of Valdoria said on Monday that the deployment would be met with a "firm response".\n'
        "Sarnovia's government did not comment."
    )
    assert paragraphs(html_body) == plain.split("\n")
    a = clean(RawArticle(body=html_body, language="en"), now=NOW)
    b = clean(RawArticle(body=plain, language="en"), now=NOW)
    assert (a.text, a.paragraphs, a.sentences) == (b.text, b.paragraphs, b.sentences)


def test_a_comparison_in_a_body_is_kept() -> None:
    assert paragraphs("Turnout was a < b in the north.\nI <3 Kessel.") == ["Turnout was a < b in the north.",
                                                                          "I <3 Kessel."]
