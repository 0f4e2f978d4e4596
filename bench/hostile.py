"""Hostile inputs through the worker's whole path: raw bytes -> parse_raw -> clean -> tag -> alert.

Two parts:

* time per shape and size (1x, 2x, 4x: growth should be about 2x per step), thread CPU time of one
  article through ``Pipeline.process`` with every statement resolved (as the worker tags) and the
  CPU budget off, so the real cost shows; a kind after the time is the dead letter it got;
* ``--equiv``: alerts of labelled warnings (tests/fixtures/detection) against the same text
  changed in ways that must not change them (NFD, BOM, CRLF, zero-width characters inside words,
  full-width punctuation, RTL marks, bytes with invalid UTF-8 elsewhere, a title, odd
  ``published_at``, batch order, a previous article in the same pipeline); prints each difference.

Run: python bench/hostile.py [--sizes 50000,100000,200000] [--only a,b] [--equiv] [--per-lang 8]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import textwrap
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

os.environ.setdefault("NEWSWATCH_ARTICLE_BUDGET", "0")  # measure the cost, do not cut it off

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams import stages  # noqa: E402
from streams.errors import InvalidRecord  # noqa: E402
from streams.pipeline import Pipeline  # noqa: E402
from streams.rules.engine import candidates  # noqa: E402

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
WARN = "Germany's foreign ministry warned that Russia's deployment near Poland would be a dangerous escalation. "


def fill(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


NAMES = ("Vladimir Putin, Emmanuel Macron, Olaf Scholz, Xi Jinping, Recep Tayyip Erdogan, Kim Jong Un, "
         "Narendra Modi, Benjamin Netanyahu, Volodymyr Zelensky, Sergei Lavrov, Antony Blinken, ")
COUNTRIES = ("Russia, Ukraine, Poland, Germany, France, China, Japan, North Korea, South Korea, Iran, "
             "Israel, Turkey, India, Pakistan, the United States, Taiwan, ")
MIXED = "Россия warned 中国 that ميزان Israel 北朝鮮は警告した 러시아 escalation "

# name -> builder of an article body of about n characters (a dict: field -> value)
SHAPES: dict[str, Callable[[int], dict[str, Any]]] = {
    "warnings_one_par": lambda n: {"body": fill(WARN, n)},
    "warnings_pars": lambda n: {"body": fill(WARN.strip() + "\n", n)},
    "many_paragraphs": lambda n: {"body": fill("a\n", n)},
    "blank_lines": lambda n: {"body": "Word.\n" + "\r\n" * (n // 2) + "End."},
    "names_list": lambda n: {"body": "The minister warned " + fill(NAMES, n)},
    "countries_list": lambda n: {"body": "The ministry warned of escalation against " + fill(COUNTRIES, n)},
    "names_sentences": lambda n: {"body": fill("Putin warned Macron. Scholz warned Xi. ", n)},
    "one_long_line": lambda n: {"body": fill("the minister said that Russia warned of escalation and ", n)},
    "said_no_speaker": lambda n: {"body": fill("He said. She warned. They said it would escalate. ", n)},
    "pronoun_chain": lambda n: {"body": "Sergei Lavrov spoke. " + fill("He warned of a dangerous escalation. ", n)},
    "colons": lambda n: {"body": fill("Lavrov: Russia warns: escalation: ", n)},
    "headline_colons": lambda n: {"body": fill("Lavrov: escalation\n", n)},
    "open_dq": lambda n: {"body": fill('Lavrov warned "Russia will respond. ', n)},
    "open_guillemets": lambda n: {"body": fill("Lavrov a averti « la Russie répondra. ", n)},
    "open_low9": lambda n: {"body": fill("Lawrow warnte „Russland wird reagieren. ", n)},
    "close_only": lambda n: {"body": fill('Russia will respond." Lavrov warned. ', n)},
    "nested_quotes": lambda n: {"body": "Lavrov warned " + "«„“‘" * (n // 8) + "escalation" + "’”“»" * (n // 8)},
    "quote_mix": lambda n: {"body": fill("« „ “ ‘ \" ' » “ ” ‚ ‹ › 「 『 ", n)},
    "cjk_noscript": lambda n: {"body": fill("外交部发言人警告说，美国的行为将导致局势升级。", n)},
    "cjk_no_punct": lambda n: {"body": fill("外交部发言人警告说美国的行为将导致局势升级", n)},
    "ja_quotes": lambda n: {"body": fill("外務省は「重大な結果を招くと警告した。", n)},
    "mixed_scripts": lambda n: {"body": fill(MIXED, n)},
    "rtl_in_words": lambda n: {"body": fill("Ger\u200fmany war\u202bned of esca\u200elation. ", n)},
    "arabic": lambda n: {"body": fill("حذرت وزارة الخارجية الروسية من تصعيد خطير. ", n)},
    "digits": lambda n: {"body": fill("1,234.5 ", n)},
    "urls": lambda n: {"body": fill("https://example.com/a/b?c=d ", n)},
    "initials_names": lambda n: {"body": fill("J. R. R. Tolkien warned. ", n)},
    "abbrev_dots": lambda n: {"body": fill("U.S. Gen. Mr. Dr. Lt. Col. warned. ", n)},
    "surrogates": lambda n: {"body": fill("warn\ud800ed esca\udfffla\ud83dtion. ", n)},
    "wrapped_lines": lambda n: {"body": textwrap.fill(fill(WARN, n), 72)},
    "body_tags": lambda n: {"body": fill('<p>Lavrov <b>warned</b> of <a href="/a">escalation</a>.</p>', n)},
    "body_lt": lambda n: {"body": fill("a < b <3 <a x=y <b c ", n)},
    "html_quotes": lambda n: {"html": "<p>" + fill('Lavrov warned "Russia <b>will</b> respond. ', n) + "</p>"},
    "html_paragraphs": lambda n: {"html": fill("<p>Lavrov warned of escalation.</p>", n)},
    "long_title": lambda n: {"title": fill("Lavrov warns: ", n), "body": WARN},
}


def run(pipe: Pipeline, record: bytes) -> tuple[float, str, list[Any]]:
    t0 = time.thread_time()
    try:
        raw = stages.parse_raw(record)
        result = pipe.process(raw)
        outcome, alerts = "ok", result.alerts
    except InvalidRecord as exc:
        outcome, alerts = exc.kind, []
    except Exception as exc:
        outcome, alerts = f"EXCEPTION {type(exc).__name__}: {str(exc)[:80]}", []
    return time.thread_time() - t0, outcome, alerts


def encode(fields: dict[str, Any], n: int = 0) -> bytes:
    obj = {"id": f"hostile-{n}", **fields}
    if "published_at" not in obj:
        obj["published_at"] = "2026-03-02T08:00:00Z"
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS) if "raw" not in obj else obj["raw"]


def timing(pipe: Pipeline, sizes: list[int], only: set[str]) -> None:
    run(pipe, encode({"body": WARN * 3}))
    print(f"{'shape':18}" + "".join(f"{s:>22,}" for s in sizes) + "   growth")
    for name, build in SHAPES.items():
        if only and name not in only:
            continue
        cells, secs = [], []
        for i, n in enumerate(sizes):
            pipe.duplicates = type(pipe.duplicates)()  # a repeated body is not a near-duplicate here
            body = build(n)
            try:
                record = encode(body, i)
            except TypeError:  # lone surrogates: orjson refuses them, JSON escapes carry them
                record = _json_escaped(body, i)
            seconds, outcome, _ = run(pipe, record)
            secs.append(seconds)
            cells.append(f"{seconds * 1000:9.1f} ms" + ("" if outcome == "ok" else f" {outcome[:9]}"))
        growth = " ".join(f"{b / a:.1f}x" if a > 0.002 else "-" for a, b in itertools.pairwise(secs))
        print(f"{name:18}" + "".join(f"{c:>22}" for c in cells) + f"   {growth}", flush=True)


def _json_escaped(fields: dict[str, Any], n: int) -> bytes:
    import json

    return json.dumps({"id": f"hostile-{n}", **fields}, ensure_ascii=True).encode()


# ------------------------------------------------------------------ equivalence


def signature(alerts: list[Any]) -> list[tuple[Any, ...]]:
    out = []
    for a in alerts:
        ev = a.evidence[-1] if a.evidence else None
        out.append((a.rule.id, a.severity, a.speaker.name, a.speaker.country, a.speaker.entity_id,
                    tuple(t.entity_id for t in a.targets), a.modality,
                    ev.quote if ev else None, ev.sentence if ev else None))
    return sorted(out, key=repr)


def _zw_in_words(text: str) -> str:
    return " ".join(w[:2] + "\u200b" + w[2:] if len(w) > 4 and w.isalpha() else w for w in text.split(" "))


_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "!?,.:;()\"'"}

VARIANTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "nfd": lambda f: {**f, "body": unicodedata.normalize("NFD", f["body"])},
    "bom": lambda f: {**f, "body": "\ufeff" + f["body"]},
    "crlf": lambda f: {**f, "body": f["body"].replace("\n", "\r\n") + "\r\n"},
    "zw_in_words": lambda f: {**f, "body": _zw_in_words(f["body"])},
    "fullwidth_punct": lambda f: {**f, "body": "".join(_FULLWIDTH.get(c, c) for c in f["body"])},
    "rtl_marks": lambda f: {**f, "body": "\u200f" + f["body"].replace(" ", " \u200e")},
    "blank_lines": lambda f: {**f, "body": "\n\n \n" + f["body"].replace("\n", "\n\n") + "\n\t\n"},
    "nbsp": lambda f: {**f, "body": f["body"].replace(" ", "\u00a0")},
    "tabs_spaces": lambda f: {**f, "body": "  \t" + f["body"].replace(" ", " \t ") + " \t"},
    "entities": lambda f: {**f, "body": f["body"].replace("'", "&#39;").replace('"', "&quot;")},
    "title_nfd": lambda f: {**f, "title": unicodedata.normalize("NFD", "Escalation warning: ministry")},
    "no_published": lambda f: {k: v for k, v in f.items() if k != "published_at"},
    "published_odd": lambda f: {**f, "published_at": "2026-03-02 08:00:00"},
    "published_offset": lambda f: {**f, "published_at": "2026-03-02T10:00:00+02:00"},
    "as_html": lambda f: {**{k: v for k, v in f.items() if k != "body"},
                          "html": "<html><body><p>" + f["body"].replace("&", "&amp;").replace("<", "&lt;")
                                  + "</p></body></html>"},
}

RAW_VARIANTS: dict[str, Callable[[bytes], bytes]] = {
    # invalid UTF-8 in a field that is not the text: the agents' decoding path must reject cleanly
    "bad_utf8_in_id": lambda b: b.replace(b'"id":"', b'"id":"\xff\xfe', 1),
    "bom_bytes": lambda b: b"\xef\xbb\xbf" + b,
}


def equivalence(pipe_factory: Callable[[], Pipeline], per_lang: int) -> int:
    path = REPO / "tests/fixtures/detection/sentences.jsonl"
    items = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    chosen: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        if it.get("alert_from") and len(chosen.setdefault(it["lang"], [])) < per_lang:
            chosen[it["lang"]].append(it)
    # each one alone in a fresh pipeline is the reference
    differences = checked = 0
    pipe = pipe_factory()
    for lang, group in chosen.items():
        for it in group:
            base = {"id": it["id"], "body": it["body"], "published_at": "2026-03-02T08:00:00Z"}
            ref = signature(_alerts(pipe, orjson.dumps(base)))
            for name, change in VARIANTS.items():
                checked += 1
                got = signature(_alerts(pipe, orjson.dumps(change(dict(base)))))
                if got != ref:
                    differences += 1
                    print(f"DIFF {name:16} {lang} {it['id']}: {it['body'][:90]}\n   ref {ref}\n   got {got}")
            for name, braw in RAW_VARIANTS.items():
                checked += 1
                _seconds, outcome, alerts = run(_fresh(pipe), braw(orjson.dumps(base)))
                if outcome.startswith("EXCEPTION") or (outcome == "ok" and signature(alerts) != ref):
                    differences += 1
                    print(f"DIFF {name:16} {lang} {it['id']}: {outcome} {signature(alerts)} vs {ref}")
    # order and leakage: all of them in one pipeline, forwards and backwards, against each alone
    flat = [it for group in chosen.values() for it in group]
    alone = {id(it): signature(_alerts(pipe, orjson.dumps({"id": it["id"], "body": it["body"]}))) for it in flat}
    for label, seq in (("forward", flat), ("backward", flat[::-1])):
        shared = pipe_factory()
        for it in seq:
            checked += 1
            result = shared.process(stages.parse_raw(orjson.dumps({"id": it["id"], "body": it["body"]})))
            got = signature(_own(shared, result))  # this article's candidates, not the merged alerts
            if got != alone[id(it)]:
                differences += 1
                print(f"DIFF order-{label:9} {it['lang']} {it['id']}: alone {alone[id(it)]}\n   in batch {got}")
    print(f"{checked} variants checked, {differences} differences")
    return differences


def _speakers(sig: list[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    return {(s[0], s[4], s[3], s[5]) for s in sig}


def _fresh(pipe: Pipeline) -> Pipeline:
    pipe.alerts.clear()
    pipe.state.clear()
    pipe.duplicates = type(pipe.duplicates)()
    return pipe


def _alerts(pipe: Pipeline, record: bytes) -> list[Any]:
    _fresh(pipe)
    raw = stages.parse_raw(record)
    return _own(pipe, pipe.process(raw))


def _own(pipe: Pipeline, result: Any) -> list[Any]:
    """The alerts this article contributes (an alert merged with an earlier article's names the first speaker)."""
    return [c.alert for c in candidates(result.tagged, pipe.rules, pipe.kb.countries) if c.alert is not None]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="48000,96000,192000")
    ap.add_argument("--only", default="", help="comma-separated shape names")
    ap.add_argument("--equiv", action="store_true", help="check equivalent inputs give the same alerts")
    ap.add_argument("--per-lang", type=int, default=8, help="--equiv: labelled warnings per language")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    def factory() -> Pipeline:
        return Pipeline.load(rules_path="", clock=lambda: NOW)

    if args.equiv:
        sys.exit(1 if equivalence(factory, args.per_lang) else 0)
    timing(factory(), [int(s) for s in args.sizes.split(",")], set(filter(None, args.only.split(","))))
    print("thread CPU per article through parse_raw + Pipeline.process (budget off); growth: ratio per size step; "
          "a word after a time: the dead-letter kind")


if __name__ == "__main__":
    main()
