"""`newswatch backtest --report/--labels`: alerts per rule over time (HTML chart and terminal
summary), precision/recall per rule with every miss and false alarm listed with its
evidence; the HTML is self-contained and escapes all article text."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import orjson
import pytest

from streams import pipeline as pipeline_module
from streams.backtest.report import render_html, sparkline, svg_chart, timeline
from streams.backtest.score import Labels, load_labels, precision_recall
from streams.cli import main
from streams.errors import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from streams.models import Alert, AlertSpeaker, Evidence, RuleRef, Target
from streams.pipeline import Pipeline

NOW = "2025-01-01T00:00:00Z"
ARTICLES = [
    {"id": "cli-en-1", "language": "en", "published_at": "2025-01-14T08:00:00Z", "title": "Berlin warns Moscow",
     "body": "Germany's foreign ministry warned on Tuesday that Russia's deployment of troops near Poland would be a "
             "dangerous escalation."},
    {"id": "cli-fr-1", "language": "en", "published_at": "2025-01-15T08:00:00Z",
     "title": "Paris <script>alert('t')</script> & \"Moscow\"",
     "body": "France's foreign ministry warned on Wednesday that Russia's deployment of troops near Finland would "
             "be a dangerous <blink>escalation</blink>."},  # (cleaning strips <b>, not an unknown tag)
    {"id": "cli-de-1", "language": "de", "published_at": "2025-01-14T10:00:00Z", "title": "Fußball",
     "body": "Der FC Beispiel gewann am Samstag mit 2:1 gegen den SV Muster. Der Trainer zeigte sich zufrieden."},
]
LABELS: list[dict[str, object]] = [
    {"id": "cli-en-1", "kind": "positive", "note": "the ministry as speaker",
     "alerts": [{"rule": "gov-warns-escalation", "speaker_country": "DE", "speaker_kind": "body",
                 "targets": ["RU"]}]},
    {"id": "cli-fr-1", "kind": "near_miss", "note": "a drill, not a <warning>", "alerts": []},
    {"id": "cli-de-1", "kind": "positive", "note": "expected for the test's sake",
     "alerts": [{"rule": "gov-threatens-retaliation", "speaker_country": "FR", "speaker_kind": "person",
                 "targets": ["DZ"]}]},
]


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("NEWSWATCH_RULES", "NEWSWATCH_KB", "NEWSWATCH_MAX_ARTICLE_CHARS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "1000")
    monkeypatch.chdir(tmp_path)


@pytest.fixture()
def shared_kb(monkeypatch: pytest.MonkeyPatch, pipeline_factory: Callable[[], Pipeline]) -> None:
    kb = pipeline_factory().kb
    monkeypatch.setattr(pipeline_module, "load_kb", lambda settings=None: kb)


def jsonl(path: Path, rows: Sequence[Mapping[str, object]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


def alert(aid: str, rule: str, when: str, quote: str = "q") -> Alert:
    return Alert(aid, RuleRef(rule, f"title of {rule}", 1), "high", f"summary {aid}",
                 AlertSpeaker("Ministry", "body", "DE", "b:de", None), [Target("Q159", "Russia", "RU")], "asserted",
                 [Evidence("a1", None, "en", quote, "the sentence", 0, 1)], 1, when, when, when)


class Outline(HTMLParser):
    """Tags and attributes of a document, to check what it loads."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)


def assert_self_contained(doc: str) -> None:
    outline = Outline()
    outline.feed(doc)
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(outline.tags), outline.tags
    assert not {name for name, _ in outline.attrs} & {"src", "href", "xmlns", "srcset"}
    assert not re.search(r"url\(|@import|@font-face", doc)
    assert "http://" not in doc and "https://" not in doc


# -------------------------------------------------------------------- pieces


def test_timeline_picks_the_finest_unit_that_fits() -> None:
    hours = timeline([alert(f"a{i}", "r", f"2025-01-14T{i:02d}:30:00Z") for i in range(0, 20, 3)])
    assert hours.unit == "hour" and len(hours.buckets) == 19 and sum(hours.series["r"]) == 7
    days = timeline([alert("a", "r", "2025-01-01T00:00:00Z"), alert("b", "s", "2025-02-15T00:00:00Z"),
                     alert("c", "s", "2025-02-15T09:00:00Z")])
    assert days.unit == "day" and days.labels[0] == "2025-01-01" and days.series["s"][-1] == 2
    months = timeline([alert("a", "r", "2020-01-01T00:00:00Z"), alert("b", "r", "2025-01-01T00:00:00Z")])
    assert months.unit == "month" and len(months.buckets) == 61 and months.series["r"] == [1] + [0] * 59 + [1]
    assert timeline([]).buckets == []
    assert sparkline([0, 1, 8, 4]) == " ▁█▄"


def test_scores() -> None:
    assert precision_recall(3, 1, 0) == (0.75, 1.0)
    assert precision_recall(0, 0, 0) == (1.0, 1.0)


def test_svg_chart_is_well_formed_and_labels_points() -> None:
    tl = timeline([alert("a", "gov-<x>", "2025-01-14T08:00:00Z"), alert("b", "r2", "2025-01-16T08:00:00Z")])
    svg = svg_chart(tl)
    root = ElementTree.fromstring(svg.split('<div class="legend">')[0])
    assert root.tag == "svg"
    titles = [t.text for t in root.iter("title")]
    assert "gov-<x>: 1 alert(s), 2025-01-14 08h" in titles
    assert len(list(root.iter("polyline"))) == 2


