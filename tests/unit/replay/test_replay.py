"""The replayer without a broker: pacing on a fake clock, what is sent (timestamps, keys,
headers, filters, bad lines), and resuming after a hard kill with every record delivered
exactly once, whatever state save the kill came after. The same against a real broker:
tests/integration/test_replay.py."""

from __future__ import annotations

import asyncio
import copy
import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams.archive import reader
from streams.archive.files import Problem
from streams.archive.record import Record
from streams.archive.writer import Archive
from streams.cli import main
from streams.errors import EXIT_USAGE
from streams.replay.pacing import Pacer
from streams.replay.replay import Replay
from streams.replay.resume import AT_HEADER, RUN_HEADER, State, delivered_in

T0 = 1_738_663_200_000  # 2025-02-04T10:00:00Z


class Clock:
    def __init__(self, step: float = 0.0) -> None:
        self.now = 100.0
        self.step = step  # advance on every reading (a clock that moves while we work)

    def __call__(self) -> float:
        self.now += self.step
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


# ---------------------------------------------------------------------- pacing


def test_fast_mode_never_waits() -> None:
    pacer = Pacer(clock=Clock())
    assert [pacer.delay(T0 + i * 1000) for i in range(5)] == [0.0] * 5
    assert pacer.mode == "as fast as possible" and not pacer.paced


def test_rate_mode_schedules_against_the_start() -> None:
    clock = Clock()
    pacer = Pacer(rate=4, clock=clock)
    dues = [pacer.due(None) for _ in range(5)]
    assert dues == pytest.approx([100.0, 100.25, 100.5, 100.75, 101.0])
    clock.now = 102.0  # a long stall: the records after it are overdue, not shifted
    assert pacer.delay(None) == 0.0
    assert pacer.due(None) == pytest.approx(101.5)


def test_speed_mode_scales_event_time_deltas_without_drift() -> None:
    clock = Clock()
    pacer = Pacer(speed=60, clock=clock)
    events = [T0, T0 + 60_000, T0 + 90_000, None, T0 + 3_600_000, T0 + 30_000]
    dues = [pacer.due(e) for e in events]
    # one minute of event time is one second; no event time goes with the record before;
    # a record earlier than the first is due at once
    assert dues == pytest.approx([100.0, 101.0, 101.5, 101.5, 160.0, 100.5])
    late = Pacer(speed=1, clock=clock)
    clock.now = 0.0
    late.due(T0)
    clock.now = 5.0  # woke up late for the second record
    assert late.delay(T0 + 2000) == 0.0
    assert late.delay(T0 + 10_000) == pytest.approx(5.0)  # the third is still due at start + 10 s


@pytest.mark.parametrize("kwargs", [{"rate": 0}, {"speed": -1}, {"rate": 1, "speed": 1}])
def test_bad_pacing_is_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Pacer(**kwargs)


# ------------------------------------------------------------ a fake producer


@dataclass
class Msg:
    key: bytes | None
    value: bytes | None
    timestamp: int | None
    headers: list[tuple[str, bytes]]
    partition: int
    offset: int


@dataclass
class Meta:
    partition: int
    offset: int


class Killed(BaseException):
    """The process is gone (SIGKILL): nothing after this runs, except what a test inspects."""


class Broker:
    def __init__(self, partitions: int = 3) -> None:
        self.log: dict[int, list[Msg]] = {p: [] for p in range(partitions)}

    def all(self) -> list[Msg]:
        return [m for p in sorted(self.log) for m in self.log[p]]

    def ends(self) -> dict[str, int]:
        return {str(p): len(ms) for p, ms in self.log.items()}


