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

The CLDR part takes seconds to read, so it is cached as JSON per Babel version; the built
knowledge base is cached too (``load``, ``cache_key``), keyed by the content of every data file.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import babel
import orjson
from babel import localedata
from babel.core import get_global

from streams.languages import LANGUAGES
from streams.settings import Settings
from streams.tagging import confrontations
from streams.tagging.confrontations import Confrontations
from streams.tagging.matcher import GAP, Matcher, Phrase, Tables, _tables, fold, is_cjk, make_phrase
from streams.yamlio import Located, load_yaml

DATA = Path(__file__).parent / "data"
# conditional, hypothetical, negation: modality; clause: opens a reported clause ("that");
# source: a cue whose speaker follows it ("according to"); recap: a sentence that attributes
# what the one before said ("That's according to", "Об этом заявил").
# prohibitive: a negation that makes a warning ("do not test our red lines", "jangan").
# titled_say: a verb that is speech only with a title right after it ("declaró hoy la portavoz",
# not "declaró el estado de emergencia").
# named_threaten: a word that is a threat verb only right after a name ("Medvedev menace Paris", "Rusia
# amenaza a Polonia"), the noun elsewhere ("la menace", "una amenaza").
MARKERS = {"conditional": 0, "hypothetical": 1, "negation": 2, "clause": 3, "source": 4, "recap": 5, "prohibitive": 6,
           "background": 7, "stance": 8, "opinion": 9, "occasion": 10, "titled_say": 11, "named_threaten": 12,
           "expected": 13}
