"""Alert identity, corroboration and idempotent settling (what makes at-least-once harmless)."""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest

from streams import stages
from streams.models import RawArticle
from streams.pipeline import Pipeline
from streams.rules.engine import candidates, published_before, settle

WARNING_ID = ("Germany's foreign ministry warned on Tuesday that Russia's deployment of troops near the "
              "Polish border would be a dangerous escalation, spokesperson Anna Lindqvist told reporters.")
WARNING_DE = ("Das Auswärtige Amt warnte am Dienstag, die Verlegung russischer Truppen an die polnische "
              "Grenze wäre eine gefährliche Eskalation.")


def _raw(body: str, aid: str, lang: str) -> RawArticle:
    return RawArticle(body=body, id=aid, language=lang, published_at="2025-02-04T10:00:00Z")


def test_same_warning_in_two_languages_is_one_alert(pipeline: Pipeline) -> None:
    a = pipeline.process(_raw(WARNING_ID, "en-1", "en")).alerts
    b = pipeline.process(_raw(WARNING_DE, "de-1", "de")).alerts
    assert len(a) == 1 and len(b) == 1
    assert a[0].id == b[0].id
    final = pipeline.alerts[a[0].id]
    assert final.sources_count == 2
    assert {e.article_id for e in final.evidence} == {"en-1", "de-1"}
    assert {e.language for e in final.evidence} == {"en", "de"}


def test_redelivery_changes_nothing(pipeline: Pipeline) -> None:
    tagged = stages.tag(stages.clean(_raw(WARNING_ID, "en-1", "en"), now=pipeline.clock()), pipeline.kb)
    state: dict[str, Any] = {}
    found = candidates(tagged, pipeline.rules, pipeline.kb.countries)
    first = [o for c in found for o in settle(c, pipeline.rules, state)]
    snapshot = orjson.dumps(state)
    again = [o for c in found for o in settle(c, pipeline.rules, state)]
    assert orjson.dumps(state) == snapshot
    assert first and [aid for aid, _ in first] == [aid for aid, _ in again]
    assert all(a is not None and a.sources_count == 1 for _, a in again)


def test_candidates_are_keyed_by_the_state_they_touch(pipeline: Pipeline) -> None:
    body = ("Japan's foreign ministry said on Monday it was deeply concerned about North Korea's latest "
            "missile launch.")
    tagged = stages.tag(stages.clean(_raw(body, "jp-1", "en"), now=pipeline.clock()), pipeline.kb)
    found = candidates(tagged, pipeline.rules, pipeline.kb.countries)
    agg = [c for c in found if c.observation is not None]
    assert agg and all(c.key == "agg|multi-country-concern|KP" for c in agg)
    assert all(c.alert is None for c in agg)


def _concern(aid: str, country_phrase: str, at: str) -> RawArticle:
    body = f"{country_phrase} said on Monday it was deeply concerned about North Korea's latest missile launch."
    return RawArticle(body=body, id=aid, language="en", published_at=at)


def test_window_alert_ids_do_not_depend_on_arrival_order(pipeline_factory: Any) -> None:
    """Three governments within 48 hours: the same alert id whichever article comes first,
    and a late earlier observation retracts the id it replaces."""
    articles = [_concern("c-jp", "Japan's foreign ministry", "2025-03-03T08:00:00Z"),
                _concern("c-au", "Australia's foreign ministry", "2025-03-03T20:00:00Z"),
                _concern("c-kr", "South Korea's foreign ministry", "2025-03-04T09:00:00Z"),
                _concern("c-de", "Germany's foreign ministry", "2025-03-02T12:00:00Z")]
    finals = []
    for order in ([0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]):
        pipe = pipeline_factory()
        for i in order:
            pipe.process(articles[i])
        agg = {aid: a for aid, a in pipe.alerts.items() if a.rule.id == "multi-country-concern"}
        assert len(agg) == 1, agg
        finals.append(next(iter(agg.values())))
    assert len({a.id for a in finals}) == 1
    assert {s.country for s in finals[0].speakers} == {"DE", "JP", "AU", "KR"}
    assert finals[0].event_time.startswith("2025-03-02T12:00")


