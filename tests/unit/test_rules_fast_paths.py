"""The alert stage's fast paths give what their references give: the rule gate (engine.gated, from
per-class bit masks) and engine.reference_gated (each rule's sets asked of each statement); the
rule set's derived tables follow its list of rules when it is edited or replaced."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.models import Statement
from streams.rules.engine import gated, reference_gated
from streams.rules.loader import Rule, RuleSet

CUES = ["say", "warn", "threaten", "deny", "call_on"]
TERMS = ["escalation", "red_line", "retaliation", "force", "grave_consequences"]

classes = st.frozensets(st.sampled_from(CUES), max_size=3)
terms = st.frozensets(st.sampled_from(TERMS), max_size=3)


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    return Rule(id=f"r{draw(st.integers(0, 10**6))}", title="t", version=1, severity="low", summary="s",
                cues=draw(st.frozensets(st.sampled_from(CUES), min_size=1, max_size=3)), terms_any=draw(terms))


@st.composite
def statements(draw: st.DrawFn) -> Statement:
    cues = sorted(draw(classes))
    return Statement(sentence=0, start=0, end=1, cue=draw(st.sampled_from(CUES)), cue_text="x", cue_start=0,
                     language="en", cues=cues, terms={t: [t] for t in sorted(draw(terms))})


@settings(max_examples=300, deadline=None)
@given(rule_list=st.lists(rules(), max_size=10), sts=st.lists(statements(), max_size=8))
def test_the_gate_passes_what_the_rules_sets_pass(rule_list: list[Rule], sts: list[Statement]) -> None:
    fast = gated(sts, RuleSet(rule_list).derived())
    slow = reference_gated(sts, rule_list)
    assert [(g, s) for g, s, _ in fast] == [(g, s) for g, s, _ in slow]
    assert [c for _, _, c in fast] == [c for _, _, c in slow]


def test_derived_tables_follow_the_rules() -> None:
    a = Rule(id="a", title="t", version=1, severity="low", summary="s", cues=frozenset({"warn"}),
             terms_any=frozenset({"escalation"}))
    b = Rule(id="b", title="t", version=1, severity="low", summary="s", cues=frozenset({"say"}))
    rs = RuleSet([a])
    assert rs.needed_terms == frozenset({"escalation"}) and set(rs.by_id) == {"a"}
    rs.rules.append(b)  # edited in place
    assert rs.needed_terms is None and set(rs.by_id) == {"a", "b"}
    rs.rules = [b]  # replaced
    assert rs.needed_terms is None and set(rs.by_id) == {"b"}
    rs.by_id.clear()  # a copy: the cached table is untouched
    assert set(rs.by_id) == {"b"}
    rs.rules[0] = a  # an element replaced
    assert rs.needed_terms == frozenset({"escalation"}) and rs.derived().by_id == {"a": a}
