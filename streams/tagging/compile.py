"""Compile the tagging modules with mypyc into build/mypyc (run by ``make setup``).

    python -m streams.tagging.compile [--force]

Builds the five modules of ``_mypyc.MODULES`` as one mypyc group, in a staging folder moved into
place when complete, and writes ``build/mypyc/manifest.json``: the interpreter, the extension
file of each module and its SHA-256, and the SHA-256 of each compiled source and of every project module it
imports, directly or not (their types and constants are compiled in). Nothing is rebuilt while
those digests are unchanged; a failed build is not retried until they change. A failure (no C
compiler, a mypyc error) leaves no build and prints one line: the sources are then used, which is
always correct, only slower. The details go to build/mypyc.log."""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import os
import shutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import orjson

from streams.tagging._mypyc import BUILD, LIBRARY, MANIFEST, MODULES, ROOT, check, interpreter, sha256

FAILED = BUILD.with_name("mypyc.failed.json")  # the digests a build failed for (not retried)
LOG = BUILD.with_name("mypyc.log")
GROUP = LIBRARY.removesuffix("__mypyc")
RETRY = ".venv/bin/python -m streams.tagging.compile --force"


def _source(module: str) -> Path | None:
    base = ROOT / module.replace(".", "/")
    for path in (base.with_suffix(".py"), base.with_suffix(".pyi"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imported(path: Path, module: str) -> set[str]:
    """The project modules (streams.*) ``path`` imports, wherever the import stands, with the
    packages holding them (whose __init__ runs first)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)  # from streams import _core
    out: set[str] = set()
    for name in names:
        parts = name.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return {n for n in out if n.split(".")[0] == "streams" and _source(n) is not None}


def sources() -> dict[str, str]:
    """SHA-256 of each compiled module's source and of each project module it imports, directly
    or not, by path relative to the checkout."""
    seen: set[str] = set()
    todo = list(MODULES)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = _source(module)
        if path is not None and path.suffix == ".py":
            todo.extend(_imported(path, module))
    paths = sorted({p for p in map(_source, seen) if p is not None})
    return {p.relative_to(ROOT).as_posix(): sha256(p) for p in paths}


def _mypy_version() -> str:
    from mypy.version import __version__

    return __version__


def _file_users(paths: list[str]) -> list[str]:
    """The modules that read their own ``__file__``: compiled, it names build/mypyc, not the sources'
    folder (a data file next to the module would not be found)."""
    return [p for p in paths if any(isinstance(n, ast.Name) and n.id == "__file__"
                                    for n in ast.walk(ast.parse((ROOT / p).read_bytes())))]


def _build(staging: Path, log: io.StringIO) -> dict[str, str]:
    """Compile into ``staging``; the extension file of each module, relative to it."""
    paths = [f"{m.replace('.', '/')}.py" for m in MODULES]
    if users := _file_users(paths):
        raise RuntimeError(f"{', '.join(users)} read __file__, which compiled names build/mypyc")
    from mypyc.build import mypycify  # mypy is a dev dependency: imported only to build
    from setuptools import Distribution

    temp = staging / "temp"
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        extensions = mypycify(paths, group_name=GROUP, target_dir=str(temp / "c"), opt_level="3")
        dist = Distribution({"name": "newswatch-tagging-mypyc", "ext_modules": extensions})
        cmd: Any = dist.get_command_obj("build_ext")
        cmd.build_lib, cmd.build_temp, cmd.inplace = str(staging), str(temp), False
        cmd.ensure_finalized()
        cmd.run()
    shutil.rmtree(temp)
    files = {}
    for name in (*MODULES, LIBRARY):
        found = sorted(staging.glob(f"{name.replace('.', '/')}.*"))
        if len(found) != 1:
            raise RuntimeError(f"expected one extension file for {name}, found {found}")
        files[name] = found[0].relative_to(staging).as_posix()
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--force", action="store_true", help="rebuild even when the sources are unchanged")
    args = ap.parse_args(argv)
    os.chdir(ROOT)  # mypy reads pyproject.toml and resolves the module paths from here
    digests = sources()
    try:
        mypy = _mypy_version()
    except ImportError:
        mypy = ""
    want = {"interpreter": interpreter(), "mypy": mypy, "sources": digests}
    if not args.force:
        with contextlib.suppress(OSError, orjson.JSONDecodeError, KeyError, TypeError):
            old = orjson.loads(MANIFEST.read_bytes())
            if all(old[k] == v for k, v in want.items()) and check(MANIFEST)[0] is not None:
                print("tagging: compiled modules (build/mypyc) up to date")
                return 0
        with contextlib.suppress(OSError, orjson.JSONDecodeError):
            if orjson.loads(FAILED.read_bytes()) == want:
                print(f"tagging: not compiled (the build failed for these sources, see {LOG.relative_to(ROOT)}); "
                      f"the pure-Python tagging modules are used ({RETRY} tries again)")
                return 0

    BUILD.parent.mkdir(parents=True, exist_ok=True)
    staging = BUILD.with_name("mypyc.staging")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(BUILD, ignore_errors=True)  # an old build must not outlive a failed one
    FAILED.unlink(missing_ok=True)
    log = io.StringIO()
    t0 = time.monotonic()
    try:
        if not mypy:
            raise ImportError("mypy (mypyc) is not installed: pip install -e '.[dev]'")
        files = _build(staging, log)
    except BaseException as exc:  # SystemExit from setuptools or mypyc (a compiler error) included
        if isinstance(exc, KeyboardInterrupt):
            raise
        log.write(traceback.format_exc())
        LOG.write_text(log.getvalue(), encoding="utf-8")
        shutil.rmtree(staging, ignore_errors=True)
        FAILED.write_bytes(orjson.dumps(want))
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"tagging: mypyc compile failed ({first[:160]}; see {LOG.relative_to(ROOT)}); "
              f"the pure-Python tagging modules are used ({RETRY} tries again)")
        return 0
    LOG.write_text(log.getvalue(), encoding="utf-8")
    built = {rel: sha256(staging / rel) for rel in files.values()}
    (staging / MANIFEST.name).write_bytes(orjson.dumps({**want, "modules": files, "built": built},
                                                       option=orjson.OPT_INDENT_2))
    staging.rename(BUILD)
    print(f"tagging: compiled {len(MODULES)} modules with mypyc {mypy} in {time.monotonic() - t0:.0f} s "
          f"into {BUILD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