def test_separate_bursts_raise_one_alert_each_and_state_stays_bounded(pipeline_factory: Any) -> None:
    """Five bursts a year apart: five alerts, none retracted; state is one small summary per
    event-time bucket, with no list that grows with the number of bursts."""
    pipe = pipeline_factory()
    first = ["2025-03-03T08:00:00Z", "2025-03-03T20:00:00Z", "2025-03-04T09:00:00Z"]
    phrases = ["Japan's foreign ministry", "Australia's foreign ministry", "South Korea's foreign ministry"]
    outcomes = []
    for year in range(2025, 2030):
        for i, (at, who) in enumerate(zip(first, phrases, strict=True)):
            raw = _concern(f"c-{year}-{i}", who, at.replace("2025", str(year)))
            tagged = stages.tag(stages.clean(raw, now=pipe.clock()), pipe.kb)
            outcomes += stages.alert(tagged, pipe.rules, pipe.state, pipe.kb.countries)
    raised = {aid for aid, a in outcomes if a is not None}
    assert len(raised) == 5
    assert not [aid for aid, a in outcomes if a is None], "an alert of a separate burst was retracted"
    summaries = [v for k, v in pipe.state.items() if k.startswith("agg|") and not k.endswith("|pub")]
    assert summaries and all(len(v["idents"]) <= 3 and len(v["countries"]) <= 3 for v in summaries)


def _final(outcomes: list[tuple[str, Any]]) -> dict[str, list[str]]:
    """What a compacted topic ends with: the last state of each id, tombstones removed."""
    book: dict[str, Any] = {}
    for aid, alert in outcomes:
        book[aid] = alert
    return {aid: sorted(s.country or "" for s in a.speakers) for aid, a in book.items() if a is not None}


def test_aggregate_alerts_end_the_same_in_any_order_with_redeliveries(pipeline: Pipeline) -> None:
    """Observations from several bursts, close enough to share windows, delivered in many
    orders with some delivered twice: the alerts a consumer ends with are the same."""
    phrases = ["Japan's foreign ministry", "Australia's foreign ministry", "South Korea's foreign ministry",
               "Germany's foreign ministry", "France's foreign ministry", "Canada's foreign ministry"]
    times = ["2025-03-01T23:00:00Z", "2025-03-02T11:00:00Z", "2025-03-03T02:00:00Z", "2025-03-03T13:00:00Z",
             "2025-03-04T22:00:00Z", "2025-03-06T05:00:00Z", "2025-03-06T06:00:00Z", "2025-03-07T20:00:00Z",
             "2025-03-08T01:00:00Z", "2025-03-10T12:00:00Z"]
    found = []
    for n, at in enumerate(times):
        raw = _concern(f"o-{n}", phrases[(n * 5) % len(phrases)], at)
        tagged = stages.tag(stages.clean(raw, now=pipeline.clock()), pipeline.kb)
        found += [c for c in candidates(tagged, pipeline.rules, pipeline.kb.countries) if c.observation]
    assert len(found) == len(times)
    rng = random.Random(7)
    results = []
    for _ in range(30):
        order = found + rng.sample(found, 4)  # four redeliveries
        rng.shuffle(order)
        state: dict[str, Any] = {}
        results.append(_final([o for c in order for o in settle(c, pipeline.rules, state)]))
    assert results[0], "the observations should raise at least one aggregate alert"
    assert all(r == results[0] for r in results)


def test_redelivered_observation_publishes_again_what_a_crash_may_have_lost(pipeline: Pipeline) -> None:
    """A worker killed after its table write reached the changelog but before the alert was
    sent: the redelivered observation must publish the window's alert again, not nothing."""
    state: dict[str, Any] = {}
    published: dict[str, Any] = {}
    last = None
    for aid, phrase, at in (("c-jp", "Japan's foreign ministry", "2025-03-03T08:00:00Z"),
                            ("c-au", "Australia's foreign ministry", "2025-03-03T20:00:00Z"),
                            ("c-kr", "South Korea's foreign ministry", "2025-03-04T09:00:00Z")):
        tagged = stages.tag(stages.clean(_concern(aid, phrase, at), now=pipeline.clock()), pipeline.kb)
        last = [c for c in candidates(tagged, pipeline.rules, pipeline.kb.countries) if c.observation]
        for c in last:
            published.update(settle(c, pipeline.rules, state))
    assert last
    (window_id,) = [aid for aid, a in published.items() if a is not None]
    # the crash: the state kept the third observation, its output never left the worker
    again = dict(o for c in last for o in settle(c, pipeline.rules, state))
    alert, first = again.get(window_id), published[window_id]
    assert alert is not None and first is not None
    assert alert.sources_count == 3
    assert alert.id == first.id


def test_published_before_tells_new_aggregate_alerts_from_updates(pipeline: Pipeline) -> None:
    """What the worker counts as raised vs updated: an id is new until it has been published."""
    state: dict[str, Any] = {}
    news: list[bool] = []
    for aid, phrase, at in (("p-jp", "Japan's foreign ministry", "2025-03-03T08:00:00Z"),
                            ("p-au", "Australia's foreign ministry", "2025-03-03T20:00:00Z"),
                            ("p-kr", "South Korea's foreign ministry", "2025-03-04T09:00:00Z"),
                            ("p-de", "Germany's foreign ministry", "2025-03-04T10:00:00Z")):
        tagged = stages.tag(stages.clean(_concern(aid, phrase, at), now=pipeline.clock()), pipeline.kb)
        for c in candidates(tagged, pipeline.rules, pipeline.kb.countries):
            if c.observation is None:
                continue
            known = published_before(c, pipeline.rules, state)
            news += [out_id not in known for out_id, a in settle(c, pipeline.rules, state) if a is not None]
    assert news == [True, False]  # raised by the third country, updated by the fourth


