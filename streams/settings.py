"""Every setting newswatch reads from the environment, in one place.

Names are ``NEWSWATCH_*`` (plus the conventional ``KAFKA_BOOTSTRAP_SERVERS``), so
a stray variable of another tool cannot change behaviour.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True, slots=True)
class Settings:
    cache_dir: Path = field(
        default_factory=lambda: Path(_env("NEWSWATCH_CACHE_DIR", str(Path.home() / ".cache" / "newswatch")))
    )
    # Extra rule files or folders (os.pathsep-separated) loaded after the shipped defaults.
    rules_path: str = field(default_factory=lambda: _env("NEWSWATCH_RULES", ""))
    # Extra knowledge-base folders whose people/countries files extend the shipped ones.
    kb_path: str = field(default_factory=lambda: _env("NEWSWATCH_KB", ""))
    max_article_chars: int = field(default_factory=lambda: int(_env("NEWSWATCH_MAX_ARTICLE_CHARS", "200000")))


def load() -> Settings:
    return Settings()
