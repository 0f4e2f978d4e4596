"""A managed local Kafka broker for machines that have none.

Apache Kafka 4.x jars come from Maven Central through ``mvn`` (the pom in ``deploy/kafka/``)
and are cached outside the repository, under ``$NEWSWATCH_CACHE_DIR/kafka/<version>/libs``
(default ``~/.cache/newswatch``). The broker runs as one JVM in KRaft combined mode (broker and
controller in one process, node id 1), listens on 127.0.0.1 only, formats its storage on first
start and keeps its data in a directory that survives restarts.

    with LocalBroker(port=9092) as broker:
        print(broker.bootstrap)          # "127.0.0.1:9092"

``newswatch broker [--port 9092] [--data DIR]`` (streams/cli/broker.py) runs one in the foreground until Ctrl-C.
Needs Java 17+ and Maven (Debian: ``apt-get install default-jre-headless maven``).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from string import Template
from types import TracebackType
from typing import IO

from streams import resources

KAFKA_VERSION = "4.4.0"
"""The Apache Kafka release the project runs (the newest 4.x that Maven Central served and that
aiokafka and faust were tried against). Keep in step with ``kafka.version`` in deploy/kafka/pom.xml."""

HOST = "127.0.0.1"
READY_LINE = "Kafka Server started"
INSTALL_HINT = "install a Java 17+ runtime and Maven (Debian: apt-get install default-jre-headless maven)"
MIN_JAVA = 17


class BrokerError(RuntimeError):
    """The local broker could not be fetched, started or stopped; the message says why and what to do."""


# --------------------------------------------------------------------------- paths and files


def cache_root() -> Path:
    """``$NEWSWATCH_CACHE_DIR`` or ``~/.cache/newswatch``: every download and data dir lives here."""
    env = os.environ.get("NEWSWATCH_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "newswatch"


def deploy_file(name: str) -> Path:
    """A file of deploy/kafka/, shipped in the package (streams/resources.py)."""
    path = resources.path("kafka", name)
    if not path.is_file():
        # The package ships deploy/kafka/ as streams/data/kafka/ (a link in a checkout, copies in a wheel).
        raise BrokerError(f"{path} is missing: this newswatch installation lacks the local broker's {name} "
                          f"(deploy/kafka/{name}, shipped in the package as streams/data/kafka/{name}). Reinstall "
                          "newswatch (`make setup` in a checkout, whose streams/data/kafka links to deploy/kafka), "
                          "or set KAFKA_BOOTSTRAP_SERVERS to use a cluster you already run")
    return path


def render_server_properties(port: int, controller_port: int, log_dirs: str) -> str:
    """deploy/kafka/server.properties with the ports and the log directory filled in."""
    template = Template(deploy_file("server.properties").read_text(encoding="utf-8"))
    return template.substitute(port=port, controller_port=controller_port, log_dirs=log_dirs)


def new_cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (as ``kafka-storage
    random-uuid`` prints; like Kafka, never one starting with '-', which a command line would take
    for an option)."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode("ascii")
        if not text.startswith("-"):
            return text


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    """Whether the broker could listen on ``port``. SO_REUSEADDR, as the JVM's own server
    sockets use: connections left in TIME-WAIT by a broker that just died do not hold the
    port, a process listening on it does."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


_TCP_LISTEN = "0A"  # the state column of /proc/net/tcp


