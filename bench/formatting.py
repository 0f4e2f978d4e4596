"""Formatting invariance: does the same text, formatted as real feeds deliver it, raise the same alerts?

    python bench/formatting.py [--sample 3000] [--only wrap,html]

Takes a sample of the detection fixtures (tests/fixtures/detection/sentences.jsonl), runs each
body as written and in each formatting below, and prints how many verdicts (the set of speaker
states alerted) change, with the first changed items. Every perturbation keeps the words: a
change is a defect of cleaning or attribution, not of the text.

- nbsp: some spaces are no-break spaces;           straight: curly quotes made straight;
- shy: soft hyphens and zero-width spaces inside long words;
- html: paragraphs as ``<p>`` elements with escaped entities, in the plain body;
- boiler: an advertisement line before, share/follow lines after;
- wrap: hard-wrapped at 72 columns, paragraphs separated by a blank line;
- nfd: Unicode decomposed (NFD);  spaces: two spaces after a full stop;  crlf: CRLF line ends.
"""

from __future__ import annotations

import argparse
import html
import random
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from streams.backtest.corpus import statement_alerts  # noqa: E402
from streams.pipeline import Pipeline  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "detection" / "sentences.jsonl"
_STRAIGHT = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})


def _nbsp(t: str, r: random.Random) -> str:
    return "".join("\u00a0" if c == " " and r.random() < 0.3 else c for c in t)


def _shy(t: str, r: random.Random) -> str:
    words = []
    for w in t.split(" "):
        if len(w) >= 8 and w.isalpha() and r.random() < 0.15:
            k = len(w) // 2
            w = w[:k] + r.choice(["\u00ad", "\u200b"]) + w[k:]
        words.append(w)
    return " ".join(words)


def _wrap(t: str, r: random.Random, width: int = 72) -> str:
    out = []
    for para in t.split("\n"):
        lines: list[str] = []
        line = ""
        for w in para.split(" "):
            if line and len(line) + 1 + len(w) > width:
                lines.append(line)
                line = w
            else:
                line = f"{line} {w}" if line else w
        lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)


PERTURBATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "nbsp": _nbsp,
    "straight": lambda t, r: t.translate(_STRAIGHT),
    "shy": _shy,
    "html": lambda t, r: "".join(f"<p>{html.escape(p)}</p>" for p in t.split("\n")),
    "boiler": lambda t, r: "Advertisement\n" + t + "\nShare this article\nFollow us on Telegram",
    "wrap": _wrap,
    "nfd": lambda t, r: unicodedata.normalize("NFD", t),
    "spaces": lambda t, r: t.replace(". ", ".  "),
    "crlf": lambda t, r: t.replace("\n", "\r\n"),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", type=int, default=3000, help="fixtures sampled (seeded); 0 for all")
    ap.add_argument("--only", default="", help="comma-separated perturbations (default: all)")
    ap.add_argument("--show", type=int, default=5, help="changed items printed per perturbation")
    args = ap.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(PERTURBATIONS)
    unknown = [n for n in names if n not in PERTURBATIONS]
    if unknown:
        print(f"unknown perturbation {unknown}; use some of {', '.join(PERTURBATIONS)}", file=sys.stderr)
        return 2
    items = [orjson.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines() if line.strip()]
    if 0 < args.sample < len(items):
        items = random.Random(7).sample(items, args.sample)
    pipeline = Pipeline.load(rules_path="", lazy_attribution=False)

    def verdict(item: dict[str, str], body: str) -> list[str]:
        alerts, _ = statement_alerts(pipeline, {"id": item["id"], "text": body, "lang": item["lang"]}, True)
        return sorted({a.speaker.country or "?" for a in alerts})

    base = {item["id"]: verdict(item, item["body"]) for item in items}
    changed_any = 0
    for name in names:
        perturb, rnd = PERTURBATIONS[name], random.Random(11)
        changed = [(item, got) for item in items
                   if (got := verdict(item, perturb(item["body"], rnd))) != base[item["id"]]]
        changed_any += len(changed)
        print(f"{name}: {len(changed)}/{len(items)} verdicts changed")
        for item, got in changed[:args.show]:
            print(f"    {item['id']} [{item['lang']}] {base[item['id']]} -> {got}")
    return 1 if changed_any else 0


if __name__ == "__main__":
    sys.exit(main())
