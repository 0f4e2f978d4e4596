"""Scoring a backtest against labels: precision and recall per rule, with every miss and
false alarm and the evidence for it.

- :func:`load_labels` reads label files in the format of ``tests/fixtures/feed``: article
  lines ``{"id", "alerts": [{"rule", "speaker_country", "speaker_kind", "targets"}], "kind",
  "note"}`` and aggregate lines ``{"rule", "target", "speaker_countries", "articles"}``.
- :func:`score_articles` and :func:`score_aggregates` are the scoring the feed-quality test
  uses (one definition): per (article, rule, speaker country); a true alert also needs the
  labelled speaker kind and at least the labelled targets.
- :class:`Collector` keeps, while a backtest runs, what scoring and evidence need: the alerts
  each *labelled* article raised and a summary of its statements (memory grows with the
  labels, not with the feed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from streams.models import Alert, TaggedArticle

# ---------------------------------------------------------------------- labels


class LabelError(ValueError):
    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")


@dataclass(slots=True)
class Labels:
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)  # article id -> label line
    aggregates: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.articles or self.aggregates)


def load_labels(paths: Iterable[str | Path]) -> Labels:
    """Article and aggregate labels from JSON Lines files; LabelError names a bad line."""
    labels = Labels()
    for path in paths:
        with open(path, "rb") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise LabelError(str(path), lineno, f"not JSON ({exc})") from None
                if isinstance(obj, dict) and isinstance(obj.get("id"), str) and isinstance(obj.get("alerts"), list):
                    for want in obj["alerts"]:
                        if not (isinstance(want, dict) and isinstance(want.get("rule"), str)
                                and isinstance(want.get("targets", []), list)):
                            raise LabelError(str(path), lineno, "each of alerts needs a rule and a targets list")
                    labels.articles[obj["id"]] = obj
                elif (isinstance(obj, dict) and isinstance(obj.get("rule"), str) and isinstance(obj.get("target"), str)
                      and isinstance(obj.get("articles"), list)):
                    labels.aggregates.append(obj)
                else:
                    raise LabelError(str(path), lineno, 'neither an article label ({"id", "alerts": [...]}) nor an '
                                                        'aggregate label ({"rule", "target", "articles": [...]})')
    return labels


# --------------------------------------------------------------------- scoring


def precision_recall(tp: int, fp: int, fn: int) -> tuple[float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


@dataclass(slots=True)
class RuleScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return precision_recall(self.tp, self.fp, self.fn)[0]

    @property
    def recall(self) -> float:
        return precision_recall(self.tp, self.fp, self.fn)[1]


@dataclass(slots=True)
class Miss:
    article_id: str
    rule: str
    want: dict[str, Any]  # the label's alert (or, for an aggregate, the aggregate label)
    raised: list[Alert]  # what the article (or the aggregate's articles) did raise under that rule
    note: str = ""

    def line(self) -> str:
        if "target" in self.want:
            return (f"{self.rule}: missed the {self.want['target']} aggregate of {self.want.get('articles')}; "
                    f"raised {[(a.targets[0].country if a.targets else None) for a in self.raised]}")
        near = [(a.speaker.kind, a.speaker.country, [t.country for t in a.targets]) for a in self.raised]
        return (f"{self.article_id} {self.rule}: missed {self.want.get('speaker_kind')} "
                f"{self.want.get('speaker_country')} {self.want.get('targets')}; raised {near} ({self.note})")


@dataclass(slots=True)
class FalseAlarm:
    article_id: str
    alert: Alert
    note: str = ""
    kind: str = ""  # the article's label kind (near_miss, neutral ...)

    def line(self) -> str:
        return f"{self.article_id} {self.alert.rule.id}: false alarm: {self.alert.summary}"


@dataclass(slots=True)
class Scores:
    rules: dict[str, RuleScore] = field(default_factory=lambda: defaultdict(RuleScore))
    misses: list[Miss] = field(default_factory=list)
    false_alarms: list[FalseAlarm] = field(default_factory=list)
    matches: list[tuple[dict[str, Any], list[Alert]]] = field(default_factory=list)  # aggregates: label -> hits

    def merge(self, other: Scores) -> Scores:
        for rule, s in other.rules.items():
            mine = self.rules[rule]
            mine.tp, mine.fp, mine.fn = mine.tp + s.tp, mine.fp + s.fp, mine.fn + s.fn
        self.misses += other.misses
        self.false_alarms += other.false_alarms
        self.matches += other.matches
        return self


def score_articles(per_article: Mapping[str, Sequence[Alert]], labels: Iterable[Mapping[str, Any]]) -> Scores:
    """Per-article rules, scored per (article, rule, speaker country). A true alert must also
    have the labelled speaker kind and at least the labelled targets; otherwise it counts as
    a miss and, if raised, as a false alarm. Only labelled articles are scored."""
    scores = Scores()
    for label in labels:
        aid = label["id"]
        got = per_article.get(aid, [])
        matched: set[str] = set()
        for want in label["alerts"]:
            c = scores.rules[want["rule"]]
            hit = [a for a in got if a.rule.id == want["rule"] and a.speaker.country == want.get("speaker_country")
                   and a.speaker.kind == want.get("speaker_kind")
                   and set(want["targets"]) <= {t.country for t in a.targets}]
            if hit:
                c.tp += 1
                matched.update(a.id for a in hit)
            else:
                c.fn += 1
                scores.misses.append(Miss(aid, want["rule"], dict(want), [a for a in got if a.rule.id == want["rule"]],
                                          label.get("note", "")))
        for a in got:
            if a.id not in matched and not any(e["rule"] == a.rule.id and e.get("speaker_country") == a.speaker.country
                                               for e in label["alerts"]):
                scores.rules[a.rule.id].fp += 1
                scores.false_alarms.append(FalseAlarm(aid, a, label.get("note", ""), label.get("kind", "")))
    return scores


def score_aggregates(alerts: Iterable[Alert], expected: Iterable[Mapping[str, Any]]) -> Scores:
    """Aggregate rules: an expected window is found by an alert of its rule about its target
    whose evidence shares an article with it; every other alert of those rules is a false alarm."""
    scores = Scores()
    expected = list(expected)
    rules = {e["rule"] for e in expected}
    got = [a for a in alerts if a.rule.id in rules]
    matched: set[str] = set()
    for exp in expected:
        c = scores.rules[exp["rule"]]
        hit = [a for a in got if a.rule.id == exp["rule"] and a.targets and a.targets[0].country == exp["target"]
               and set(exp["articles"]) & {e.article_id for e in a.evidence}]
        scores.matches.append((dict(exp), hit))
        if hit:
            c.tp += 1
            matched.update(a.id for a in hit)
        else:
            c.fn += 1
            scores.misses.append(Miss(",".join(exp["articles"]), exp["rule"], dict(exp),
                                      [a for a in got if a.rule.id == exp["rule"]]))
    for a in got:
        if a.id not in matched:
            scores.rules[a.rule.id].fp += 1
            scores.false_alarms.append(FalseAlarm(",".join(sorted({e.article_id for e in a.evidence})), a))
    return scores


# ------------------------------------------------------------------- collecting


@dataclass(slots=True)
class ArticleInfo:
    """What the report shows about a labelled article: where it is, and what tagging found."""

    article_id: str
    where: str  # file:line
    title: str | None
    language: str
    published_at: str | None
    statements: list[str]


def describe_statements(tagged: TaggedArticle, limit: int = 12) -> list[str]:
    """One line per statement: speaker, cue, modality, term classes, mentioned countries, quote."""
    out = []
    text = tagged.article.text
    for st in tagged.statements[:limit]:
        sp = st.speaker
        who = (f"{sp.name} ({sp.kind}, {sp.country or '?'}{', government' if sp.government else ''})"
               if sp else "no speaker")
        places = sorted({f"{m.name} ({m.country})" for i in st.mentions if 0 <= i < len(tagged.mentions)
                         for m in [tagged.mentions[i]] if m.country})
        flags = [st.modality] if st.modality != "asserted" else []
        if st.negated:
            flags.append("negated")
        said = st.quote or text[st.start:st.end]
        out.append(f"{who} — cue {st.cue} “{st.cue_text}”{' [' + ', '.join(flags) + ']' if flags else ''}; "
                   f"terms {sorted(st.terms) or '-'}; about {', '.join(places) or '-'}; “{said[:300]}”")
    if len(tagged.statements) > limit:
        out.append(f"… {len(tagged.statements) - limit} more statements")
    if not tagged.statements:
        out.append("no statement found (no cue with a speaker)")
    return out


@dataclass(slots=True)
class Collector:
    """Fed every processed article during a backtest; keeps only labelled articles' details."""

    labels: Labels
    per_article: dict[str, list[Alert]] = field(default_factory=dict)
    info: dict[str, ArticleInfo] = field(default_factory=dict)
    wanted: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.wanted = set(self.labels.articles)
        for agg in self.labels.aggregates:
            self.wanted.update(agg["articles"])

    def observe(self, where: str, tagged: TaggedArticle, alerts: Iterable[Alert]) -> None:
        art = tagged.article
        if art.id not in self.wanted:
            return
        mine = [a for a in alerts if not a.speakers and any(e.article_id == art.id for e in a.evidence)]
        if mine:
            self.per_article.setdefault(art.id, []).extend(mine)
        self.info[art.id] = ArticleInfo(art.id, where, art.title, art.language, art.published_at,
                                        describe_statements(tagged))

    def score(self, alerts: Iterable[Alert]) -> Scores:
        scores = score_articles(self.per_article, self.labels.articles.values())
        if self.labels.aggregates:
            scores.merge(score_aggregates(alerts, self.labels.aggregates))
        return scores
