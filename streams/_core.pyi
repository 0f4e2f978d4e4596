# Types of the compiled matcher core (streams/native/src/lib.rs, built by setuptools-rust).
from collections.abc import Callable
from typing import Any

class Core:
    def __init__(
        self,
        keys: list[tuple[str, bool, int, list[tuple[Any, str | None, bool, bool, int, str | None]]]],
        flags: bytes,
        slow_flags: Callable[[str], int],
        arabic: frozenset[str],
        hebrew: frozenset[str],
        max_stem_tail: int,
    ) -> None: ...
    def scan(self, text: str, folded: str, hit: type[tuple[Any, ...]], lang: str | None = None) -> list[Any]: ...
    @property
    def size(self) -> int: ...

def longest_first(hits: list[Any]) -> list[Any]: ...
def simhash(data: bytes) -> int | None: ...
def visit_counts(nextmove: Any, rowbase: Any, output: Any, text: bytes) -> dict[int, int] | None: ...
def visit_arrays(
    nextmove: Any, states: Any, table: Any, width: int, text: bytes
) -> tuple[bytes, bytes, bytes] | None: ...
