"""The knowledge base: entities with stable ids, and every phrase that names them.

Sources, all shipped with installed packages or this one:
- countries: CLDR names in every locale Babel ships, QIDs from rigour (OpenSanctions)
  where it has them, plus ``data/countries.yaml`` (short forms, inflections, adjectives);
- cities: CLDR exemplar cities in every locale, plus the curated list in countries.yaml;
- government bodies: fixed names (countries.yaml ``bodies``, language files ``fixed_bodies``)
  and patterns with a country slot (language files ``bodies``);
- people: ``data/people.yaml``, curated and dated;
- per language (``data/languages/<code>.yaml``): cues, rule terms, markers, non-government
  speakers, office titles, body patterns, country forms and capitals; ``cues.yaml`` names the
  classes, ``roles.yaml`` the offices.

The CLDR part takes seconds to read, so it is cached as JSON per Babel version.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import babel
import orjson
from babel import localedata
from babel.core import get_global

from streams.languages import LANGUAGES
from streams.settings import Settings
from streams.tagging.matcher import Matcher, Phrase, is_cjk, make_phrase
from streams.yamlio import Located, load_yaml

DATA = Path(__file__).parent / "data"
# conditional, hypothetical, negation: modality; clause: opens a reported clause ("that");
# source: a cue whose speaker follows it ("according to"); recap: a sentence that attributes
# what the one before said ("That's according to", "Об этом заявил").
# prohibitive: a negation that makes a warning ("do not test our red lines", "jangan").
MARKERS = {"conditional": 0, "hypothetical": 1, "negation": 2, "clause": 3, "source": 4, "recap": 5, "prohibitive": 6}
BODY_KINDS = (
    "foreign_ministry",
    "defence_ministry",
    "presidency",
    "government",
    "national_security_council",
    "military",
)
BODY_NAMES = {
    "foreign_ministry": "Foreign Ministry",
    "defence_ministry": "Defence Ministry",
    "presidency": "Presidency",
    "government": "Government",
    "national_security_council": "National Security Council",
    "military": "Armed Forces",
}
# CLDR also names regions and groupings; these are not countries.
NOT_COUNTRIES = {"ZZ", "EZ", "QO", "XA", "XB", "UN", "EU"}
CLDR_CACHE_FORMAT = 4  # bump when the selection of CLDR names changes
MIN_FOREIGN_ALIAS = 5  # names from locales we do not plan for: shorter ones collide with words


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    type: str  # country | city | body | person | organization
    name: str
    country: str | None = None
    qid: str | None = None
    role: str | None = None  # person: latest office; body: its kind
    government: bool = False
    # person: (role, from, to) of each government office, ISO dates, None = open; a former
    # minister speaks for the government only in articles dated while in office
    offices: tuple[tuple[str, str | None, str | None], ...] = ()

    def in_office(self, day: str) -> bool:
        """Held a government office on ``day`` (YYYY-MM-DD)."""
        return any((a is None or a <= day) and (b is None or day <= b) for _, a, b in self.offices)


@dataclass(frozen=True, slots=True)
class BodyPattern:
    kind: str
    lang: str
    prefix: str | None
    suffix: str | None


@dataclass(slots=True)
class KnowledgeBase:
    entities: dict[str, Entity]
    countries: dict[str, Entity]  # ISO alpha-2 -> entity
    body_patterns: list[BodyPattern]
    roles: dict[str, str | None]  # role id -> body kind it belongs to
    cue_priority: dict[str, int]
    term_classes: set[str]
    matcher: Matcher
    versions: dict[str, str] = field(default_factory=dict)
    capitals: frozenset[str] = frozenset()  # city entity ids that stand for their government

    def body(self, country: str, kind: str) -> Entity:
        """The government body of a kind for a country (made on first use)."""
        eid = f"b:{country.lower()}:{kind}"
        ent = self.entities.get(eid)
        if ent is None:
            ent = self.entities[eid] = body_entity(eid, kind, country, self.countries)
        return ent

    @property
    def size(self) -> int:
        return len(self.entities)


def body_entity(eid: str, kind: str, country: str, countries: dict[str, Entity]) -> Entity:
    cname = countries[country].name if country in countries else country
    return Entity(eid, "body", f"{BODY_NAMES.get(kind, kind)} of {cname}", country, None, kind, True)


# ------------------------------------------------------------------ CLDR cache


def _cldr_names(cache_dir: Path) -> dict[str, Any]:
    """Country and exemplar-city names from every Babel locale, cached per version."""
    # the planned languages decide which short names are kept: a new language is a new cache
    langs = hashlib.blake2b(",".join(LANGUAGES).encode(), digest_size=3).hexdigest()
    path = cache_dir / f"cldr-names-{CLDR_CACHE_FORMAT}-{babel.__version__}-{langs}.json"
    try:
        return dict(orjson.loads(path.read_bytes()))
    except (OSError, orjson.JSONDecodeError):
        pass
    countries: dict[str, set[str]] = {}
    cities: dict[str, set[str]] = {}
    for ident in localedata.locale_identifiers():
        data = localedata.load(ident)
        base = ident.split("_")[0]
        planned = base in LANGUAGES
        for code, name in data.get("territories", {}).items():
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES:
                if planned or _long_enough(name):
                    countries.setdefault(code, set()).add(name)
        for tz, zone in data.get("time_zones", {}).items():
            city = zone.get("city") if isinstance(zone, dict) else None
            if city and (planned or _long_enough(city)):
                cities.setdefault(tz, set()).add(city)
    english = localedata.load("en")
    result = {
        "countries": {k: sorted(v) for k, v in countries.items()},
        "country_en": {k: v for k, v in english["territories"].items() if k in countries},
        "cities": {k: sorted(v) for k, v in cities.items()},
        "city_en": {tz: z["city"] for tz, z in english.get("time_zones", {}).items() if "city" in z},
        "zone_territories": dict(get_global("zone_territories")),
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(orjson.dumps(result))
    tmp.replace(path)
    return result


def _long_enough(name: str) -> bool:
    """Short names in alphabetic scripts collide with words of other languages; in
    Chinese, Japanese or Korean a country is two or three characters ("德国", "독일")."""
    if name[:1].islower():  # a few locales write names in lower case ("laws" for Laos): ordinary words elsewhere
        return False
    return len(name) >= MIN_FOREIGN_ALIAS or any(is_cjk(c) for c in name)


def _qids() -> dict[str, str]:
    try:
        from rigour.territories import get_territories
    except ImportError:  # rigour is optional: ids fall back to local ones
        return {}
    return {t.code.upper(): t.qid for t in get_territories() if t.qid and len(t.code) == 2}


# ------------------------------------------------------------------ data files


def _files(name: str, extra: str) -> Iterator[Located]:
    yield load_yaml(DATA / name)
    for folder in filter(None, extra.split(os.pathsep)):
        path = Path(folder) / name
        if path.exists():
            yield load_yaml(path)


def _mapping(doc: Located, where: list[str | int], value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise doc.error(where, "expected a mapping")
    return value


def _strings(doc: Located, where: list[str | int], value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise doc.error(where, "expected a list of non-empty strings")
    return value


def _check_literal(doc: Located, where: list[str | int], phrase: str) -> None:
    # Phrases are literal: a trailing "*" is the only wildcard (bounded by MAX_STEM_TAIL).
    if "*" in phrase[:-1]:
        raise doc.error(where, f"'{phrase}': '*' is only allowed at the end of a phrase")


def _code(doc: Located, where: list[str | int], code: Any) -> str:
    if not isinstance(code, str):  # YAML reads a bare NO as false: codes must be quoted
        raise doc.error(where, f"country code {code!r} must be a quoted string")
    return code.upper()


class _Builder:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.entities: dict[str, Entity] = {}
        self.countries: dict[str, Entity] = {}
        self.phrases: list[tuple[str, Phrase]] = []
        self.body_patterns: list[BodyPattern] = []
        self.roles: dict[str, str | None] = {}
        self.cue_priority: dict[str, int] = {}
        self.term_classes: set[str] = set()
        self.capitals: dict[str, Entity] = {}  # country -> its capital (a speaker: "Moscow warned")
        self.ambiguous: set[str] = set()  # forms that are also ordinary words ("Pháp" in "biện pháp")
        self.versions: dict[str, str] = {}

    def add(self, surface: str, layer: str, value: Any, lang: str | None = None, proper: bool = False) -> None:
        item = make_phrase(surface, layer, value, lang, proper)
        if item is not None:
            self.phrases.append(item)

    def entity(self, ent: Entity, names: Iterable[str], lang: str | None = None) -> None:
        self.entities.setdefault(ent.id, ent)
        for name in names:
            self.add(name, "entity", ent.id, lang, proper=True)

    # -- countries and cities
    def countries_and_cities(self) -> None:
        cldr = _cldr_names(self.settings.cache_dir)
        qids = _qids()
        for code, names in cldr["countries"].items():
            qid = qids.get(code)
            ent = Entity(qid or f"c:{code.lower()}", "country", cldr["country_en"].get(code, code), code, qid,
                         None, True)
            self.countries[code] = ent
            self.entity(ent, names)
        for tz, names in cldr["cities"].items():
            en = cldr["city_en"].get(tz)
            country = cldr["zone_territories"].get(tz)
            if not en or not country or country == "001":
                continue
            ent = Entity(f"city:{tz.lower()}", "city", en, country)
            self.entity(ent, names)
        for doc in _files("countries.yaml", self.settings.kb_path):
            self._country_file(doc, cldr)
        self.versions["cldr"] = babel.__version__

    def _country_file(self, doc: Located, cldr: dict[str, Any]) -> None:
        data = _mapping(doc, [], doc.data)
        self.versions["countries"] = str(data.get("version", "?"))
        for code, langs in _mapping(doc, ["countries"], data.get("countries") or {}).items():
            code = _code(doc, ["countries"], code)
            for lang, forms in _mapping(doc, ["countries", code], langs).items():
                self._country_forms(doc, ["countries", code, lang], code, lang, forms)
        by_en_city = {v.lower(): k for k, v in cldr["city_en"].items()}
        for i, city in enumerate(data.get("cities") or []):
            city = _mapping(doc, ["cities", i], city)
            if not isinstance(city.get("name"), str) or not isinstance(city.get("country"), str):
                raise doc.error(["cities", i], "a city needs 'name' and 'country'")
            tz = by_en_city.get(city["name"].lower())
            eid = f"city:{tz.lower()}" if tz else str(city.get("id") or f"city:{city['name'].lower()}")
            ent = Entity(eid, "city", city["name"], city["country"].upper())
            if city.get("capital"):
                self.capitals[ent.country or ""] = ent
            self.entity(ent, [city["name"], *_strings(doc, ["cities", i, "names"], city.get("names"))])
        for i, body in enumerate(data.get("bodies") or []):
            body = _mapping(doc, ["bodies", i], body)
            kind, country = body.get("kind"), str(body.get("country", "")).upper()
            if kind not in BODY_KINDS:
                raise doc.error(["bodies", i, "kind"], f"unknown body kind {kind!r}; use one of {BODY_KINDS}")
            # A fixed name ("White House", "Auswärtiges Amt") is an alias of the same
            # entity a pattern finds ("Kementerian Luar Negeri Jerman"): one id, one English name.
            ent = self._body(country, kind)
            names = [str(body["name"])] if body.get("name") else []
            self.entity(ent, names + _strings(doc, ["bodies", i, "names"], body.get("names")))

    def _country_forms(self, doc: Located, where: list[str | int], code: str, lang: str, forms: Any) -> None:
        """Names, adjectives and ambiguous forms of one country in one language."""
        ent = self.countries.get(code)
        if ent is None:  # EU, NATO and the like: organisations, not countries
            # the EU, NATO, the UN: their officials are not a government (the label rule of the corpus)
            ent = Entity(f"org:{code.lower()}", "organization", code, code, None, None, False)
            self.countries[code] = ent
            self.entities[ent.id] = ent
        forms = _mapping(doc, where, forms)
        for key in ("names", "adjectives"):
            for phrase in _strings(doc, [*where, key], forms.get(key)):
                _check_literal(doc, [*where, key], phrase)
                self.add(phrase, "entity", ent.id, lang, proper=key == "names")
        for phrase in _strings(doc, [*where, "ambiguous"], forms.get("ambiguous")):
            self.ambiguous.add(phrase)

    def _body(self, country: str, kind: str) -> Entity:
        eid = f"b:{country.lower()}:{kind}"
        if eid not in self.entities:
            self.entities[eid] = body_entity(eid, kind, country, self.countries)
        return self.entities[eid]

    # -- people
    def people_file(self) -> None:
        for doc in _files("people.yaml", self.settings.kb_path):
            data = _mapping(doc, [], doc.data)
            self.versions["people"] = str(data.get("version", "?"))
            for i, person in enumerate(data.get("people") or []):
                p = _mapping(doc, ["people", i], person)
                for key in ("id", "name", "country"):
                    if not isinstance(p.get(key), str) or not p[key]:
                        raise doc.error(["people", i], f"a person needs '{key}'")
                offices = p.get("offices") or []
                for j, office in enumerate(offices):
                    if not isinstance(office, dict) or office.get("role") not in self.roles:
                        raise doc.error(["people", i, "offices", j], "unknown role; see roles.yaml for the ids")
                role = _current_role(offices)
                qid = p.get("qid")
                if qid is not None and not (isinstance(qid, str) and qid[:1] == "Q" and qid[1:].isdigit()):
                    raise doc.error(["people", i, "qid"], f"'{qid}' is not a Wikidata QID")
                held = tuple((str(o["role"]), _day(o.get("from")), _day(o.get("to"))) for o in offices
                             if o["role"] != "party_official")
                ent = Entity(p["id"], "person", p["name"], p["country"].upper(), qid, role,
                             (role is not None and role != "party_official") or p["country"] == "KP", held)
                if p["id"] in self.entities and self.entities[p["id"]] != ent:
                    raise doc.error(["people", i, "id"], f"duplicate person id {p['id']}")
                self.entity(ent, [p["name"], *_strings(doc, ["people", i, "aliases"], p.get("aliases"))])
                for short in _strings(doc, ["people", i, "short"], p.get("short")):
                    self.add(short, "short", ent.id, proper=True)

    # -- roles and classes (language-independent)
    def roles_file(self) -> None:
        doc = load_yaml(DATA / "roles.yaml")
        data = _mapping(doc, [], doc.data)
        self.versions["roles"] = str(data.get("version", "?"))
        for role, spec in _mapping(doc, ["roles"], data.get("roles")).items():
            body = _mapping(doc, ["roles", role], spec).get("body")
            if body is not None and body not in BODY_KINDS:
                raise doc.error(["roles", role, "body"], f"unknown body kind {body!r}")
            self.roles[role] = body

    def classes_file(self) -> None:
        doc = load_yaml(DATA / "cues.yaml")
        data = _mapping(doc, [], doc.data)
        self.versions["classes"] = str(data.get("version", "?"))
        classes = _strings(doc, ["classes"], data.get("classes"))
        self.cue_priority = {c: i for i, c in enumerate(classes)}
        self.term_classes = set(_strings(doc, ["terms"], data.get("terms")))

    # -- one file per language: cues, terms, markers, speakers, roles, bodies, country forms
    def language_files(self) -> None:
        extra = [Path(f) / "languages" for f in filter(None, self.settings.kb_path.split(os.pathsep))]
        for folder in [DATA / "languages", *extra]:
            if folder.is_dir():
                for path in sorted(folder.glob("*.yaml")):
                    self.language_file(load_yaml(path))

    def language_file(self, doc: Located) -> None:
        data = _mapping(doc, [], doc.data)
        lang = data.get("language")
        if lang not in LANGUAGES:
            raise doc.error(["language"], f"language {lang!r} is not one of {', '.join(LANGUAGES)} "
                            "(streams/languages.py)")
        self.versions[f"lang-{lang}"] = str(data.get("version", "?"))
        sections = {"language", "version", "cues", "terms", "markers", "nongov", "roles", "roles_with_country",
                    "bodies", "bodies_bare", "fixed_bodies", "countries", "capitals"}
        for key in data:
            if key not in sections:
                raise doc.error([key], f"unknown section {key!r}; use one of {', '.join(sorted(sections))}")
        for layer, section, known in (("cue", "cues", self.cue_priority), ("term", "terms", self.term_classes),
                                      ("modality", "markers", MARKERS), ("role", "roles", self.roles)):
            for klass, phrases in _mapping(doc, [section], data.get(section) or {}).items():
                if klass not in known:
                    raise doc.error([section, klass], f"unknown {section[:-1]} class {klass!r}; "
                                    f"use one of {', '.join(sorted(known))}")
                for phrase in _strings(doc, [section, klass], phrases):
                    _check_literal(doc, [section, klass], phrase)
                    # "{c} foreign minister": the country is found as a neighbouring mention.
                    self.add(" ".join(phrase.replace("{c}", " ").split()), layer, klass, lang)
        for phrase in _strings(doc, ["nongov"], data.get("nongov")):
            _check_literal(doc, ["nongov"], phrase)
            self.add(phrase, "nongov", "nongov", lang)
        for kind, patterns in _mapping(doc, ["bodies"], data.get("bodies") or {}).items():
            if kind not in BODY_KINDS:
                raise doc.error(["bodies", kind], f"unknown body kind {kind!r}; use one of {', '.join(BODY_KINDS)}")
            for pattern in _strings(doc, ["bodies", kind], patterns):
                if pattern.count("{c}") != 1:
                    raise doc.error(["bodies", kind], f"'{pattern}' needs exactly one {{c}}")
                before, after = (part.strip() for part in pattern.split("{c}"))
                bp = BodyPattern(kind, lang, before or None, after or None)
                idx = len(self.body_patterns)
                self.body_patterns.append(bp)
                if bp.prefix:
                    self.add(bp.prefix, "body_part", (idx, "prefix"), lang)
                if bp.suffix:
                    self.add(bp.suffix, "body_part", (idx, "suffix"), lang)
        for code, kinds in _mapping(doc, ["fixed_bodies"], data.get("fixed_bodies") or {}).items():
            code = _code(doc, ["fixed_bodies", code], code)
            for kind, names in _mapping(doc, ["fixed_bodies", code], kinds).items():
                if kind not in BODY_KINDS:
                    raise doc.error(["fixed_bodies", code, kind], f"unknown body kind {kind!r}")
                self.entity(self._body(code, kind), _strings(doc, ["fixed_bodies", code, kind], names), lang)
        for code, forms in _mapping(doc, ["countries"], data.get("countries") or {}).items():
            self._country_forms(doc, ["countries", code], _code(doc, ["countries", code], code), lang, forms)
        for code, names in _mapping(doc, ["capitals"], data.get("capitals") or {}).items():
            code = _code(doc, ["capitals", code], code)
            ent = self.capitals.get(code)
            if ent is None:
                raise doc.error(["capitals", code], f"no capital of {code} in countries.yaml `cities`")
            self.entity(ent, _strings(doc, ["capitals", code], names), lang)

    def build(self) -> KnowledgeBase:
        self.roles_file()
        self.classes_file()
        self.countries_and_cities()
        self.language_files()
        self.people_file()
        matcher = Matcher(self._demote_ambiguous())
        digest = hashlib.blake2b(orjson.dumps(sorted(self.versions.items())), digest_size=4).hexdigest()
        self.versions["kb"] = digest
        return KnowledgeBase(self.entities, self.countries, self.body_patterns, self.roles,
                             self.cue_priority, self.term_classes, matcher, self.versions,
                             frozenset(e.id for e in self.capitals.values()))

    def _demote_ambiguous(self) -> list[tuple[str, Phrase]]:
        """Ambiguous forms, from any source, match case-sensitively and only count
        where context confirms them (see entities.find_mentions)."""
        surfaces: dict[str, str] = {}
        for form in self.ambiguous:
            made = make_phrase(form, "ambiguous", None)
            if made is not None:
                surfaces[made[0]] = " ".join(form.split())
        out = []
        for key, phrase in self.phrases:
            if phrase.layer == "entity" and key in surfaces:
                phrase = Phrase("ambiguous", phrase.value, phrase.lang, surfaces[key], False)
            out.append((key, phrase))
        return out


def _day(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def _current_role(offices: list[Any]) -> str | None:
    """The office held last (open-ended first), or None."""
    if not offices:
        return None
    ordered = sorted(offices, key=lambda o: (o.get("to") is None, str(o.get("to") or ""), str(o.get("from") or "")))
    role = ordered[-1].get("role")
    return str(role) if role else None


def load(settings: Settings | None = None) -> KnowledgeBase:
    """Build the knowledge base from shipped data (and NEWSWATCH_KB extensions)."""
    from streams.settings import load as load_settings

    return _Builder(settings or load_settings()).build()
