"""Every record the stages emit validates against its published JSON Schema."""

from __future__ import annotations

from typing import Any

import jsonschema
import orjson
import pytest
from referencing import Registry, Resource

from streams import stages
from streams.models import DeadLetter, to_dict
from streams.pipeline import Pipeline
from streams.schemas import BASE_URI, NAMES, schema
from tests.conftest import FEED, SEED

REGISTRY = Registry().with_resources(
    (f"{BASE_URI}{n}.v1.json", Resource.from_contents(schema(n))) for n in NAMES
)
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _validate(name: str, record: Any) -> None:
    jsonschema.Draft202012Validator(schema(name), registry=REGISTRY, format_checker=FORMATS).validate(
        to_dict(record)
    )


@pytest.mark.parametrize("name", NAMES)
def test_schemas_are_valid_2020_12(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))
    assert schema(name)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_emitted_record_validates(pipeline: Pipeline) -> None:
    lines = (FEED / "sample.jsonl").read_bytes().splitlines()
    counts = {"clean": 0, "tagged": 0, "alert": 0}
    for line in lines:
        raw = stages.parse_raw(line)
        _validate("raw_article", raw)
        result = pipeline.process(raw)
        _validate("clean_article", result.clean)
        _validate("tagged_article", result.tagged)
        counts["clean"] += 1
        counts["tagged"] += 1
        for alert in result.alerts:
            _validate("alert", alert)
            counts["alert"] += 1
    for alert in pipeline.alerts.values():
        _validate("alert", alert)
    assert counts["clean"] >= 80 and counts["alert"] > 0, counts


def test_seed_records_validate(pipeline: Pipeline) -> None:
    if not SEED.exists():
        pytest.skip("../shared/seed is not here")
    from streams.archive.files import text_article

    result = pipeline.process(text_article(SEED))
    _validate("tagged_article", result.tagged)
    for alert in result.alerts:
        _validate("alert", alert)


def test_dead_letter_and_raw_contract() -> None:
    _validate("dead_letter", DeadLetter("clean", "empty_body", "no text", "e30=", "2025-01-01T00:00:00Z"))
    ok = {"body": "x", "id": "a", "url": "https://example.org/a", "title": "t", "language": "id",
          "published_at": "2025-01-01T00:00:00Z", "source": {"name": "n", "domain": "example.org"},
          "metadata": {"k": 1}}
    jsonschema.validate(ok, schema("raw_article"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"title": "no body"}, schema("raw_article"))
    # The alert contract's field names are public and fixed.
    required = set(schema("alert")["required"])
    assert required == {"id", "rule", "severity", "summary", "speaker", "targets", "modality", "evidence",
                        "sources_count", "first_seen", "last_seen", "event_time"}
    assert orjson.loads(orjson.dumps(schema("alert")))["$defs"]["speaker"]["required"] == [
        "name", "kind", "country", "entity_id", "role"]


def test_asyncapi_describes_every_public_topic_with_its_schema() -> None:
    import yaml

    from streams.kafka import TOPICS
    from streams.schemas import SCHEMA_DIR

    doc = yaml.safe_load((SCHEMA_DIR / "asyncapi.yaml").read_text(encoding="utf-8"))
    assert doc["asyncapi"].startswith("3.")
    addresses = {c["address"] for c in doc["channels"].values()}
    assert addresses == set(TOPICS) - {"news.alert-candidates"}  # the internal re-keying topic is not public
    for message in doc["components"]["messages"].values():
        ref = message["payload"]["schema"]["$ref"]
        assert (SCHEMA_DIR / ref).exists(), ref
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
