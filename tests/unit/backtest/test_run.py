"""`newswatch backtest` driven in process: rejects, gzip, text files, JSON output,
rule refusals and exit codes."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from referencing import Registry, Resource

from streams import pipeline as pipeline_module
from streams.cli import main
from streams.errors import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from streams.pipeline import Pipeline
from streams.schemas import BASE_URI, NAMES, schema

NOW = "2025-01-01T00:00:00Z"
WARNING_EN = ("Germany's foreign ministry warned on Tuesday that Russia's deployment of troops near "
              "Poland would be a dangerous escalation.")
GOOD: list[dict[str, Any]] = [
    {"id": "cli-en-1", "language": "en", "published_at": "2025-01-14T08:00:00Z", "title": "Berlin warns Moscow",
     "source": {"name": "Example Wire", "domain": "wire.example.com"}, "body": WARNING_EN},
    {"id": "cli-id-1", "language": "id", "published_at": "2025-01-14T09:00:00Z", "title": "Cuaca",
     "body": "Badan cuaca memperkirakan hujan lebat di Jakarta pada akhir pekan ini. Warga diminta berhati-hati."},
    {"id": "cli-de-1", "language": "de", "published_at": "2025-01-14T10:00:00Z", "title": "Fußball",
     "body": "Der FC Beispiel gewann am Samstag mit 2:1 gegen den SV Muster. Der Trainer zeigte sich zufrieden."},
]
GOOD_LINES = [orjson.dumps(g) for g in GOOD]
# (line number in the mixed feed, raw line, error kind)
BAD = [
    (2, b'{"id": "broken", "body": "unterminated', "invalid_json"),
    (4, b'{"title": "no body"}', "schema"),
    (5, b'{"id": "wrong-type", "body": 42}', "schema"),
]
REGISTRY = Registry().with_resources(
    (f"{BASE_URI}{n}.v1.json", Resource.from_contents(schema(n))) for n in NAMES
)


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("NEWSWATCH_RULES", "NEWSWATCH_KB", "NEWSWATCH_MAX_ARTICLE_CHARS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "1000")
    monkeypatch.chdir(tmp_path)  # the default rejects file lands here, never in the repo


@pytest.fixture()
def shared_kb(monkeypatch: pytest.MonkeyPatch, pipeline_factory: Callable[[], Pipeline]) -> None:
    """The CLI loads its own pipeline; hand it the session's knowledge base (rules and clock
    are still loaded from the command line)."""
    kb = pipeline_factory().kb
    monkeypatch.setattr(pipeline_module, "load_kb", lambda settings=None: kb)


def write_lines(path: Path, lines: list[bytes]) -> Path:
    data = b"\n".join(lines) + b"\n"
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def mixed_feed(path: Path) -> Path:
    lines = list(GOOD_LINES)
    for lineno, raw, _ in BAD:
        lines.insert(lineno - 1, raw)
    assert [lines[n - 1] for n, _, _ in BAD] == [raw for _, raw, _ in BAD]
    return write_lines(path, lines)


def json_alerts(out: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in out.splitlines() if line.strip()]


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main(["backtest", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -------------------------------------------------------------------- rejects


@pytest.mark.usefixtures("shared_kb")
def test_bad_lines_are_rejected_and_the_rest_processed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = mixed_feed(tmp_path / "feed.jsonl")
    rejects = tmp_path / "r.jsonl"
    code, out, err = run(capsys, "--json", "--now", NOW, "--rejects", rejects, feed)
    assert code == EXIT_REJECTED == 3

    for lineno, _, kind in BAD:
        assert f"{feed}:{lineno}: {kind}: " in err, err
    for lineno in (1, 3, 6):  # good lines are not reported
        assert f"{feed}:{lineno}:" not in err
    assert "3 articles, 1 alerts, 3 rejected" in err
    assert str(rejects) in err

    records = [orjson.loads(line) for line in rejects.read_bytes().splitlines()]
    assert len(records) == 3
    for rec, (lineno, raw, kind) in zip(records, BAD, strict=True):
        assert set(rec) == {"file", "line", "error_kind", "message", "original"}
        assert (rec["file"], rec["line"], rec["error_kind"]) == (str(feed), lineno, kind)
        assert isinstance(rec["message"], str) and rec["message"]
        assert base64.b64decode(rec["original"], validate=True) == raw

    alerts = json_alerts(out)
    assert [a["rule"]["id"] for a in alerts] == ["gov-warns-escalation"]
    alert = alerts[0]
    assert alert["speaker"]["country"] == "DE" and alert["severity"] == "high"
    assert {t["country"] for t in alert["targets"]} >= {"RU", "PL"}
    assert [e["article_id"] for e in alert["evidence"]] == ["cli-en-1"]

    # A second run appends to the rejects file instead of replacing it.
    code, _, _ = run(capsys, "--json", "--now", NOW, "--rejects", rejects, feed)
    assert code == EXIT_REJECTED
    assert len(rejects.read_bytes().splitlines()) == 6


@pytest.mark.usefixtures("shared_kb")
def test_a_stage_fault_on_one_article_is_rejected_and_the_run_goes_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # as in the worker, a stage that raises on one article puts that article aside with the reason
    from streams import stages

    tag = stages.tag_article

    def faulty(clean: Any, *args: Any, **kwargs: Any) -> Any:
        if clean.id == "cli-id-1":
            raise IndexError("list index out of range")
        return tag(clean, *args, **kwargs)

    monkeypatch.setattr(stages, "tag_article", faulty)
    feed = write_lines(tmp_path / "feed.jsonl", GOOD_LINES)
    rejects = tmp_path / "r.jsonl"
    code, out, err = run(capsys, "--json", "--now", NOW, "--rejects", rejects, feed)
    assert code == EXIT_REJECTED
    assert f"{feed}:2: exception: IndexError: list index out of range" in err
    (rec,) = [orjson.loads(line) for line in rejects.read_bytes().splitlines()]
    assert (rec["line"], rec["error_kind"]) == (2, "exception")
    assert [a["rule"]["id"] for a in json_alerts(out)] == ["gov-warns-escalation"]
    assert "2 articles, 1 alerts, 1 rejected" in err  # the article after it was processed too


@pytest.mark.usefixtures("shared_kb")
def test_table_output_shows_the_alert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = mixed_feed(tmp_path / "feed.jsonl")
    code, out, _ = run(capsys, "--now", NOW, "--rejects", tmp_path / "r.jsonl", feed)
    assert code == EXIT_REJECTED
    assert "newswatch alerts (1)" in out
    assert "gov-warns-escalation" in out and "Foreign Ministry of" in out


# ----------------------------------------------------------------------- gzip


@pytest.mark.usefixtures("shared_kb")
def test_gzip_gives_the_same_alerts_as_plain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = write_lines(tmp_path / "good.jsonl", GOOD_LINES)
    packed = write_lines(tmp_path / "good.jsonl.gz", GOOD_LINES)
    assert packed.read_bytes()[:2] == b"\x1f\x8b"
    rejects = tmp_path / "r.jsonl"

    code1, out1, _ = run(capsys, "--json", "--now", NOW, "--rejects", rejects, plain)
    code2, out2, _ = run(capsys, "--json", "--now", NOW, "--rejects", rejects, packed)
    code3, out3, _ = run(capsys, "--json", "--now", NOW, "--rejects", rejects, plain)
    assert code1 == code2 == code3 == EXIT_OK
    ids_plain = {a["id"] for a in json_alerts(out1)}
    assert ids_plain, "the English warning raises an alert"
    assert ids_plain == {a["id"] for a in json_alerts(out2)}
    assert json_alerts(out1) == json_alerts(out2)
    assert out1 == out3, "a fixed --now makes runs reproducible"
    assert not rejects.exists()


@pytest.mark.usefixtures("shared_kb")
def test_truncated_gzip_is_reported_not_raised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    whole = gzip.compress(b"\n".join(GOOD_LINES * 20) + b"\n")
    feed = tmp_path / "cut.jsonl.gz"
    feed.write_bytes(whole[: len(whole) // 2])
    rejects = tmp_path / "r.jsonl"
    code, _, err = run(capsys, "--json", "--rejects", rejects, feed)
    assert code == EXIT_REJECTED
    records = [orjson.loads(line) for line in rejects.read_bytes().splitlines()]
    assert len(records) == 1
    rec = records[0]
    assert rec["file"] == str(feed)
    assert isinstance(rec["line"], int) and rec["line"] >= 1
    assert rec["error_kind"] == "unreadable" and rec["message"]
    assert f"{feed}:{rec['line']}: unreadable" in err


# ------------------------------------------------------------------ text files


@pytest.mark.usefixtures("shared_kb")
def test_plain_text_article_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "berlin-warns.txt"
    article.write_text(WARNING_EN + "\n", encoding="utf-8")
    code, out, err = run(capsys, "--json", "--now", NOW, "--rejects", tmp_path / "r.jsonl", article)
    assert code == EXIT_OK, err
    alerts = json_alerts(out)
    assert [a["rule"]["id"] for a in alerts] == ["gov-warns-escalation"]
    assert alerts[0]["evidence"][0]["article_id"].startswith("f-berlin-warns-")
    assert "1 articles, 1 alerts, 0 rejected" in err


@pytest.mark.usefixtures("shared_kb")
def test_empty_text_file_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    rejects = tmp_path / "r.jsonl"
    code, _, err = run(capsys, "--json", "--rejects", rejects, empty)
    assert code == EXIT_REJECTED
    assert f"{empty}:1: empty_body" in err
    (rec,) = [orjson.loads(line) for line in rejects.read_bytes().splitlines()]
    assert (rec["file"], rec["line"], rec["error_kind"]) == (str(empty), 1, "empty_body")


# ------------------------------------------------------------------ JSON output


@pytest.mark.usefixtures("shared_kb")
def test_json_output_validates_against_the_alert_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = write_lines(tmp_path / "good.jsonl", GOOD_LINES)
    text = tmp_path / "a.txt"
    text.write_text("Kementerian Luar Negeri Jerman memperingatkan bahwa pengerahan pasukan Korea Utara "
                    "di Ukraina akan menjadi eskalasi yang jelas.", encoding="utf-8")
    code, out, _ = run(capsys, "--json", "--now", NOW, feed, text)
    assert code == EXIT_OK
    lines = out.splitlines()
    assert len(lines) >= 2
    validator = jsonschema.Draft202012Validator(
        schema("alert"), registry=REGISTRY, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for line in lines:
        validator.validate(orjson.loads(line))
    assert len({orjson.loads(line)["id"] for line in lines}) == len(lines)


# ------------------------------------------------------------------ exit codes


def test_exit_zero_when_nothing_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Also the one run that loads the real knowledge base, as the command does."""
    feed = write_lines(tmp_path / "good.jsonl", GOOD_LINES)
    code, out, err = run(capsys, "--json", feed)
    assert code == EXIT_OK == 0
    assert [a["rule"]["id"] for a in json_alerts(out)] == ["gov-warns-escalation"]
    assert "3 articles, 1 alerts, 0 rejected" in err
    assert not (tmp_path / "newswatch-rejects.jsonl").exists()


