"""Tagging stage: entity mentions and attributed statements for a clean article."""

from __future__ import annotations

from streams.models import CleanArticle, TaggedArticle
from streams.tagging.entities import find_mentions
from streams.tagging.kb import KnowledgeBase
from streams.tagging.matcher import LANGUAGE_LAYERS, across_quotes, join_gaps
from streams.tagging.statements import attribute


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


__all__ = ["LANGUAGE_LAYERS", "KnowledgeBase", "tag"]
