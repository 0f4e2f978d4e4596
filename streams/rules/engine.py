"""Rule evaluation: statements in, alerts out.

Alert identity is deterministic from (rule, speaker, targets, event day), so the
same warning carried by several outlets in several languages is one alert whose
evidence grows. Aggregating rules keep their state in a mapping the caller owns
(a dict in backtest, a faust table when streaming) and follow event time, never
the wall clock, so replay and live runs agree.
"""

from __future__ import annotations

import functools
import hashlib
import re
from bisect import bisect_left
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from streams import timestamps
from streams.models import (
    FOREIGN_FACING_BODIES,
    FOREIGN_FACING_ROLES,
    Alert,
    AlertSpeaker,
    Evidence,
    Mention,
    RuleRef,
    Speaker,
    Statement,
    TaggedArticle,
    Target,
    from_dict,
    to_dict,
)
from streams.rules.loader import Derived, Rule, RuleSet

TERM_WORDS = {"red_line": "red line", "grave_consequences": "grave consequences"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
MAX_EVIDENCE = 20  # per alert: enough to corroborate, bounded so a storm cannot grow a record forever


def alert_id(*parts: str) -> str:
    return "al-" + hashlib.blake2b("\x1f".join(parts).encode(), digest_size=10).hexdigest()


def event_time(tagged: TaggedArticle) -> datetime:
    art = tagged.article
    for value in (art.published_at, art.ingested_at):
        if value:
            t = timestamps.parse(value, assume_utc=True)
            if t is not None:
                return t
    return datetime.now(UTC)


@functools.lru_cache(maxsize=4096)
def _event_instant(published_at: str | None, ingested_at: str | None) -> tuple[datetime, str] | None:
    """event_time's answer for an article's two times, and it formatted (iso), when one of them
    parses: articles of a feed share their times (ingestion stamps especially). None when neither
    does: event_time then reads the clock, which is not cached."""
    for value in (published_at, ingested_at):
        if value:
            t = timestamps.parse(value, assume_utc=True)
            if t is not None:
                return t, iso(t)
    return None


def iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


# Bucket starts recur (each aggregate observation writes 25 of them, its neighbours' the same):
# formatted once per instant. Aligned buckets of a 48-hour window span a year in ~1,500 instants.
_bucket_iso = functools.lru_cache(maxsize=4096)(iso)


def _speaker(sp: Speaker) -> AlertSpeaker:
    return AlertSpeaker(sp.name, sp.kind, sp.country, sp.entity_id, sp.role, sp.voice)


def _display(sp: AlertSpeaker) -> str:
    who = sp.name
    if sp.voice is not None:
        role = (sp.voice.role or "spokesperson").replace("_", " ")
        role = "spokesperson" if role.endswith("spokesperson") else role
        who += f" ({role} {sp.voice.name})"
    return who


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def render(template: str, fields: dict[str, str]) -> str:
    # Only whitelisted placeholders (checked at load); no str.format attribute access.
    return " ".join(_PLACEHOLDER.sub(lambda m: fields.get(m.group(1), m.group(0)), template).split())


def targets_of(st: Statement, tagged: TaggedArticle, rule: Rule, kb_countries: dict[str, Any]) -> list[Target]:
    """Countries the statement is about, other than the speaker's own. A foreign
    person or body ("Putin", "the Kremlin") stands for its country. A sentence that
    names none ("The response will be harsh") is about what the one before named."""
    found = _targets(st, tagged.mentions, st.mentions, rule, kb_countries)
    if not found and st.sentence > 0 and not rule.targets_named:
        prev = tagged.article.sentences[st.sentence - 1]
        # the mentions are in text order (tagging sorts them by start): the previous sentence's are
        # one run of them, found by bisection (a scan of every mention per statement was quadratic)
        lo = bisect_left(tagged.mentions, prev.start, key=_start)
        around = list(range(lo, bisect_left(tagged.mentions, prev.end, lo, key=_start)))
        found = _targets(st, tagged.mentions, around, rule, kb_countries)
    return found


def _start(m: Mention) -> int:
    return m.start


def _targets(st: Statement, mentions: list[Mention], indices: list[int], rule: Rule,
             kb_countries: dict[str, Any]) -> list[Target]:
    seen: dict[str, Target] = {}
    own = st.speaker.country if st.speaker else None
    # What the speaker talks about follows the cue ("concern about China's drills near
    # Taiwan"): those come first, so the first target is the one the statement is about.
    indices = sorted(indices, key=lambda i: (mentions[i].start < st.cue_start, mentions[i].start))
    for i in indices:
        m = mentions[i]
        if m.type not in rule.target_types or m.country is None or m.country == own:
            continue
        if m.type == "city" and m.role not in ("capital", "region"):  # "talks in Geneva" is about nobody
            continue  # (a region is its state's: "any attack on Crimea")
        if rule.target_countries and m.country not in rule.target_countries:
            continue
        if m.country not in seen:
            ent = kb_countries.get(m.country) if m.type in ("person", "body", "city") else None
            seen[m.country] = Target(ent.id, ent.name, m.country) if ent else Target(m.entity_id, m.name, m.country)
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class Classes:
    """A statement's cue, term and context classes as sets, made once per statement and asked
    by every rule (``isdisjoint`` on two sets allocates nothing)."""

    cues: frozenset[str]
    terms: frozenset[str]
    context: frozenset[str]

    @classmethod
    def of(cls, st: Statement) -> Classes:
        return cls(frozenset(st.cues or [st.cue]), frozenset(st.terms), frozenset(st.context))


def _failed(rule: Rule, st: Statement, classes: Classes | None = None) -> str | None:
    """The first condition of ``rule`` that ``st`` fails, by name; None when it matches. What
    matches() asks for every rule and statement; why_not() puts the failure in words.
    ``classes``: Classes.of(st), when the caller has it."""
    c = classes or Classes.of(st)
    if rule.cues.isdisjoint(c.cues):
        return "cues"
    if not rule.cues_none.isdisjoint(c.cues):
        return "cues_none"
    sp = st.speaker
    if rule.government is not None and (sp is None or sp.government != rule.government):
        return "government"
    if rule.speaker_kinds and (sp is None or sp.kind not in rule.speaker_kinds):
        return "speaker_kinds"
    if rule.speaker_countries and (sp is None or sp.country not in rule.speaker_countries):
        return "speaker_countries"
    if rule.terms_any and rule.terms_any.isdisjoint(c.terms):
        return "terms_any"
    if not rule.terms_none.isdisjoint(c.terms):
        return "terms_none"
    if rule.context_any and rule.context_unless_cues.isdisjoint(c.cues) and rule.context_any.isdisjoint(c.context):
        return "context_any"
    # "will respond to the expulsion of its diplomats": diplomatic, not military
    if not rule.context_none.isdisjoint(c.context):
        return "context_none"
    if rule.negated is not None and st.negated != rule.negated:
        return "negated"
    if rule.modality and st.modality not in rule.modality:
        return "modality"
    if rule.quoted and st.quote is None:
        return "quoted"
    return None


def why_not(rule: Rule, st: Statement) -> str | None:
    """The first condition of ``rule`` that ``st`` fails, in words; None when it matches."""
    failed = _failed(rule, st)
    if failed is None:
        return None
    cues = st.cues or [st.cue]
    sp = st.speaker
    if failed == "cues":
        return f"cue class {'/'.join(cues)} ('{st.cue_text}') is not one of {sorted(rule.cues)}"
    if failed == "cues_none":
        return f"a {'/'.join(sorted(rule.cues_none.intersection(cues)))} cue makes it something else"
    if failed == "government":
        if sp is None:
            return "no speaker found"
        if sp.government and sp.country is None:
            return f"speaker {sp.name!r} ({sp.kind}) holds an office but of no known country"
        return f"speaker {sp.name!r} ({sp.kind}) is {'not ' if rule.government else ''}a government voice"
    if failed == "speaker_kinds":
        return f"speaker kind {sp.kind if sp else None} is not one of {sorted(rule.speaker_kinds)}"
    if failed == "speaker_countries":
        return f"speaker country {sp.country if sp else None} is not one of {sorted(rule.speaker_countries)}"
    if failed == "terms_any":
        found = ", ".join(f"{k}: {v[0]!r}" for k, v in st.terms.items()) or "none"
        return f"no term of {sorted(rule.terms_any)} in what was said (terms found: {found})"
    if failed == "terms_none":
        blocked = rule.terms_none.intersection(st.terms)
        return "blocked by " + ", ".join(f"{k} ({st.terms[k][0]!r})" for k in sorted(blocked))
    if failed == "context_any":
        return f"no {' or '.join(sorted(rule.context_any))} context around the statement"
    if failed == "context_none":
        return f"{' and '.join(sorted(rule.context_none.intersection(st.context)))} context around the statement"
    if failed == "negated":
        return "the cue or term is negated" if st.negated else "not negated"
    if failed == "modality":
        return f"modality {st.modality} is not one of {sorted(rule.modality)}"
    return "no term of the rule in the speaker's quoted words"


def at_home(st: Statement, mentions: Sequence[Mention], text: str) -> bool:
    """A government threatening an armed group based in its own state ("Sudan's army chief vowed revenge
    on the RSF"), with no states abroad meant ("any country supplying drones to the RSF")."""
    own = st.speaker.country if st.speaker is not None else None
    return own is not None and any(0 <= i < len(mentions) and (m := mentions[i]).country == own
                                   and (m.entity_id or "").startswith("g:") for i in st.mentions) and \
        not (text and _FOREIGN_PARTY.search(text, st.start, st.end))


def min_targets(rule: Rule, st: Statement, home: bool = False) -> int:
    """The targets ``st`` must name for ``rule``: an official of a state the text does not say
    ("the spokesperson warned …") must at least name the other country or alliance, since "the
    violence could escalate" from an unplaced minister is as likely about home; so must a government
    that threatens an armed group based in its own state ("Sudan's army chief vowed revenge on the
    RSF": a war at home, not a matter with another country; ``home``, see at_home)."""
    if home:
        return max(rule.min_targets, 1)
    unplaced = st.speaker is not None and st.speaker.government and st.speaker.country is None
    # (a foreign or defence ministry speaks abroad: "the defence ministry warned that any incursion into
    # its airspace would be met with force" needs no state named)
    # its answer, not a claim about a red line or escalation ("the new missiles do not cross any red lines")
    abroad = st.speaker is not None and ((st.speaker.kind == "body" and st.speaker.role in FOREIGN_FACING_BODIES)
                                         or (st.speaker.kind == "person" and st.speaker.role in FOREIGN_FACING_ROLES)) \
        and not _THREATENED_ANSWERS.isdisjoint(st.terms)
    return max(rule.min_targets, 1) if unplaced and not abroad else rule.min_targets


_THREATENED_ANSWERS = frozenset({"retaliation", "response", "grave_consequences"})
# states abroad named as such, without a name ("any country", "الدول", "иностранные государства")
_FOREIGN_PARTY = re.compile(
    r"(?<!\w)(?:countr(?:y|ies)|states?|foreign|abroad|sponsors?|backers?|pays|[ée]tats?|étranger\w*|países?|"
    r"estados?|extranjer\w*|estrangeir\w*|paesi|stati|stranier\w*|länder\w*|staaten|ausländisch\w*|"
    r"стран\w*|государств\w*|иностран\w*|країн\w*|держав\w*|negara|nước ngoài|quốc gia|ülke\w*|devlet\w*)(?!\w)"
    r"|دول|الدول|دولة|أجنبي|الخارج|国家|外国|国外|他国|国は|国が|国々|諸国|各国|第三国|외국|국가|나라", re.IGNORECASE)


def matches(rule: Rule, st: Statement, classes: Classes | None = None) -> bool:
    """``classes``: Classes.of(st), when the caller has it (candidates: once per statement)."""
    return _failed(rule, st, classes) is None


def explain(tagged: TaggedArticle, ruleset: RuleSet, countries: dict[str, Any] | None = None) -> list[str]:
    """For each statement and per-statement rule, why it fired or which condition failed:
    what `newswatch backtest --explain` prints and analysts tune rules with."""
    lines: list[str] = []
    text = tagged.article.text
    if not tagged.statements:
        lines.append("no statement: no speech or warning cue in any sentence")
    for st in tagged.statements:
        sp = st.speaker
        who = f"{sp.name} [{sp.kind}, {sp.country or '?'}{', gov' if sp.government else ''}]" if sp else "none"
        lines.append(f"sentence {st.sentence}: cue {st.cue} '{st.cue_text}', speaker {who}, "
                     f"terms {sorted(st.terms) or '-'}, modality {st.modality}{', negated' if st.negated else ''}: "
                     f"\"{' '.join(text[st.start:st.end].split())[:120]}\"")
        for rule in ruleset.rules:
            if rule.aggregate is not None:
                continue
            reason = why_not(rule, st)
            if reason is None:
                targets = targets_of(st, tagged, rule, countries or {})
                need = min_targets(rule, st, at_home(st, tagged.mentions, text))
                if len(targets) < need:
                    reason = f"{len(targets)} target(s) other than the speaker's country, {need} needed"
            lines.append(f"  {rule.id}: {'FIRES' if reason is None else reason}")
    return lines


def _evidence(tagged: TaggedArticle, st: Statement) -> Evidence:
    art = tagged.article
    return Evidence(art.id, art.url, st.language, st.quote, art.text[st.start : st.end], st.start, st.end,
                    art.published_at, art.source.name if art.source else None)


@dataclass(slots=True)
class Candidate:
    """What one statement contributes, keyed by the state it updates: an alert (key:
    its id) or an observation for an aggregating rule (key: rule and target). The
    streaming worker routes candidates by key so each key's state lives in one place."""

    key: str
    alert: Alert | None = None
    observation: dict[str, Any] | None = None
    # When the article arrived and when it says it was published: what alert latency is measured from.
    ingested_at: str | None = None
    published_at: str | None = None


def gated(statements: list[Statement], rules: Derived) -> list[tuple[int, Statement, Classes]]:
    """The statements that pass some rule's cues and terms_any, each with the rules it passes (bit i:
    ``rules.rules[i]``) and its classes: read off its cue and term classes before its classes are
    made, since most statements of an article pass no rule's (one with no term any rule needs,
    none). What reference_gated asks with sets, rule by rule; matches() asks it again."""
    out = []
    for st in statements:
        gate = 0
        for c in st.cues or [st.cue]:
            gate |= rules.cue_rules.get(c, 0)
        if gate:
            passes = rules.termless
            for t in st.terms:
                passes |= rules.term_rules.get(t, 0)
            gate &= passes
            if gate:
                out.append((gate, st, Classes.of(st)))
    return out


def reference_gated(statements: list[Statement], rules: list[Rule]) -> list[tuple[int, Statement, Classes]]:
    """gated, asking every rule's cues and terms_any of every statement's classes."""
    out = []
    for st in statements:
        classes = Classes.of(st)
        gate = 0
        for bit, rule in enumerate(rules):
            if not rule.cues.isdisjoint(classes.cues) and not (rule.terms_any and
                                                                rule.terms_any.isdisjoint(classes.terms)):
                gate |= 1 << bit
        if gate:
            out.append((gate, st, classes))
    return out


def candidates(tagged: TaggedArticle, ruleset: RuleSet, countries: dict[str, Any] | None = None
               ) -> list[Candidate]:
    art = tagged.article
    pub, ing = art.published_at, art.ingested_at
    instant = (_event_instant(pub, ing) if (pub is None or type(pub) is str) and (ing is None or type(ing) is str)
               else None)
    if instant is not None:
        when, seen_at = instant
    else:
        when = event_time(tagged)
        seen_at = iso(when)
    states = countries or {}
    out: dict[str, Candidate] = {}
    voiced: set[str] = set()  # speakers (by state, entity or name) with an alert from this article
    rules = ruleset.derived()
    statements = gated(tagged.statements, rules)
    text = tagged.article.text
    home = {id(st): at_home(st, tagged.mentions, text) for _, st, _ in statements}  # (once per statement)
    for bit, rule in enumerate(rules.rules):
        for gate, st, classes in statements:
            if not gate >> bit & 1 or not matches(rule, st, classes):
                continue
            targets = targets_of(st, tagged, rule, states)
            if st.speaker is None or len(targets) < min_targets(rule, st, home[id(st)]):
                continue
            speaker = _speaker(st.speaker)
            if rule.aggregate is not None:
                # Governments of states: the EU, NATO or the UN voicing concern is not another country.
                if speaker.country not in states or states[speaker.country].type != "country":
                    continue
                target = targets[0]
                key = f"agg|{rule.id}|{target.country}"
                if key not in out:
                    out[key] = Candidate(key, observation={
                        "rule": rule.id, "target": to_dict(target), "country": speaker.country,
                        "speaker": to_dict(speaker), "evidence": to_dict(_evidence(tagged, st)),
                        "at": when.isoformat()}, ingested_at=art.ingested_at, published_at=art.published_at)
                continue
            # an official of no known state is one voice per article, never merged with another's
            who = speaker.country or speaker.entity_id or f"{speaker.name}|{art.id}"
            if rule.fallback and who in voiced:
                continue  # a stronger rule above already reports what this speaker said here
            aid = alert_id(rule.id, who, ",".join(sorted(t.country or t.entity_id for t in targets)),
                           when.date().isoformat())
            if aid in out:
                continue  # one article, one piece of evidence per alert
            terms = sorted(rule.terms_any.intersection(st.terms)) or [st.cue]
            fields = {
                "speaker": _display(speaker), "speaker_country": speaker.country or "?",
                "terms": _join([TERM_WORDS.get(t, t.replace("_", " ")) for t in terms]),
                "targets": _join([t.name for t in targets]) or "unnamed parties",
                "target": targets[0].name if targets else "",
                "modality": st.modality, "count": "1", "speakers": _display(speaker), "cue": st.cue,
            }
            summary = render(rule.summary, fields)
            if st.modality != "asserted":
                summary += f" ({st.modality})"
            voiced.add(who)
            out[aid] = Candidate(aid, alert=Alert(
                aid, RuleRef(rule.id, rule.title, rule.version), rule.severity, summary, speaker, targets,
                st.modality, [_evidence(tagged, st)], 1, seen_at, seen_at, seen_at),
                ingested_at=art.ingested_at, published_at=art.published_at)
    return list(out.values())


Outcome = tuple[str, Alert | None]  # (alert id, its new state); None retracts the alert


def settle(candidate: Candidate, ruleset: RuleSet, state: MutableMapping[str, Any]) -> list[Outcome]:
    """Fold a candidate into its state; what to publish. Idempotent: the same candidate
    delivered twice (at-least-once) leaves the state as it was and publishes the same
    alert states again (the worker may have died before their first send reached Kafka)."""
    if candidate.alert is not None:
        old = state.get(candidate.key)
        merged = merge(from_dict(Alert, old) if old else None, candidate.alert)
        state[candidate.key] = to_dict(merged)
        return [(merged.id, merged)]
    obs = candidate.observation
    assert obs is not None
    rule = ruleset.derived().by_id.get(obs["rule"])
    if rule is None or rule.aggregate is None:
        return []  # the rule was removed since the observation was made
    return _aggregate(rule, candidate.key, obs, state)


def evaluate(tagged: TaggedArticle, ruleset: RuleSet, state: MutableMapping[str, Any],
             countries: dict[str, Any] | None = None) -> list[Outcome]:
    """What one article changes: alerts raised or updated, and aggregate alerts retracted
    because a late observation moved their window; ``state`` carries it all between calls."""
    return [o for c in candidates(tagged, ruleset, countries) for o in settle(c, ruleset, state)]


# Aggregate state: one bounded summary per rule, target and event-time bucket.
MAX_IDENTS = 200  # statements remembered per bucket to recognise a redelivery
MAX_ARTICLES = 200  # distinct articles counted per bucket


def bucket_start(at: datetime, step: timedelta) -> datetime:
    """The aligned event-time bucket an instant falls in."""
    size = int(step.total_seconds())
    epoch = int(at.timestamp())
    return datetime.fromtimestamp(epoch - epoch % size, UTC)


def _order(o: dict[str, Any]) -> tuple[str, str, int]:
    return (o["at"], o["evidence"]["article_id"], o["evidence"]["start"])


def _empty() -> dict[str, Any]:
    return {"countries": {}, "evidence": [], "articles": [], "idents": [], "first": None, "last": None}


def _fold(acc: dict[str, Any], part: dict[str, Any]) -> None:
    """Merge a summary (or one observation's summary) into ``acc``. Every part is a min, a
    union or the k smallest of a set, so folding is commutative and idempotent."""
    for cc, o in part["countries"].items():
        mine = acc["countries"].get(cc)
        if mine is None or _order(o) < _order(mine):
            acc["countries"][cc] = o
    have = {_order(e) for e in acc["evidence"]}
    acc["evidence"] = sorted([*acc["evidence"], *(e for e in part["evidence"] if _order(e) not in have)],
                             key=_order)[:MAX_EVIDENCE]
    acc["articles"] = sorted(set(acc["articles"]) | set(part["articles"]))[:MAX_ARTICLES]
    for end, pick in (("first", min), ("last", max)):
        values = [v for v in (acc[end], part[end]) if v is not None]
        acc[end] = pick(values) if values else None


BUCKETS = 4  # buckets per window: a window spans BUCKETS + 1 of them
RETRACTED = "retracted"  # the publication marker of a window whose alert was withdrawn


@functools.lru_cache(maxsize=256)
def _bucket_starts(b0: datetime, step: timedelta) -> dict[int, str]:
    """The starts of the buckets -3B..3B around ``b0``, formatted: an aggregate observation reads
    them all, and observations mostly fall in a bucket the one before fell in (a read-only dict)."""
    return {i: _bucket_iso(b0 + i * step) for i in range(-3 * BUCKETS, 3 * BUCKETS + 1)}


def _aggregate(rule: Rule, key: str, ob: dict[str, Any], state: MutableMapping[str, Any]) -> list[Outcome]:
    """Distinct speaker countries voicing the same thing about one target within a window.

    Event time is cut into aligned buckets of a quarter window; window j covers buckets j to
    j+4 (hopping windows of 1.25 windows, a quarter apart), so any burst shorter than the
    rule's window lies whole in one. A window alerts when it holds enough countries and no
    neighbour covers it: its set is no proper subset of either neighbour's and differs from
    the earlier one's. All of it is a function of the bucket summaries, which are folds
    (commutative, idempotent), so the alerts and their ids end the same whatever order
    observations arrive in (two workers, kills, redelivery, replay); a window that a later
    observation covers is retracted.
    State keys: ``key|bucket`` (summary) and ``key|window|pub`` (what was published); the
    candidate key ``key`` routes them all to one partition."""
    assert rule.aggregate is not None
    target = from_dict(Target, ob["target"])
    step = timedelta(seconds=rule.aggregate.window_seconds / BUCKETS)
    b0 = bucket_start(timestamps.require(ob["at"]), step)
    bkey = f"{key}|{_bucket_iso(b0)}"
    bucket: dict[str, Any] = state.get(bkey) or _empty()
    ident = f"{ob['evidence']['article_id']}@{ob['evidence']['start']}"
    redelivered = ident in bucket["idents"]
    if not redelivered:
        _fold(bucket, {"countries": {ob["country"]: {k: ob[k] for k in ("speaker", "evidence", "at")}},
                       "evidence": [{k: ob[k] for k in ("evidence", "at")}],
                       "articles": [ob["evidence"]["article_id"]], "first": ob["at"], "last": ob["at"]})
        if len(bucket["idents"]) < MAX_IDENTS:
            bucket["idents"].append(ident)
        state[bkey] = bucket
    # Bucket 0 is in windows -B..0; a window's status depends on the windows it overlaps
    # (B either side), so windows -2B..B may change, and they look at windows -3B..2B.
    b = BUCKETS
    starts = _bucket_starts(b0, step)
    bucket_keys, pub_keys = _state_keys(key, b0, step)
    buckets = {i: state.get(k) for i, k in bucket_keys}
    # each bucket's countries other than the target's, once (each is in five windows); window j
    # holds buckets j..j+B: only the windows of a non-empty bucket get its countries
    windows: dict[int, set[str]] = {j: set() for j in range(-3 * b, 2 * b + 1)}
    for i, part in buckets.items():
        if part is not None and part["countries"]:
            ccs = [cc for cc in part["countries"] if cc != target.country]
            for j in range(max(i - b, -3 * b), min(i, 2 * b) + 1):
                windows[j].update(ccs)

    outcomes: list[Outcome] = []
    for j in range(-2 * b, b + 1):
        start = starts[j]
        mine = windows[j]
        alive = len(mine) >= rule.aggregate.min_count and not any(
            mine < windows[k] or (k < j and mine == windows[k]) for k in range(j - b, j + b + 1))
        win = None
        if alive:
            win = _empty()
            for i in range(j, j + b + 1):
                if (part := buckets.get(i)) is not None:
                    _fold(win, part)
            if _window_count(target, win) < rule.aggregate.min_count:
                win = None  # _window_alert would make no alert
        pkey = pub_keys[j]
        published = state.get(pkey)
        if win is not None:
            # the alert's signature read from the window (its evidence and article count), so an
            # alert already published as it stands is not built again
            signature = [*sorted(f"{e['evidence']['article_id']}@{e['evidence']['start']}" for e in win["evidence"]),
                         str(len(win["articles"]))]
            if signature != published or redelivered:
                alert = _window_alert(rule, target, start, win)
                assert alert is not None  # _window_count said it has its countries
                outcomes.append((alert.id, alert))
            if signature != published:
                state[pkey] = signature
        elif published is not None and (published != RETRACTED or redelivered):
            outcomes.append((alert_id(rule.id, target.country or target.entity_id, start), None))
            state[pkey] = RETRACTED
    return outcomes


def published_before(candidate: Candidate, ruleset: RuleSet, state: MutableMapping[str, Any]) -> set[str]:
    """The alert ids this candidate could touch that are already out (not retracted): what
    the worker counts as updated rather than new. Call it before :func:`settle`."""
    if candidate.alert is not None:
        return {candidate.key} if state.get(candidate.key) else set()
    ob = candidate.observation or {}
    rule = ruleset.derived().by_id.get(ob.get("rule", ""))
    if rule is None or rule.aggregate is None:
        return set()
    target = from_dict(Target, ob["target"])
    step = timedelta(seconds=rule.aggregate.window_seconds / BUCKETS)
    b0 = bucket_start(timestamps.require(ob["at"]), step)
    out = set()
    for j in range(-2 * BUCKETS, BUCKETS + 1):
        start = iso(b0 + j * step)
        if isinstance(state.get(f"{candidate.key}|{start}|pub"), list):
            out.add(alert_id(rule.id, target.country or target.entity_id, start))
    return out


@functools.lru_cache(maxsize=1024)
def _state_keys(key: str, b0: datetime, step: timedelta) -> tuple[tuple[tuple[int, str], ...], dict[int, str]]:
    """The state keys _aggregate reads around bucket ``b0``: the buckets -3B..3B (index, key) and
    the publication markers of the windows -2B..B (a read-only dict)."""
    starts = _bucket_starts(b0, step)
    b = BUCKETS
    return (tuple((i, f"{key}|{starts[i]}") for i in range(-3 * b, 3 * b + 1)),
            {j: f"{key}|{starts[j]}|pub" for j in range(-2 * b, b + 1)})


def _window_count(target: Target, win: dict[str, Any]) -> int:
    """The countries of a window other than the target's (what _window_alert counts)."""
    return sum(1 for cc in win["countries"] if cc != target.country)


def _window_alert(rule: Rule, target: Target, start: str, win: dict[str, Any]) -> Alert | None:
    assert rule.aggregate is not None
    firsts = {cc: o for cc, o in win["countries"].items() if cc != target.country}
    if len(firsts) < rule.aggregate.min_count:
        return None
    ordered = sorted(firsts.values(), key=_order)
    speakers = [from_dict(AlertSpeaker, o["speaker"]) for o in ordered]
    names = [s.country or s.name for s in speakers]
    fields = {"speaker": _display(speakers[0]), "speaker_country": speakers[0].country or "?",
              "terms": "", "targets": target.name, "target": target.name, "modality": "asserted",
              "count": str(len(firsts)), "speakers": _join(names), "cue": ""}
    evidence = [from_dict(Evidence, e["evidence"]) for e in win["evidence"]]
    first, last = iso(timestamps.require(win["first"])), iso(timestamps.require(win["last"]))
    return Alert(alert_id(rule.id, target.country or target.entity_id, start),
                 RuleRef(rule.id, rule.title, rule.version), rule.severity, render(rule.summary, fields),
                 speakers[0], [target], "asserted", evidence, len(win["articles"]),
                 first, last, first, speakers)


def merge(old: Alert | None, new: Alert) -> Alert:
    """Corroboration: the same alert id from another article adds its evidence."""
    if old is None:
        return new
    have = {(e.article_id, e.start) for e in old.evidence}
    evidence = list(old.evidence)
    for e in new.evidence:
        if (e.article_id, e.start) not in have and len(evidence) < MAX_EVIDENCE:
            evidence.append(e)
            have.add((e.article_id, e.start))
    speakers = list(old.speakers)
    for s in new.speakers:
        if all(x.country != s.country for x in speakers):
            speakers.append(s)
    old.evidence = evidence
    old.speakers = speakers
    old.sources_count = len({e.article_id for e in evidence})
    old.first_seen = min(old.first_seen, new.first_seen)
    old.last_seen = max(old.last_seen, new.last_seen)
    if new.rule.id == old.rule.id and len(new.summary) and new.speakers:
        old.summary = new.summary
    # A voice (spokesperson) named by a later article enriches the speaker.
    if old.speaker.voice is None and new.speaker.voice is not None and old.speaker.country == new.speaker.country:
        old.speaker = new.speaker
    return old
