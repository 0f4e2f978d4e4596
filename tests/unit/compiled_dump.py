"""What the detector makes of a list of texts, as JSON lines: run once with the compiled tagging
modules and once with their sources, the two outputs must be identical (test_compiled.py).

    python -m tests.unit.compiled_dump INPUT.jsonl > OUTPUT.jsonl
    python -m tests.unit.compiled_dump --compare INPUT.jsonl   # both runs, then the differences

INPUT holds ``{"id", "mode", "raw"}`` (raw: a raw_article record, as news.raw carries): mode "text"
items each stand alone (a pipeline emptied of earlier texts' state, as tests/unit/speech.py), mode
"feed" items go through one pipeline in their order (aggregate rules see them all). Each is run with
every statement resolved and again with only those a rule could use (lazy attribution, scope.py).
The first output line says which tagging path ran; then one line per item and attribution with its
mentions, statements and alerts, or the error it raised (a TypeError only the compiled code raises
is exactly what the comparison is for)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def run(items: list[dict[str, Any]], out: Any) -> None:
    # imported here: the caller's NEWSWATCH_COMPILED decides the path, and --compare imports nothing of it
    import streams.tagging
    from streams import stages
    from streams.models import to_dict
    from streams.pipeline import Pipeline
    from streams.tagging import _mypyc

    out.write(orjson.dumps({"compiled": streams.tagging.compiled(), "why": _mypyc.reason()}) + b"\n")
    base = Pipeline.load(rules_path="", clock=lambda: NOW)
    for lazy in (False, True):
        feed = Pipeline(base.kb, base.rules, base.clock, base.settings, lazy_attribution=lazy)
        alone = Pipeline(base.kb, base.rules, base.clock, base.settings, lazy_attribution=lazy)
        for item in items:
            pipe = feed if item["mode"] == "feed" else alone
            if pipe is alone:
                alone.alerts.clear()
                alone.state.clear()
                alone.duplicates.__init__()  # type: ignore[misc]
            record: dict[str, Any] = {"id": item["id"], "lazy": lazy}
            try:
                result = pipe.process(stages.parse_raw(item["raw"]))
                tagged = result.tagged
                record["mentions"] = to_dict(tagged.mentions)
                record["statements"] = to_dict(tagged.statements)
                record["alerts"] = to_dict(result.alerts)
            except Exception as exc:  # compared as any other output
                record["error"] = f"{type(exc).__name__}: {exc}"
            out.write(orjson.dumps(record) + b"\n")


@dataclass
class Comparison:
    """The runs over one input: their first lines, how many records each wrote, the records
    that differ (id, lazy, what the source run and a compiled one wrote), the records that are errors
    in every run, seconds each."""

    headers: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    differences: list[tuple[str, bool, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    statements: int = 0
    alerts: int = 0

    def summary(self) -> str:
        runs = ", ".join(f"{flag}: {self.records[flag]} records in {self.seconds[flag]:.0f} s" for flag in self.records)
        return (f"NEWSWATCH_COMPILED={runs}; {self.statements} statements, {self.alerts} alerts; "
                f"{len(self.differences)} records differ; {len(self.errors)} errors in every run")


def dump(path: Path, compiled: bool, out: Path, cache_dir: Path | None = None) -> float:
    """Run this module over ``path`` in a fresh interpreter with NEWSWATCH_COMPILED=0 or =1, into ``out``;
    with ``cache_dir``, an empty cache there (the knowledge base built from its YAML, not read from JSON)."""
    env = {**os.environ, "NEWSWATCH_COMPILED": "1" if compiled else "0"}
    if cache_dir is not None:
        env["NEWSWATCH_CACHE_DIR"] = str(cache_dir)
    t0 = time.monotonic()
    with out.open("wb") as fh:
        proc = subprocess.run([sys.executable, "-m", "tests.unit.compiled_dump", str(path)], cwd=ROOT, env=env,
                              stdout=fh, stderr=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"NEWSWATCH_COMPILED={int(compiled)} run failed (exit {proc.returncode}):\n"
                           f"{proc.stderr[-4000:]}")
    return time.monotonic() - t0


def compare(path: Path, workdir: Path, cold: bool = True) -> Comparison:
    """Source ("0") against compiled ("1") over ``path``, both with the knowledge base cache as it is;
    with ``cold``, compiled once more on an empty cache ("1-cold"), its knowledge base built from the
    YAML files (the values the compiled code checks come from there, not from the cache's JSON)."""
    runs = {"0": (False, False), "1": (True, False)}
    if cold:
        runs["1-cold"] = (True, True)
    cmp = Comparison()
    lines = {}
    for flag, (compiled, empty) in runs.items():
        out = workdir / f"{path.stem}.compiled-{flag}.jsonl"
        cache_dir = Path(tempfile.mkdtemp(prefix="empty-cache-", dir=workdir)) if empty else None
        try:
            cmp.seconds[flag] = dump(path, compiled, out, cache_dir)
        finally:
            if cache_dir is not None:
                shutil.rmtree(cache_dir, ignore_errors=True)
        lines[flag] = out.read_bytes().splitlines()
        cmp.headers[flag] = orjson.loads(lines[flag][0]) if lines[flag] else {}
        cmp.records[flag] = max(0, len(lines[flag]) - 1)
    for a, *others in zip(*(got[1:] for got in lines.values()), strict=False):
        rec = orjson.loads(a)
        if any(b != a for b in others):
            b = next(b for b in others if b != a)
            cmp.differences.append((rec["id"], rec["lazy"], a.decode()[:2000], b.decode()[:2000]))
        elif "error" in rec:
            cmp.errors.append(f"{rec['id']} (lazy={rec['lazy']}): {rec['error']}")
        else:
            cmp.statements += len(rec["statements"])
            cmp.alerts += len(rec["alerts"])
    return cmp


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"]:
        path = Path(argv[1]).resolve()
        cmp = compare(path, Path(os.environ.get("TMPDIR", "/tmp")))
        print(f"{path.name}: {cmp.summary()}")
        print(f"  headers: {cmp.headers}")
        for rid, lazy, a, b in cmp.differences[:20]:
            print(f"  DIFF {rid} lazy={lazy}\n    source:   {a[:600]}\n    compiled: {b[:600]}")
        for err in cmp.errors[:20]:
            print(f"  error in both: {err[:300]}")
        ok = cmp.headers["0"].get("compiled") is False and all(
            h.get("compiled") is True for flag, h in cmp.headers.items() if flag != "0")
        return 0 if ok and not cmp.differences and len(set(cmp.records.values())) == 1 else 1
    items = [orjson.loads(line) for line in Path(argv[0]).read_bytes().splitlines() if line.strip()]
    run(items, sys.stdout.buffer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
