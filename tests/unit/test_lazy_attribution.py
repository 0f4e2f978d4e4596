"""Lazy attribution (statements.attribute with ``wanted``, scope.py): resolving only the groups of
statements a rule could use gives the same alerts as resolving every statement, and each
statement it keeps is the very statement full attribution makes.

Checked on generated articles (speakers carried on by pronouns, bare titles, quotes running over
sentences, recaps, statements with and without a rule's terms, in English, German and Indonesian)
and on the project's own fixture texts joined into long articles."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams import stages
from streams.models import RawArticle, TaggedArticle, to_dict
from streams.pipeline import Pipeline
from streams.rules.loader import Rule, RuleSet
from streams.tagging import statements
from streams.tagging.scope import resolved_sentences

FIXTURES = Path(__file__).parent.parent / "fixtures"
NOW = datetime(2025, 1, 15, 12, tzinfo=UTC)

# Pieces of the generated articles (written for this test): who speaks, the verb, what is said
# (with a term some rule needs, or with none), and the shapes a sentence takes.
PIECES: dict[str, dict[str, list[str]]] = {
    "en": {
        "who": ["Foreign Minister Sergei Lavrov", "Russia's foreign ministry", "Germany", "The spokesperson",
                "He", "She", "Kremlin spokesman Dmitry Peskov", "The minister", "China", "A local farmer",
                "Defence Minister Jan Kowalczyk", "The Chinese Foreign Ministry", "Ukraine's president"],
        "cue": ["said", "warned", "added", "threatened", "told reporters", "stressed", "expressed concern"],
        "hot": ["any strike on its territory would be a dangerous escalation", "this is a red line for Moscow",
                "the response will be swift and harsh", "there will be grave consequences for Washington",
                "Russia will retaliate against any attack", "the troops near the border are a grave threat",
                "NATO would become a party to the conflict", "missiles could be deployed in Belarus"],
        "cold": ["the talks in Geneva were useful", "prices rose sharply in March", "the visit takes place next week",
                 "the harvest was better than expected", "the new bridge opens in May"],
        "plain": ["Lavrov met his Turkish counterpart in Ankara on Monday.", "The match ended in a draw.",
                  "Deputy Foreign Minister Sergei Ryabkov spoke to reporters.", "Troops crossed the border at dawn.",
                  "The ministry published a statement on Tuesday."],
    },
    "de": {
        "who": ["Außenministerin Annalena Baerbock", "Das Auswärtige Amt", "Russland", "Der Sprecher", "Er", "Sie",
                "Kremlsprecher Dmitri Peskow", "Der Minister", "Ein Landwirt", "Frankreich"],
        "cue": ["sagte", "warnte", "fügte hinzu", "drohte", "betonte"],
        "hot": ["jeder Angriff wäre eine gefährliche Eskalation", "das sei eine rote Linie",
                "die Antwort werde hart ausfallen", "es werde ernste Konsequenzen geben",
                "Moskau werde Vergeltung üben"],
        "cold": ["die Gespräche seien nützlich gewesen", "die Preise seien gestiegen", "der Besuch finde im Mai statt"],
        "plain": ["Baerbock traf am Montag ihren Amtskollegen.", "Das Spiel endete unentschieden.",
                  "Truppen überquerten am Morgen die Grenze."],
    },
    "id": {
        "who": ["Menteri Luar Negeri Sergei Lavrov", "Kementerian Luar Negeri Rusia", "Jerman", "Juru bicara itu",
                "Ia", "Dia", "Presiden Korea Utara Kim Jong Un", "Menteri itu", "Seorang petani"],
        "cue": ["mengatakan", "memperingatkan", "menambahkan", "mengancam", "menegaskan"],
        "hot": ["serangan apa pun akan menjadi eskalasi yang jelas", "ini adalah garis merah bagi Moskow",
                "balasan akan cepat dan keras", "akan ada konsekuensi serius bagi Washington"],
        "cold": ["pembicaraan itu berguna", "harga naik tajam pada bulan Maret", "kunjungan berlangsung pekan depan"],
        "plain": ["Lavrov bertemu mitranya dari Turki di Ankara.", "Pertandingan berakhir imbang.",
                  "Pasukan melintasi perbatasan pada pagi hari."],
    },
}
QUOTES = {"en": ('"', '"'), "de": ("„", "“"), "id": ('"', '"')}
THAT = {"en": "that", "de": ",", "id": "bahwa"}


def _sentence(lang: str, shape: int, who: int, cue: int, what: int, hot: bool) -> str:
    p = PIECES[lang]
    w, c = p["who"][who % len(p["who"])], p["cue"][cue % len(p["cue"])]
    said = (p["hot"] if hot else p["cold"])[what % len(p["hot" if hot else "cold"])]
    o, q = QUOTES[lang]
    s = shape % 6
    if s == 0:  # "X warned that …."
        return f"{w} {c} {THAT[lang]} {said}."
    if s == 1:  # '"…," X said.'
        return f"{o}{said[:1].upper()}{said[1:]},{q} {c} {w[:1].lower() + w[1:] if w in ('He', 'She') else w}."
    if s == 2:  # '"…."': a quote that goes on, or opens what a later tag names
        return f"{o}{said[:1].upper()}{said[1:]}.{q}"
    if s == 3:  # a sentence with no cue
        return p["plain"][what % len(p["plain"])]
    if s == 4:  # 'X: "…"' (a label)
        return f"{w}: {o}{said[:1].upper()}{said[1:]}.{q}"
    return f"{said[:1].upper()}{said[1:]}, {w} {c}."  # a trailing tag without quotes


def _article(lang: str, parts: Iterable[tuple[int, int, int, int, bool]]) -> str:
    return " ".join(_sentence(lang, *part) for part in parts)


def _tag_both(pipeline: Pipeline, raw: RawArticle) -> tuple[TaggedArticle, TaggedArticle]:
    clean = stages.clean(raw, now=NOW)
    wanted = pipeline.rules.needed_terms
    assert wanted is not None
    return stages.tag(clean, pipeline.kb), stages.tag(clean, pipeline.kb, wanted)


def _same(pipeline: Pipeline, raws: list[RawArticle]) -> tuple[int, int, int]:
    """Lazy and full attribution over ``raws`` in order, each with its own alert state: the same
    alerts (retractions included) and, of the statements, exactly the kept ones of the full run.
    Returns (statements in full, statements kept, alerts)."""
    full_state: dict[str, Any] = {}
    lazy_state: dict[str, Any] = {}
    counts = [0, 0, 0]
    for raw in raws:
        full, lazy = _tag_both(pipeline, raw)
        kept = {s.sentence for s in lazy.statements}
        assert [to_dict(s) for s in lazy.statements] == [to_dict(s) for s in full.statements if s.sentence in kept], \
            raw.body
        assert lazy.mentions == full.mentions
        got_full = stages.alert(full, pipeline.rules, full_state, pipeline.kb.countries)
        got_lazy = stages.alert(lazy, pipeline.rules, lazy_state, pipeline.kb.countries)
        assert [(i, to_dict(a) if a else None) for i, a in got_lazy] == \
            [(i, to_dict(a) if a else None) for i, a in got_full], raw.body
        counts[0] += len(full.statements)
        counts[1] += len(lazy.statements)
        counts[2] += sum(1 for _, a in got_full if a is not None)
    assert full_state == lazy_state
    return counts[0], counts[1], counts[2]


def test_reach_covers_every_statement_the_resolution_reads() -> None:
    # the statements a pronoun's official is looked for in; the speaker carried on reaches two back
    assert statements.STATEMENT_REACH >= max(statements.PRONOUN_REACH, 2)
    assert statements.TERM_REACH >= 1


@given(st.lists(st.integers(0, 40), unique=True, max_size=25).map(sorted),
       st.sets(st.integers(-2, 42), max_size=8), st.integers(1, 5), st.integers(0, 2))
def test_resolved_sentences_are_whole_groups(said: list[int], wanted_in: set[int], reach: int, term_reach: int
                                             ) -> None:
    keep = resolved_sentences(said, wanted_in, reach, term_reach)
    assert keep <= set(said)
    for s in said:
        if any(s + d in wanted_in for d in range(-term_reach, term_reach + 1)):
            assert s in keep  # a statement that could hold a wanted term is resolved
    for a, b in pairwise(said):
        if b - a <= reach:
            assert (a in keep) == (b in keep)  # statements within reach of each other: both or neither


def test_no_term_rule_means_every_statement() -> None:
    rule = Rule(id="r", title="t", version=1, severity="low", summary="s", cues=frozenset({"say"}))
    assert RuleSet([rule]).needed_terms is None
    with_terms = Rule(id="q", title="t", version=1, severity="low", summary="s", cues=frozenset({"say"}),
                      terms_any=frozenset({"escalation"}))
    assert RuleSet([with_terms]).needed_terms == frozenset({"escalation"})
    assert RuleSet([with_terms, rule]).needed_terms is None


parts = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 12), st.integers(0, 6), st.integers(0, 7),
                           st.sampled_from([False, False, False, True])), min_size=1, max_size=24)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(PIECES)), st.lists(parts, min_size=1, max_size=3))
def test_generated_articles_alert_the_same(pipeline_factory: Callable[[], Pipeline], lang: str,
                                           articles: list[list[tuple[int, int, int, int, bool]]]) -> None:
    pipeline = pipeline_factory()
    raws = [RawArticle(id=f"gen-{i}", body=_article(lang, a), language=lang,
                       published_at="2025-01-14T08:00:00Z") for i, a in enumerate(articles)]
    _same(pipeline, raws)


def test_generated_articles_are_not_vacuous(pipeline_factory: Callable[[], Pipeline]) -> None:
    """The generator makes articles where statements are left out and rules fire."""
    pipeline = pipeline_factory()
    # (plain sentences without a speech verb: "spoke to reporters" is one)
    body = _article("en", [(1, 0, 1, 0, True), (3, 0, 0, 0, False), (0, 4, 0, 0, False), (2, 0, 0, 1, False),
                           (3, 0, 0, 1, False), (3, 0, 0, 1, False), (3, 0, 0, 4, False), (0, 9, 0, 2, False),
                           (1, 7, 2, 3, False)])
    full_n, kept_n, alerts = _same(pipeline, [RawArticle(id="gen", body=body, language="en",
                                                         published_at="2025-01-14T08:00:00Z")])
    assert alerts >= 1 and 0 < kept_n < full_n


def test_fixture_texts_alert_the_same(pipeline_factory: Callable[[], Pipeline]) -> None:
    """The sample feed as it is and joined into long articles, and the detection sentences
    joined six by six per language (so their statements have neighbours)."""
    pipeline = pipeline_factory()
    feed = [stages.parse_raw(line) for line in (FIXTURES / "feed" / "sample.jsonl").read_bytes().splitlines()
            if line.strip()]
    by_lang: dict[str, list[str]] = {}
    for r in feed:
        if r.body:
            by_lang.setdefault(r.language or "?", []).append(r.body)
    joined = [RawArticle(id=f"long-{lang}-{i}", body="\n".join(bodies[i:i + 3]), language=lang,
                         published_at="2025-01-14T08:00:00Z")
              for lang, bodies in by_lang.items() for i in range(0, len(bodies), 2)]
    items = [json.loads(line) for line in (FIXTURES / "detection" / "sentences.jsonl").read_text("utf-8").splitlines()
             if line.strip()]
    per_lang: dict[str, list[str]] = {}
    for item in items:
        per_lang.setdefault(item["lang"], []).append(item["body"])
    probes = [RawArticle(id=f"probe-{lang}-{i}", body=" ".join(bodies[i:i + 6]), language=lang)
              for lang, bodies in per_lang.items() for i in range(0, len(bodies), 6)]
    full_n, kept_n, alerts = _same(pipeline, [*feed, *joined, *probes])
    assert alerts > 20 and kept_n < full_n


def test_lazily_tagged_articles_validate(pipeline_factory: Callable[[], Pipeline]) -> None:
    """A tagged article with only the statements a rule could use is still a tagged_article.v1."""
    from tests.unit.test_schemas import _validate

    pipeline = pipeline_factory()
    left_out = 0
    for line in (FIXTURES / "feed" / "sample.jsonl").read_bytes().splitlines():
        full, lazy = _tag_both(pipeline, stages.parse_raw(line))
        _validate("tagged_article", lazy)
        left_out += len(full.statements) - len(lazy.statements)
    assert left_out > 0
