"""The three stages run in process: what `newswatch backtest` and the tests use.

The streaming worker (streams/runtime/agents.py) runs the same stage functions; the alert
state and aggregate windows kept here in ``state`` live in its faust table, and each
worker process keeps its own near-duplicate index.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from streams import stages
from streams.cleaning.fingerprint import NearDuplicateIndex
from streams.models import Alert, CleanArticle, RawArticle, TaggedArticle
from streams.rules.loader import RuleSet, load_rules, rule_files
from streams.settings import Settings
from streams.settings import load as load_settings
from streams.tagging.kb import KnowledgeBase
from streams.tagging.kb import load as load_kb


def load_ruleset(kb: KnowledgeBase, extra: str = "") -> RuleSet:
    return load_rules(rule_files(extra), kb.cue_priority, kb.term_classes)


@dataclass(slots=True)
class Result:
    clean: CleanArticle
    tagged: TaggedArticle
    alerts: list[Alert]  # raised or updated by this article (their merged state)


@dataclass(slots=True)
class Pipeline:
    kb: KnowledgeBase
    rules: RuleSet
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    settings: Settings = field(default_factory=load_settings)
    duplicates: NearDuplicateIndex = field(default_factory=NearDuplicateIndex)
    alerts: dict[str, Alert] = field(default_factory=dict)  # latest state of every alert, by id
    state: dict[str, Any] = field(default_factory=dict)  # what a faust table holds when streaming
    # Resolve only the statements an alert rule could use (statements.attribute, scope.py): the same
    # alerts, fewer statements in the tagged article. Off where the statements are read themselves
    # (backtest --explain and --report, the tests).
    lazy_attribution: bool = False

    @classmethod
    def load(cls, rules_path: str | None = None, clock: Callable[[], datetime] | None = None,
             lazy_attribution: bool = False) -> Pipeline:
        settings = load_settings()
        kb = load_kb(settings)
        rules = load_ruleset(kb, settings.rules_path if rules_path is None else rules_path)
        # The knowledge base and rules are a few hundred thousand long-lived objects: unfrozen, every
        # full collection walks them again (~12 % of a backtest's time, as in the worker: app.py).
        gc.freeze()
        return cls(kb, rules, clock or (lambda: datetime.now(UTC)), settings, lazy_attribution=lazy_attribution)

    def process(self, raw: RawArticle) -> Result:
        clean = stages.clean_article(raw, self.clock(), self.settings)
        clean.duplicate_of = self.duplicates.add(clean.id, clean.fingerprint)
        tagged = stages.tag_article(clean, self.kb, self.settings,
                                    self.rules.needed_terms if self.lazy_attribution else None)
        raised = []
        for aid, alert in stages.alert(tagged, self.rules, self.state, self.kb.countries):
            if alert is None:
                self.alerts.pop(aid, None)  # retracted: a late observation moved its window
            else:
                self.alerts[aid] = alert
                raised.append(alert)
        return Result(clean, tagged, raised)
