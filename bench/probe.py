"""Probe sentences: which of them alert as their label says.

    python bench/probe.py FILE [FILE ...] [--verbose]

Each FILE holds JSON lines ``{"id", "lang", "body", "alert_from"}``: ``alert_from`` is the ISO
3166-1 alpha-2 code of the speaker's state, ``"?"`` for a government voice whose state the text
does not give, ``"any"`` for any alert, or null for "must not alert". The verdict is the one
``tests/unit/test_detection_sentences.py`` asserts over the team's fixtures; this script runs it
over sentences nobody tuned for (fresh probes, BENCHMARKS.md "Fresh probes") and prints each wrong
one with, under ``--verbose``, why each rule fired or not (as ``newswatch backtest --explain``).
Exit status 1 when any is wrong."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from streams.backtest.corpus import statement_alerts  # noqa: E402
from streams.pipeline import Pipeline  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--verbose", "-v", action="store_true", help="print why each rule fired or not")
    args = ap.parse_args(argv)
    pipeline = Pipeline.load(rules_path="", lazy_attribution=False)
    total = wrong = 0
    for path in args.files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = orjson.loads(line)
                body, lang, want = item["body"], item["lang"], item.get("alert_from")
            except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                print(f"{path}:{n}: not a probe line ({exc}); expected {{\"id\", \"lang\", \"body\", \"alert_from\"}}",
                      file=sys.stderr)
                return 2
            total += 1
            alerts, why = statement_alerts(pipeline, {"id": str(item.get("id", n)), "text": body, "lang": lang}, True)
            got = {a.speaker.country or "?" for a in alerts}
            ok = not got if want is None else (bool(got) if want == "any" else got == {want})
            if ok:
                continue
            wrong += 1
            print(f"{item.get('id', n)} [{lang}] want {want} got {sorted(got)} {[a.rule.id for a in alerts]}: "
                  f"{body[:160]}")
            if args.verbose:
                for reason in why:
                    print(f"    {reason}")
    print(f"{total - wrong}/{total} right")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
