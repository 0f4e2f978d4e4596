"""Hard-wrapped plain text (streams/cleaning/unwrap.py): soft breaks are undone, genuine short
lines (headlines, lists, tables, short paragraphs, unspaced scripts) are left as they are."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.cleaning import clean
from streams.cleaning.unwrap import soft_breaks, unwrap
from streams.models import RawArticle

NOW = datetime(2024, 3, 12, 8, 30, tzinfo=UTC)

# invented paragraphs
PARAGRAPHS = [
    "The defence minister of Valdoria warned on Tuesday that any further incursion by drones from "
    "across the northern border would be treated as a hostile act and answered accordingly.",
    "Officials in the neighbouring republic denied sending the aircraft and called the statement a "
    "provocation aimed at voters ahead of next month's parliamentary election.",
    "Talks between the two governments are due to resume in Geneva next week.",
]


def wrapped(paragraphs: list[str], width: int, separator: str = "\n\n") -> str:
    return separator.join(textwrap.fill(p, width) for p in paragraphs)


def paragraphs(body: str) -> list[str]:
    a = clean(RawArticle(body=body, language="en"), now=NOW)
    return [a.text[p.start : p.end] for p in a.paragraphs]


def test_a_wrapped_newsletter_is_unwrapped_exactly() -> None:
    body = (
        "The defence minister of Valdoria warned on Tuesday that any further\n"
        "incursion by drones from across the northern border would be treated\n"
        "as a hostile act and answered accordingly.\n"
        "\n"
        "Talks between the two governments are due to resume in Geneva next\n"
        "week.\n"
    )
    assert unwrap(body) == (
        "The defence minister of Valdoria warned on Tuesday that any further incursion by drones from "
        "across the northern border would be treated as a hostile act and answered accordingly.\n"
        "\n"
        "Talks between the two governments are due to resume in Geneva next week."
    )


@pytest.mark.parametrize("width", [60, 66, 72, 76, 80])
def test_any_usual_width_gives_back_the_paragraphs(width: int) -> None:
    assert unwrap(wrapped(PARAGRAPHS, width)) == "\n\n".join(PARAGRAPHS)
    assert paragraphs(wrapped(PARAGRAPHS, width)) == PARAGRAPHS


def test_the_clean_article_is_the_same_as_from_the_unwrapped_body() -> None:
    plain = clean(RawArticle(body="\n".join(PARAGRAPHS), language="en"), now=NOW)
    for body in (wrapped(PARAGRAPHS, 72), wrapped(PARAGRAPHS, 72).replace("\n", "\r\n")):
        a = clean(RawArticle(body=body, language="en"), now=NOW)
        assert (a.text, a.paragraphs, a.sentences) == (plain.text, plain.paragraphs, plain.sentences)


def test_without_blank_lines_a_short_last_line_still_ends_its_paragraph() -> None:
    body = wrapped(PARAGRAPHS, 72, separator="\n")
    assert unwrap(body) == "\n".join(PARAGRAPHS)


def test_two_lines() -> None:
    assert unwrap(
        "The foreign ministry in Sarnovia said that the deployment of new\nmissiles would not go unanswered."
    ) == "The foreign ministry in Sarnovia said that the deployment of new missiles would not go unanswered."
    # a full stop that does not end the sentence: an abbreviation, or a lower-case word after it
    assert unwrap(
        "The ministry of Sarnovia said it would regard the new sanctions by the U.S.\nas a hostile act."
    ) == "The ministry of Sarnovia said it would regard the new sanctions by the U.S. as a hostile act."
    assert unwrap(
        "The foreign minister of Valdoria then issued a warning to its neighbours:\nany attack will be answered."
    ) == "The foreign minister of Valdoria then issued a warning to its neighbours: any attack will be answered."
    # a first line that ends a sentence, or too short for a wrap, says nothing
    for body in (
        "The foreign ministry in Sarnovia rejected the accusations on Monday.\nTalks resume in June.",
        "Sarnovia rejects the accusations\nTalks resume in June.",
    ):
        assert unwrap(body) == body


def test_a_hyphen_at_the_break_is_kept_without_a_space() -> None:
    body = (
        "Protesters gathered outside the parliament in the capital to support the pro-\n"
        "Western coalition, which lost its majority in a vote of no confidence on\n"
        "Friday."
    )
    assert unwrap(body) == (
        "Protesters gathered outside the parliament in the capital to support the pro-Western coalition, "
        "which lost its majority in a vote of no confidence on Friday."
    )


def test_footer_lines_stay_and_are_removed_as_boilerplate() -> None:
    body = wrapped(PARAGRAPHS[:1], 72) + "\n\nShare this article\nFollow us on Telegram"
    assert unwrap(body) == PARAGRAPHS[0] + "\n\nShare this article\nFollow us on Telegram"
    assert paragraphs(body) == PARAGRAPHS[:1]


def test_never_before_a_list_item_or_an_indented_line() -> None:
    body = (
        "The committee published its recommendations on Thursday and listed three\n"
        "- a new inspection regime for every border crossing point in the region\n"
        "2. stricter export licences for dual-use goods and components, from May\n"
        "   with an exemption for humanitarian deliveries by recognised agencies"
    )
    assert unwrap(body) == body
    # nor is a list item's long line evidence of wrapping
    contacts = "- Website: https://www.northport-harbour-authority.example/contact-us\nJan Novak"
    assert unwrap(contacts) == contacts


@pytest.mark.parametrize(
    "body",
    [
        # a results table: short rows
        "Results on Saturday:\nNorthport 2 Eastvale 1\nLakeside 0 Riverton 3\nMillbrook 1 Stonebridge 1",
        # ... and one laid out in columns, its rows as long as a wrap's lines
        "Northport United        2     Eastvale Rovers Football Club        1     (att. 12,400)\n"
        "Lakeside Athletic       0     Riverton Town Football Club          3     (att. 8,150)\n"
        "Millbrook City          1     Stonebridge Wanderers                1     (att. 9,900)",
        # a list of headlines
        "Valdoria and Sarnovia agree to reopen the border crossing at Kessel\n"
        "Storm warning for the northern coast\n"
        "Central bank holds rates for the fourth month in a row\n"
        "Ministry announces new school year calendar",
        # a short-paragraph article: a sentence per line
        "Chính quyền thành phố đã khai trương cây cầu mới bắc qua sông vào sáng thứ Hai.\n"
        "Cây cầu dài 800 mét và có bốn làn xe dành cho ô tô và xe máy.\n"
        "Công trình được xây dựng trong gần ba năm với tổng vốn đầu tư lớn.\n"
        "Người dân địa phương cho biết thời gian đi lại sẽ giảm đáng kể.",
        # Chinese short paragraphs, and Chinese broken at a fixed number of characters
        "市政府周一宣布，连接火车站和机场的新公交线路将于下个月正式开通，票价与现有线路相同。\n"
        "新线路全长二十八公里，沿途设有十六个车站，预计每天可运送乘客两万人次左右。\n"
        "有关部门表示，今后还将继续完善公共交通网络，方便市民出行。",
        "市政府周一宣布新的公交线路将于下月开通，新线路连接火车站和机场，票价与现有线路相同，\n"
        "预计每天可运送乘客两万人次，沿线居民的出行时间将大大缩短，有关部门表示将继续完善公\n"
        "共交通网络。",
        # one long line per paragraph: the usual body
        " ".join(PARAGRAPHS[:2]) + "\n" + PARAGRAPHS[2],
    ],
)
def test_texts_that_are_not_wrapped_stay_as_they_are(body: str) -> None:
    assert unwrap(body) == body


def test_a_less_than_sign_or_a_single_line_is_untouched() -> None:
    for body in ("a < b", "", "One line only, however long it may be."):
        assert unwrap(body) == body


WORDS = ["a", "word", "Valdoria", "pro-", "warned.", "- ", "1. ", "  ", "\t", "市政府", "the", "minister,"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=80), st.integers(20, 110))
def test_unwrap_changes_only_line_breaks(words: list[str], width: int) -> None:
    text = textwrap.fill(" ".join(words), width)
    out = unwrap(text)
    assert "".join(out.split()) == "".join(text.split())
    assert out.count("\n") <= text.count("\n")


def test_soft_breaks_marks_only_the_wrapped_lines() -> None:
    lines = wrapped(PARAGRAPHS[:2], 72).split("\n")
    assert soft_breaks(lines) == [True, True, False, False, True, True, False]


def test_a_long_headline_over_its_first_sentence_stays_apart() -> None:
    body = ("Sarnovian foreign ministry warns Valdoria against new border deployments\n"
            "The ministry said on Monday that the troops must be withdrawn.")
    assert unwrap(body) == body
