"""Tagging stage: entity mentions and attributed statements for a clean article."""

from __future__ import annotations

from streams.models import CleanArticle, TaggedArticle
from streams.tagging.entities import find_mentions
from streams.tagging.kb import KnowledgeBase
from streams.tagging.statements import attribute


def tag(article: CleanArticle, kb: KnowledgeBase) -> TaggedArticle:
    hits = kb.matcher.scan(article.text)
    mentions = find_mentions(article.text, hits, kb)
    statements = attribute(article, mentions, hits, kb)
    return TaggedArticle(article, mentions, statements)


__all__ = ["KnowledgeBase", "tag"]
