"""Detection quality on the real-news development corpus (../shared/corpus).

statements-dev.jsonl: every labelled excerpt goes through the stages in process as one
article; an excerpt "alerts" when a per-statement rule (not an aggregate) raises an alert
with evidence from it. Prints precision, recall and speaker-country accuracy (on true
alerts) per language and overall, then every miss and false alarm.

feed-dev.jsonl: the background feed through one pipeline in event-time order; prints
alerts per 1,000 articles and each alert for reading.

Run: python bench/quality.py [--corpus DIR] [--no-hint] [--quiet] [--json OUT]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streams.backtest.corpus import CORPUS, Tally, feed_alerts, jsonl, score_statements  # noqa: E402
from streams.models import Alert  # noqa: E402
from streams.pipeline import Pipeline  # noqa: E402

PLANNED = ("id", "en", "vi", "de", "fr", "es", "ru", "ar", "uk", "pt", "it", "pl", "tr", "zh", "ja", "ko")


def _row(name: str, t: Tally) -> str:
    n = t.tp + t.fp + t.fn + t.tn
    return (f"{name:<8}{n:>5}{t.tp + t.fn:>5}{t.tp:>5}{t.fp:>5}{t.fn:>5}"
            f"{t.precision:>8.2f}{t.recall:>8.2f}{t.country:>9.2f}")


def _short(text: str, n: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def describe(a: Alert) -> str:
    sp = a.speaker
    ev = a.evidence[0] if a.evidence else None
    targets = ",".join(t.country or t.entity_id or "?" for t in a.targets)
    quote = _short(ev.sentence or "", 160) if ev else ""
    return f"{a.rule.id} | {sp.name} [{sp.kind},{sp.country}] -> {targets} | {quote}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--no-hint", action="store_true", help="do not pass the language as a hint")
    ap.add_argument("--no-feed", action="store_true", help="skip the background feed")
    ap.add_argument("--explain", action="store_true", help="say for each miss and false alarm why (not)")
    ap.add_argument("--quiet", action="store_true", help="figures only, no list of misses and alerts")
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    ap.add_argument("--lang", action="append", help="only excerpts (and feed articles) in this language; repeatable")
    args = ap.parse_args()
    stmts_path = args.corpus / "statements-dev.jsonl"
    if not stmts_path.exists():
        print(f"no corpus at {args.corpus}: pass --corpus DIR (a folder with statements-dev.jsonl)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    # as `newswatch backtest` runs: only the statements a rule could use, every one under --explain
    pipeline = Pipeline.load(rules_path="", lazy_attribution=not args.explain)
    items = [it for it in jsonl(stmts_path) if not args.lang or it["lang"] in args.lang]
    per_lang, wrong = score_statements(pipeline, items, hint=not args.no_hint)

    if not args.quiet:
        for o in wrong:
            it = o.item
            kind = "WRONG-COUNTRY" if o.wrong_country else ("MISS" if it["alert"] else "FALSE-ALARM")
            print(f"--- {kind} {it['id']} [{it['lang']}] {it['category']} speaker={it.get('speaker')!r} "
                  f"country={it.get('speaker_country')} targets={it.get('targets')}")
            print("    " + _short(it["text"], 400))
            for a in o.alerts:
                print("    => " + describe(a))
            if args.explain:
                for line in o.explain:
                    print("    ? " + line)
        print()

    total, planned = Tally(), Tally()
    print(f"{'lang':<8}{'n':>5}{'pos':>5}{'tp':>5}{'fp':>5}{'fn':>5}{'prec':>8}{'recall':>8}{'country':>9}")
    for lang in sorted(per_lang, key=lambda k: (k not in PLANNED, PLANNED.index(k) if k in PLANNED else 0, k)):
        t = per_lang[lang]
        print(_row(lang, t))
        total.add(t)
        if lang in PLANNED:
            planned.add(t)
    print(_row("16 langs", planned))
    print(_row("all", total))
    figures: dict[str, Any] = {
        "precision": round(total.precision, 4), "recall": round(total.recall, 4),
        "speaker_country": round(total.country, 4),
        "speaker_country_given": round(total.country_given, 4), "speaker_country_unknown": total.country_unknown,
        "planned": {"precision": round(planned.precision, 4), "recall": round(planned.recall, 4)},
        "languages": {k: {"precision": round(v.precision, 4), "recall": round(v.recall, 4),
                          "tp": v.tp, "fp": v.fp, "fn": v.fn} for k, v in per_lang.items()},
    }
    if not args.no_feed:
        feed = [it for it in jsonl(args.corpus / "feed-dev.jsonl") if not args.lang or it.get("lang") in args.lang]
        fp = Pipeline(pipeline.kb, pipeline.rules, settings=pipeline.settings,
                      lazy_attribution=pipeline.lazy_attribution)
        raised = feed_alerts(fp, feed)
        per_rule: dict[str, int] = defaultdict(int)
        for _, a in raised:
            per_rule[a.rule.id] += 1
        if not args.quiet:
            print()
            for item, a in raised:
                print(f"feed {item['id']} [{item.get('lang')}] {describe(a)}")
        rate = 1000 * len(raised) / max(1, len(feed))
        print(f"feed: {len(raised)} alerts on {len(feed)} articles = {rate:.1f} per 1,000 "
              f"({', '.join(f'{k} {v}' for k, v in sorted(per_rule.items()))})")
        figures["feed"] = {"articles": len(feed), "alerts": len(raised), "per_1000": round(rate, 2),
                           "per_rule": dict(per_rule)}
    print(f"overall: precision {total.precision:.3f} recall {total.recall:.3f} "
          f"speaker country {total.country:.3f} ({total.country_given:.3f} where one is given, "
          f"{total.country_unknown} alerts of no known state) ({time.perf_counter() - t0:.0f} s)")
    if not args.lang:  # the line tests/unit/test_corpus_quality.py reads back from BENCHMARKS.md
        print(f"corpus figures: precision {total.precision:.3f}, recall {total.recall:.3f}")
    if args.json:
        args.json.write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
