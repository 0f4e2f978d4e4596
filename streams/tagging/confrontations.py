"""Which states confront which (``data/confrontations.yaml``): whose official an unnamed
voice is, when the text never says.

An excerpt that opens on '"…," he warned' or "the spokesman threatened" names the states the
words are about but not the speaker's. A reader still knows who threatens the US and South
Korea over their drills, or NATO over Bulgaria and Romania: the one state that confronts every
state named. :meth:`Confrontations.infer` makes that reading and nothing more: it answers only
when one state stands out (it confronts the most of the named states, and, for a language of
one or two states, is a state of that language), and leaves the country unknown on a tie ("the
US will pay" alone could be any of five states)."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from streams.yamlio import Located, load_yaml

# the package's data folder, not one next to this module: compiled by mypyc, this module is loaded
# from build/mypyc (streams/tagging/_mypyc.py) and its __file__ names that folder
DATA = Path(str(files("streams.tagging").joinpath("data")))
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af]")
FILE = "confrontations.yaml"


@dataclass(slots=True)
class Confrontations:
    rivals: dict[str, set[str]] = field(default_factory=dict)  # state or alliance -> those it confronts
    alliances: dict[str, set[str]] = field(default_factory=dict)  # member state -> its alliances
    home: dict[str, set[str]] = field(default_factory=dict)  # language -> its states
    agencies: dict[str, str] = field(default_factory=dict)  # a state's news agency, as written -> the state
    _agency_re: re.Pattern[str] | None = None

    def agency_state(self, text: str, a: int, b: int) -> str | None:
        """The one state whose news agency text[a:b] names, if exactly one."""
        if self._agency_re is None:
            names = sorted(self.agencies, key=len, reverse=True)
            self._agency_re = re.compile("|".join(
                re.escape(n) if _CJK.search(n) else rf"(?<!\w){re.escape(n)}(?!\w)" for n in names) or "(?!)")
        found = {self.agencies[m.group(0)] for m in self._agency_re.finditer(text, a, b)}
        return found.pop() if len(found) == 1 else None

    def confronts(self, a: str, b: str, named: Collection[str] = ()) -> bool:
        """``a`` confronts ``b``: directly, through an alliance ``a`` belongs to, or through an
        alliance of ``b``'s that is itself ``named`` ("NATO … Bulgaria and Romania"; Greece alone
        is not read as NATO, or every quarrel of an ally would look like Russia's)."""
        sides_b = {b, *(x for x in self.alliances.get(b, ()) if x in named)}
        return any(not self.rivals.get(x, set()).isdisjoint(sides_b) for x in (a, *self.alliances.get(a, ())))

    def infer(self, named: Collection[str], lang: str) -> str | None:
        """The state an unnamed official whose words name ``named`` (codes, NATO) speaks for, or
        None when no one state stands out. A state the words name is itself the speaker only when
        it confronts two of the others (a state named once is far more often the one warned)."""
        if not named:
            return None
        home = self.home.get(lang, set())
        scores: dict[str, int] = {}
        for state in {*self.rivals, *self.alliances}:
            if len(state) != 2:
                continue  # an alliance is no state: its officials are not a government's
            against = sum(1 for t in named if t != state and self.confronts(state, t, named))
            if against >= (2 if state in named else 1):
                scores[state] = against + (state in home)
        if not scores:
            return None
        best = max(scores.values())
        top = [s for s, v in scores.items() if v == best]
        return top[0] if len(top) == 1 else None

    def read(self, doc: Located) -> None:
        data = doc.data if isinstance(doc.data, dict) else None
        if data is None:
            raise doc.error([], "expected a mapping with pairs, alliances and home")
        for i, pair in enumerate(data.get("pairs") or []):
            if not isinstance(pair, list) or len(pair) != 2 or not all(_is_code(c) for c in pair) \
                    or pair[0] == pair[1]:
                raise doc.error(["pairs", i], f"expected two different quoted codes, got {pair!r}")
            a, b = (c.upper() for c in pair)
            self.rivals.setdefault(a, set()).add(b)
            self.rivals.setdefault(b, set()).add(a)
        for name, members in (data.get("alliances") or {}).items():
            if not isinstance(members, list) or not all(_is_code(c) for c in members):
                raise doc.error(["alliances", name], "expected a list of quoted two-letter codes")
            for code in members:
                self.alliances.setdefault(code.upper(), set()).add(str(name).upper())
        for lang, states in (data.get("home") or {}).items():
            if not isinstance(states, list) or not all(_is_code(c) for c in states):
                raise doc.error(["home", lang], "expected a list of quoted two-letter codes")
            self.home.setdefault(str(lang), set()).update(c.upper() for c in states)
        for code, names in (data.get("agencies") or {}).items():
            if not _is_code(code) or not isinstance(names, list) or \
                    not all(isinstance(n, str) and n.strip() for n in names):
                raise doc.error(["agencies", code], "expected a quoted two-letter code and a list of names")
            for name in names:
                self.agencies[name.strip()] = code.upper()
        self._agency_re = None


def _is_code(value: object) -> bool:
    # (YAML reads a bare NO as false: such a code must be quoted)
    return isinstance(value, str) and value.isalpha() and (len(value) == 2 or value.upper() == "NATO")


@functools.cache
def load(kb_path: str = "") -> Confrontations:
    """The shipped file, plus a ``confrontations.yaml`` in each NEWSWATCH_KB extension folder."""
    out = Confrontations()
    out.read(load_yaml(DATA / FILE))
    for folder in filter(None, kb_path.split(os.pathsep)):
        path = Path(folder) / FILE
        if path.exists():
            out.read(load_yaml(path))
    return out