BODY_KINDS = (
    "foreign_ministry",
    "defence_ministry",
    "presidency",
    "government",
    "national_security_council",
    "military",
)
# A bare body may also be just "the ministry": the ministry (or minister) the text named last.
BARE_KINDS = (*BODY_KINDS, "ministry")
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
    role: str | None = None  # a title with its country inside ("vice-ministre {c} des Affaires étrangères")


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
    # family name as written alone ("Zhao", "Gallant") -> ids of the officials who bear it: a name
    # the matcher does not take alone (too common) may still name one of them where the article
    # names their country (streams/tagging/statements.py, _known_surname)
    surnames: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # who confronts whom (data/confrontations.yaml): the state of an official the text never places
    confrontations: Confrontations = field(default_factory=confrontations.load)

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
        self.seats: set[str] = set()  # every capital's or seat of government's entity id
        self.ambiguous: set[str] = set()  # forms that are also ordinary words ("Pháp" in "biện pháp")
        self.versions: dict[str, str] = {}
        self.surnames: dict[str, set[str]] = {}

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
                # a state may have two seats ("Porto-Novo" and "Cotonou"): both speak for it; the first
                # listed takes the language files' `capitals` forms
                self.capitals.setdefault(ent.country or "", ent)
                self.seats.add(ent.id)
            self.entity(ent, [city["name"], *_strings(doc, ["cities", i, "names"], city.get("names"))])
        # Contested or occupied regions ("Crimea", "Gaza") and armed groups ("Hezbollah"): no voice of
        # a government, but a threat over or against them is about the state they belong to.
        for section, prefix, etype, where in (("regions", "region", "city", "the state it belongs to"),
                                             ("groups", "g", "organization", "where it is based")):
            for i, item in enumerate(data.get(section) or []):
                item = _mapping(doc, [section, i], item)
                if not all(isinstance(item.get(k), str) for k in ("id", "name", "country")):
                    raise doc.error([section, i], f"an entry of {section} needs 'id', 'name' and 'country' ({where})")
                ent = Entity(f"{prefix}:{item['id']}", etype, item["name"], item["country"].upper())
                names = _strings(doc, [section, i, "names"], item.get("names"))
                for j, phrase in enumerate(names):
                    _check_literal(doc, [section, i, "names", j], phrase)
                self.entity(ent, [item["name"], *names])
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
        docs = list(_files("people.yaml", self.settings.kb_path))
        courtesy = Courtesy()
        for doc in docs:
            courtesy.read(doc, self.roles)
        # surface form of a family name -> the people who bear it (see _compose)
        family: dict[str, list[tuple[Entity, str]]] = {}  # kind: short | surname | blocker
        genders: dict[str, str] = {}
        full_names: list[tuple[str, str]] = []  # (alias, person id), for titles before full names
        western: set[str] = set()  # given names of people whose names put the given name first
        for doc in docs:
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
                aliases = _strings(doc, ["people", i, "aliases"], p.get("aliases"))
                self.entity(ent, [p["name"], *aliases])
                genders[ent.id] = str(p.get("gender") or "")
                full_names += [(a, ent.id) for a in [p["name"], *aliases] if " " in a]
                if ent.country not in _FAMILY_FIRST:
                    western.add(p["name"].split()[0])
                listed = _strings(doc, ["people", i, "short"], p.get("short"))
                shorts = list(dict.fromkeys(f for short in listed
                                            for f in (short, *inflections(short, ent.country or ""))))
                for short in shorts:
                    if distinctive(short):
                        self.add(short, "short", ent.id, proper=True)
                    family.setdefault(short, []).append((ent, "short"))
                # family names too common to stand alone ("Wang", "김", "岸"): only with a title
                for name in {*_strings(doc, ["people", i, "surname"], p.get("surname")),
                             *_derived_surnames(ent.country or "", [p["name"], *aliases])} - set(shorts):
                    family.setdefault(name, []).append((ent, "surname"))
                # Vietnamese officials go by their given name ("ông Lâm" is Tô Lâm), and given names
                # are too common to name anyone; they only stop a foreign namesake ("Lâm" for Lin Jian)
                for name in _vietnamese_given(ent.country or "", [p["name"], *aliases]) - set(shorts):
                    family.setdefault(name, []).append((ent, "blocker"))
        # "Joseph Wu", "Lee Hsien Loong": a romanised name that opens with a Western given name
        # is given-name-first, so its first word is no family name
        for name in western & set(family):
            family[name] = [b for b in family[name] if b[1] != "surname" or b[0].country not in _FAMILY_FIRST]
        for name, bearers in family.items():
            if _script(name) == "latin" or name[:1].isupper():
                self.surnames.setdefault(name, set()).update(e.id for e, kind in bearers if kind != "blocker")
        self._compose(family, courtesy, genders, full_names)

    def _compose(self, family: dict[str, list[tuple[Entity, str]]], courtesy: Courtesy,
                 genders: dict[str, str], full_names: list[tuple[str, str]]) -> None:
        """A family name with a courtesy title or an office word ("ông Lavrov", "M. Wang",
        "岸防衛相", "윤 대통령") names a known official as surely as the full name. Where
        several officials of one country share it, it stands for them together (a group
        entity holding all their offices, so the date check still works); where they are of
        different countries ("Mr Kim"), the form is dropped as undecidable."""
        forms: dict[str, set[str]] = {}
        blockers: set[str] = set()
        titles_of: dict[str, set[str]] = {}  # family name -> titles used with it
        for name, bearers in family.items():
            script = _script(name)
            for ent, kind in bearers:
                roles = {r for r, _, _ in ent.offices} | {ent.role or ""}
                for title, surface in courtesy.forms(name, script, roles, genders.get(ent.id, "")):
                    if title and script == "latin" and ent.country not in _NON_LATIN_HOME and kind != "blocker" \
                            and title not in _EVERY_FOREIGNER:
                        continue  # "Mr Blair", "Mr Johnson": a Western surname with a title is anyone's
                    forms.setdefault(surface, set()).add(ent.id)
                    if kind == "blocker":
                        blockers.add(ent.id)
                    if title:
                        titles_of.setdefault(name, set()).add(title)
        for surface, ids in forms.items():
            people = sorted((self.entities[i] for i in ids), key=lambda e: e.id)
            if len({e.country for e in people}) != 1 or all(e.id in blockers for e in people):
                continue
            ent = people[0] if len(people) == 1 else self._group(people)
            self.add(surface, "entity", ent.id, proper=True)
        # "ông Tô Lâm": the title with a full name that opens with someone's family name
        # ("ông Tô", Su Tseng-chang) is that full name's person (longest match wins)
        for alias, pid in full_names:
            for title in titles_of.get(alias.split()[0], ()):
                self.add(f"{title} {alias}", "entity", pid, proper=True)

    def _group(self, people: list[Entity]) -> Entity:
        country = people[0].country or "xx"
        eid = f"p:{country.lower()}:" + "+".join(e.id.rsplit(":", 1)[-1] for e in people)  # "p:cn:wang-wenbin+wang-yi"
        ent = self.entities.get(eid)
        if ent is None:
            offices = tuple(o for e in people for o in e.offices)
            role = next((e.role for e in people if e.government), people[0].role)
            name = " / ".join(e.name for e in people)
            ent = self.entities[eid] = Entity(eid, "person", name, country, None, role,
                                              any(e.government for e in people), offices)
        return ent

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
                    if GAP in phrase and layer in ("cue", "term"):
                        self._gapped(doc, [section, klass], phrase, layer, klass, lang)
                        continue
                    _check_literal(doc, [section, klass], phrase)
                    # "{c} foreign minister": the country is found as a neighbouring mention.
                    self.add(" ".join(phrase.replace("{c}", " ").split()), layer, klass, lang)
        # A body without its state ("the defence ministry said"): its state is the one the text
        # speaks of (statements._bare_bodies), never a state of its own.
        for kind, phrases in _mapping(doc, ["bodies_bare"], data.get("bodies_bare") or {}).items():
            if kind not in BARE_KINDS:
                raise doc.error(["bodies_bare", kind],
                                f"unknown body kind {kind!r}; use one of {', '.join(BARE_KINDS)}")
            for phrase in _strings(doc, ["bodies_bare", kind], phrases):
                _check_literal(doc, ["bodies_bare", kind], phrase)
                self.add(" ".join(phrase.split()), "bare_body", kind, lang)
        for phrase in _strings(doc, ["nongov"], data.get("nongov")):
            _check_literal(doc, ["nongov"], phrase)
            self.add(phrase, "nongov", "nongov", lang)
        for kind, patterns in _mapping(doc, ["bodies"], data.get("bodies") or {}).items():
            if kind not in BODY_KINDS:
                raise doc.error(["bodies", kind], f"unknown body kind {kind!r}; use one of {', '.join(BODY_KINDS)}")
            for pattern in _strings(doc, ["bodies", kind], patterns):
                self._pattern(doc, ["bodies", kind], pattern, kind, lang)
        # Titles that name their country inside: the same machinery as bodies, a person comes out.
        for role, patterns in _mapping(doc, ["roles_with_country"], data.get("roles_with_country") or {}).items():
            if role not in self.roles:
                raise doc.error(["roles_with_country", role], f"unknown role {role!r}; see roles.yaml for the ids")
            for pattern in _strings(doc, ["roles_with_country", role], patterns):
                _check_literal(doc, ["roles_with_country", role], pattern)
                self._pattern(doc, ["roles_with_country", role], pattern, str(self.roles[role] or "government"),
                              lang, role)
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

    def _gapped(self, doc: Located, where: list[str | int], phrase: str, layer: str, klass: str, lang: str) -> None:
        """A phrase split by the words of its clause, "militärisch … antworten": its two parts go into
        the matcher, joined again where both stand in one clause (matcher.join_gaps)."""
        parts = [" ".join(part.split()) for part in phrase.split(GAP)]
        if len(parts) != 2 or not all(parts):
            raise doc.error(where, f"'{phrase}': a split phrase is two parts around one '{GAP}'")
        key = fold(" ".join(phrase.split()))
        for side, part in enumerate(parts):
            _check_literal(doc, where, part)
            self.add(part, "gap", (layer, klass, side, key), lang)

    def _pattern(self, doc: Located, where: list[str | int], pattern: str, kind: str, lang: str,
                 role: str | None = None) -> None:
        """A body (or title) around a country, "{c} foreign ministry": its two parts go into the
        matcher, found again around a country mention (entities.find_mentions)."""
        if pattern.count("{c}") != 1:
            raise doc.error(where, f"'{pattern}' needs exactly one {{c}}")
        before, after = (part.strip() for part in pattern.split("{c}"))
        bp = BodyPattern(kind, lang, before or None, after or None, role)
        idx = len(self.body_patterns)
        self.body_patterns.append(bp)
        if bp.prefix:
            self.add(bp.prefix, "body_part", (idx, "prefix"), lang)
        if bp.suffix:
            self.add(bp.suffix, "body_part", (idx, "suffix"), lang)

    def build(self) -> KnowledgeBase:
        return self.parts().knowledge_base()

    def parts(self) -> _Parts:
        """Read and check every data file: what a knowledge base is made of, before its automaton."""
        self.roles_file()
        self.classes_file()
        self.countries_and_cities()
        self.language_files()
        self.people_file()
        phrases = self._demote_ambiguous()
        digest = hashlib.blake2b(orjson.dumps(sorted(self.versions.items())), digest_size=4).hexdigest()
        self.versions["kb"] = digest
        return _Parts(self.entities, self.countries, self.body_patterns, self.roles, self.cue_priority,
                      self.term_classes, self.versions, frozenset(self.seats),
                      {k: tuple(sorted(v)) for k, v in self.surnames.items() if v}, phrases)

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


