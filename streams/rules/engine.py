"""Rule evaluation: statements in, alerts out.

Alert identity is deterministic from (rule, speaker, targets, event day), so the
same warning carried by several outlets in several languages is one alert whose
evidence grows. Aggregating rules keep their state in a mapping the caller owns
(a dict in backtest, a faust table when streaming) and follow event time, never
the wall clock, so replay and live runs agree.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any

from streams.models import (
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
from streams.rules.loader import Rule, RuleSet

TERM_WORDS = {"red_line": "red line", "grave_consequences": "grave consequences"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
MAX_EVIDENCE = 20  # per alert: enough to corroborate, bounded so a storm cannot grow a record forever


def alert_id(*parts: str) -> str:
    return "al-" + hashlib.blake2b("\x1f".join(parts).encode(), digest_size=10).hexdigest()


def event_time(tagged: TaggedArticle) -> datetime:
    art = tagged.article
    for value in (art.published_at, art.ingested_at):
        if value:
            try:
                t = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return t if t.tzinfo else t.replace(tzinfo=UTC)
    return datetime.now(UTC)


def iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


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
    if not found and st.sentence > 0:
        prev = tagged.article.sentences[st.sentence - 1]
        around = [i for i, m in enumerate(tagged.mentions) if prev.start <= m.start < prev.end]
        found = _targets(st, tagged.mentions, around, rule, kb_countries)
    return found


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
        if rule.target_countries and m.country not in rule.target_countries:
            continue
        if m.country not in seen:
            ent = kb_countries.get(m.country) if m.type in ("person", "body") else None
            seen[m.country] = Target(ent.id, ent.name, m.country) if ent else Target(m.entity_id, m.name, m.country)
    return list(seen.values())


def matches(rule: Rule, st: Statement) -> bool:
    if st.cue not in rule.cues:
        return False
    sp = st.speaker
    if rule.government is not None and (sp is None or sp.government != rule.government):
        return False
    if rule.speaker_kinds and (sp is None or sp.kind not in rule.speaker_kinds):
        return False
    if rule.speaker_countries and (sp is None or sp.country not in rule.speaker_countries):
        return False
    if rule.terms_any and not rule.terms_any.intersection(st.terms):
        return False
    if rule.terms_none.intersection(st.terms):
        return False
    if rule.negated is not None and st.negated != rule.negated:
        return False
    return not (rule.modality and st.modality not in rule.modality)


def _evidence(tagged: TaggedArticle, st: Statement) -> Evidence:
    art = tagged.article
    return Evidence(art.id, art.url, st.language, st.quote, art.text[st.start : st.end], st.start, st.end,
                    art.published_at, art.source.name if art.source else None)


def evaluate(tagged: TaggedArticle, ruleset: RuleSet, state: MutableMapping[str, Any],
             countries: dict[str, Any] | None = None) -> list[Alert]:
    """Alerts raised by one article. ``state`` holds aggregate windows between calls."""
    when = event_time(tagged)
    seen_at = iso(when)
    out: dict[str, Alert] = {}
    for rule in ruleset.rules:
        for st in tagged.statements:
            if not matches(rule, st):
                continue
            targets = targets_of(st, tagged, rule, countries or {})
            if len(targets) < rule.min_targets or st.speaker is None:
                continue
            speaker = _speaker(st.speaker)
            if rule.aggregate is not None:
                state_of = countries or {}
                # Governments of states: the EU, NATO or the UN voicing concern is not another country.
                if speaker.country not in state_of or state_of[speaker.country].type != "country":
                    continue
                for target in targets[:1]:
                    alert = _aggregate(rule, target, speaker, _evidence(tagged, st), when, state)
                    if alert is not None:
                        out[alert.id] = alert
                continue
            key = speaker.country or speaker.entity_id or speaker.name
            aid = alert_id(rule.id, key, ",".join(sorted(t.country or t.entity_id for t in targets)),
                           when.date().isoformat())
            terms = sorted(rule.terms_any.intersection(st.terms)) or [st.cue]
            fields = {
                "speaker": _display(speaker), "speaker_country": speaker.country or "?",
                "terms": _join([TERM_WORDS.get(t, t.replace("_", " ")) for t in terms]),
                "targets": _join([t.name for t in targets]), "target": targets[0].name if targets else "",
                "modality": st.modality, "count": "1", "speakers": _display(speaker), "cue": st.cue,
            }
            summary = render(rule.summary, fields)
            if st.modality != "asserted":
                summary += f" ({st.modality})"
            if aid in out:
                continue  # one article, one piece of evidence per alert
            out[aid] = Alert(aid, RuleRef(rule.id, rule.title, rule.version), rule.severity, summary, speaker,
                             targets, st.modality, [_evidence(tagged, st)], 1, seen_at, seen_at, seen_at)
    return list(out.values())


def _aggregate(rule: Rule, target: Target, speaker: AlertSpeaker, ev: Evidence, when: datetime,
               state: MutableMapping[str, Any]) -> Alert | None:
    """Distinct speaker countries voicing the same thing about one target within a window.

    An episode starts at its first observation and lasts one window; the alert id
    is (rule, target, episode start), so live and replayed runs name it alike."""
    assert rule.aggregate is not None
    if speaker.country is None:
        return None
    key = f"{rule.id}|{target.country}"
    window = timedelta(seconds=rule.aggregate.window_seconds)
    episode: dict[str, Any] | None = state.get(key)
    start = datetime.fromisoformat(episode["start"]) if episode else None
    if episode is None or start is None or when - start > window or when < start - window:
        episode = {"start": when.isoformat(), "obs": []}
        start = when
    obs: list[dict[str, Any]] = episode["obs"]
    if len(obs) < MAX_EVIDENCE:
        obs.append({"country": speaker.country, "speaker": to_dict(speaker), "evidence": to_dict(ev),
                    "at": when.isoformat()})
    state[key] = episode
    countries = sorted({o["country"] for o in obs if o["country"] != target.country})
    if len(countries) < rule.aggregate.min_count:
        return None
    speakers: list[AlertSpeaker] = []
    for o in obs:
        if o["country"] in countries and all(s.country != o["country"] for s in speakers):
            speakers.append(from_dict(AlertSpeaker, o["speaker"]))
    first = min(datetime.fromisoformat(o["at"]) for o in obs)
    last = max(datetime.fromisoformat(o["at"]) for o in obs)
    names = [s.country or s.name for s in speakers]
    fields = {"speaker": _display(speakers[0]), "speaker_country": speakers[0].country or "?",
              "terms": "", "targets": target.name, "target": target.name, "modality": "asserted",
              "count": str(len(countries)), "speakers": _join(names), "cue": ""}
    evidence = [from_dict(Evidence, o["evidence"]) for o in obs]
    return Alert(alert_id(rule.id, target.country or target.entity_id, iso(start)),
                 RuleRef(rule.id, rule.title, rule.version), rule.severity, render(rule.summary, fields),
                 speakers[0], [target], "asserted", evidence, len({e.article_id for e in evidence}),
                 iso(first), iso(last), iso(start), speakers)


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