BAD_RULE = """\
version: 1
rules:
  - id: my-rule
    title: Mine
    version: 1
    severity: {severity}
    match:
      cues: [warn]
    summary: "{{speaker}} warns"
"""


@pytest.mark.usefixtures("shared_kb")
def test_bad_rule_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "my-rules.yaml"
    rules.write_text(BAD_RULE.format(severity="urgent"), encoding="utf-8")
    feed = write_lines(tmp_path / "good.jsonl", GOOD_LINES)
    code, out, err = run(capsys, "--rules", rules, feed)
    assert code == EXIT_USAGE == 2
    assert f"{rules}:6: rules/0/severity: 'urgent' is not one of" in err, err
    assert out == ""


@pytest.mark.usefixtures("shared_kb")
def test_a_good_extra_rule_file_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "my-rules.yaml"
    rules.write_text(BAD_RULE.format(severity="low"), encoding="utf-8")
    feed = write_lines(tmp_path / "good.jsonl", GOOD_LINES)
    code, out, _ = run(capsys, "--json", "--now", NOW, "--rules", rules, feed)
    assert code == EXIT_OK
    assert {a["rule"]["id"] for a in json_alerts(out)} == {"gov-warns-escalation", "my-rule"}


@pytest.mark.usefixtures("shared_kb")
def test_missing_rule_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = write_lines(tmp_path / "good.jsonl", GOOD_LINES)
    code, _, err = run(capsys, "--rules", tmp_path / "nope.yaml", feed)
    assert code == EXIT_USAGE
    assert f"{tmp_path / 'nope.yaml'}: no such rule file or folder" in err


