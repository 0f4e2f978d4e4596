"""In-process throughput of clean + tag + statements + rules on one core.

Prints: articles/s (wall time, and per second of the thread's CPU time: the steadier figure
when other processes share the core), per-stage time shares, per-article p50/p99/max,
start-up time in a fresh interpreter (cold: no cache, the CLDR names, knowledge base and language
model built from their sources; warm: from the caches under ~/.cache/newswatch), without and with
the language model, and resident memory; and whether the tagging modules ran compiled (mypyc,
`make setup`; NEWSWATCH_COMPILED=0 runs their sources).
Run: python bench/inprocess.py [--rounds N] [--feed PATH] [--min-chars N] [--batch N] [--no-startup]
     [--all-statements]
Tagging resolves only the statements a rule could use, as `newswatch backtest` does
(--all-statements: every one, as the worker and `backtest --explain` do).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import streams.tagging  # noqa: E402
from streams import stages  # noqa: E402
from streams.models import RawArticle  # noqa: E402
from streams.pipeline import Pipeline  # noqa: E402
from streams.tagging import _mypyc  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def startup(cold: bool, langid: bool = False) -> float:
    """Seconds to build (cold: no cache) or load (warm) the knowledge base and rules in a fresh
    interpreter, imports included; with ``langid`` the language model too, as a worker loads it
    before it says Ready (a backtest loads it on its first article)."""
    env = dict(os.environ)
    tmp = None
    if cold:
        tmp = tempfile.mkdtemp()
        env["NEWSWATCH_CACHE_DIR"] = tmp
    model = "; from streams.cleaning import load_model; load_model()" if langid else ""
    code = ("import time; t=time.perf_counter(); from streams.pipeline import Pipeline; "
            f"Pipeline.load(rules_path=''){model}; print(time.perf_counter()-t)")
    try:
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                             check=True)
        return float(out.stdout.strip())
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _lengthen(raws: list[RawArticle], min_chars: int) -> list[RawArticle]:
    """Plain-text articles of at least ``min_chars``: each feed article followed by the
    next ones of the same language (the feed's articles are mostly 1-2 KB; the goal is
    stated for 2-3 KB)."""
    by_lang: dict[str, list[str]] = {}
    for r in raws:
        if r.body:
            by_lang.setdefault(r.language or "?", []).append(r.body)
    out = []
    for lang, bodies in by_lang.items():
        for i, body in enumerate(bodies):
            text, j = body, i + 1
            while len(text) < min_chars:
                text += "\n" + bodies[j % len(bodies)]
                j += 1
            out.append(RawArticle(body=text, id=f"long-{lang}-{i}", language=lang))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feed", default=str(REPO / "tests/fixtures/feed/sample.jsonl"))
    ap.add_argument("--rounds", type=int, default=20, help="passes over the feed")
    ap.add_argument("--min-chars", type=int, default=0, help="join same-language articles up to this size")
    ap.add_argument("--batch", type=int, default=1,
                    help="articles per batch, run stage by stage (clean all, tag all, alert all); "
                         "per-article times are then the batch's time per article")
    ap.add_argument("--all-statements", action="store_true",
                    help="resolve every statement, not only those a rule could use (as backtest --explain)")
    ap.add_argument("--no-startup", action="store_true",
                    help="skip the four fresh-interpreter start-ups (for quick repeated runs)")
    args = ap.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    skip = args.no_startup
    cold, warm, cold_lid, warm_lid = (
        (float("nan"),) * 4 if skip else
        (startup(cold=True), startup(cold=False), startup(cold=True, langid=True), startup(cold=False, langid=True)))
    before = rss_mb()
    t0 = time.perf_counter()
    pipe = Pipeline.load(rules_path="")
    wanted = None if args.all_statements else pipe.rules.needed_terms  # as `newswatch backtest` tags
    load_s = time.perf_counter() - t0
    after = rss_mb()

    raws = [stages.parse_raw(line) for line in Path(args.feed).read_bytes().splitlines() if line.strip()]
    if args.min_chars:
        raws = _lengthen(raws, args.min_chars)
    sizes = [len(r.body or r.html or "") for r in raws]
    now = datetime(2025, 1, 1, tzinfo=UTC)
    per_stage = {"clean": 0.0, "tag": 0.0, "alert": 0.0}
    per_article: list[float] = []
    cpu = 0.0  # thread CPU time: what the stages cost when other processes share the core
    alerts = 0
    clock = time.perf_counter
    for raw in raws:  # warm-up pass: lazy model loads are start-up, not per-article cost
        stages.alert(stages.tag(stages.clean(raw, now=now), pipe.kb, wanted), pipe.rules, {}, pipe.kb.countries)
    for _ in range(args.rounds):
        state: dict[str, object] = {}
        for i in range(0, len(raws), args.batch):
            batch = raws[i:i + args.batch]
            t0 = time.thread_time()
            a = clock()
            cleaned = [stages.clean(raw, now=now) for raw in batch]
            b = clock()
            tagged = [stages.tag(clean, pipe.kb, wanted) for clean in cleaned]
            c = clock()
            for t in tagged:
                alerts += sum(1 for _, al in stages.alert(t, pipe.rules, state, pipe.kb.countries) if al)
            d = clock()
            cpu += time.thread_time() - t0
            per_stage["clean"] += b - a
            per_stage["tag"] += c - b
            per_stage["alert"] += d - c
            per_article.extend([(d - a) / len(batch)] * len(batch))
    total = sum(per_article)
    n = len(per_article)
    per_article.sort()
    q = statistics.quantiles(per_article, n=1000)
    print(f"tagging modules: {'compiled (mypyc, build/mypyc)' if streams.tagging.compiled() else 'from source'} "
          f"({_mypyc.reason()}; NEWSWATCH_COMPILED=0 forces the sources)")
    print(f"feed: {len(raws)} articles, median {statistics.median(sizes)} chars, rounds {args.rounds}, "
          f"batch {args.batch}, {'every statement' if wanted is None else 'statements a rule could use'}, "
          f"{n} articles processed, {alerts} alerts raised")
    print(f"throughput: {n / total:,.0f} articles/s on one core (clean+tag+statements+rules, language id included)")
    print(f"CPU time: {cpu / n * 1e6:.0f} us per article = {n / cpu:,.0f} articles per CPU second "
          f"(wall time above includes waiting for the core)")
    print("stage shares: " + ", ".join(f"{k} {v / total:.0%} ({v / n * 1e6:.0f} us)" for k, v in per_stage.items()))
    print(f"per article: p50 {q[499] * 1e3:.3f} ms, p99 {q[989] * 1e3:.3f} ms, max {per_article[-1] * 1e3:.3f} ms")
    print(f"start-up (fresh interpreter, knowledge base + rules): cold cache {cold:.2f} s, warm cache {warm:.2f} s; "
          f"with the language model (a worker's): cold {cold_lid:.2f} s, warm {warm_lid:.2f} s")
    print(f"knowledge base: {pipe.kb.size:,} entities, {pipe.kb.matcher.size:,} phrases, loaded in {load_s:.2f} s "
          f"in-process; resident memory {after:.0f} MB (before load {before:.0f} MB)")
    print(orjson.dumps({"tagging_compiled": streams.tagging.compiled(),
                        "articles_per_s": round(n / total), "articles_per_cpu_s": round(n / cpu),
                        "p99_ms": round(q[989] * 1e3, 3), "startup_warm_s": round(warm, 2),
                        "startup_warm_langid_s": round(warm_lid, 2),
                        "rss_mb": round(after)}).decode())


if __name__ == "__main__":
    main()
