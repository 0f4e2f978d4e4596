"""Share and follow-us lines at the end of a body (boilerplate kind share_line): removed when they
end the text, so an excerpt's language is not taken from them; kept inside the text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from streams.cleaning import clean
from streams.cleaning.boilerplate import strip_boilerplate
from streams.models import RawArticle

NOW = datetime(2024, 3, 12, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "tail",
    [
        ["Share this article", "Follow us on Telegram"],
        ["Share: Facebook, X, WhatsApp"],
        ["SHARE THIS STORY", "Join our WhatsApp channel for updates"],
        ["Artikel teilen", "Folgen Sie uns auf Instagram"],
        ["Partager cet article", "Suivez-nous sur X"],
        ["Síguenos en Facebook"],
        ["Bagikan artikel ini", "Ikuti kami di Google News"],
        ["Chia sẻ bài viết"],
        ["Поделиться", "Подписывайтесь на наш канал в Telegram"],
    ],
)
def test_trailing_share_lines_are_removed(tail: list[str]) -> None:
    body = ["O ministro disse no domingo que a resposta seria imediata."]
    bp = strip_boilerplate(body + tail)
    assert bp.lines == body
    assert [(r.kind, r.text) for r in bp.removed] == [("share_line", line) for line in tail]


def test_share_words_inside_the_text_or_in_a_sentence_stay() -> None:
    lines = ["Share this article", "Share prices fell sharply on Monday.", "Follow us on Telegram",
             "The minister spoke in Kessel."]
    assert strip_boilerplate(lines).lines == lines
    assert strip_boilerplate(["Intro.", "Share prices fell."]).lines == ["Intro.", "Share prices fell."]


def test_a_short_excerpt_keeps_its_language_with_english_boilerplate_around_it() -> None:
    excerpt = '"Se a fronteira for atacada, a resposta será imediata", disse o ministro da Defesa.'
    a = clean(RawArticle(body=f"Advertisement\n{excerpt}\nShare this article\nFollow us on Telegram",
                         language="pt"), now=NOW)
    assert a.text == excerpt
    assert a.language == "pt"
    assert [r.kind for r in a.removed] == ["ad_placeholder", "share_line", "share_line"]
