"""The compiled matcher against the Python reference, in one process on one core.

Both matchers hold the knowledge base's own phrases; the tag stage runs with each in turn
over the same clean articles, alternating, so the machine's load weighs on both alike.
Prints per-article thread CPU time (min and median of the passes) of the scan alone and of
the whole tag stage (scan + mentions + attribution), and checks that the hits are identical.
Run: python bench/matcher.py [--passes N] [--min-chars N]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inprocess import _lengthen  # noqa: E402

from streams import stages  # noqa: E402
from streams.pipeline import Pipeline  # noqa: E402
from streams.tagging import kb as kb_module  # noqa: E402
from streams.tagging.matcher import Matcher, Phrase, ReferenceMatcher  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feed", default=str(REPO / "tests/fixtures/feed/sample.jsonl"))
    ap.add_argument("--passes", type=int, default=6)
    ap.add_argument("--min-chars", type=int, default=2000)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    entries: list[tuple[str, Phrase]] = []

    class Recording(Matcher):
        def __init__(self, given: Any, tables: Any = None) -> None:
            entries.extend(given)
            super().__init__(entries, tables)

    setattr(kb_module, "Matcher", Recording)  # noqa: B010  (the knowledge base builds this one)
    pipe = Pipeline.load(rules_path="")
    t0 = time.perf_counter()
    reference = ReferenceMatcher(entries)
    ref_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    compiled = Matcher(entries)
    comp_build = time.perf_counter() - t0
    gc.freeze()

    raws = [stages.parse_raw(line) for line in Path(args.feed).read_bytes().splitlines() if line.strip()]
    if args.min_chars:
        raws = _lengthen(raws, args.min_chars)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    cleaned = [stages.clean(raw, now=now) for raw in raws]
    same = sum(reference.scan(c.text) == compiled.scan(c.text) for c in cleaned)
    times: dict[str, list[float]] = {}
    for _ in range(args.passes):
        for name, matcher in (("reference", reference), ("compiled", compiled)):
            pipe.kb.matcher = matcher  # type: ignore[assignment]
            t = time.thread_time()
            for c in cleaned:
                matcher.scan(c.text)
            times.setdefault(f"{name} scan", []).append((time.thread_time() - t) / len(cleaned))
            t = time.thread_time()
            for c in cleaned:
                stages.tag(c, pipe.kb)
            times.setdefault(f"{name} tag stage", []).append((time.thread_time() - t) / len(cleaned))
    print(f"{len(cleaned)} articles, median {statistics.median(len(c.text) for c in cleaned)} chars, "
          f"{args.passes} passes; identical hits on {same}/{len(cleaned)}")
    print(f"built in {ref_build:.2f} s (reference, pyahocorasick) and {comp_build:.2f} s (compiled)")
    for name, values in times.items():
        print(f"{name:20s} min {min(values) * 1e6:6.0f} us, median {statistics.median(values) * 1e6:6.0f} us "
              "per article (thread CPU time)")


if __name__ == "__main__":
    main()
