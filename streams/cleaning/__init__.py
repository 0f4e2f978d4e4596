"""The cleaning stage: normalisation, boilerplate removal, language id, segmentation,
fingerprints and ids.

``clean(raw, now=...)`` is the stage function; the other names are its parts, exported
for the agents (``NearDuplicateIndex``, ``load_model``) and for tests and tools.
"""

from streams.cleaning.fingerprint import NearDuplicateIndex, hamming, simhash
from streams.cleaning.ids import article_id, canonical_url
from streams.cleaning.language import SUPPORTED_LANGUAGES, detect_language, load_model
from streams.cleaning.pipeline import DEFAULT_MAX_CHARS, MAX_RAW_CHARS, clean
from streams.cleaning.segment import paragraph_spans, sentence_spans

__all__ = [
    "DEFAULT_MAX_CHARS",
    "MAX_RAW_CHARS",
    "SUPPORTED_LANGUAGES",
    "NearDuplicateIndex",
    "article_id",
    "canonical_url",
    "clean",
    "detect_language",
    "hamming",
    "load_model",
    "paragraph_spans",
    "sentence_spans",
    "simhash",
]