# Vietnamese writes every foreign man "ông", every woman "bà" ("Ông Maduro cũng cảnh báo …"): with a
# known official's family name it names that official, where "Mr Johnson" in English may be anyone.
_EVERY_FOREIGNER = frozenset({"ông", "bà"})


@dataclass(slots=True)
class Courtesy:
    """people.yaml ``courtesy``: titles written before a family name per script ("Mr",
    "ông", "г-н", "السيد") and after it ("氏", "씨"), and office words after it that fit
    only a holder of that office ("防衛相", " 대통령")."""

    before: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (script, gender) -> titles
    after: list[str] = field(default_factory=list)
    office_after: dict[str, list[str]] = field(default_factory=dict)  # role -> words

    def read(self, doc: Located, roles: dict[str, str | None]) -> None:
        data = _mapping(doc, [], doc.data).get("courtesy")
        if data is None:
            return
        data = _mapping(doc, ["courtesy"], data)
        # before: {m: [...], f: [...], any: [...]}: "ông"/"Mr" only for men, "bà"/"Mrs" only for women
        for gender, titles in _mapping(doc, ["courtesy", "before"], data.get("before") or {}).items():
            if gender not in ("m", "f", "any"):
                raise doc.error(["courtesy", "before", gender], "use m, f or any")
            for title in _strings(doc, ["courtesy", "before", gender], titles):
                self.before.setdefault((_script(title), gender), []).append(title)
        self.after += _strings(doc, ["courtesy", "after"], data.get("after"))
        for role, words in _mapping(doc, ["courtesy", "office_after"], data.get("office_after") or {}).items():
            if role not in roles:
                raise doc.error(["courtesy", "office_after", role], "unknown role; see roles.yaml for the ids")
            self.office_after.setdefault(role, []).extend(_strings(doc, ["courtesy", "office_after", role], words))

    def forms(self, name: str, script: str, roles: set[str], gender: str) -> Iterator[tuple[str, str]]:
        """(title written before the name or "", surface) for one family name."""
        stem = name.endswith("*")
        base = name[:-1] if stem else name
        if script != "cjk":  # "г-н Медведев*" stays a stem; a title after a stem cannot be placed
            for sex in {"any", gender or "m", gender or "f"}:
                for title in self.before.get((script, sex), ()):
                    yield title, f"{title} {name}"
        if stem:
            return
        for word in self.after:
            if script == "cjk" or word.startswith(" "):
                yield "", base + word
        for role in roles:
            for word in self.office_after.get(role, ()):
                if script == "cjk" or word.startswith(" "):
                    yield "", base + word


