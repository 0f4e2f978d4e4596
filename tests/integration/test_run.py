"""`newswatch run` as a user runs it: the local sample site ingested, its alerts printed and
delivered to the local webhook receiver, and a closed terminal (SIGHUP) or SIGTERM stops the
worker, ingest and notify within seconds, leaving no process behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from streams.resources import sample_feed
from tests.integration.workers import REPO, env_for, free_port

SAMPLE_FEED = sample_feed()
SAMPLE_ARTICLES = 107


def _start(bootstrap: str, prefix: str, tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
    env = env_for(bootstrap, prefix, tmp_path / "data")
    env.update({"NEWSWATCH_WEB_PORT": str(free_port()), "NEWSWATCH_CACHE_DIR": str(tmp_path / "cache")})
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "run", *args], cwd=REPO, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, log


def _worker_pid(log: Path) -> int | None:
    text = log.read_text(errors="replace")
    marker = "stopping the worker (pid "
    return int(text.split(marker, 1)[1].split(")", 1)[0]) if marker in text else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _edge_pids(cache: Path) -> list[int]:
    """The ingest and notify processes `run` started: their command lines name its files."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if str(cache) in cmdline and ("\0ingest\0" in cmdline or "\0notify\0" in cmdline):
                pids.append(int(entry.name))
    return pids


# SIGHUP on the default path (ingest and notify running), SIGTERM on the replay path (--feed).
@pytest.mark.parametrize(("sig", "args"), [(signal.SIGHUP, ()), (signal.SIGTERM, ("--feed", str(SAMPLE_FEED)))],
                         ids=["SIGHUP-ingest", "SIGTERM-replay"])
def test_run_stops_worker_ingest_and_notify_on_signal(kafka_bootstrap: str, topic_prefix: str, tmp_path: Path,
                                                         sig: signal.Signals, args: tuple[str, ...]) -> None:
    proc, log = _start(kafka_bootstrap, topic_prefix, tmp_path, "--follow", *args)
    deadline = time.monotonic() + 180
    while "alerts as they arrive" not in log.read_text(errors="replace"):
        assert proc.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.5)
    proc.send_signal(sig)
    try:
        code = proc.wait(30)
    except subprocess.TimeoutExpired:
        for pid in (proc.pid, _worker_pid(log)):
            if pid is not None:
                os.killpg(pid, signal.SIGKILL)
        raise AssertionError(f"still running 30 s after {sig.name}:\n{log.read_text(errors='replace')}") from None
    # How long the stop takes is a figure (README, "Operations"), not an assertion: the 30 s above
    # only tells a hang from a stop.
    text = log.read_text(errors="replace")
    assert code == 130, text
    assert "stopped in" in text
    pid = _worker_pid(log)
    assert pid is not None and not _alive(pid), text
    assert not _edge_pids(tmp_path / "cache"), text


def test_run_ingests_the_sample_site_prints_and_delivers_alerts_and_exits_zero(
        kafka_bootstrap: str, topic_prefix: str, tmp_path: Path) -> None:
    proc, log = _start(kafka_bootstrap, topic_prefix, tmp_path, "--idle", "10")
    code = proc.wait(300)
    text = log.read_text(errors="replace")
    assert code == 0, text
    assert "worker ready" in text and "sample site at http://127.0.0.1:" in text
    # The broker keeps news.raw 7 days by timestamp and the sample is older: ingest stamped it now.
    assert f"({SAMPLE_ARTICLES} older than retention, stamped now)" in text, text
    summary = re.search(r"^(\d+) alerts from (\d+) articles$", text, re.MULTILINE)
    assert summary is not None, text
    assert int(summary[1]) > 0 and int(summary[2]) == SAMPLE_ARTICLES, text  # every sample page ingested
    received = re.search(r"^webhook received (\d+) notifications$", text, re.MULTILINE)
    assert received is not None and int(received[1]) >= int(summary[1]), text  # each alert at least as new
    assert len(re.findall(r"webhook got new ", text)) == int(summary[1]) + text.count(" retracted "), text
    assert not _edge_pids(tmp_path / "cache"), text
