"""Time per article for hostile article shapes, through clean (and tag with --tag).

Each shape is built at each size (characters) and cleaned once; the time is process
time, so other load on the machine barely moves it. A shape that raises InvalidRecord
(for instance HTML with no text) is reported with its dead-letter kind.
Run: python bench/pathological.py [--sizes 10000,40000,150000,200000] [--tag] [--only NAME]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams import stages  # noqa: E402
from streams.errors import InvalidRecord  # noqa: E402
from streams.models import RawArticle  # noqa: E402


def _fill(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


# name -> (field, builder of n characters)
SHAPES: dict[str, tuple[str, Callable[[int], str]]] = {
    "dots": ("body", lambda n: "Word " + "." * (n - 5)),
    "bangs": ("body", lambda n: "Word " + "!" * (n - 5)),
    "ellipses": ("body", lambda n: "Word " + "…" * (n - 5)),
    "mixed_marks": ("body", lambda n: "Word " + _fill(".!?…", n - 5)),
    "marks_closers": ("body", lambda n: "Word " + _fill('.")', n - 5)),
    "dot_space": ("body", lambda n: "Word " + _fill(". ", n - 5)),
    "one_char": ("body", lambda n: "a" * n),
    "spaces": ("body", lambda n: "a" + " " * (n - 2) + "b"),
    "long_words": ("body", lambda n: _fill("x" * 5000 + " ", n)),
    "bidi_zero_width": ("body", lambda n: _fill("ab\u202e\u200b\u200d\u2066", n)),
    "huge_quote": ("body", lambda n: 'The minister said "' + _fill("We warn. They act. ", n - 21) + '"'),
    "open_quotes": ("body", lambda n: _fill('"A. ', n)),
    "initials": ("body", lambda n: _fill("A. ", n)),
    "unclosed_div": ("html", lambda n: _fill("<div>word ", n)),
    "nested_div": ("html", lambda n: "<div>" * (n // 11) + "x" + "</div>" * (n // 11)),
    "unclosed_tags_mixed": ("html", lambda n: _fill("<p><b><i><span>word ", n)),
    "title_spaces": ("html", lambda n: "<title>a" + " " * (n - 30) + "x</title>"),
}


def run_one(field: str, text: str, kb: Any) -> tuple[float, str]:
    """Process seconds for clean (then tag, when a knowledge base is given) of one article."""
    raw = RawArticle(id="bench", body=text) if field == "body" else RawArticle(id="bench", html=text)
    t0 = time.process_time()
    try:
        clean = stages.clean(raw, now=datetime(2026, 1, 1, tzinfo=UTC))
        outcome = "ok"
        if kb is not None:
            stages.tag(clean, kb)
    except InvalidRecord as exc:
        outcome = exc.kind
    return time.process_time() - t0, outcome


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,40000,150000,200000")
    ap.add_argument("--tag", action="store_true", help="also run the tagging stage")
    ap.add_argument("--only", default="", help="comma-separated shape names")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    only = set(filter(None, args.only.split(",")))
    kb = None
    if args.tag:
        from streams.tagging.kb import load as load_kb

        kb = load_kb()
    run_one("body", "Warm up the language model. " * 10, kb)
    print(f"{'shape':22}" + "".join(f"{s:>24,}" for s in sizes))
    for name, (field, build) in SHAPES.items():
        if only and name not in only:
            continue
        cells = []
        for n in sizes:
            seconds, outcome = run_one(field, build(n), kb)
            cells.append(f"{seconds * 1000:9.1f} ms" + ("" if outcome == "ok" else f" {outcome}"))
        print(f"{name:22}" + "".join(f"{c:>24}" for c in cells), flush=True)
    print("a kind after the time: the article was dead-lettered with that kind (e.g. empty_body)")


if __name__ == "__main__":
    main()
