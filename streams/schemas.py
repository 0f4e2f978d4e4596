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
    """RFC 3339, and what producers write for a time in practice: a date alone ("2026-03-02"), RSS's
    RFC 2822 ("Mon, 02 Mar 2026 10:00:00 GMT"), or nothing (""). The cleaning stage reads them
    (timestamps.published) and flags or replaces what it cannot place; refusing them would lose the
    whole article for its date. A string that is no time at all ("garbage") is still refused."""

    from streams.timestamps import rfc2822, well_formed

    s = value.strip()
    if not s:
        return True
    if well_formed(s):
        return "T" in s or " " in s or len(s) == 10  # (a date alone: "2026-03-02")
    return rfc2822(s)