class Builder:
    """aiokafka's BatchBuilder, as far as the replayer uses it: full after ``size`` records."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.records: list[tuple[bytes | None, bytes | None, int | None, list[tuple[str, bytes]]]] = []

    def append(self, *, timestamp: int | None, key: bytes | None, value: bytes | None,
               headers: list[tuple[str, bytes]]) -> object | None:
        if len(self.records) >= self.size:
            return None
        self.records.append((key, value, timestamp, list(headers)))
        return object()

    def close(self) -> None:
        self.size = len(self.records)


class Producer:
    """Appends a batch to the broker when it is sent; acknowledges it ``lag`` batches later
    (in flight until then). ``kill_after``: the process dies before sending past that many records."""

    def __init__(self, broker: Broker, lag: int = 0, kill_after: int | None = None, batch: int = 4) -> None:
        self.broker, self.lag, self.kill_after, self.batch = broker, lag, kill_after, batch
        self.unacked: list[tuple[Any, Meta]] = []
        self.sends = 0

    async def partitions_for(self, topic: str) -> set[int]:
        return set(self.broker.log)

    def create_batch(self) -> Builder:
        return Builder(self.batch)

    async def send_batch(self, builder: Builder, topic: str, *, partition: int) -> Any:
        if self.kill_after is not None and self.sends + len(builder.records) > self.kill_after:
            raise Killed
        self.sends += len(builder.records)
        log = self.broker.log[partition]
        base = len(log)
        for key, value, ts, headers in builder.records:
            log.append(Msg(key, value, ts, headers, partition, len(log)))
        fut = asyncio.get_running_loop().create_future()
        self.unacked.append((fut, Meta(partition, base)))
        while len(self.unacked) > self.lag:
            f, meta = self.unacked.pop(0)
            f.set_result(meta)
        return fut

    async def flush(self) -> None:
        for f, meta in self.unacked:
            f.set_result(meta)
        self.unacked.clear()


def plain_feed(path: Path, n: int, bad: dict[int, bytes] | None = None) -> list[bytes]:
    lines = [orjson.dumps({"id": f"r-{i:03d}", "body": "b", "published_at": f"2025-02-04T10:{i % 60:02d}:00Z"})
             for i in range(n)]
    out = list(lines)
    for lineno, raw in sorted((bad or {}).items()):
        out.insert(lineno - 1, raw)
    path.write_bytes(b"\n".join(out) + b"\n")
    return lines


def new_state(run: str = "run-1") -> State:
    return State(run, ["in"], "t.news.raw", "127.0.0.1:1")


# --------------------------------------------------------------------- sending


def test_records_go_out_with_event_time_key_and_replay_headers(tmp_path: Path) -> None:
    feed = tmp_path / "f.jsonl"
    lines = plain_feed(feed, 5)
    broker = Broker()
    state = new_state()
    replay = Replay(reader.resolve([str(feed)]), "t.news.raw", Producer(broker, lag=2), state)
    outcome = asyncio.run(replay.run())
    assert (outcome.sent, outcome.bad, outcome.interrupted) == (5, 0, False)
    assert state.complete and state.done == (1, 0) and state.sent == 5
    got = sorted(broker.all(), key=lambda m: m.key or b"")
    assert [m.value for m in got] == lines
    assert [m.timestamp for m in got] == [T0 + i * 60_000 for i in range(5)]
    assert all(dict(m.headers)[RUN_HEADER] == b"run-1" for m in got)
    assert sorted(dict(m.headers)[AT_HEADER] for m in got) == [f"0:{i}".encode() for i in range(1, 6)]


def test_archive_records_keep_their_timestamp_and_headers_and_old_replay_headers_are_replaced(
        tmp_path: Path) -> None:
    arch = Archive(tmp_path / "a", "news.raw")
    arch.open()
    recs = [Record(f"k{i}".encode(), b"\xffraw", T0 + i, (("trace", b"t1"), (RUN_HEADER, b"older-run")), "news.raw",
                   0, i, 0) for i in range(3)]
    for r in recs:
        arch.add(r)
    arch.checkpoint()
    arch.close()
    broker = Broker()
    asyncio.run(Replay(reader.resolve([str(tmp_path / "a")]), "x", Producer(broker), new_state("new")).run())
    got = sorted(broker.all(), key=lambda m: m.key or b"")
    assert [(m.key, m.value, m.timestamp) for m in got] == [(r.key, r.value, r.timestamp) for r in recs]
    for m in got:
        names = [h[0] for h in m.headers]
        assert names == ["trace", RUN_HEADER, AT_HEADER] and dict(m.headers)[RUN_HEADER] == b"new"


def test_from_to_filter_and_bad_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    feed = tmp_path / "f.jsonl"
    plain_feed(feed, 10, bad={3: b'{"id": "broken', 8: b"[1, 2]"})
    broker = Broker()
    problems: list[Problem] = []
    replay = Replay(reader.resolve([str(feed)]), "t", Producer(broker), new_state(),
                    start_ms=T0 + 2 * 60_000, end_ms=T0 + 7 * 60_000, report=problems.append)
    outcome = asyncio.run(replay.run())
    assert sorted(m.key or b"" for m in broker.all()) == [f"r-{i:03d}".encode() for i in range(2, 7)]
    assert (outcome.sent, outcome.filtered, outcome.bad) == (5, 5, 2)
    assert [(p.path, p.lineno) for p in problems] == [(str(feed), 3), (str(feed), 8)]


def test_progress_counts_every_line_once(tmp_path: Path) -> None:
    feed = tmp_path / "f.jsonl"
    plain_feed(feed, 700, bad={10: b"oops"})
    seen: list[int] = []
    asyncio.run(Replay(reader.resolve([str(feed)]), "t", Producer(Broker()), new_state(),
                       advance=seen.append).run())
    assert sum(seen) == 701


def test_paced_sends_follow_the_schedule_on_the_clock(tmp_path: Path) -> None:
    feed = tmp_path / "f.jsonl"
    plain_feed(feed, 30)  # one record per minute of event time
    clock = Clock()
    sent: list[float] = []
    pacer = Pacer(speed=120, clock=clock)  # a minute in half a second
    replay = Replay(reader.resolve([str(feed)]), "t", Producer(Broker()), new_state(), pacer, clock=clock,
                    sleep=clock.sleep, on_send=lambda rec, at: sent.append(at))
    asyncio.run(replay.run())
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert gaps == pytest.approx([0.5] * 29)


def test_a_stop_ends_the_run_with_its_position_saved(tmp_path: Path) -> None:
    feed = tmp_path / "f.jsonl"
    plain_feed(feed, 20)
    clock = Clock()
    broker = Broker()
    saved: list[State] = []
    replay = Replay(reader.resolve([str(feed)]), "t", Producer(broker), new_state(), Pacer(rate=10, clock=clock),
                    save=lambda st: saved.append(copy.deepcopy(st)), clock=clock, sleep=clock.sleep)

    def stop_after_8(rec: Record, at: float) -> None:
        if len(broker.all()) == 7:
            replay.stop.set()

    replay.on_send = stop_after_8
    outcome = asyncio.run(replay.run())
    assert outcome.interrupted and outcome.sent == 8
    assert saved[-1].done == (0, 8) and not saved[-1].complete


# --------------------------------------------------------------------- resume


@pytest.mark.parametrize("which_save", [0, 1, -1])
@pytest.mark.parametrize("lag", [0, 7])
def test_resume_after_a_hard_kill_sends_everything_exactly_once(tmp_path: Path, which_save: int, lag: int) -> None:
    """Kill the run mid-way; resume from *any* state it had saved (a hard kill can come right
    after a save or long after it): the broker ends with every record exactly once."""
    feeds = []
    for name in ("a.jsonl", "b.jsonl"):
        feeds.append(tmp_path / name)
        plain_feed(feeds[-1], 40)
    plan = reader.resolve([str(f) for f in feeds])
    broker = Broker()
    first = new_state()
    first.scan_from = broker.ends()
    saves: list[State] = []
    replay = Replay(plan, "t", Producer(broker, lag=lag, kill_after=55), first,
                    save=lambda st: saves.append(copy.deepcopy(st)), clock=Clock(step=0.26), turn_every=3)
    with pytest.raises(Killed):
        asyncio.run(replay.run())
    saves = saves[:-1]  # the save in `finally` is what a hard kill never gets to write
    assert len(saves) >= 3 and 45 <= len(broker.all()) <= 55
    durable = copy.deepcopy(saves[which_save])
    assert durable.done < (1, 16)

    # what the resumed run reads back from the topic past the saved offsets
    tail = [m for m in broker.all() if m.offset >= durable.scan_from.get(str(m.partition), 0)]
    delivered = delivered_in(tail, durable.run_id, durable.done)
    resumed = Replay(reader.resolve([str(f) for f in feeds]), "t", Producer(broker, lag=lag), durable,
                     delivered=delivered)
    outcome = asyncio.run(resumed.run())
    keys = Counter((m.key, dict(m.headers)[AT_HEADER]) for m in broker.all())
    assert len(keys) == 80 and set(keys.values()) == {1}, [k for k, v in keys.items() if v > 1]
    assert outcome.already == len(delivered)
    assert durable.complete and durable.sent == 80


def test_the_saved_position_never_passes_an_unacknowledged_send(tmp_path: Path) -> None:
    feed = tmp_path / "f.jsonl"
    plain_feed(feed, 30)
    saves: list[State] = []
    producer = Producer(Broker(), lag=5)
    replay = Replay(reader.resolve([str(feed)]), "t", producer, new_state(),
                    save=lambda st: saves.append(copy.deepcopy(st)), clock=Clock(step=0.5), turn_every=2)
    asyncio.run(replay.run())
    assert len(saves) > 5
    for st in [st for st in saves[:-1] if st.sent]:
        # the position covers exactly the acknowledged records (line n is the n-th record),
        # never one of the five in flight
        assert st.done == (0, st.sent) and 0 < st.sent <= 25
    assert saves[-1].done == (1, 0) and saves[-1].sent == 30


# ------------------------------------------------------------------------ CLI


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSWATCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    return tmp_path


def test_replay_usage_errors_say_what_to_do(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(cache / "nope.jsonl")]) == EXIT_USAGE
    assert "no such file" in capsys.readouterr().err
    (cache / "empty").mkdir()
    assert main(["replay", str(cache / "empty")]) == EXIT_USAGE
    assert "manifest.jsonl" in capsys.readouterr().err
    feed = cache / "f.jsonl"
    plain_feed(feed, 2)
    assert main(["replay", str(feed), "--from", "last tuesday"]) == EXIT_USAGE
    assert "--from 2025-02-04T00:00:00Z" in capsys.readouterr().err
    assert main(["replay", str(feed), "--from", "2025-02-05", "--to", "2025-02-04"]) == EXIT_USAGE
    assert "not after" in capsys.readouterr().err
    assert main(["replay", str(feed), "--rate", "0"]) == EXIT_USAGE
    assert main(["replay", str(feed), "--resume"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "nothing to resume" in err and "without --resume" in err
    with pytest.raises(SystemExit) as info:
        main(["replay", str(feed), "--rate", "5", "--speed", "2"])
    assert info.value.code == EXIT_USAGE


def test_archive_usage_errors(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["archive", "--dir", str(cache / "a"), "--roll-seconds", "0"]) == EXIT_USAGE
    assert "--roll-seconds" in capsys.readouterr().err
    assert main(["archive", "--dir", str(cache / "a"), "--max-records", "0"]) == EXIT_USAGE
