"""Files shipped inside the package, read through ``importlib.resources`` so that a plain
wheel install works as a source checkout does (streams/data/ says how they get there):

- ``schemas/``: the JSON Schemas of every record and of the rule file, and asyncapi.yaml;
- ``kafka/``: the managed local broker's config template, log4j configuration and pom;
- ``sample.jsonl``: the sample feed that `newswatch run` replays.

``python -m streams.resources`` prints where they are (e.g. the sample feed, to give
`newswatch backtest`).
"""

from __future__ import annotations

import atexit
import contextlib
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "streams.data"
_copies = contextlib.ExitStack()  # temporary copies of files that are not on disk (a zipped install)
atexit.register(_copies.close)


def resource(*parts: str) -> Traversable:
    """A shipped file or folder, for reading (``read_bytes``, ``read_text``, ``iterdir``)."""
    return files(PACKAGE).joinpath(*parts)


def path(*parts: str) -> Path:
    """A shipped file as a path on disk, for what needs one (the JVM, mvn, a default argument):
    the file itself, a symbolic link in a source checkout resolved to the file it names."""
    found = resource(*parts)
    if isinstance(found, Path):
        return found.resolve()
    return _copies.enter_context(as_file(found))


def sample_feed() -> Path:
    return path("sample.jsonl")


def main() -> None:
    print(f"sample feed: {sample_feed()}")
    print(f"schemas: {path('schemas')}")
    print(f"broker config: {path('kafka', 'server.properties')}")


if __name__ == "__main__":
    main()
