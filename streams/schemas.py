"""The JSON Schemas under schemas/ (the contract for consumers in any language), shipped in
the package (streams/resources.py), loaded once and compiled for validation on the hot path."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import fastjsonschema
import orjson

from streams import resources

SCHEMA_DIR = resources.path("schemas")
BASE_URI = "https://newswatch.invalid/schemas/"
NAMES = ("raw_article", "clean_article", "tagged_article", "alert", "dead_letter", "rules", "common")


@cache
def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(resources.resource("schemas", f"{name}.v1.json").read_bytes())
    return data


def _by_uri(uri: str) -> dict[str, Any]:
    if not uri.startswith(BASE_URI):
        raise ValueError(f"schema reference outside newswatch: {uri}")  # never fetch from the network
    return schema(uri[len(BASE_URI) :].split("#")[0].removesuffix(".v1.json"))


@cache
def validator(name: str) -> Callable[[Any], Any]:
    """A compiled validator: raises fastjsonschema.JsonSchemaValueException."""
    return fastjsonschema.compile(schema(name), handlers={"https": _by_uri}, formats={"date-time": _is_datetime})


def _is_datetime(value: str) -> bool:

    from streams.timestamps import well_formed

    if not well_formed(value):
        return False
    return "T" in value or " " in value