def _script(text: str) -> str:
    """The script family a title or a name is written in: titles combine only with names of
    the same script."""
    for ch in text:
        if is_cjk(ch):
            return "cjk"
        if "\u0400" <= ch <= "\u052f":
            return "cyrillic"
        if "\u0600" <= ch <= "\u06ff":
            return "arabic"
        if ch.isalpha():
            return "latin" if ch < "\u0370" or "\u1e00" <= ch <= "\u1eff" else "other"
    return "other"


def distinctive(name: str) -> bool:
    """A family name that may stand alone (next to a cue, after an office title): two letters or
    more and, in Chinese, Japanese or Korean, two characters or more. A single character ("梅"
    May, "汗" Khan, "岸" Kishi, "林" Hayashi) is a word or anyone's surname as often and counts
    only with a courtesy title or an office word (people.yaml ``courtesy``) or via the full name;
    capitalised Latin, Cyrillic names of two letters ("Xi", "Юн") are names."""
    letters = [c for c in name.rstrip("*") if c.isalpha()]
    return len(letters) >= 2 and not (len(letters) == 2 and all(c.isupper() for c in letters))


# Case endings of Slavic surnames (Russian, Ukrainian; Polish spelling of Russian names): a
# surname written in the nominative ("Лавров", "Захарова", "Ławrow", "Zacharowa", "Sikorski")
# also names its holder in the other cases ("Лаврова", "Захаровой", "Ławrowem", "Zacharowej").
_SLAVIC_CASES: tuple[tuple[tuple[str, ...], int, tuple[str, ...]], ...] = (
    # (nominative endings, letters to drop, endings to add)
    (("ов", "ев", "ёв", "ин", "ын"), 0, ("а", "у", "ым", "е", "им", "і")),
    (("ова", "ева", "ина", "ына"), 1, ("ой", "у", "ою", "ої", "ій")),
    (("ский", "цкий", "ской"), 2, ("ого", "ому", "им", "ом")),
    (("ський", "цький"), 2, ("ого", "ому", "им", "ім")),
    (("ow", "ew", "in", "yn"), 0, ("a", "owi", "em", "ie")),
    (("owa", "ewa", "ina", "yna"), 1, ("ej", "ą")),
    (("ski", "cki"), 0, ("ego", "emu", "m")),
)


