"""Rule files: safe YAML, validated against schemas/rules.v1.json, refused with
file, line and reason. Unknown cue or term classes are refused too, since a typo
there would make a rule silently never match."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from streams.errors import DataFileError
from streams.schemas import schema
from streams.yamlio import load_yaml

DEFAULT_RULES = Path(__file__).parent / "data" / "default.yaml"
PLACEHOLDERS = {"speaker", "speaker_country", "terms", "targets", "target", "modality", "count", "speakers", "cue"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
DEFAULT_TARGET_TYPES = ("country", "organization", "person", "body", "city")  # a city: only a capital counts
_WINDOW_UNITS = {"m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Aggregate:
    min_count: int
    window_seconds: int


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    version: int
    severity: str
    summary: str
    cues: frozenset[str]
    terms_any: frozenset[str] = frozenset()
    terms_none: frozenset[str] = frozenset()
    context_any: frozenset[str] = frozenset()
    context_none: frozenset[str] = frozenset()
    cues_none: frozenset[str] = frozenset()
    context_unless_cues: frozenset[str] = frozenset()
    negated: bool | None = False
    modality: frozenset[str] = frozenset()
    quoted: bool = False  # a term must stand in the speaker's own quoted words
    government: bool | None = None
    speaker_kinds: frozenset[str] = frozenset()
    speaker_countries: frozenset[str] = frozenset()
    min_targets: int = 1
    target_types: frozenset[str] = frozenset({"country", "organization", "person", "body"})
    target_countries: frozenset[str] = frozenset()
    # the targets must be named in the statement's own sentences, not only in the sentence before
    targets_named: bool = False
    aggregate: Aggregate | None = None
    fallback: bool = False  # only where no rule above raised an alert for the same speaker in the article
    source: str = ""


@dataclass(frozen=True, slots=True)
class Derived:
    """What the engine asks of a rule set on every article, made once per list of rules."""

    rules: tuple[Rule, ...]  # the rules it was made from (compared by identity: rules are frozen)
    by_id: dict[str, Rule]
    needed_terms: frozenset[str] | None
    # bit i stands for rules[i]: the rules having a cue class in their cues, a term class in their
    # terms_any, and the rules with no terms_any (which any term passes)
    cue_rules: dict[str, int]
    term_rules: dict[str, int]
    termless: int


@dataclass(slots=True)
class RuleSet:
    rules: list[Rule] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    _derived: Derived | None = field(default=None, init=False, repr=False, compare=False)

    def derived(self) -> Derived:
        """``by_id`` and ``needed_terms``, remade only when ``rules`` changed (a list the caller
        may replace or edit: the snapshot is compared element by element, by identity)."""
        current = tuple(self.rules)
        d = self._derived
        if d is None or d.rules != current:
            needed = (None if any(not r.terms_any for r in current)
                      else frozenset().union(*(r.terms_any for r in current)))
            cue_rules: dict[str, int] = {}
            term_rules: dict[str, int] = {}
            termless = 0
            for i, r in enumerate(current):
                for c in r.cues:
                    cue_rules[c] = cue_rules.get(c, 0) | 1 << i
                for t in r.terms_any:
                    term_rules[t] = term_rules.get(t, 0) | 1 << i
                if not r.terms_any:
                    termless |= 1 << i
            d = Derived(current, {r.id: r for r in current}, needed, cue_rules, term_rules, termless)
            self._derived = d
        return d

    @property
    def by_id(self) -> dict[str, Rule]:
        return dict(self.derived().by_id)  # a copy: the cached one stays as the rules say

    @property
    def needed_terms(self) -> frozenset[str] | None:
        """The term classes some rule needs in a statement (its terms_any): a statement that holds
        none of them alerts on no rule, so tagging may leave it out (statements.attribute). None when
        a rule needs no term (any statement may alert)."""
        return self.derived().needed_terms

    @property
    def version(self) -> str:
        return ",".join(f"{r.id}@{r.version}" for r in self.rules)


def _frozen(value: Any) -> frozenset[str]:
    return frozenset(value or ())


def parse_window(text: str) -> int:
    return int(text[:-1]) * _WINDOW_UNITS[text[-1]]


def load_file(path: str | Path, cue_classes: Iterable[str], term_classes: Iterable[str]) -> list[Rule]:
    doc = load_yaml(path)
    validator = jsonschema.Draft202012Validator(schema("rules"))
    errors = sorted(validator.iter_errors(doc.data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = list(err.absolute_path)
        at = "/".join(str(p) for p in where) or "(top level)"
        raise doc.error(where, f"{at}: {err.message}")
    cues, terms = set(cue_classes), set(term_classes)
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, spec in enumerate(doc.data["rules"]):
        if spec.get("enabled") is False:
            continue
        m = spec["match"]
        if spec["id"] in seen:
            raise doc.error(["rules", i, "id"], f"duplicate rule id {spec['id']}")
        seen.add(spec["id"])
        for key, known in (("cues", cues), ("terms_any", terms), ("terms_none", terms), ("context_any", terms),
                           ("context_none", terms),
                           ("context_unless_cues", cues), ("cues_none", cues)):
            unknown = sorted(set(m.get(key) or ()) - known)
            if unknown:
                raise doc.error(["rules", i, "match", key],
                                f"unknown {key.split('_')[0]} class {unknown}; known: {sorted(known)}")
        bad = sorted(set(_PLACEHOLDER.findall(spec["summary"])) - PLACEHOLDERS)
        if bad:
            raise doc.error(["rules", i, "summary"], f"unknown placeholder {bad}; use {sorted(PLACEHOLDERS)}")
        if "cues" not in m:
            raise doc.error(["rules", i, "match"], "match needs 'cues'")
        sp, tg, ag = m.get("speaker") or {}, m.get("targets") or {}, spec.get("aggregate")
        rules.append(Rule(
            id=spec["id"], title=spec["title"], version=spec["version"], severity=spec["severity"],
            summary=spec["summary"], cues=_frozen(m["cues"]), terms_any=_frozen(m.get("terms_any")),
            terms_none=_frozen(m.get("terms_none")), context_any=_frozen(m.get("context_any")),
            context_none=_frozen(m.get("context_none")),
            context_unless_cues=_frozen(m.get("context_unless_cues")), cues_none=_frozen(m.get("cues_none")),
            negated=m.get("negated", False),
            modality=_frozen(m.get("modality")), quoted=bool(m.get("quoted", False)), government=sp.get("government"),
            speaker_kinds=_frozen(sp.get("kinds")), speaker_countries=_frozen(sp.get("countries")),
            min_targets=tg.get("min", 1), target_types=_frozen(tg.get("types") or DEFAULT_TARGET_TYPES),
            target_countries=_frozen(tg.get("countries")), targets_named=bool(tg.get("named", False)),
            aggregate=Aggregate(ag["min_count"], parse_window(ag["window"])) if ag else None,
            fallback=bool(spec.get("fallback", False)),
            source=f"{doc.path}:{doc.line(['rules', i])}",
        ))
    return rules


def rule_files(extra: str) -> list[Path]:
    """The shipped defaults, then every .yaml/.yml named by ``extra`` (files or folders)."""
    paths = [DEFAULT_RULES]
    for item in filter(None, extra.split(os.pathsep)):
        p = Path(item)
        if p.is_dir():
            paths.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml")))
        elif p.exists():
            paths.append(p)
        else:
            raise DataFileError(item, None, "no such rule file or folder")
    return paths


def load_rules(paths: Iterable[Path], cue_classes: Iterable[str], term_classes: Iterable[str]) -> RuleSet:
    """Load every file; a later rule with the same id replaces the earlier one."""
    by_id: dict[str, Rule] = {}
    files = []
    cue_classes, term_classes = list(cue_classes), list(term_classes)
    for path in paths:
        for rule in load_file(path, cue_classes, term_classes):
            by_id[rule.id] = rule
        files.append(str(path))
    return RuleSet(list(by_id.values()), files)
