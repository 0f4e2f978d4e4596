"""What one text says, for the attribution tests: each statement's speaker, and the alerts it raises
(per-statement ones, not the aggregates), on a pipeline emptied of earlier texts' state."""

from __future__ import annotations

from typing import Any

from streams import stages
from streams.models import Alert, Speaker
from streams.pipeline import Pipeline, Result


def process(pipeline: Pipeline, body: str, lang: str, article_id: str = "t1") -> Result:
    pipeline.alerts.clear()
    pipeline.state.clear()
    pipeline.duplicates.__init__()  # type: ignore[misc]
    return pipeline.process(stages.parse_raw({"id": article_id, "body": body, "language": lang}))


def speakers(pipeline: Pipeline, body: str, lang: str) -> list[Speaker | None]:
    result = process(pipeline, body, lang)
    assert result.tagged is not None
    return [st.speaker for st in result.tagged.statements]


def alerts(pipeline: Pipeline, body: str, lang: str) -> list[Alert]:
    return [a for a in process(pipeline, body, lang).alerts if not a.speakers]


def alerting(pipeline: Pipeline, body: str, lang: str) -> set[str | None]:
    """The speakers' countries of the per-statement alerts (None: an official of no known state)."""
    return {a.speaker.country for a in alerts(pipeline, body, lang)}


def strings(node: Any) -> list[str]:
    """Every string in a loaded YAML or JSON tree (a language file's phrases), in order."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []
