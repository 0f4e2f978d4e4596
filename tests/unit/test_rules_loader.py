from pathlib import Path

import pytest
import yaml

import streams.tagging
from streams.errors import DataFileError
from streams.rules.loader import DEFAULT_RULES, load_file, load_rules

# the shipped cue and term classes (streams/tagging/data/cues.yaml)
_CLASSES = yaml.safe_load((Path(streams.tagging.__file__).parent / "data" / "cues.yaml").read_text())
CUES: list[str] = _CLASSES["classes"]
TERMS: list[str] = _CLASSES["terms"]

GOOD = """\
version: 1
rules:
  - id: my-rule
    title: Mine
    version: 2
    severity: low
    match:
      cues: [warn]
      terms_any: [escalation]
    summary: "{speaker} warns about {targets}"
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "rules.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_load() -> None:
    rules = load_file(DEFAULT_RULES, CUES, TERMS)
    ids = {r.id for r in rules}
    assert {"gov-warns-escalation", "gov-threatens-retaliation", "multi-country-concern"} <= ids
    agg = next(r for r in rules if r.id == "multi-country-concern").aggregate
    assert agg is not None and agg.min_count == 3 and agg.window_seconds == 48 * 3600


def test_user_file_adds_and_overrides(tmp_path: Path) -> None:
    p = _write(tmp_path, GOOD)
    rs = load_rules([DEFAULT_RULES, p], CUES, TERMS)
    mine = next(r for r in rs.rules if r.id == "my-rule")
    assert mine.version == 2 and mine.severity == "low"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (GOOD.replace("severity: low", "severity: urgent"), 6, "urgent"),
        (GOOD.replace("cues: [warn]", "cues: [whisper]"), 8, "unknown cues class"),
        (GOOD.replace("[escalation]", "[escalashun]"), 9, "unknown terms class"),
        (GOOD.replace("{targets}", "{__class__}"), 10, "unknown placeholder"),
        (GOOD.replace("    title: Mine\n", ""), 3, "'title' is a required property"),
        (GOOD + "  - !!python/object:os.system {}\n", 11, "not valid YAML"),
        (GOOD.replace("version: 2", "version: [2"), None, "not valid YAML"),
    ],
)
def test_bad_files_are_refused_with_line_and_reason(tmp_path: Path, text: str, line: int | None,
                                                    reason: str) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(DataFileError) as info:
        load_file(p, CUES, TERMS)
    err = info.value
    assert err.path == str(p)
    assert reason in err.reason
    if line is not None:
        assert err.line == line
    assert str(p) in str(err)
