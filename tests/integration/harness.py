"""Where the integration tests get their Kafka broker from.

``KafkaHarness.start()`` returns a bootstrap address ("127.0.0.1:PORT"), taking the first of:

1. ``KAFKA_BOOTSTRAP_SERVERS``, if set: an existing cluster, used as it is.
2. testcontainers: a Docker engine (``DOCKER_HOST``, else /var/run/docker.sock, else one the
   harness starts itself: Debian's dockerd as root, overlay2 storage where the kernel allows it
   (else vfs), no iptables, no bridge network, its own data-root/exec-root under the cache and a
   unix socket) runs Kafka in a container on
   the host network, listening on 127.0.0.1 only. The image is the official ``apache/kafka``
   one when it is already present (or NEWSWATCH_KAFKA_IMAGE=official pulls it); otherwise a
   local image built once from a Debian root filesystem with a JRE (debootstrap, minbase),
   into which the same Maven Central jars that ``newswatch broker`` runs are bind-mounted
   read-only.
3. No Docker engine at all: the managed local broker (``streams.broker.LocalBroker``), and the
   test report says so.

Knobs (environment):
  NEWSWATCH_TEST_KAFKA   auto | testcontainers | local. Default: testcontainers when CI=true
                         (a failure of that path fails the run instead of falling back), else auto.
  NEWSWATCH_KAFKA_IMAGE  auto | official | local: which image the testcontainers path runs
                         (auto: an official image already present, else the local one, built
                         if missing; only "official" pulls, where a registry is reachable).
  NEWSWATCH_DOCKER_STORAGE_DRIVER  storage driver of the harness' own dockerd (default: overlay2
                         if an overlay mount works in the cache directory, else vfs).
  NEWSWATCH_CACHE_DIR    cache root (default ~/.cache/newswatch): jars, debootstrap root
                         filesystem, the managed engine's data; nothing goes into the repository.

A Docker engine the harness started is shared by concurrent test sessions on the machine (each
holds a shared lock on it) and stopped by the last one to finish; an engine it did not start is
never stopped. Containers are removed in the fixture finalizer.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from streams import broker as local

READY_LINE = local.READY_LINE
OFFICIAL_IMAGE = f"apache/kafka:{local.KAFKA_VERSION}"
LOCAL_IMAGE_REPO = "newswatch/kafka-jre"
CONTAINER_LABEL = "newswatch.harness"
SYSTEM_SOCKET = "/var/run/docker.sock"
START_TIMEOUT = 120


class HarnessError(RuntimeError):
    """The chosen way of getting a broker did not work; the message says why."""


class NoDockerEngine(HarnessError):
    """No Docker engine answers and none can be started here."""


def _log(msg: str) -> None:
    # Shown with -s, and in the captured output of a failing setup.
    print(f"[kafka harness] {msg}", flush=True)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextlib.contextmanager
def _flock(path: Path, mode: int = fcntl.LOCK_EX) -> Iterator[IO[str]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), mode)
        try:
            yield handle
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def docker_dir() -> Path:
    return local.cache_root() / "docker"


# --------------------------------------------------------------------------- Docker engine


def engine_info(host: str, timeout: float = 10.0) -> dict[str, Any] | None:
    """What ``docker info`` says about the engine at ``host``, or None if it does not answer."""
    if host.startswith("unix://") and not Path(host.removeprefix("unix://")).exists():
        return None
    import docker

    try:
        client = docker.DockerClient(base_url=host, timeout=int(timeout))
    except Exception:
        return None
    try:
        info: dict[str, Any] = client.info()
        return info
    except Exception:
        return None
    finally:
        client.close()


def ping(host: str, timeout: float = 10.0) -> str | None:
    """The engine's server version if ``host`` answers, else None."""
    info = engine_info(host, timeout)
    return None if info is None else str(info.get("ServerVersion", "?"))


