"""models.from_dict: a record of plain fields (built by keyword straight from its dict) and a nested
one (field by field) both ignore unknown keys, take defaults for missing ones and round-trip."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.models import Alert, AlertSpeaker, Evidence, RuleRef, Target, from_dict, to_dict

EVIDENCE = {"article_id": "a1", "url": None, "language": "en", "quote": "q", "sentence": "s", "start": 1, "end": 2}


def test_flat_record_ignores_unknown_keys_and_takes_defaults() -> None:
    ev = from_dict(Evidence, {**EVIDENCE, "added_later": [1, 2]})
    assert ev == Evidence("a1", None, "en", "q", "s", 1, 2)
    assert ev.published_at is None and ev.source is None


def test_flat_record_missing_a_required_field_fails_as_before() -> None:
    with pytest.raises(TypeError):
        from_dict(Evidence, {k: v for k, v in EVIDENCE.items() if k != "start"})


@given(st.lists(st.builds(Evidence, st.text(max_size=5), st.none() | st.text(max_size=5), st.just("en"),
                          st.none() | st.text(max_size=5), st.text(max_size=5), st.integers(0, 9),
                          st.integers(0, 9), st.none() | st.just("2025-01-01T00:00:00Z")), max_size=4),
       st.dictionaries(st.sampled_from(["x", "y"]), st.integers(), max_size=2))
def test_nested_round_trip(evidence: list[Evidence], extra: dict[str, Any]) -> None:
    speaker = AlertSpeaker("Russia", "country", "RU", "q:ru", None)
    alert = Alert("al-1", RuleRef("r", "t", 1), "high", "s", speaker, [Target("q:us", "US", "US")], "asserted",
                  evidence, 1, "a", "b", "c", [speaker])
    data = to_dict(alert)
    data.update(extra)
    data["evidence"] = [{**e, **extra} for e in data["evidence"]]
    assert from_dict(Alert, data) == alert
