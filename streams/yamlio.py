"""Safe YAML loading that remembers where every value stood, so a bad data file
is refused with its file, line and reason.

Rule, knowledge-base, people and phrase files are data written by hand, so
anything a hostile file could use to make loading slow or huge is refused
before any value is built: aliases and anchors (a 600-byte "billion laughs"
file expands to gigabytes), files over ``MAX_BYTES`` and nesting deeper than
``MAX_DEPTH``. Otherwise the semantics are those of ``yaml.safe_load``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from streams.errors import DataFileError

# libyaml's safe loader when PyYAML was built with it (much faster on the people file).
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The largest shipped file (people.yaml) is about 0.3 MB and nests 5 levels deep.
MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 32
# Longest reason an error message carries: a refused value is quoted, never echoed whole.
MAX_REASON = 300


def excerpt(text: str, limit: int = MAX_REASON) -> str:
    """``text`` cut to about ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    keep = limit // 2
    return f"{text[:keep]}… [{len(text) - 2 * keep} characters omitted] …{text[-keep:]}"


class Located:
    """A loaded YAML document plus the line of every node, addressed by path."""

    def __init__(self, path: str, data: Any, root: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self._root = root

    def line(self, where: Sequence[str | int]) -> int | None:
        """1-based line of the node at ``where`` (keys and indices), or of the
        deepest ancestor that exists."""
        node = self._root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for step in where:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                        child = value
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if 0 <= step < len(node.value):
                    child = node.value[step]
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line

    def error(self, where: Sequence[str | int], reason: str) -> DataFileError:
        return DataFileError(self.path, self.line(where), excerpt(reason))


def _check_events(name: str, text: str) -> None:
    """Refuse aliases, anchors and deep nesting from the event stream, before
    composing: one pass in libyaml, stopping at the first offence."""
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()  # type: ignore[no-untyped-call]
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                raise DataFileError(name, line, "YAML aliases (*name) are not allowed in data files; "
                                                "write the value out")
            if getattr(event, "anchor", None) is not None:
                raise DataFileError(name, line, "YAML anchors (&name) are not allowed in data files; "
                                                "write the value out")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise DataFileError(name, line, f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        loader.dispose()


def _check_keys(name: str, root: yaml.Node) -> None:
    """Refuse a key given twice in one mapping: the safe loader keeps the last silently, so a
    second ``defence_ministry:`` under a country would drop every phrase of the first."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    first = seen.setdefault(key.value, line)
                    if first != line:
                        raise DataFileError(name, line, f"key {excerpt(key.value, 80)!r} given twice in one mapping "
                                                        f"(first on line {first}); merge the two")
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def load_yaml(path: str | Path) -> Located:
    """Load one YAML file with the safe loader (no tags that build objects),
    refusing aliases, anchors, files over ``MAX_BYTES``, nesting over ``MAX_DEPTH`` and keys given twice."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)  # never read more than the limit, whatever the file's size
        if len(raw) > MAX_BYTES:
            raise DataFileError(name, None, f"larger than {MAX_BYTES // (1024 * 1024)} MiB; refused")
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(name, None, f"cannot read: {excerpt(str(exc), 120)}") from exc
    try:
        _check_events(name, text)
        loader = _Loader(text)
        try:
            root = loader.get_single_node()  # one parse gives both the lines and the data
            if root is not None:
                _check_keys(name, root)
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(name, line, f"not valid YAML: {excerpt(str(exc.problem or exc))}") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(name, None, f"not valid YAML: {excerpt(str(exc))}") from exc
    return Located(name, data, root)