_SLAVIC_HOME = frozenset({"RU", "UA", "BY", "PL"})


def inflections(short: str, country: str) -> list[str]:
    """Case forms of a Slavic surname in the nominative; nothing for other names or stems. Latin
    forms only for Slavic officials ("Kalin", Turkish, is no "Kalina")."""
    if short.endswith("*") or " " in short or len(short) < 5 or not short[:1].isupper():
        return []
    low = short.lower()
    cyrillic = _script(short) == "cyrillic"
    if not cyrillic and country not in _SLAVIC_HOME:
        return []
    for endings, drop, added in _SLAVIC_CASES:
        if low.endswith(endings) and cyrillic == (endings[0][0] >= "\u0400"):
            base = short[:-drop] if drop else short
            return [base + a for a in added if base + a != short]
    return []


# Countries whose officials' names are not written in Latin letters at home: transliterated
# into Latin script with a title ("Mr Lavrov", "ông Vương"), they name one person; the Latin
# names of Western officials ("Mr Blair", "Mr Johnson") are shared with too many others.
_NON_LATIN_HOME = frozenset(
    "RU BY UA KZ KG TJ UZ TM MN GE AM AZ RS BG MK GR CY CN TW HK MO KR KP JP TH LA KH MM IN PK BD NP LK AF "
    "IR IQ SY LB JO SA AE QA KW BH OM YE EG LY DZ MA TN SD PS IL ET ER".split())


# Chinese and Korean names put the family name first: "Wang Yi", "Ван И", "王毅", "김정은".
_FAMILY_FIRST = {"CN", "TW", "KR", "KP", "HK", "MO"}


def _vietnamese_given(country: str, names: list[str]) -> set[str]:
    """The given name (last word) of a Vietnamese official: "ông Chính" is Phạm Minh Chính."""
    out: set[str] = set()
    if country == "VN":
        for name in names:
            words = name.split()
            if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and _script(name) == "latin":
                out.add(words[-1])
    return out


def _derived_surnames(country: str, names: list[str]) -> set[str]:
    """Family names read off the full names of Chinese and Korean officials: the first word
    of a romanised name, the first character of a two- or three-character Han or Hangul name."""
    out: set[str] = set()
    if country not in _FAMILY_FIRST:
        return out
    for name in names:
        words = name.split()
        if all(is_cjk(c) for c in name) and 2 <= len(name) <= 3:
            out.add(name[0])
        elif 2 <= len(words) <= 3 and not any(is_cjk(c) for c in name) and "*" not in name \
                and words[0][:1].isupper() and len(words[0]) >= 2:
            out.add(words[0])
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


# ------------------------------------------------------------------ the built knowledge base, cached


