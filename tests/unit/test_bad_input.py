"""Bad input through the whole in-process pipeline: ``stages.parse_raw`` then
``Pipeline.process``. The only exception allowed out is ``InvalidRecord`` with a known
kind and a message; whatever is accepted yields records whose offsets hold."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams import stages
from streams.errors import InvalidRecord
from streams.models import CleanArticle, RawArticle, Source, TaggedArticle
from streams.pipeline import Pipeline, Result

# What a bad record may be dead-lettered as. "internal_error" is deliberately absent:
# the cleaner reports an unexpected failure under that kind, and it must never happen.
KINDS = {"invalid_json", "schema", "too_large", "empty_body", "wrong_type"}
FIELDS = ("body", "html", "id", "url", "title", "language", "published_at", "source", "metadata")

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WARNING_EN = ("Germany's foreign ministry warned on Tuesday that Russia's deployment of troops near "
              "Poland would be a dangerous escalation.")


# ------------------------------------------------------------------ checks


def check_result(result: Result) -> None:
    clean, tagged = result.clean, result.tagged
    assert isinstance(clean, CleanArticle)
    assert isinstance(tagged, TaggedArticle)
    assert tagged.article is clean
    text = clean.text
    n = len(text)
    assert text.strip(), "an accepted article has text"
    for s in clean.sentences:
        assert 0 <= s.start < s.end <= n
    for m in tagged.mentions:
        assert m.entity_id
        assert 0 <= m.start < m.end <= n, m
        assert text[m.start : m.end] == m.text, m
    for st_ in tagged.statements:
        assert 0 <= st_.sentence < len(clean.sentences)
        assert 0 <= st_.start < st_.end <= n, st_
        assert st_.start <= st_.cue_start and st_.cue_start + len(st_.cue_text) <= st_.end
        assert text[st_.cue_start : st_.cue_start + len(st_.cue_text)] == st_.cue_text
        if st_.quote is not None:
            assert st_.quote_start is not None and st_.quote_end is not None
            assert 0 <= st_.quote_start <= st_.quote_end <= n
            assert text[st_.quote_start : st_.quote_end] == st_.quote
        assert all(0 <= i < len(tagged.mentions) for i in st_.mentions)
    # What the worker would put on the next topics must serialise (no lone surrogates).
    orjson.dumps(tagged)
    for alert in result.alerts:
        orjson.dumps(alert)


def check_invalid(err: InvalidRecord) -> None:
    assert err.kind in KINDS, (err.kind, err.message)
    assert isinstance(err.message, str) and err.message.strip()
    orjson.dumps({"kind": err.kind, "message": err.message})  # fits a dead letter


def run_bytes(pipe: Pipeline, data: bytes | str | dict[str, Any]) -> Result | InvalidRecord:
    try:
        raw = stages.parse_raw(data)
    except InvalidRecord as err:
        check_invalid(err)
        return err
    return run_raw(pipe, raw)


def run_raw(pipe: Pipeline, raw: RawArticle) -> Result | InvalidRecord:
    try:
        result = pipe.process(raw)
    except InvalidRecord as err:
        check_invalid(err)
        return err
    check_result(result)
    return result


# -------------------------------------------------------------- strategies

ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)  # what JSON (orjson) can carry
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    ints,
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=15,
)

# Text in scripts and languages the cleaner does not plan for, plus emoji.
FOREIGN_ALPHABETS = [
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK ideographs
    st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),  # kana
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # hangul
    st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B),  # Thai
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # Arabic
    st.characters(min_codepoint=0x0900, max_codepoint=0x097F),  # Devanagari
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.sampled_from(list(" .,!?\n\"«»“”:")),
]
foreign_text = st.text(st.one_of(*FOREIGN_ALPHABETS), min_size=1, max_size=200)

# Every code point, control characters and lone surrogates included.
any_text = st.text(st.characters(exclude_categories=()), max_size=200)
CONTROL = [chr(c) for c in range(0x20)] + ["\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\u200b", "\ud800",
                                          "\udfff", "\ud83d"]
# Pieces that make mentions and statements happen, so that the span checks bite.
FRAGMENTS = [
    WARNING_EN,
    "Kementerian Luar Negeri Jerman memperingatkan bahwa pengerahan pasukan Korea Utara akan menjadi eskalasi.",
    '"This is a red line," said Kremlin spokesman Dmitry Peskov.',
    "Bộ Ngoại giao Pháp cho biết",
    "МИД России заявил, что",
    "ドイツ",
    "ألمانيا",
    "Đức",
    "Того",
    "AS",
    "“",
    "”",
    "«",
    "»",
    '"',
    ". ",
    "\n",
    "<div>",
    "</div>",
    "&amp;",
]
mixed_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(CONTROL), foreign_text, any_text), max_size=20
).map("".join)

wrong_types: dict[str, st.SearchStrategy[Any]] = {
    "body": st.one_of(ints, st.lists(st.text(max_size=5), max_size=3),
                      st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3), st.booleans(),
                      st.floats(allow_nan=False, allow_infinity=False)),
    "html": st.one_of(ints, st.lists(ints, max_size=3), st.booleans()),
    "id": st.one_of(ints, st.just(""), st.text(min_size=201, max_size=260), st.lists(ints)),
    "url": st.one_of(ints, st.booleans(), st.text(min_size=4097, max_size=4100)),
    "title": st.one_of(ints, st.dictionaries(st.text(max_size=3), ints, max_size=2)),
    "language": st.one_of(ints, st.text(min_size=36, max_size=50), st.lists(st.text(max_size=3))),
    "published_at": st.one_of(ints, st.booleans(),
                              # (no time: "" and a date alone are accepted, test_a_date_as_producers_write_it…)
                              st.text(max_size=30).filter(lambda s: "T" not in s and " " not in s and s.strip() != ""
                                                          and re.fullmatch(r"\d{4}-\d\d-\d\d", s.strip()) is None),
                              st.sampled_from(["garbage", "2025-13-45T99:99:99Z", "yesterday", "Tue, 12 Mar 2024"])),
    "source": st.one_of(st.text(max_size=10), ints, st.lists(st.text(max_size=3), max_size=2),
                        st.fixed_dictionaries({"name": ints}),
                        st.fixed_dictionaries({"domain": st.lists(ints, max_size=2)})),
    "metadata": st.one_of(st.lists(json_scalars, max_size=3), st.text(max_size=10), ints),
}


@st.composite
def wrongly_typed(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    record: dict[str, Any] = {"body": "Jakarta sedang hujan deras sore ini.", "id": "wt-1",
                              "published_at": "2025-01-14T08:00:00Z"}
    name = draw(st.sampled_from(FIELDS))
    record[name] = draw(wrong_types[name])
    if name == "body":
        record.pop("html", None)
    return name, record


# ------------------------------------------------------------------ tests


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes(pipeline_factory: Callable[[], Pipeline], data: bytes) -> None:
    out = run_bytes(pipeline_factory(), data)
    if isinstance(out, InvalidRecord) and b"{" not in data:
        assert out.kind in {"invalid_json", "schema"}


@FAST
@given(json_values)
def test_arbitrary_json_values(pipeline_factory: Callable[[], Pipeline], value: Any) -> None:
    pipe = pipeline_factory()
    out = run_bytes(pipe, orjson.dumps(value))
    if not isinstance(value, dict):
        assert isinstance(out, InvalidRecord) and out.kind == "schema"
    # The same value handed over already parsed behaves the same.
    again = run_bytes(pipeline_factory(), value) if isinstance(value, dict) else None
    if again is not None:
        assert type(again) is type(out)


@FAST
@given(wrongly_typed())
def test_wrong_type_for_every_field_is_refused(pipeline_factory: Callable[[], Pipeline],
                                               case: tuple[str, dict[str, Any]]) -> None:
    name, record = case
    out = run_bytes(pipeline_factory(), orjson.dumps(record))
    assert isinstance(out, InvalidRecord), f"{name}={record[name]!r} was accepted"
    assert out.kind == "schema"


# Values of the wrong Python type for a field of a RawArticle built in code.
not_a_string = st.one_of(st.integers(), st.floats(), st.booleans(), st.binary(max_size=5),
                         st.lists(st.text(max_size=3), max_size=2),
                         st.dictionaries(st.text(max_size=3), ints, max_size=2))
not_a_mapping = st.one_of(st.integers(), st.text(max_size=5), st.lists(ints, max_size=2), st.booleans())


@FAST
@given(st.data())
def test_wrong_types_past_the_schema_are_refused_by_the_cleaner(
    pipeline_factory: Callable[[], Pipeline], data: st.DataObject
) -> None:
    """A RawArticle built in code (not parsed) with a wrong type is refused, not crashed on."""
    name = data.draw(st.sampled_from(FIELDS))
    raw = RawArticle(body="Jakarta sedang hujan deras sore ini.")
    if name == "source":
        value = data.draw(st.one_of(not_a_mapping, st.builds(Source, name=not_a_string),
                                    st.builds(Source, domain=not_a_string)))
    elif name == "metadata":
        value = data.draw(st.one_of(st.integers(), st.text(min_size=1, max_size=5), st.lists(ints, max_size=2)))
    else:
        value = data.draw(not_a_string)
    setattr(raw, name, value)
    out = run_raw(pipeline_factory(), raw)
    assert isinstance(out, InvalidRecord) and out.kind == "wrong_type", (name, value, out)


@FAST
@given(mixed_text, st.sampled_from([None, "en", "id", "vi", "de", "fr", "es", "ru", "ja", "xx"]))
def test_arbitrary_text_bodies(pipeline_factory: Callable[[], Pipeline], body: str, lang: str | None) -> None:
    """Control characters, lone surrogates, unknown scripts: refused as empty or processed."""
    out = run_raw(pipeline_factory(), RawArticle(body=body, language=lang))
    if isinstance(out, InvalidRecord):
        assert out.kind == "empty_body", (out.kind, out.message)


@FEW
@given(mixed_text)
def test_arbitrary_html(pipeline_factory: Callable[[], Pipeline], html: str) -> None:
    out = run_raw(pipeline_factory(), RawArticle(html=html))
    if isinstance(out, InvalidRecord):
        assert out.kind == "empty_body", (out.kind, out.message)


@FAST
@given(foreign_text)
def test_unknown_language_text_through_json(pipeline_factory: Callable[[], Pipeline], body: str) -> None:
    out = run_bytes(pipeline_factory(), orjson.dumps({"body": body, "language": "xx"}))
    if isinstance(out, InvalidRecord):
        assert out.kind == "empty_body"
    else:
        assert out.clean.language  # "und" or a detected code, never empty


@FEW
@given(st.lists(st.sampled_from(["\\ud800", "\\udfff", "\\udbff", "\\u0000", "\\u001f", "\\ud83d\\ude00",
                                 "\\u200b", "x", " ", "\\n", "Germany"]), min_size=1, max_size=12))
def test_json_escapes_for_lone_surrogates_and_controls(pipeline_factory: Callable[[], Pipeline],
                                                       pieces: list[str]) -> None:
    escaped = "".join(pieces)
    data = b'{"id": "sur-1", "body": "' + escaped.encode() + b'"}'
    out = run_bytes(pipeline_factory(), data)
    # "\\udbff" then "\\udfff" is a valid pair (U+10FFFF); only unpaired halves are invalid
    lone = any(0xD800 <= ord(c) <= 0xDFFF for c in json.loads(f'"{escaped}"'))
    if lone:
        assert isinstance(out, InvalidRecord) and out.kind == "invalid_json"


@pytest.mark.parametrize(
    ("record", "kind"),
    [
        ({"body": ""}, "empty_body"),
        ({"body": "   \n\t  \u3000 "}, "empty_body"),
        ({"body": "\u200b\ufeff\u2028"}, "empty_body"),
        ({"body": "... !!! ---"}, "empty_body"),
        ({"html": "<p>   </p><script>var x = 1;</script>"}, "empty_body"),
        ({"title": "no body"}, "schema"),
        ({"body": None, "html": None}, "schema"),
        ({"body": 42}, "schema"),
        ({"body": ["a", "b"]}, "schema"),
        ({"body": {"text": "a"}}, "schema"),
        ({"body": "x", "published_at": "garbage"}, "schema"),
        ({"body": "x", "source": "Reuters"}, "schema"),
        ({"body": "x", "metadata": ["a"]}, "schema"),
    ],
)
def test_known_bad_records(pipeline_factory: Callable[[], Pipeline], record: dict[str, Any], kind: str) -> None:
    out = run_bytes(pipeline_factory(), orjson.dumps(record))
    assert isinstance(out, InvalidRecord)
    assert out.kind == kind, out.message


@pytest.mark.parametrize("stamp", ["2025-01-14", "", "  ", "Tue, 14 Jan 2025 08:00:00 GMT",
                                   "Tue, 14 Jan 2025 08:00:00 +0100"])
def test_a_date_as_producers_write_it_keeps_the_article(pipeline_factory: Callable[[], Pipeline], stamp: str) -> None:
    """A date alone, RSS's RFC 2822 or an empty string is no reason to lose the article: it gets the
    same alert as with an RFC 3339 time (the cleaning stage reads or replaces the date)."""
    pipe = pipeline_factory()
    want = run_bytes(pipe, orjson.dumps({"body": WARNING_EN, "id": "d-ref", "published_at": "2025-01-14T08:00:00Z"}))
    got = run_bytes(pipeline_factory(), orjson.dumps({"body": WARNING_EN, "id": "d-ref", "published_at": stamp}))
    assert isinstance(want, Result) and isinstance(got, Result), got
    assert [(a.rule.id, a.speaker.country) for a in got.alerts] == [(a.rule.id, a.speaker.country) for a in want.alerts]
    assert want.alerts


def test_lone_surrogate_in_a_built_record_is_repaired(pipeline_factory: Callable[[], Pipeline]) -> None:
    out = run_raw(pipeline_factory(), RawArticle(body=f"\ud800 {WARNING_EN}", title="\udfff"))
    assert isinstance(out, Result)
    out.clean.text.encode("utf-8")  # strict: no surrogate survived
    assert "Germany" in out.clean.text
    assert out.alerts, "the warning still raises its alert"


def test_ten_megabyte_body(pipeline_factory: Callable[[], Pipeline]) -> None:
    body = "Berlin warnt. " * (10 * 1024 * 1024 // 14 + 1)
    pipe = pipeline_factory()
    out = run_bytes(pipe, orjson.dumps({"body": body}))
    assert isinstance(out, InvalidRecord) and out.kind == "too_large"
    out = run_raw(pipe, RawArticle(body=body))
    assert isinstance(out, InvalidRecord) and out.kind == "too_large"
    # Under the raw limit but over the text limit: refused after a length check, not processed.
    out = run_raw(pipe, RawArticle(body=body[: pipe.settings.max_article_chars + 10]))
    assert isinstance(out, InvalidRecord) and out.kind == "too_large"


def test_deeply_nested_html(pipeline_factory: Callable[[], Pipeline]) -> None:
    depth = 20_000
    html = "<div>" * depth + WARNING_EN + "</div>" * depth
    pipe = pipeline_factory()
    out = run_bytes(pipe, orjson.dumps({"html": html, "id": "nested-1", "published_at": "2025-01-14T08:00:00Z"}))
    assert isinstance(out, Result)
    assert out.clean.text == WARNING_EN
    assert [a.rule.id for a in out.alerts] == ["gov-warns-escalation"]
    # Unclosed nesting too.
    out = run_raw(pipeline_factory(), RawArticle(html="<div><p><span>" * 7_000 + WARNING_EN))
    assert isinstance(out, Result) and "Poland" in out.clean.text


def test_valid_article_after_many_bad_ones_still_alerts(pipeline_factory: Callable[[], Pipeline]) -> None:
    pipe = pipeline_factory()
    bad: list[bytes] = [
        b"", b"\xff\xfe\x00", b"{", b"null", b"[1, 2]", b'{"title": "no body"}', b'{"body": 42}',
        b'{"body": "   "}', b'{"body": "\\ud800"}', b'{"body": "x", "source": "s"}',
        orjson.dumps({"html": "<div>" * 5000}), orjson.dumps({"body": "\x00\x01\x02"}),
    ] * 10
    for data in bad:
        assert isinstance(run_bytes(pipe, data), InvalidRecord), data[:40]
    assert pipe.alerts == {}
    good = orjson.dumps({"id": "good-1", "body": WARNING_EN, "language": "en",
                         "published_at": "2025-01-14T08:00:00Z"})
    out = run_bytes(pipe, good)
    assert isinstance(out, Result)
    assert [a.rule.id for a in out.alerts] == ["gov-warns-escalation"]
    alert = out.alerts[0]
    assert alert.speaker.country == "DE"
    assert {t.country for t in alert.targets} >= {"RU", "PL"}
    assert list(pipe.alerts) == [alert.id]


def test_checks_bite_on_a_real_article(pipeline_factory: Callable[[], Pipeline]) -> None:
    """The span checks above are not vacuous: a real article has mentions and statements."""
    out = run_raw(pipeline_factory(), RawArticle(body=FRAGMENTS[2] + "\n" + WARNING_EN, language="en"))
    assert isinstance(out, Result)
    assert len(out.tagged.mentions) >= 4
    assert len(out.tagged.statements) >= 2
    assert any(s.quote == "This is a red line," or s.quote == "This is a red line" for s in out.tagged.statements)
