"""The package layout shows the architecture: the domain packages (streams/cleaning,
streams/tagging, streams/rules) are pure stage code and never import the Kafka/faust runtime
(streams/runtime) nor faust or aiokafka themselves."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

DOMAIN = ("cleaning", "tagging", "rules")
FORBIDDEN = ("streams.runtime", "faust", "aiokafka")


def _domain_modules() -> list[Path]:
    return sorted(p for d in DOMAIN for p in (REPO / "streams" / d).rglob("*.py"))


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


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


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
