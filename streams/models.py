"""Record types shared by every stage: the one place they are defined.

Each record is a plain dataclass. orjson serialises dataclasses natively, so
``to_json`` is just ``orjson.dumps``; ``from_dict`` rebuilds nested records.
The JSON Schemas under ``schemas/`` describe the same shapes for consumers in
other languages; ``tests/unit/test_schemas.py`` keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

import orjson

SCHEMA_VERSION = 1

Severity = Literal["low", "medium", "high", "critical"]
Modality = Literal["asserted", "conditional", "hypothetical"]
# Kinds of entity the knowledge base knows; "unknown_person" is found by role cues.
EntityType = Literal["country", "city", "body", "person", "organization"]
SpeakerKind = Literal["person", "body", "country", "organization", "unknown"]


# --------------------------------------------------------------------------- raw


@dataclass(slots=True)
class Source:
    name: str | None = None
    domain: str | None = None


@dataclass(slots=True)
class RawArticle:
    """What feeds put on ``news.raw``. ``body`` or ``html`` is required."""

    body: str | None = None
    html: str | None = None
    id: str | None = None
    url: str | None = None
    title: str | None = None
    language: str | None = None  # a hint from the feed, not trusted blindly
    published_at: str | None = None  # RFC 3339
    source: Source | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------- clean


@dataclass(slots=True)
class Span:
    start: int
    end: int


@dataclass(slots=True)
class Removal:
    """A piece of boilerplate the cleaner took out, and why."""

    kind: str  # ad_placeholder | comment_counter | photo_caption | source_line | ...
    text: str
    reason: str


@dataclass(slots=True)
class CleanArticle:
    id: str
    text: str  # normalised text; every offset downstream points into it
    language: str  # ISO 639-1, or "und"
    language_confidence: float
    paragraphs: list[Span]
    sentences: list[Span]
    fingerprint: str  # 64-bit SimHash as 16 hex digits
    ingested_at: str  # RFC 3339, set by the cleaner's clock
    title: str | None = None
    url: str | None = None
    published_at: str | None = None
    source: Source | None = None
    source_url: str | None = None  # from a trailing "Sumber:/Source:/Nguồn:" line
    photo_credits: list[str] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    language_hint: str | None = None
    duplicate_of: str | None = None  # set when a near-duplicate was seen before
    metadata: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------ tagged


@dataclass(slots=True)
class Mention:
    entity_id: str
    type: str  # EntityType
    name: str  # canonical (English) name
    start: int
    end: int
    text: str  # surface form as it stands in the clean text
    country: str | None = None  # ISO 3166-1 alpha-2
    role: str | None = None  # for people and bodies: office / body kind
    qid: str | None = None  # Wikidata QID, only where a shipped source confirms it
    via: str = "kb"  # kb | pattern | role_cue


@dataclass(slots=True)
class Voice:
    """The person who spoke for a body (a spokesperson, a minister)."""

    name: str
    entity_id: str
    role: str | None = None


# Government bodies that speak abroad: one of them threatening an answer needs no other state named
# (statements._unplaced, rules.engine.min_targets)
FOREIGN_FACING_BODIES = frozenset({"foreign_ministry", "defence_ministry"})
# Offices that speak abroad by their nature: a bare "the ambassador", "the defence minister" threatening an
# answer speaks for a state even where the text names none ("Der Botschafter warnte, … man werde darauf
# angemessen antworten")
FOREIGN_FACING_ROLES = frozenset({"ambassador", "un_ambassador", "foreign_minister", "deputy_foreign_minister",
                                  "foreign_ministry_spokesperson", "defence_minister", "defence_ministry_spokesperson"})


@dataclass(slots=True)
class Speaker:
    name: str
    kind: str  # SpeakerKind
    country: str | None = None
    entity_id: str | None = None
    role: str | None = None
    voice: Voice | None = None
    government: bool = False  # speaks for a state (head of state, ministry, country)


@dataclass(slots=True)
class Statement:
    sentence: int  # index into CleanArticle.sentences
    start: int
    end: int
    cue: str  # cue class: say | warn | call_on | deny | decline_comment | threaten | ...
    cue_text: str
    cue_start: int
    language: str
    speaker: Speaker | None = None
    quote: str | None = None
    quote_start: int | None = None
    quote_end: int | None = None
    modality: str = "asserted"  # Modality
    negated: bool = False
    terms: dict[str, list[str]] = field(default_factory=dict)  # term class -> surfaces
    mentions: list[int] = field(default_factory=list)  # indices into TaggedArticle.mentions
    context: list[str] = field(default_factory=list)  # term classes in the sentence and those around it
    cues: list[str] = field(default_factory=list)  # every cue class outside quotes ("said … and urged")


@dataclass(slots=True)
class TaggedArticle:
    article: CleanArticle
    mentions: list[Mention]
    statements: list[Statement]


# ------------------------------------------------------------------------- alert


@dataclass(slots=True)
class RuleRef:
    id: str
    title: str
    version: int


@dataclass(slots=True)
class AlertSpeaker:
    name: str
    kind: str
    country: str | None
    entity_id: str | None
    role: str | None
    voice: Voice | None = None


@dataclass(slots=True)
class Target:
    entity_id: str
    name: str
    country: str | None


@dataclass(slots=True)
class Evidence:
    article_id: str
    url: str | None
    language: str
    quote: str | None
    sentence: str
    start: int
    end: int
    published_at: str | None = None
    source: str | None = None


@dataclass(slots=True)
class Alert:
    id: str
    rule: RuleRef
    severity: str  # Severity
    summary: str
    speaker: AlertSpeaker
    targets: list[Target]
    modality: str
    evidence: list[Evidence]
    sources_count: int
    first_seen: str
    last_seen: str
    event_time: str
    speakers: list[AlertSpeaker] = field(default_factory=list)  # aggregate rules: all voices
    schema_version: int = SCHEMA_VERSION


# -------------------------------------------------------------------- dead letter


@dataclass(slots=True)
class DeadLetter:
    stage: str  # parse | clean | tag | alert | ...
    error_kind: str  # invalid_json | schema | exception | too_large | ...
    message: str
    original: str  # original bytes, base64
    failed_at: str
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    article_id: str | None = None


# ------------------------------------------------------------------ conversions

T = TypeVar("T")


def to_json(record: Any) -> bytes:
    return orjson.dumps(record)


def to_dict(record: Any) -> Any:
    return orjson.loads(orjson.dumps(record))


def _converter(tp: Any) -> Callable[[Any], Any] | None:
    """How to rebuild a value of type ``tp`` from JSON data; None when it is already right."""
    origin = get_origin(tp)
    if origin is list:
        (item_type,) = get_args(tp)
        item = _converter(item_type)
        return None if item is None else (lambda v: [item(x) for x in v])
    if origin is not None and type(None) in get_args(tp):  # X | None
        inner = [a for a in get_args(tp) if a is not type(None)]
        return _converter(inner[0]) if len(inner) == 1 else None
    if isinstance(tp, type) and is_dataclass(tp):
        return _builder(tp)
    return None


@cache
def _builder(cls: type) -> Callable[[dict[str, Any]], Any]:
    """A function that builds ``cls`` (and its nested records) from a dict, made once per
    class: the worker rebuilds every record it reads, so this is on the hot path."""
    hints = get_type_hints(cls)
    plan = [(f.name, _converter(hints[f.name])) for f in fields(cls)]
    names = frozenset(name for name, _ in plan)
    flat = all(conv is None for _, conv in plan)  # no nested record: the data are the arguments

    def build(data: dict[str, Any]) -> Any:
        if flat and names.issuperset(data):  # (Evidence, Target, ...: an alert holds up to 20 evidences)
            return cls(**data)
        kwargs = {}
        for name, conv in plan:
            if name in data:
                value = data[name]
                kwargs[name] = conv(value) if conv is not None and value is not None else value
        return cls(**kwargs)

    return build


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a record (and nested records) from a dict; unknown keys are ignored
    so that producers may add fields without breaking older consumers."""
    build = _builder(cls)  # type: ignore[arg-type]  # classes are hashable
    record: T = build(data)
    return record
