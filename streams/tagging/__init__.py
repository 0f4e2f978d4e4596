"""Tagging stage: entity mentions and attributed statements for a clean article."""

from __future__ import annotations

from streams.models import CleanArticle, TaggedArticle
from streams.tagging.entities import find_mentions
from streams.tagging.kb import KnowledgeBase
from streams.tagging.statements import attribute

# Layers whose phrases belong to one language: a German "laut" is not an Indonesian
# "laut". Names (entities) are matched whatever the article's language.
LANGUAGE_LAYERS = frozenset({"cue", "term", "modality", "nongov", "role", "body_part"})


def tag(article: CleanArticle, kb: KnowledgeBase) -> TaggedArticle:
    hits = kb.matcher.scan(article.text)
    lang = article.language
    if lang != "und":
        hits = [h for h in hits if h.phrase.lang in (None, lang) or h.phrase.layer not in LANGUAGE_LAYERS]
    mentions = find_mentions(article.text, hits, kb)
    statements = attribute(article, mentions, hits, kb)
    return TaggedArticle(article, mentions, statements)


__all__ = ["KnowledgeBase", "tag"]
