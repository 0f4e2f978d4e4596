"""Detection on the team's own sentences in the 16 languages: for each, whether a per-statement
rule alerts and, where one must, the speaker's country. The sentences were written to probe one
pattern each (metonymy, trailing tags, envoys, verb-second order, denied plans, calls for calm,
economic retaliation, non-government voices); they test mechanisms, not quality on real text,
which bench/quality.py measures on the development corpus."""

from __future__ import annotations

import json
from pathlib import Path

from streams import stages
from streams.pipeline import Pipeline

SENTENCES = Path(__file__).parent.parent / "fixtures" / "detection" / "sentences.jsonl"


def _verdict(pipeline: Pipeline, item: dict[str, str]) -> set[str]:
    pipeline.alerts.clear()
    pipeline.state.clear()
    pipeline.duplicates.__init__()  # type: ignore[misc]
    result = pipeline.process(stages.parse_raw({"id": item["id"], "body": item["body"], "language": item["lang"]}))
    return {a.speaker.country or "?" for a in result.alerts if not a.speakers}


def test_the_sentences_alert_as_written(pipeline: Pipeline) -> None:
    items = [json.loads(line) for line in SENTENCES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len({i["lang"] for i in items}) >= 16
    wrong = []
    for item in items:
        got = _verdict(pipeline, item)
        want = item["alert_from"]
        ok = not got if want is None else (bool(got) if want == "any" else got == {want})
        if not ok:
            wrong.append(f"{item['id']} [{item['lang']}] want {want}, got {sorted(got)}: {item['body'][:80]}")
    assert not wrong, "\n".join(wrong)
