"""Safe YAML loading that remembers where every value stood, so a bad data file
is refused with its file, line and reason."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from streams.errors import DataFileError

# libyaml's safe loader when PyYAML was built with it (much faster on the people file).
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
        return DataFileError(self.path, self.line(where), reason)


def load_yaml(path: str | Path) -> Located:
    """Load one YAML file with the safe loader (no tags that build objects)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(name, None, f"cannot read: {exc}") from exc
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()  # one parse gives both the lines and the data
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(name, line, f"not valid YAML: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(name, None, f"not valid YAML: {exc}") from exc
    return Located(name, data, root)