def test_missing_input_file_says_what_to_give(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    present = write_lines(tmp_path / "good.jsonl", GOOD_LINES)
    missing = tmp_path / "nope.jsonl"
    code, out, err = run(capsys, present, missing)
    assert code == EXIT_USAGE
    assert "no such file" in err and str(missing) in err
    assert ".jsonl" in err and ".jsonl.gz" in err and ".txt" in err
    assert out == ""


def test_no_input_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["backtest"])
    assert info.value.code == EXIT_USAGE
    assert "files" in capsys.readouterr().err


# ------------------------------------------------------------- reports and usage errors


@pytest.mark.usefixtures("shared_kb")
def test_rule_reason_with_markup_characters_is_refused_not_crashed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "my-rules.yaml"
    rules.write_text(BAD_RULE.format(severity='"[/]"'), encoding="utf-8")
    feed = write_lines(tmp_path / "good.jsonl", GOOD_LINES)
    code, _, err = run(capsys, "--rules", rules, feed)
    assert code == EXIT_USAGE
    assert "'[/]' is not one of" in err


@pytest.mark.usefixtures("shared_kb")
def test_reject_report_names_a_file_with_brackets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = write_lines(tmp_path / "[bold]feed.jsonl", [b"{oops"])
    code, _, err = run(capsys, "--rejects", tmp_path / "r.jsonl", feed)
    assert code == EXIT_REJECTED
    assert f"{feed}:1: invalid_json" in err


@pytest.mark.usefixtures("shared_kb")
def test_reject_report_is_one_line_at_default_width(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    deep = tmp_path / ("archive-" + "x" * 60)
    deep.mkdir()
    feed = write_lines(deep / "feed.jsonl", [b"{oops"])
    code, _, err = run(capsys, "--rejects", tmp_path / "r.jsonl", feed)
    assert code == EXIT_REJECTED
    (rec,) = [orjson.loads(line) for line in (tmp_path / "r.jsonl").read_bytes().splitlines()]
    assert f"{feed}:1: invalid_json: {rec['message']}" in err.splitlines()


@pytest.mark.usefixtures("shared_kb")
def test_bad_now_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = write_lines(tmp_path / "good.jsonl", GOOD_LINES)
    code, _, err = run(capsys, "--now", "yesterday", feed)
    assert code == EXIT_USAGE
    assert "--now" in err


@pytest.mark.usefixtures("shared_kb")
def test_rejects_in_a_missing_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = write_lines(tmp_path / "bad.jsonl", [b"{oops"])
    code, _, err = run(capsys, "--rejects", tmp_path / "no-such-dir" / "r.jsonl", feed)
    assert code == EXIT_USAGE
    assert "no-such-dir" in err
