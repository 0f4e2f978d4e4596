"""The confrontation table (streams/tagging/data/confrontations.yaml): the state an unnamed
official speaks for, inferred only where one state stands out."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.errors import DataFileError
from streams.tagging import confrontations
from streams.tagging.confrontations import Confrontations
from streams.yamlio import load_yaml


def _table(tmp_path: Path, text: str) -> Confrontations:
    path = tmp_path / "confrontations.yaml"
    path.write_text(text, encoding="utf-8")
    out = Confrontations()
    out.read(load_yaml(path))
    return out


TABLE = """
pairs:
  - [AA, BB]
  - [AA, CC]
  - [DD, BB]
  - [AA, NATO]
alliances:
  NATO: [EE, FF]
home:
  xx: [DD]
"""


def test_the_one_state_confronting_every_named_state(tmp_path: Path) -> None:
    t = _table(tmp_path, TABLE)
    assert t.infer({"BB", "CC"}, "en") == "AA"  # AA confronts both; DD only BB
    assert t.infer({"BB"}, "en") is None  # AA and DD alike: no guess
    assert t.infer({"BB"}, "xx") == "DD"  # a state of the text's language stands out
    assert t.infer(set(), "en") is None
    assert t.infer({"ZZ"}, "en") is None  # nobody confronts it


def test_an_alliance_member_counts_only_with_its_alliance_named(tmp_path: Path) -> None:
    t = _table(tmp_path, TABLE)
    assert t.infer({"EE"}, "en") is None  # an ally's quarrel is not the alliance's
    assert t.infer({"NATO", "EE", "FF"}, "en") == "AA"
    assert t.confronts("EE", "AA") and not t.confronts("AA", "EE") and t.confronts("AA", "EE", {"NATO"})


def test_a_named_state_speaks_only_when_it_confronts_two_others(tmp_path: Path) -> None:
    t = _table(tmp_path, TABLE)
    # "if AA attacks BB, we will respond": AA is named once against BB, the warned one
    assert t.infer({"AA", "BB"}, "en") is None
    assert t.infer({"AA", "BB", "CC"}, "en") == "AA"


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("pairs:\n  - [AA, AA]\n", 2, "two different"),
    ("pairs:\n  - [AA]\n", 2, "two different"),
    ("pairs:\n  - [AA, 12]\n", 2, "two different"),
    ("alliances:\n  NATO: AA\n", 2, "two-letter"),
    ("home:\n  xx: [Russia]\n", 2, "two-letter"),
    ("- [AA, BB]\n", 1, "mapping"),
])
def test_a_bad_file_is_refused_with_its_line(tmp_path: Path, text: str, line: int, reason: str) -> None:
    with pytest.raises(DataFileError) as err:
        _table(tmp_path, text)
    assert err.value.line == line and reason in str(err.value)


def test_the_shipped_table_loads_and_an_extension_adds_to_it(tmp_path: Path) -> None:
    shipped = confrontations.load()
    assert shipped.rivals and shipped.home
    (tmp_path / "confrontations.yaml").write_text("pairs:\n  - [QQ, WW]\n", encoding="utf-8")
    extended = confrontations.load(str(tmp_path))
    assert extended.confronts("QQ", "WW") and not shipped.confronts("QQ", "WW")
    assert extended.rivals.keys() > shipped.rivals.keys()


def test_a_state_news_agency_places_the_official_it_quotes(tmp_path: Path) -> None:
    t = _table(tmp_path, "agencies:\n  KP: [KCNA, 조선중앙통신]\n  CN: [Xinhua, 新华社]\n")
    text = "KCNA quoted a spokesman. 据新华社报道. Xinhua and KCNA. KCNAs"
    assert t.agency_state(text, 0, 24) == "KP"
    assert t.agency_state(text, 25, 32) == "CN"  # CJK names are found inside a run of characters
    both = text.index("Xinhua")
    assert t.agency_state(text, both, both + 17) is None  # two states: no guess
    assert t.agency_state(text, len(text) - 5, len(text)) is None  # a whole word only
    with pytest.raises(DataFileError):
        _table(tmp_path, "agencies:\n  KP: KCNA\n")
