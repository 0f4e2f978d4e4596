"""Regression test on the real-news development corpus (../shared/corpus, never copied here):
overall precision and recall on the labelled statements may not fall more than 0.03 below the
figures recorded in BENCHMARKS.md (the line `corpus figures: precision P, recall R` that
`python bench/quality.py` prints and the benchmark section quotes). Skipped where ../shared is absent."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from streams.backtest.corpus import Tally, jsonl, score_statements
from streams.pipeline import Pipeline
from tests.conftest import REPO, SHARED

STATEMENTS = SHARED / "corpus" / "statements-dev.jsonl"
RECORDED = re.compile(r"corpus figures: precision (\d\.\d+), recall (\d\.\d+)")
SLACK = 0.03


def recorded() -> tuple[float, float]:
    found = RECORDED.findall((REPO / "BENCHMARKS.md").read_text(encoding="utf-8"))
    assert found, "BENCHMARKS.md records no 'corpus figures: precision P, recall R' line"
    precision, recall = found[-1]  # the newest run is the last one recorded
    return float(precision), float(recall)


@pytest.mark.skipif(not STATEMENTS.exists(), reason="../shared/corpus is absent (the corpus is not shipped)")
def test_precision_and_recall_hold_on_the_real_news_corpus(pipeline_factory: Callable[[], Pipeline]) -> None:
    want_p, want_r = recorded()
    per_lang, wrong = score_statements(pipeline_factory(), jsonl(STATEMENTS), hint=True)
    total = Tally()
    for t in per_lang.values():
        total.add(t)
    misses = [o.item["id"] for o in wrong if o.item["alert"] and not o.alerts]
    alarms = [o.item["id"] for o in wrong if not o.item["alert"]]
    assert total.tp + total.fn == sum(1 for it in jsonl(STATEMENTS) if it["alert"])
    assert total.precision >= want_p - SLACK, f"precision {total.precision:.3f} < {want_p} - {SLACK}; {alarms}"
    assert total.recall >= want_r - SLACK, f"recall {total.recall:.3f} < {want_r} - {SLACK}; misses {misses}"


def test_the_recorded_figures_are_readable() -> None:
    precision, recall = recorded()
    assert 0.0 < precision <= 1.0 and 0.0 < recall <= 1.0