@dataclass(slots=True)
class _Parts:
    """A knowledge base as plain data (its phrases not yet in an automaton): what the cache holds."""

    entities: dict[str, Entity]
    countries: dict[str, Entity]
    body_patterns: list[BodyPattern]
    roles: dict[str, str | None]
    cue_priority: dict[str, int]
    term_classes: set[str]
    versions: dict[str, str]
    capitals: frozenset[str]
    surnames: dict[str, tuple[str, ...]]
    phrases: list[tuple[str, Phrase]]
    tables: Tables | None = None  # the phrases by script family and key (matcher._tables), when known

    def knowledge_base(self) -> KnowledgeBase:
        return KnowledgeBase(self.entities, self.countries, self.body_patterns, self.roles, self.cue_priority,
                             self.term_classes, Matcher(self.phrases, tables=self.tables), self.versions,
                             self.capitals, self.surnames)

    def dump(self) -> bytes:
        # Phrases are many and alike: each distinct one is written once, the keys refer to it by number.
        # Keys are written as the matcher groups them (by script family, then key), so a cached load
        # need not group them again.
        index: dict[Phrase, int] = {}
        tables = self.tables if self.tables is not None else _tables(self.phrases)
        keys = [(family, key, [index.setdefault(phrase, len(index)) for phrase in bucket])
                for family, table in tables.items() for key, bucket in table.items()]
        return orjson.dumps({
            "entities": [[e.id, e.type, e.name, e.country, e.qid, e.role, e.government, e.offices]
                         for e in self.entities.values()],
            "countries": {code: e.id for code, e in self.countries.items()},
            "body_patterns": [[b.kind, b.lang, b.prefix, b.suffix, b.role] for b in self.body_patterns],
            "roles": self.roles, "cue_priority": self.cue_priority, "term_classes": sorted(self.term_classes),
            "versions": self.versions, "capitals": sorted(self.capitals), "surnames": self.surnames,
            "phrases": [[p.layer, p.value, p.lang, p.exact, p.stem, p.cap, p.cap_at] for p in index],
            "keys": keys,
        })

    @classmethod
    def undump(cls, data: bytes) -> _Parts:
        d = orjson.loads(data)
        entities = {e[0]: Entity(e[0], e[1], e[2], e[3], e[4], e[5], e[6], tuple(tuple(o) for o in e[7]))
                    for e in d["entities"]}
        # a value written as a JSON list was a tuple (a body pattern's (index, side))
        phrases = [Phrase(layer, tuple(value) if isinstance(value, list) else value, *rest)
                   for layer, value, *rest in d["phrases"]]
        tables: Tables = {"latin": {}, "cyrillic": {}, "other": {}}
        for family, key, indices in d["keys"]:
            tables[family][key] = [phrases[i] for i in indices]
        # the phrases in the tables' order: grouped again, they give the same tables (matcher._tables)
        entries = [(key, phrase) for table in tables.values() for key, bucket in table.items() for phrase in bucket]
        return cls(entities, {code: entities[i] for code, i in d["countries"].items()},
                   [BodyPattern(*b) for b in d["body_patterns"]], d["roles"], d["cue_priority"],
                   set(d["term_classes"]), d["versions"], frozenset(d["capitals"]),
                   {k: tuple(v) for k, v in d["surnames"].items()}, entries, tables)


KB_CACHE_FORMAT = 3  # bump when what the cache holds changes shape
KB_CACHE_KEEP = 8  # cached knowledge bases kept (clones and test extensions each have their own)
# The code that turns data files into phrases: a change to it is a new knowledge base too.
_BUILD_CODE = ("kb.py", "matcher.py", "../languages.py", "../yamlio.py")


def cache_key(settings: Settings) -> str:
    """A digest of everything the built knowledge base depends on: every data file (shipped and
    NEWSWATCH_KB extensions, by path and content), the code that reads them, Babel's and
    rigour's versions and the planned languages."""
    h = hashlib.blake2b(digest_size=12)
    h.update(f"{KB_CACHE_FORMAT}|{babel.__version__}|{_version('rigour')}|{','.join(LANGUAGES)}".encode())
    here = Path(__file__).parent
    for name in _BUILD_CODE:
        h.update((here / name).read_bytes())
    roots = [DATA, *(Path(f) for f in filter(None, settings.kb_path.split(os.pathsep)))]
    for i, root in enumerate(roots):  # by position, not path: the same files elsewhere are the same base
        h.update(f"\0root {i}\0".encode())
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            h.update(b"\0" + str(path.relative_to(root)).encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def _read_cache(path: Path) -> _Parts | None:
    try:
        return _Parts.undump(path.read_bytes())
    except (OSError, ValueError, KeyError, TypeError, IndexError):  # absent, or unreadable: build again
        return None


def _write_cache(path: Path, parts: _Parts) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(parts.dump())
        tmp.replace(path)
        old = sorted(path.parent.glob("kb-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[KB_CACHE_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:  # a read-only home: the next start-up builds again
        pass


@contextmanager
def _no_gc() -> Iterator[None]:
    """The collector off while a few hundred thousand long-lived objects are made: each full
    collection would walk all made so far again (about a third of a build's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(settings: Settings | None = None) -> KnowledgeBase:
    """Build the knowledge base from shipped data (and NEWSWATCH_KB extensions), or read it from
    the cache a previous build of the same files left (``<cache_dir>/kb-<cache_key>.json``)."""
    from streams.settings import load as load_settings

    settings = settings or load_settings()
    with _no_gc():
        path = settings.cache_dir / f"kb-{cache_key(settings)}.json"
        parts = _read_cache(path)
        if parts is None:
            parts = _Builder(settings).parts()
            _write_cache(path, parts)
        else:
            os.utime(path)  # recently used: kept when older ones are pruned
        base = parts.knowledge_base()
        base.confrontations = confrontations.load(settings.kb_path)
        return base