class ManagedDockerd:
    """A dockerd the harness starts for itself: no iptables, no bridge, unix socket, and overlay2
    storage where an overlay mount works, else vfs (vfs copies the whole image for every container:
    about 5 s per Kafka container here, against 0.3 s with overlay2). Each driver has its own
    data root, so switching drivers never mixes their stores.

    Shared by concurrent sessions: each holds a shared flock on ``users.lock`` while it uses the
    engine; the last to release it (an exclusive lock succeeds) stops the engine.
    """

    def __init__(self) -> None:
        self.root = docker_dir()
        self.driver = ""
        self.data_root = self.root / "data-root"
        self.exec_root = self.root / "exec-root"
        self.pidfile = self.root / "dockerd.pid"
        self.log_path = self.root / "dockerd.log"
        self.config_file = self.root / "daemon.json"
        sock = self.root / "docker.sock"
        # A unix socket path must fit in 108 bytes.
        self.socket = (
            sock if len(str(sock)) < 100 else Path(tempfile.gettempdir()) / f"newswatch-dockerd-{os.getuid()}.sock"
        )
        self.host = f"unix://{self.socket}"
        self.started_here = False
        self._users: IO[str] | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def possible() -> str | None:
        """None if this machine can run our own dockerd, else the reason it cannot."""
        if shutil.which("dockerd") is None:
            return "no dockerd on PATH (Debian: apt-get install docker.io)"
        if os.geteuid() != 0:
            return "not root, so the harness cannot start a Docker engine of its own"
        return None

    def acquire(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        with _flock(self.root / "engine.lock"):
            users = (self.root / "users.lock").open("a")
            fcntl.flock(users.fileno(), fcntl.LOCK_SH)
            self._users = users
            if ping(self.host) is not None:
                _log(f"reusing the newswatch Docker engine already running at {self.host}")
                return self.host
            self._start()
        return self.host

    def _start(self) -> None:
        dockerd = shutil.which("dockerd")
        assert dockerd is not None
        self.driver = os.environ.get("NEWSWATCH_DOCKER_STORAGE_DRIVER") or (
            "overlay2" if _overlay_works(self.root) else "vfs"
        )
        self.data_root = self.root / f"data-root-{self.driver}"
        for d in (self.data_root, self.exec_root):
            d.mkdir(parents=True, exist_ok=True)
        if not self.config_file.exists():
            self.config_file.write_text("{}\n")  # not /etc/docker/daemon.json: its settings may clash
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()
        cmd = [
            dockerd,
            "--config-file", str(self.config_file),
            "--storage-driver", self.driver,
            "--iptables=false", "--ip6tables=false", "--bridge=none",
            "-H", self.host,
            "--data-root", str(self.data_root),
            "--exec-root", str(self.exec_root),
            "--pidfile", str(self.pidfile),
        ]  # fmt: skip
        _log(f"starting a Docker engine: {shlex.join(cmd)} (log: {self.log_path})")
        log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.started_here = True
        deadline = time.monotonic() + 60
        while ping(self.host, timeout=5) is None:
            if self._proc.poll() is not None:
                raise HarnessError(
                    f"dockerd exited with code {self._proc.returncode}; "
                    f"last lines of {self.log_path}:\n{_tail(self.log_path)}"
                )
            if time.monotonic() > deadline:
                self._terminate(self._proc.pid)
                raise HarnessError(
                    f"dockerd did not answer on {self.host} within 60 s; "
                    f"last lines of {self.log_path}:\n{_tail(self.log_path)}"
                )
            time.sleep(0.3)
        _log(f"Docker engine up (pid {self._proc.pid})")
        self._remove_leftovers()

    def _remove_leftovers(self) -> None:
        """Containers of an earlier session that died without its finalizers (only on an engine we just started)."""
        import docker

        client = docker.DockerClient(base_url=self.host, timeout=60)
        try:
            for c in client.containers.list(all=True, filters={"label": CONTAINER_LABEL}):
                _log(f"removing leftover container {c.short_id} ({c.name})")
                with contextlib.suppress(Exception):
                    c.remove(force=True)
        finally:
            client.close()

    def release(self) -> None:
        if self._users is None:
            return
        with _flock(self.root / "engine.lock"):
            fcntl.flock(self._users.fileno(), fcntl.LOCK_UN)
            self._users.close()
            self._users = None
            with (self.root / "users.lock").open("a") as users:
                try:
                    fcntl.flock(users.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    _log("another test session still uses the newswatch Docker engine: leaving it running")
                    return
                try:
                    self._stop()
                finally:
                    fcntl.flock(users.fileno(), fcntl.LOCK_UN)

    def _stop(self) -> None:
        pid = self._proc.pid if self._proc is not None else self._pid_from_file()
        if pid is None:
            return
        _log(f"stopping the Docker engine (pid {pid})")
        self._terminate(pid)
        # dockerd leaves its network namespace (and, if killed, layer) mounts behind.
        _unmount_below(self.exec_root)
        for data_root in self.root.glob("data-root-*"):
            _unmount_below(data_root)

    def _pid_from_file(self) -> int | None:
        """The pid in our pidfile, only if that process is a dockerd serving our socket."""
        try:
            pid = int(self.pidfile.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            return None
        if any(b"dockerd" in part for part in cmdline[:1]) and self.host.encode() in cmdline:
            return pid
        return None

    def _terminate(self, pid: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 15)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.pid == pid:
                if self._proc.poll() is not None:
                    return
            elif not Path(f"/proc/{pid}").exists():
                return
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
        if self._proc is not None and self._proc.pid == pid:
            self._proc.wait(10)


@dataclass
class Engine:
    host: str
    version: str
    origin: str  # "DOCKER_HOST", "system socket", "started by the harness", "newswatch engine (reused)"
    managed: ManagedDockerd | None = None


def find_engine(notes: list[str]) -> Engine | None:
    """An answering Docker engine, starting one of our own if none answers and we may."""
    env_host = os.environ.get("DOCKER_HOST")
    if env_host:
        version = ping(env_host)
        if version:
            return Engine(env_host, version, "DOCKER_HOST")
        notes.append(f"DOCKER_HOST={env_host} does not answer")
    system = f"unix://{SYSTEM_SOCKET}"
    version = ping(system)
    if version:
        return Engine(system, version, "system socket")
    reason = ManagedDockerd.possible()
    if reason:
        notes.append(reason)
        return None
    managed = ManagedDockerd()
    try:
        host = managed.acquire()
    except Exception:
        managed.release()
        raise
    version = ping(host) or "?"
    origin = "started by the harness" if managed.started_here else "newswatch engine (reused)"
    return Engine(host, version, origin, managed)


# --------------------------------------------------------------------------- images


def docker_cli() -> str:
    cli = shutil.which("docker")
    if cli is None:
        raise HarnessError("no `docker` command on PATH (Debian: apt-get install docker.io)")
    return cli


def image_size(engine: Engine, ref: str) -> int | None:
    import docker

    client = docker.DockerClient(base_url=engine.host, timeout=60)
    try:
        return int(client.images.get(ref).attrs.get("Size", 0))
    except Exception:
        return None
    finally:
        client.close()


def host_debian() -> tuple[str, str]:
    """(codename, mirror URI) of the machine's own Debian apt sources."""
    os_release = Path("/etc/os-release").read_text() if Path("/etc/os-release").exists() else ""
    match = re.search(r"^VERSION_CODENAME=\"?([a-z]+)", os_release, re.M)
    codename = match.group(1) if match else "bookworm"
    files = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for f in files:
        if not f.is_file():
            continue
        text = f.read_text(errors="replace")
        if f.suffix == ".sources":  # deb822 stanzas
            for stanza in re.split(r"\n\s*\n", text):
                fields = dict(re.findall(r"^([A-Za-z-]+):[ \t]*(.*)$", stanza, re.M))
                if "deb" in fields.get("Types", "").split() and codename in fields.get("Suites", "").split():
                    uris = fields.get("URIs", "").split()
                    if uris and "main" in fields.get("Components", "").split():
                        return codename, uris[0]
        else:
            for line in text.splitlines():
                parts = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
                if len(parts) >= 4 and parts[0] == "deb" and parts[2] == codename and "main" in parts[3:]:
                    return codename, parts[1]
    raise HarnessError(f"no Debian '{codename}' main source in /etc/apt/sources.list(.d): cannot debootstrap")


def jre_package(codename: str) -> str:
    # Kafka 4 needs Java 17+; bookworm's default JRE is 17, later suites dropped 17 but default to newer.
    return "openjdk-17-jre-headless" if codename == "bookworm" else "default-jre-headless"


def _overlay_works(base: Path) -> bool:
    """Whether an overlay mount works on ``base``'s file system (not on overlayfs itself, say)."""
    base.mkdir(parents=True, exist_ok=True)
    probe = Path(tempfile.mkdtemp(prefix=".overlay-probe-", dir=base))
    try:
        for d in ("lower", "upper", "work", "merged"):
            (probe / d).mkdir()
        opts = f"lowerdir={probe / 'lower'},upperdir={probe / 'upper'},workdir={probe / 'work'}"
        try:
            done = subprocess.run(
                ["mount", "-t", "overlay", "overlay", "-o", opts, str(probe / "merged")],
                capture_output=True, timeout=20, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return False
        if done.returncode != 0:
            return False
        subprocess.run(["umount", str(probe / "merged")], capture_output=True, timeout=20, check=False)
        return True
    finally:
        _unmount_below(probe)
        shutil.rmtree(probe, ignore_errors=True)


def _unmount_below(path: Path) -> None:
    """Unmount anything a failed debootstrap left mounted inside ``path`` (never rm -rf through /proc)."""
    prefix = str(path.resolve()) + "/"
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines() if len(line.split()) > 1]
    for m in sorted((m for m in mounts if m.startswith(prefix)), key=len, reverse=True):
        subprocess.run(["umount", "-l", m], check=False)


def ensure_rootfs(codename: str, mirror: str, package: str) -> Path:
    """A minbase Debian root filesystem with a JRE, made once by debootstrap and kept in the cache."""
    base = docker_dir() / "rootfs"
    target = base / f"{codename}-{package}"
    done = base / f"{codename}-{package}.complete"
    if done.exists() and target.is_dir():
        return target
    debootstrap = shutil.which("debootstrap")
    if debootstrap is None:
        raise HarnessError("no `debootstrap` on PATH (Debian: apt-get install debootstrap)")
    if os.geteuid() != 0:
        raise HarnessError("debootstrap needs root")
    partial = base / f"{codename}-{package}.partial"
    if partial.exists():
        _unmount_below(partial)
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    log_path = base / f"{codename}-{package}.debootstrap.log"
    cmd = [debootstrap, "--variant=minbase", f"--include={package}", codename, str(partial), mirror]
    _log(f"building a JRE root filesystem: {shlex.join(cmd)} (log: {log_path})")
    started = time.monotonic()
    with log_path.open("wb") as log:
        rc = subprocess.run(
            cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, check=False, timeout=1800
        ).returncode
    _unmount_below(partial)
    if rc != 0 or not any((partial / "usr/lib/jvm").glob("*/bin/java")):
        raise HarnessError(f"debootstrap failed (exit {rc}); last lines of {log_path}:\n{_tail(log_path)}")
    _log(f"root filesystem ready in {time.monotonic() - started:.0f} s")
    if target.exists():
        shutil.rmtree(target)
    partial.rename(target)
    done.write_text(f"{codename} {mirror} {package}\n")
    return target


# Not needed at run time and large: left out of the image (the cached root filesystem keeps them).
IMPORT_EXCLUDES = [
    "./var/cache/apt/archives/*.deb",
    "./var/lib/apt/lists/*",
    "./usr/share/doc/*",
    "./usr/share/man/*",
    "./usr/share/info/*",
    "./usr/share/locale/*",
]
# Bump when the recipe (package list, excludes, image settings) changes: the tag names it, so a
# changed recipe builds a new image instead of reusing the old one.
IMAGE_REVISION = 1


def build_local_image(engine: Engine, tag: str, codename: str, mirror: str, package: str) -> None:
    rootfs = ensure_rootfs(codename, mirror, package)
    cli = docker_cli()
    env = {**os.environ, "DOCKER_HOST": engine.host}
    excludes = [f"--exclude={x}" for x in IMPORT_EXCLUDES]
    _log(f"importing {rootfs} as {tag}")
    started = time.monotonic()
    tar = subprocess.Popen(
        ["tar", "-C", str(rootfs), "--numeric-owner", *excludes, "-cf", "-", "."], stdout=subprocess.PIPE
    )
    assert tar.stdout is not None
    changes = [
        "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "--change", "ENV LANG=C.UTF-8",
        "--change", 'CMD ["java", "-version"]',
    ]  # fmt: skip
    done = subprocess.run(
        [cli, "import", *changes, "-", tag], stdin=tar.stdout, env=env, capture_output=True, text=True, check=False
    )
    tar.stdout.close()
    tar_rc = tar.wait()
    if done.returncode != 0 or tar_rc != 0:
        raise HarnessError(
            f"`docker import` of {rootfs} failed (tar exit {tar_rc}, import exit {done.returncode}): "
            f"{done.stderr.strip()}"
        )
    _log(f"image {tag} imported in {time.monotonic() - started:.0f} s")


def try_pull(engine: Engine, ref: str, timeout: float = 60.0) -> str | None:
    """None if ``docker pull ref`` worked, else a one-line reason."""
    cli = docker_cli()
    env = {**os.environ, "DOCKER_HOST": engine.host}
    try:
        done = subprocess.run(
            [cli, "pull", "-q", ref], env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return f"no answer within {timeout:.0f} s"
    if done.returncode == 0:
        return None
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit {done.returncode}"


def image_present(engine: Engine, ref: str) -> bool:
    return image_size(engine, ref) is not None


@dataclass
class ImageChoice:
    ref: str
    kind: str  # "official" | "local"
    how: str  # human-readable origin


def choose_image(engine: Engine, notes: list[str]) -> ImageChoice:
    want = os.environ.get("NEWSWATCH_KAFKA_IMAGE", "auto")
    if want not in ("auto", "official", "local"):
        raise HarnessError(f"NEWSWATCH_KAFKA_IMAGE={want!r}: use auto, official or local")
    codename, mirror = host_debian() if want != "official" else ("", "")
    package = jre_package(codename) if codename else ""
    local_tag = f"{LOCAL_IMAGE_REPO}:{codename}-{package.removesuffix('-jre-headless')}-r{IMAGE_REVISION}"
    if want in ("auto", "official") and image_present(engine, OFFICIAL_IMAGE):
        return ImageChoice(OFFICIAL_IMAGE, "official", "official image, already present")
    if want in ("auto", "local") and image_present(engine, local_tag):
        return ImageChoice(local_tag, "local", "local image built by debootstrap, cached")
    # Pull only when asked for (NEWSWATCH_KAFKA_IMAGE=official): a test run sends no traffic
    # beyond this machine unless someone chose a registry on purpose.
    if want == "official":
        reason = try_pull(engine, OFFICIAL_IMAGE)
        if reason is None:
            return ImageChoice(OFFICIAL_IMAGE, "official", "official image, pulled")
        if want == "official":
            raise HarnessError(f"cannot pull {OFFICIAL_IMAGE}: {reason}")
        notes.append(f"pull of {OFFICIAL_IMAGE} failed ({reason})")
    with _flock(docker_dir() / "image.lock"):
        if image_present(engine, local_tag):
            return ImageChoice(local_tag, "local", "local image built by debootstrap, cached")
        build_local_image(engine, local_tag, codename, mirror, package)
    return ImageChoice(local_tag, "local", "local image built by debootstrap")


# --------------------------------------------------------------------------- Kafka containers


def _container_script(cluster_id: str) -> str:
    jvm = "-Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -Dlog4j2.shutdownHookEnabled=false"
    cp = "'/opt/kafka/libs/*'"
    cfg = "/opt/kafka/config/server.properties"
    return (
        "set -e; "
        f"java {jvm} -cp {cp} kafka.tools.StorageTool format "
        f"--cluster-id {cluster_id} --config {cfg} --ignore-formatted; "
        f"exec java -Xmx512m -XX:+UseG1GC {jvm} -cp {cp} kafka.Kafka {cfg}"
    )


def official_env(port: int, cport: int, cluster_id: str) -> dict[str, str]:
    """The apache/kafka image's KAFKA_* environment for the same single-node KRaft broker."""
    return {
        "CLUSTER_ID": cluster_id,
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{cport}",
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://127.0.0.1:{port}",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_INTER_BROKER_LISTENER_NAME": "PLAINTEXT",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": f"1@127.0.0.1:{cport}",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_LOG_DIRS": "/tmp/kraft-combined-logs",
    }


# --------------------------------------------------------------------------- the harness


@dataclass
class KafkaHarness:
    """Gets one broker for a test session; ``close()`` undoes everything ``start()`` did."""

    path: str = "not started"
    bootstrap: str = ""
    engine_found: bool = False
    details: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    _cleanups: list[Callable[[], object]] = field(default_factory=list)
    _container: Any = None
    _local_broker: local.LocalBroker | None = None

    @staticmethod
    def mode() -> str:
        default = "testcontainers" if os.environ.get("CI") == "true" else "auto"
        mode = os.environ.get("NEWSWATCH_TEST_KAFKA", default)
        if mode not in ("auto", "testcontainers", "local"):
            raise HarnessError(f"NEWSWATCH_TEST_KAFKA={mode!r}: use auto, testcontainers or local")
        return mode

    def start(self) -> str:
        began = time.monotonic()
        try:
            self.bootstrap = self._start()
        finally:
            self.timings["total"] = time.monotonic() - began
        return self.bootstrap

    def _start(self) -> str:
        existing = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if existing:
            self.path = "existing cluster from KAFKA_BOOTSTRAP_SERVERS"
            return existing
        mode = self.mode()
        if mode in ("auto", "testcontainers"):
            try:
                return self._start_testcontainers()
            except Exception as exc:
                self.close()
                if mode == "testcontainers":
                    raise
                if isinstance(exc, NoDockerEngine):
                    return self._start_local(mode)  # the notes already say why
                self.notes.append(
                    f"testcontainers path failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                )
        return self._start_local(mode)

    # -- testcontainers
    def _start_testcontainers(self) -> str:
        t0 = time.monotonic()
        engine = find_engine(self.notes)
        if engine is None:
            raise NoDockerEngine("no Docker engine can run here: " + "; ".join(self.notes))
        self.engine_found = True
        if engine.managed is not None:
            self._cleanups.append(engine.managed.release)
        self.timings["engine"] = time.monotonic() - t0
        driver = (engine_info(engine.host) or {}).get("Driver", "?")
        self.details.append(f"Docker engine {engine.version} ({engine.origin}, {engine.host}, storage {driver})")

        # testcontainers reads these; Ryuk's image cannot be pulled without a registry, and the
        # finalizers below remove what we create anyway.
        saved = {k: os.environ.get(k) for k in ("DOCKER_HOST", "TESTCONTAINERS_RYUK_DISABLED")}
        os.environ["DOCKER_HOST"] = engine.host
        os.environ["TESTCONTAINERS_RYUK_DISABLED"] = "true"
        self._cleanups.append(lambda: _restore_env(saved))
        from testcontainers.core.config import testcontainers_config

        testcontainers_config.ryuk_disabled = True

        t0 = time.monotonic()
        choice = choose_image(engine, self.notes)
        self.timings["image"] = time.monotonic() - t0
        size = image_size(engine, choice.ref)
        self.details.append(
            f"image {choice.ref} ({choice.how}, {size / 1e6:.0f} MB)" if size else f"image {choice.ref}"
        )
        if choice.kind == "official":
            self.path = "kafka via testcontainers (official apache/kafka image)"
        else:
            self.path = "kafka via testcontainers (local image built by debootstrap)"

        t0 = time.monotonic()
        bootstrap = self._run_container(choice)
        self.timings["broker"] = time.monotonic() - t0
        return bootstrap

    def _run_container(self, choice: ImageChoice) -> str:
        from testcontainers.core.container import DockerContainer
        from testcontainers.core.wait_strategies import LogMessageWaitStrategy

        port = local.free_port()
        cport = local.free_port()
        while cport == port:
            cport = local.free_port()
        cluster_id = local.new_cluster_id()
        container = DockerContainer(
            choice.ref,
            network_mode="host",  # no bridge network on the harness' own engine; listeners are on 127.0.0.1
            labels={CONTAINER_LABEL: "1"},
        ).with_name(f"newswatch-kafka-{port}-{uuid.uuid4().hex[:6]}")
        if choice.kind == "official":
            container.with_envs(**official_env(port, cport, cluster_id))
        else:
            libs = local.fetch_jars(local.KAFKA_VERSION)
            cfg = Path(tempfile.mkdtemp(prefix="newswatch-kafka-config-"))
            self._cleanups.append(lambda: shutil.rmtree(cfg, ignore_errors=True))
            (cfg / "server.properties").write_text(local.render_server_properties(port, cport, "/var/lib/kafka/data"))
            shutil.copy(local.deploy_file("log4j2.properties"), cfg / "log4j2.properties")
            cfg.chmod(0o755)
            container.with_volume_mapping(str(libs), "/opt/kafka/libs", "ro")
            container.with_volume_mapping(str(cfg), "/opt/kafka/config", "ro")
            container.with_command(["sh", "-c", _container_script(cluster_id)])
            self.details.append(f"Kafka {local.KAFKA_VERSION} jars from {libs} (read-only bind mount)")
        container.waiting_for(
            LogMessageWaitStrategy(READY_LINE).with_startup_timeout(START_TIMEOUT).with_poll_interval(0.5)
        )

        def remove() -> None:
            with contextlib.suppress(Exception):
                container.stop()

        self._cleanups.append(remove)
        _log(f"starting Kafka in a container from {choice.ref} on 127.0.0.1:{port}")
        container.start()
        self._container = container
        self.details.append(f"container {container.get_container_id()[:12]}, host network, 127.0.0.1:{port}")
        return f"127.0.0.1:{port}"

    # -- fallback
    def _start_local(self, mode: str) -> str:
        t0 = time.monotonic()
        data = Path(tempfile.mkdtemp(prefix="newswatch-test-broker-"))
        self._cleanups.append(lambda: shutil.rmtree(data, ignore_errors=True))
        broker = local.LocalBroker(port=0, data_dir=data)
        self._cleanups.append(broker.stop)
        broker.start()
        self._local_broker = broker
        self.timings["broker"] = time.monotonic() - t0
        if mode == "local":
            why = "forced by NEWSWATCH_TEST_KAFKA=local"
        else:
            why = "testcontainers path failed" if self.engine_found else "no Docker engine"
        self.path = f"Kafka: managed local broker ({why})"
        self.details.append(f"Kafka {local.KAFKA_VERSION}, pid {broker.pid}, {broker.bootstrap}, data {data}")
        return broker.bootstrap

    # -- broker restarts (for tests that the pipeline survives one)
    def stop_broker(self) -> None:
        """Stop the broker cleanly (SIGTERM, controlled shutdown), keeping its data."""
        if self._local_broker is not None:
            self._local_broker.stop()
        elif self._container is not None:
            self._container.get_wrapped_container().stop(timeout=30)
        else:
            raise HarnessError(f"cannot stop the broker of '{self.path}'")

    def start_broker(self, timeout: float = START_TIMEOUT) -> None:
        """Start the broker stopped by :meth:`stop_broker` again, same address, same data."""
        if self._local_broker is not None:
            self._local_broker.start()
            return
        if self._container is None:
            raise HarnessError(f"cannot start the broker of '{self.path}'")
        wrapped = self._container.get_wrapped_container()
        seen = wrapped.logs().decode(errors="replace").count(READY_LINE)
        wrapped.start()
        deadline = time.monotonic() + timeout
        while wrapped.logs().decode(errors="replace").count(READY_LINE) <= seen:
            wrapped.reload()
            if wrapped.status not in ("running", "created", "restarting"):
                raise HarnessError(
                    f"the Kafka container exited on restart: {wrapped.logs()[-3000:].decode(errors='replace')}"
                )
            if time.monotonic() > deadline:
                raise HarnessError(
                    f"the Kafka container did not log {READY_LINE!r} within {timeout:.0f} s of a restart"
                )
            time.sleep(0.3)

    def kill_broker(self) -> None:
        """SIGKILL the broker (a crash: no controlled shutdown), keeping its data."""
        if self._local_broker is not None:
            pid = self._local_broker.pid
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
            self._local_broker.stop()
        elif self._container is not None:
            self._container.get_wrapped_container().kill()
        else:
            raise HarnessError(f"cannot kill the broker of '{self.path}'")

    def restart_broker(self) -> None:
        self.stop_broker()
        self.start_broker()

    def close(self) -> None:
        while self._cleanups:
            action = self._cleanups.pop()
            try:
                action()
            except Exception as exc:  # a cleanup failure must not hide the others
                _log(f"cleanup failed: {exc!r}")

    def summary(self) -> list[str]:
        lines = [self.path]
        lines += [f"  {d}" for d in self.details]
        lines += [f"  note: {n}" for n in self.notes]
        if self.timings:
            lines.append("  setup: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items()))
        return lines


def _restore_env(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# --------------------------------------------------------------------------- topics


async def create_topics_async(
    bootstrap: str,
    names: Iterable[str],
    partitions: int = 3,
    replication_factor: int = 1,
    configs: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> None:
    """Create topics with aiokafka's admin client and wait until every partition has a leader."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    wanted = list(names)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(n, partitions, replication_factor, topic_configs=dict(configs or {})) for n in wanted]
        )
        deadline = time.monotonic() + timeout
        while True:
            described = await admin.describe_topics(wanted)
            ready = [
                t for t in described
                if t.get("error_code", 0) == 0
                and len(t.get("partitions", [])) == partitions
                and all(p.get("leader", -1) >= 0 for p in t["partitions"])
            ]  # fmt: skip
            if len(ready) == len(wanted):
                return
            if time.monotonic() > deadline:
                raise HarnessError(f"topics {wanted} have no leaders after {timeout:.0f} s: {described}")
            await asyncio.sleep(0.1)
    finally:
        await admin.close()


def create_topics(bootstrap: str, names: Iterable[str], partitions: int = 3, **kwargs: Any) -> None:
    """Blocking form of :func:`create_topics_async` for synchronous tests."""
    asyncio.run(create_topics_async(bootstrap, names, partitions, **kwargs))