def test_a_fallback_rule_stays_silent_where_a_rule_above_reports_the_speaker(pipeline: Pipeline) -> None:
    # gov-threatens-force is a fallback: it fires alone on a bare threat of force, and not again
    # where gov-threatens-retaliation already reports the same speaker in the same article.
    pipeline.alerts.clear()
    pipeline.state.clear()
    alone = pipeline.process(_raw("Russian Foreign Minister Sergei Lavrov threatened to deploy missiles "
                                  "near Finland.", "fb-1", "en"))
    assert [a.rule.id for a in alone.alerts] == ["gov-threatens-force"]
    both = pipeline.process(_raw("Russian Foreign Minister Sergei Lavrov threatened to deploy missiles "
                                 "near Finland. Lavrov also vowed retaliation against Finland.", "fb-2", "en"))
    assert [a.rule.id for a in both.alerts] == ["gov-threatens-retaliation"]


# A near miss and the statement it is near to: the first stays quiet, the second raises the rule.
NEAR_MISSES = [
    # "military" inside a word for cooperation (the longer phrase wins) is no threat of force
    ("Russian President Vladimir Putin threatened to end military cooperation with Finland.",
     "Russian President Vladimir Putin threatened to take military action against Finland.", "gov-threatens-force"),
    # a denied escalation sets a security context and "but" keeps the disclaimer from cancelling
    # the threat after it; alone, the disclaimer is a reassurance
    ("The Iranian foreign ministry spokesman said Tehran did not seek escalation with Israel.",
     "The Iranian foreign ministry spokesman said Tehran did not seek escalation but intended to respond to any "
     "illegal action by Israel.", "gov-warns-consequences"),
]


@pytest.mark.parametrize(("quiet", "fires", "rule"), NEAR_MISSES)
def test_a_near_miss_stays_quiet_where_its_pair_fires(pipeline: Pipeline, quiet: str, fires: str, rule: str) -> None:
    pipeline.alerts.clear()
    pipeline.state.clear()
    assert pipeline.process(_raw(quiet, "nm-1", "en")).alerts == []
    assert [a.rule.id for a in pipeline.process(_raw(fires, "nm-2", "en")).alerts] == [rule]


def test_weak_words_answer_a_state_the_statement_names(pipeline: Pipeline) -> None:
    # targets.named: a state named only in the sentence before ("relations with Turkey") is not
    # whom "all necessary measures against separatist forces" answer
    pipeline.alerts.clear()
    pipeline.state.clear()
    lead = "Relations between China and Turkey have been strained for weeks. "
    scene = pipeline.process(_raw(lead + "Xi Jinping said China would take all necessary measures against "
                                  "separatist forces.", "tn-1", "en"))
    assert {(a.rule.id, tuple(t.country for t in a.targets)) for a in scene.alerts} == {
        ("gov-threatens-response", ())}
    named = pipeline.process(_raw(lead + "Xi Jinping said China would take all necessary measures against "
                                  "Turkey over its support for separatist forces.", "tn-2", "en"))
    assert [(a.rule.id, [t.country for t in a.targets]) for a in named.alerts] == [
        ("gov-warns-consequences", ["TR"])]


def test_a_threatened_response_without_a_named_target_needs_a_threatening_verb(pipeline: Pipeline) -> None:
    pipeline.alerts.clear()
    pipeline.state.clear()
    warned = pipeline.process(_raw("Russia's defence ministry warned that it would respond with force to any "
                                   "attack on its territory.", "tr-1", "en"))
    assert [a.rule.id for a in warned.alerts] == ["gov-threatens-response"]
    assert warned.alerts[0].targets == []
    said = pipeline.process(_raw("Russia's defence ministry said that any attack on its territory would have "
                                 "consequences.", "tr-2", "en"))
    assert said.alerts == []


def test_a_quoted_rule_needs_the_threat_in_the_speakers_own_words(pipeline: Pipeline) -> None:
    pipeline.alerts.clear()
    pipeline.state.clear()
    quoted = pipeline.process(_raw('"Whoever attacks our troops will face consequences," Russian Defence '
                                   "Minister Andrei Belousov said.", "q-1", "en"))
    assert [a.rule.id for a in quoted.alerts] == ["gov-quoted-response"]
    paraphrased = pipeline.process(_raw("Russian Defence Minister Andrei Belousov said that whoever attacks its "
                                        "troops will face consequences.", "q-2", "en"))
    assert paraphrased.alerts == []