def port_holder(port: int) -> str | None:
    """``pid N (command line)`` of the process listening on TCP ``port``, from /proc (Linux;
    None when it cannot be told, e.g. another user's process or no /proc)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if len(cols) > 9 and cols[3] == _TCP_LISTEN and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{cols[9]}]")
    if not inodes:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            held = any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir())
        except OSError:  # gone, or not ours to read
            continue
        if held:
            try:
                cmd = " ".join((proc / "cmdline").read_bytes().decode("utf-8", "replace").replace("\0", " ").split())
            except OSError:
                cmd = ""
            cmd = cmd if len(cmd) <= 80 else cmd[:77] + "..."
            return f"pid {proc.name} ({cmd})" if cmd else f"pid {proc.name}"
    return None


def port_in_use_message(port: int, broker_port: int) -> str:
    """One line: which port, who holds it, and what to change."""
    holder = port_holder(port)
    who = f" by {holder}" if holder else ""
    stop = f"stop it (kill {holder.split()[1]}), " if holder else ""
    return (f"{HOST}:{port} is already in use{who}: {stop}pick another --port (the broker uses --port and "
            f"--port + 1), or set KAFKA_BOOTSTRAP_SERVERS={HOST}:{broker_port} if a Kafka broker is already "
            "listening there")


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


# --------------------------------------------------------------------------- tools


def _which(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise BrokerError(f"`{tool}` not found on PATH: {INSTALL_HINT}")
    return found


def java_major(java: str | None = None) -> int:
    """The major version of ``java`` on PATH (17, 21 ...)."""
    exe = java or _which("java")
    out = subprocess.run(  # noqa: S603 - fixed argument list
        [exe, "-version"], capture_output=True, text=True, check=False, timeout=60
    )
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise BrokerError(f"cannot tell the Java version from `{exe} -version`: {out.stderr.strip()!r}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def _require_java() -> str:
    java = _which("java")
    major = java_major(java)
    if major < MIN_JAVA:
        raise BrokerError(f"Kafka 4 needs Java {MIN_JAVA}+, `{java}` is Java {major}: {INSTALL_HINT}")
    return java


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- jars


def jars_dir(version: str = KAFKA_VERSION) -> Path:
    return cache_root() / "kafka" / version / "libs"


def fetch_jars(version: str = KAFKA_VERSION) -> Path:
    """The directory holding every jar of Kafka ``version`` plus its SLF4J provider.

    Runs ``mvn dependency:copy-dependencies`` on deploy/kafka/pom.xml the first time (a few
    seconds with a warm ~/.m2, under a minute from Maven Central), then answers from the cache.
    Safe to call from several processes at once.
    """
    libs = jars_dir(version)
    marker = libs / ".complete"
    if marker.is_file():
        return libs
    mvn = _which("mvn")
    _require_java()
    pom = deploy_file("pom.xml")
    with _file_lock(libs.parent / ".fetch.lock"):
        if marker.is_file():
            return libs
        staging = libs.parent / f"libs.partial-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        cmd = [
            mvn, "-B", "-q", "-f", str(pom),
            "dependency:copy-dependencies",
            f"-Dkafka.version={version}",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staging}",
        ]  # fmt: skip
        try:
            done = subprocess.run(  # noqa: S603 - fixed argument list
                cmd, capture_output=True, text=True, check=False, timeout=900
            )
        except subprocess.TimeoutExpired as exc:
            raise BrokerError(f"`mvn` did not finish fetching Kafka {version} jars in 15 minutes") from exc
        main_jar = staging / f"kafka_2.13-{version}.jar"
        if done.returncode != 0 or not main_jar.is_file():
            shutil.rmtree(staging, ignore_errors=True)
            output = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
            raise BrokerError(
                f"fetching Kafka {version} jars with `{' '.join(cmd)}` failed (exit {done.returncode}):\n{output}"
            )
        shutil.rmtree(libs, ignore_errors=True)
        staging.rename(libs)
        marker.write_text(f"kafka {version}\n", encoding="utf-8")
    return libs


# --------------------------------------------------------------------------- the broker


class LocalBroker:
    """A single-node KRaft Kafka broker on 127.0.0.1, run as a child JVM.

    ``port`` 0 picks a free port. The controller listens on ``controller_port`` (default: the
    port after ``port``). ``data_dir`` (default ``<cache>/broker-data/<port>``) holds the Kafka
    log directory, the cluster id, the generated server.properties and the broker's log.
    """

    def __init__(
        self,
        port: int = 9092,
        data_dir: Path | str | None = None,
        *,
        controller_port: int | None = None,
        version: str = KAFKA_VERSION,
        start_timeout: float = 120.0,
        stop_timeout: float = 30.0,
        heap: str = "512m",
    ) -> None:
        if port == 0:
            port = free_port()
            while controller_port is None or controller_port == port:
                controller_port = free_port()
        self.port = port
        self.controller_port = controller_port if controller_port is not None else port + 1
        self.data_dir = Path(data_dir) if data_dir is not None else cache_root() / "broker-data" / str(port)
        self.version = version
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.heap = heap
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_handle: IO[bytes] | None = None

    # -- paths
    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "broker.log"

    @property
    def kafka_log_dir(self) -> Path:
        return self.data_dir / "kafka-logs"

    @property
    def cluster_id_path(self) -> Path:
        return self.data_dir / "cluster-id"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # -- life cycle
    def start(self) -> LocalBroker:
        """Start the broker and return once it logged "Kafka Server started" (or raise BrokerError)."""
        if self.running():
            return self
        java = _require_java()
        libs = fetch_jars(self.version)
        for p in (self.port, self.controller_port):
            if not port_is_free(p):
                raise BrokerError(port_in_use_message(p, self.port))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        props = self.data_dir / "server.properties"
        props.write_text(
            render_server_properties(self.port, self.controller_port, str(self.kafka_log_dir)), encoding="utf-8"
        )
        classpath = [
            "-cp", f"{libs}/*",
            f"-Dlog4j2.configurationFile={deploy_file('log4j2.properties')}",
            # Kafka's own shutdown hook logs the controlled shutdown; Log4j's would stop logging first.
            "-Dlog4j2.shutdownHookEnabled=false",
        ]  # fmt: skip
        self._format_storage([java, *classpath], props)

        if self.log_path.exists():
            self.log_path.replace(self.data_dir / "broker.log.1")
        self._log_handle = self.log_path.open("wb")
        cmd = [java, f"-Xmx{self.heap}", "-XX:+UseG1GC", *classpath, "kafka.Kafka", str(props)]
        self._proc = subprocess.Popen(  # noqa: S603 - fixed argument list
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            cwd=self.data_dir,
            start_new_session=True,  # own process group: a terminal's Ctrl-C reaches us, not the JVM
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _format_storage(self, base: list[str], props: Path) -> None:
        if (self.kafka_log_dir / "meta.properties").is_file():
            return
        if self.cluster_id_path.is_file():
            cluster_id = self.cluster_id_path.read_text(encoding="utf-8").strip()
        else:
            cluster_id = new_cluster_id()
            self.cluster_id_path.write_text(cluster_id + "\n", encoding="utf-8")
        format_log = self.data_dir / "format.log"
        cmd = [
            *base, "kafka.tools.StorageTool", "format",
            "--cluster-id", cluster_id, "--config", str(props), "--ignore-formatted",
        ]  # fmt: skip
        with format_log.open("wb") as out:
            done = subprocess.run(  # noqa: S603 - fixed argument list
                cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, check=False, timeout=300
            )
        if done.returncode != 0:
            raise BrokerError(
                f"formatting Kafka storage in {self.kafka_log_dir} failed (exit {done.returncode}); "
                f"last lines of {format_log}:\n{_tail(format_log)}"
            )

    def _wait_ready(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self.start_timeout
        seen = 0
        with self.log_path.open("rb") as log:
            while True:
                log.seek(seen)
                chunk = log.read()
                # keep the last partial line for the next read
                cut = chunk.rfind(b"\n") + 1
                if READY_LINE.encode() in chunk[:cut]:
                    return
                seen += cut
                code = self._proc.poll()
                if code is not None:
                    raise BrokerError(
                        f"the Kafka broker exited with code {code} before it was ready; "
                        f"last lines of {self.log_path}:\n{_tail(self.log_path)}"
                    )
                if time.monotonic() > deadline:
                    raise BrokerError(
                        f"the Kafka broker did not log {READY_LINE!r} within {self.start_timeout:.0f} s; "
                        f"last lines of {self.log_path}:\n{_tail(self.log_path)}"
                    )
                time.sleep(0.2)

    def stop(self) -> int | None:
        """SIGTERM the broker (a clean, controlled shutdown), SIGKILL it after ``stop_timeout``
        seconds. Returns its exit code, or None if it was not started."""
        proc, self._proc = self._proc, None
        code: int | None = None
        if proc is not None:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            code = proc.returncode
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None
        return code

    def __enter__(self) -> LocalBroker:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.running() else "stopped"
        return f"LocalBroker({self.bootstrap}, data={self.data_dir}, kafka={self.version}, {state})"
