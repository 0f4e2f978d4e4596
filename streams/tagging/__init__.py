"""Tagging stage: entity mentions and attributed statements for a clean article."""

from __future__ import annotations

from streams.models import CleanArticle, TaggedArticle
from streams.tagging import _mypyc

# the five modules mypyc compiles come from build/mypyc when that build matches their sources, all
# of them or none (_mypyc.py says why); the hook must be in place before the first of them is imported
_mypyc.activate()
try:
    from streams.tagging import confrontations, entities, possession, scope, statements
except Exception as exc:  # a compiled module failed to load: all five from source instead
    _mypyc.fall_back(exc)
    from streams.tagging import confrontations, entities, possession, scope, statements  # noqa: F401

from streams.tagging.entities import find_mentions  # noqa: E402
from streams.tagging.kb import KnowledgeBase  # noqa: E402
from streams.tagging.matcher import LANGUAGE_LAYERS, across_quotes, join_gaps  # noqa: E402
from streams.tagging.statements import attribute  # noqa: E402


def compiled() -> bool:
    """True when the tagging modules run compiled by mypyc (build/mypyc), False when from source."""
    return _mypyc.compiled()


def tag(article: CleanArticle, kb: KnowledgeBase, wanted: frozenset[str] | None = None) -> TaggedArticle:
    """Mentions and statements; with ``wanted`` (RuleSet.needed_terms) only the statements an alert
    rule could use (statements.attribute)."""
    # an article of a known language keeps only its own language's cues, terms, titles...
    # (matcher.in_language, applied inside the compiled scan)
    lang = article.language
    hits = kb.matcher.scan(article.text, None if lang == "und" else lang)
    hits = across_quotes(kb.matcher, article.text, None if lang == "und" else lang, hits)
    hits = join_gaps(article.text, hits)
    mentions = find_mentions(article.text, hits, kb)
    statements = attribute(article, mentions, hits, kb, wanted)
    return TaggedArticle(article, mentions, statements)


__all__ = ["LANGUAGE_LAYERS", "KnowledgeBase", "compiled", "tag"]
