"""Hostile rule and data files are refused fast, with file, line and a short reason."""

import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import streams.tagging
from streams import yamlio
from streams.errors import DataFileError
from streams.rules.loader import load_file

_CLASSES = yaml.safe_load((Path(streams.tagging.__file__).parent / "data" / "cues.yaml").read_text())


def _billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = name
    return "version: 1\n" + "\n".join(lines) + "\nrules: []\n"


def _refused(tmp_path: Path, text: str) -> tuple[DataFileError, float]:
    p = tmp_path / "rules.yaml"
    p.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(DataFileError) as info:
        load_file(p, _CLASSES["classes"], _CLASSES["terms"])
    return info.value, time.perf_counter() - start


def test_billion_laughs_is_refused_at_the_first_anchor(tmp_path: Path) -> None:
    err, seconds = _refused(tmp_path, _billion_laughs())
    assert err.path.endswith("rules.yaml") and err.line == 2
    assert "anchors" in err.reason
    assert seconds < 0.5


def test_alias_without_anchor_and_merge_keys_are_refused(tmp_path: Path) -> None:
    err, _ = _refused(tmp_path, "version: 1\nrules:\n  - *missing\n")
    assert err.line == 3 and "aliases" in err.reason
    err, _ = _refused(tmp_path, "base: &b {x: 1}\nother:\n  <<: *b\n")
    assert err.line == 1


def test_deep_nesting_is_refused_with_its_line(tmp_path: Path) -> None:
    depth = yamlio.MAX_DEPTH + 5
    block = "".join("  " * i + f"- k{i}:\n" for i in range(depth)) + "  " * depth + "- 1\n"
    err, seconds = _refused(tmp_path, "version: 1\nrules:\n" + block)
    assert "nested more than" in err.reason and err.line is not None and err.line > 2
    assert seconds < 0.5
    flow = "x: " + "[" * 100_000 + "]" * 100_000 + "\n"  # libyaml's own limit, still fast
    err, seconds = _refused(tmp_path, flow)
    assert err.line == 1 and seconds < 0.5


def test_oversized_file_is_refused_without_reading_it_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "MAX_BYTES", 1000)
    err, _ = _refused(tmp_path, "x: '" + "a" * 5000 + "'\n")
    assert "larger than" in err.reason


def test_a_huge_refused_value_is_quoted_not_echoed(tmp_path: Path) -> None:
    huge = "t" * 1_000_000
    rule = ("version: 1\nrules:\n  - id: my-rule\n    title: x\n    version: 1\n    severity: {}\n"
            "    match: {{cues: [warn]}}\n    summary: s\n")
    err, _ = _refused(tmp_path, rule.format(huge))
    assert len(str(err)) < len(err.path) + yamlio.MAX_REASON + 100
    assert "characters omitted" in str(err) and err.line == 6


def test_ordinary_yaml_keeps_safe_load_semantics(tmp_path: Path) -> None:
    text = "a: [1, 2.5, true, null, '2024-01-01']\nb: {c: 'x', d: 2024-01-01}\n"
    p = tmp_path / "x.yaml"
    p.write_text(text, encoding="utf-8")
    assert yamlio.load_yaml(p).data == yaml.safe_load(text)


# Hostile rule files: nesting, anchors/aliases, huge scalars and junk mixed into real YAML.
_pieces = st.sampled_from(["[", "]", "{", "}", "- ", ": ", "&a ", "*a", "&b ", "*b", "<<: ", "\n", "  ", ",", "'",
                           '"', "!!str ", "!!python/object:os.system ", "x" * 2000, "rules:", "version: 1", "#", "?"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=200), st.integers(min_value=0, max_value=60))
def test_any_hostile_rule_file_loads_or_is_refused_fast_with_a_short_reason(pieces: list[str], depth: int) -> None:
    text = "[" * depth + "".join(pieces) + "]" * depth
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "rules.yaml"
        p.write_text(text, encoding="utf-8")
        start = time.process_time()  # this process's CPU: other processes on the machine do not count
        try:
            load_file(p, _CLASSES["classes"], _CLASSES["terms"])
        except DataFileError as exc:
            assert len(exc.reason) <= yamlio.MAX_REASON + 40
        assert time.process_time() - start < 1.0


def test_a_key_given_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    # the safe loader would keep the second silently: every phrase of the first list lost
    p = tmp_path / "xx.yaml"
    p.write_text("fixed_bodies:\n  RO:\n    defence_ministry: [a, b]\n    government: [c]\n"
                 "    defence_ministry: [d]\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        yamlio.load_yaml(p)
    assert info.value.line == 5 and "line 3" in info.value.reason and "defence_ministry" in info.value.reason
    p.write_text("a:\n  k: 1\nb:\n  k: 2\n", encoding="utf-8")  # the same key in two mappings is fine
    assert yamlio.load_yaml(p).data == {"a": {"k": 1}, "b": {"k": 2}}