def test_report_escapes_article_text_and_loads_nothing(tmp_path: Path) -> None:
    nasty = '<script>alert("x")</script><img src="https://evil.example/p.png">'
    out = tmp_path / "r.html"
    with out.open("w", encoding="utf-8") as fh:
        render_html(fh, [alert("al-1", "r", "2025-01-14T08:00:00Z", quote=nasty)], title="t <b>", meta=[nasty])
    doc = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;" in doc and "<script" not in doc and "t &lt;b&gt;" in doc
    assert_self_contained(doc.replace("https://evil", "EVIL"))  # the escaped text itself names a URL


def test_labels_load_both_kinds_and_refuse_a_bad_line(tmp_path: Path) -> None:
    good = jsonl(tmp_path / "l.jsonl", [*LABELS, {"rule": "agg", "target": "IR", "articles": ["a", "b"]}])
    labels = load_labels([good])
    assert set(labels.articles) == {"cli-en-1", "cli-fr-1", "cli-de-1"} and len(labels.aggregates) == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(orjson.dumps(LABELS[0]) + b'\n{"id": "x"}\n')
    with pytest.raises(ValueError, match=rf"{bad}:2: neither an article label"):
        load_labels([bad])
    assert not Labels()


# ------------------------------------------------------------------------ CLI


@pytest.mark.usefixtures("shared_kb")
def test_backtest_report_with_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = jsonl(tmp_path / "feed.jsonl", ARTICLES)
    labels = jsonl(tmp_path / "labels.jsonl", LABELS)
    report = tmp_path / "report.html"
    code = main(["backtest", "--now", NOW, "--report", str(report), "--labels", str(labels), str(feed)])
    out, err = capsys.readouterr()
    assert code == EXIT_OK, err

    # terminal: alerts per rule over time, precision/recall, each miss and false alarm
    assert "alerts per rule per hour" in out or "alerts per rule per day" in out
    assert re.search(r"gov-warns-escalation\s*│\s*1\s*│\s*1\s*│\s*0\s*│\s*0\.500\s*│\s*1\.000", out), out
    assert re.search(r"gov-threatens-retaliation\s*│\s*0\s*│\s*0\s*│\s*1\s*│\s*1\.000\s*│\s*0\.000", out), out
    assert "miss: cli-de-1 gov-threatens-retaliation: missed person FR ['DZ']; raised []" in out
    assert "false alarm: cli-fr-1 gov-warns-escalation: false alarm: Foreign Ministry of France warns" in out
    assert f"report with the evidence: {report}" in out

    doc = report.read_text(encoding="utf-8")
    assert_self_contained(doc)
    assert doc.startswith("<!DOCTYPE html>") and "<svg" in doc and "<polyline" in doc
    assert "Misses (1)" in doc and "False alarms (1)" in doc
    misses = doc.split("Misses (1)")[1].split("False alarms")[0]
    assert "cli-de-1 — gov-threatens-retaliation: expected person FR about DZ" in misses
    assert "what tagging found" in misses and "no statement found" in misses
    alarms = doc.split("False alarms (1)")[1].split("All alerts")[0]
    assert "labelled near_miss" in alarms and "a drill, not a &lt;warning&gt;" in alarms
    assert "Foreign Ministry of France" in alarms and "cue warn" in alarms  # the evidence and the statement
    assert "dangerous &lt;blink&gt;escalation&lt;/blink&gt;" in alarms
    assert "Paris &lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; &amp; &quot;Moscow&quot;" in alarms
    assert "<blink>escalation</blink>" not in doc


@pytest.mark.usefixtures("shared_kb")
def test_report_keeps_json_output_clean_and_works_without_labels(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    feed = jsonl(tmp_path / "feed.jsonl", ARTICLES)
    report = tmp_path / "r.html"
    code = main(["backtest", "--json", "--now", NOW, "--report", str(report), str(feed)])
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    assert [orjson.loads(line)["rule"]["id"] for line in out.splitlines()] == ["gov-warns-escalation"] * 2
    assert "alerts per rule per" in err and "precision" not in err
    doc = report.read_text(encoding="utf-8")
    assert_self_contained(doc)
    assert "Precision" not in doc and "All alerts (2)" in doc


@pytest.mark.usefixtures("shared_kb")
def test_the_sample_feed_report_scores_as_the_feed_quality_test(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    feed_dir = Path(__file__).resolve().parents[2] / "fixtures" / "feed"
    report = tmp_path / "sample.html"
    code = main(["backtest", "--report", str(report), "--labels", str(feed_dir / "labels.jsonl"),
                 "--labels", str(feed_dir / "aggregates.jsonl"), str(feed_dir / "sample.jsonl")])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK
    assert re.search(r"multi-country-concern\s*│\s*4\s*│\s*0\s*│\s*0", out), out
    # 41 since sf-071 ("stop playing with fire") is labelled a warning too
    assert re.search(r"gov-warns-escalation\s*│\s*41\s*│\s*0\s*│\s*0", out), out
    assert_self_contained(report.read_text(encoding="utf-8").replace("https://", "").replace("http://", ""))


def test_report_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = jsonl(tmp_path / "feed.jsonl", ARTICLES[:1])
    assert main(["backtest", "--labels", str(tmp_path / "none.jsonl"), str(feed)]) == EXIT_USAGE
    assert "--labels: no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"{nope\n")
    assert main(["backtest", "--labels", str(bad), str(feed)]) == EXIT_USAGE
    assert f"{bad}:1: not JSON" in capsys.readouterr().err
    assert main(["backtest", "--report", str(tmp_path / "no" / "r.html"), str(feed)]) == EXIT_USAGE
    assert "does not exist" in capsys.readouterr().err
    assert EXIT_REJECTED == 3
