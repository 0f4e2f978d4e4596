"""The package layout shows the architecture: the domain packages (streams/cleaning,
streams/tagging, streams/rules) are pure stage code and never import the Kafka/faust runtime
(streams/runtime) nor faust or aiokafka themselves; the archive format (streams/archive) and the
backtest (streams/backtest) stand apart from the replayer and from Kafka; the commands that
need no worker never load faust."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

DOMAIN = ("cleaning", "tagging", "rules")
FORBIDDEN = ("streams.runtime", "faust", "aiokafka")


# The archive format and the backtest: files in, files out, no broker. archiver.py is the
# archive's one Kafka consumer; the replayer reads archives, never the other way round.
OFFLINE = ("archive", "backtest")
OFFLINE_FORBIDDEN = (*FORBIDDEN, "streams.kafka", "streams.replay")
OFFLINE_EXCEPT = ("streams/archive/archiver.py",)
NO_WORKER = ("archive", "replay", "backtest", "cli")  # packages whose modules never load faust on import


def _modules(*packages: str) -> list[Path]:
    return sorted(p for d in packages for p in (REPO / "streams" / d).rglob("*.py"))


def _domain_modules() -> list[Path]:
    return _modules(*DOMAIN)


def _offline_modules() -> list[Path]:
    return [p for p in _modules(*OFFLINE) if p.relative_to(REPO).as_posix() not in OFFLINE_EXCEPT]


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: str, module: str, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """Every module name an import statement in ``source`` (the text of ``module``) names,
    relative imports resolved, wherever it stands: at the top, in a function, under TYPE_CHECKING."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:  # from streams import runtime
                yield node.lineno, f"{base}.{alias.name}"


def _forbidden(name: str, forbidden: tuple[str, ...] = FORBIDDEN) -> bool:
    return any(name == f or name.startswith(f + ".") for f in forbidden)


def test_the_domain_packages_are_found() -> None:
    modules = {_module_name(p) for p in _domain_modules()}
    assert {"streams.cleaning.pipeline", "streams.tagging.kb", "streams.rules.engine"} <= modules


@pytest.mark.parametrize("path", _domain_modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_domain_module_does_not_import_the_runtime(path: Path) -> None:
    imports = _imports(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")
    bad = [f"{path.relative_to(REPO)}:{line}: {name}" for line, name in imports if _forbidden(name)]
    assert not bad, "the domain packages must not import the runtime:\n" + "\n".join(bad)


def test_the_check_sees_relative_nested_and_from_imports() -> None:
    source = "def f():\n    from ..runtime import app\n    import faust.web\nfrom streams import runtime\n"
    names = {name for _, name in _imports(source, "streams.cleaning.probe")}
    assert {"streams.runtime", "streams.runtime.app", "faust.web"} <= names
    assert all(_forbidden(n) for n in ("streams.runtime", "streams.runtime.app", "faust.web"))
    assert not _forbidden("streams.runtimes") and not _forbidden("faustian")


def test_importing_the_domain_loads_no_runtime() -> None:
    # Transitively too: a helper module they import must not pull the runtime in either.
    modules = sorted({_module_name(p) for p in _domain_modules()})
    check = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
             + f"bad = sorted(m for m in sys.modules if any(m == f or m.startswith(f + '.') for f in {FORBIDDEN!r}))\n"
             + "assert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_archive_and_backtest_packages_are_found() -> None:
    modules = {_module_name(p) for p in _offline_modules()}
    assert {"streams.archive.writer", "streams.archive.reader", "streams.archive.manifest", "streams.archive.record",
            "streams.backtest.run", "streams.backtest.score", "streams.backtest.report"} <= modules
    assert "streams.archive.archiver" not in modules


@pytest.mark.parametrize("path", _offline_modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_archive_format_and_backtest_import_no_kafka_and_no_replayer(path: Path) -> None:
    imports = _imports(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")
    bad = [f"{path.relative_to(REPO)}:{line}: {name}" for line, name in imports
           if _forbidden(name, OFFLINE_FORBIDDEN)]
    assert not bad, "the archive format and the backtest work without Kafka or the replayer:\n" + "\n".join(bad)


def test_importing_every_command_and_offline_module_loads_no_faust() -> None:
    # Found by walking the packages, so a module added later is covered too (faust costs about
    # half a second to load; only the worker needs it, once it runs).
    modules = sorted({_module_name(p) for p in _modules(*NO_WORKER) if p.name != "__main__.py"})  # that one runs
    assert {"streams.cli.backtest", "streams.archive.archiver", "streams.replay.replay"} <= set(modules)
    check = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
             + "assert 'faust' not in sys.modules, sorted(m for m in sys.modules if m.startswith('faust'))\n")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]


def test_only_the_cli_imports_the_cli() -> None:
    # The commands import the library, never the other way round (replay once imported the
    # exit codes from the cli, which imported replay: they are in streams/errors.py now).
    bad = []
    for path in sorted((REPO / "streams").rglob("*.py")):
        if path.is_relative_to(REPO / "streams" / "cli"):
            continue
        imports = _imports(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")
        bad += [f"{path.relative_to(REPO)}:{line}: {name}" for line, name in imports
                if name == "streams.cli" or name.startswith("streams.cli.")]
    assert not bad, "\n".join(bad)


def test_python_m_streams_cli_lists_every_command() -> None:
    result = subprocess.run([sys.executable, "-m", "streams.cli", "--help"], capture_output=True, text=True,
                            timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "{worker,broker,run,archive,replay,backtest,ingest,notify}" in result.stdout


def _module_table() -> list[str]:
    """The rows of the README's module table (one line each)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| module | what it does |"):]
    return table[: table.index("\n\n")].splitlines()[2:]


def test_the_readme_module_table_lists_every_module() -> None:
    # A module is named by its path, or by its file name in the row of its package.
    rows = _module_table()
    missing = []
    for path in sorted((REPO / "streams").rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        rel = path.relative_to(REPO).as_posix()
        package = rel.rpartition("/")[0] + "/"
        if not any(f"`{rel}`" in row or (f"`{package}`" in row.split("|")[1] and f"`{path.name}`" in row)
                   for row in rows):
            missing.append(rel)
    assert not missing, "add to the README's module table: " + ", ".join(missing)


def test_the_readme_module_table_names_only_what_exists() -> None:
    for row in _module_table():
        named = row.split("|")[1].replace("`", "").replace(",", " ").split()
        for path in named:
            assert (REPO / path).exists(), f"the README's module table names {path}, which is gone"
        packages = [REPO / n for n in named if n.endswith("/")]
        for name in re.findall(r"`(\w+\.py)`", row.split("|", 2)[2]):
            assert any((pkg / name).is_file() for pkg in packages), f"{name} is not in {', '.join(named)}"
