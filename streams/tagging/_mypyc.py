"""Whether the tagging modules run compiled (mypyc) or from their sources, and the import hook.

``make setup`` compiles five tagging modules with mypyc (``python -m streams.tagging.compile``)
into ``build/mypyc/`` (gitignored; never next to the sources, where Python would import a
stale ``.so`` before the ``.py``). The tag stage takes about a quarter less time compiled, with
the same output (BENCHMARKS.md). The danger is an edited source silently running old compiled code, so the build's
``manifest.json`` records the SHA-256 of each compiled module's source and of every project
module it was type-checked against (mypyc builds their types and ``Final`` values into the C),
and of the extension files built; the compiled modules are used only when every one of those
files is unchanged and the build is for this interpreter. Otherwise all five come from their
sources: never a mix, as compiled and source modules would share classes and constants built
from different code.

``NEWSWATCH_COMPILED=0`` forces the sources; ``=1`` requires the compiled modules (ImportError
saying why when they cannot be used); unset, the compiled ones are used when valid.
:func:`streams.tagging.compiled` says which path is active."""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[2]  # the checkout (streams/tagging/_mypyc.py)
BUILD = ROOT / "build" / "mypyc"
MANIFEST = BUILD / "manifest.json"
PACKAGE = "streams.tagging"
MODULES = tuple(f"{PACKAGE}.{m}" for m in ("statements", "entities", "possession", "confrontations", "scope"))
LIBRARY = "newswatch_tagging__mypyc"  # the shared library mypyc makes for the group (group name + "__mypyc")
ENV = "NEWSWATCH_COMPILED"

_state: dict[str, Any] = {"finder": None, "reason": "not checked yet"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def interpreter() -> str:
    """The build's interpreter tag: an extension built for another one must not be loaded."""
    return f"{sys.implementation.cache_tag} {importlib.machinery.EXTENSION_SUFFIXES[0]}"


def check(manifest: Path = MANIFEST) -> tuple[dict[str, Path] | None, str]:
    """The extension file of each compiled module (the five and the shared library) when the build
    can be used, else None; and why not."""
    if not manifest.exists():
        return None, f"no compiled build ({_shown(manifest)} missing: run make setup)"
    try:
        data = orjson.loads(manifest.read_bytes())
        built_for, modules, sources, built = data["interpreter"], data["modules"], data["sources"], data["built"]
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        return None, f"unreadable {_shown(manifest)} ({exc})"
    if built_for != interpreter():
        return None, f"built for {built_for}, this is {interpreter()}"
    if set(modules) != {*MODULES, LIBRARY}:
        return None, f"the build holds {sorted(modules)}, not the five tagging modules"
    for name in MODULES:
        if f"{name.replace('.', '/')}.py" not in sources:
            return None, f"no digest recorded for {name}"
    for rel, digest in sources.items():
        path = ROOT / rel
        if not path.exists():
            return None, f"{rel} is gone since the build"
        if sha256(path) != digest:
            return None, f"{rel} changed since the build (run make setup to recompile)"
    files = {name: manifest.parent / rel for name, rel in modules.items()}
    missing = [_shown(f) for f in files.values() if not f.exists()]
    if missing:
        return None, f"missing {', '.join(missing)}"
    # a damaged extension file can crash the interpreter on loading (SIGBUS), beyond any fall-back
    for name, file in files.items():
        if sha256(file) != built.get(modules[name]):
            return None, f"{_shown(file)} is not the file built (run make setup to recompile)"
    return files, "compiled (mypyc)"


class _Finder(importlib.abc.MetaPathFinder):
    """Imports exactly the compiled modules from the build, as extension modules."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def activate() -> None:
    """Install the import hook when the compiled build can be used (called by streams.tagging
    before it imports any of the five)."""
    want = os.environ.get(ENV, "").strip()
    if want == "0":
        _state["reason"] = f"{ENV}=0"
        return
    loaded = [m for m in MODULES if m in sys.modules]
    files, reason = check()
    if files is not None and loaded:
        files, reason = None, f"{', '.join(loaded)} already imported from source"
    _state["reason"] = reason
    if files is None:
        if want == "1":
            raise ImportError(f"{ENV}=1 but the compiled tagging modules cannot be used: {reason}")
        return
    finder = _Finder(files)
    sys.meta_path.insert(0, finder)
    _state["finder"] = finder


def fall_back(exc: BaseException) -> None:
    """After a compiled module failed to import: forget every module of the package imported so
    far (the compiled ones and those that took names from them) and remove the hook, so the
    package imports again from source; with NEWSWATCH_COMPILED=1, re-raise instead."""
    finder = _state["finder"]
    if finder is None or os.environ.get(ENV, "").strip() == "1":
        raise exc
    sys.meta_path.remove(finder)
    _state["finder"] = None
    _state["reason"] = f"the compiled modules failed to import ({type(exc).__name__}: {exc})"
    for name in [n for n in sys.modules if n.startswith(PACKAGE + ".") and n != __name__]:
        del sys.modules[name]
    sys.modules.pop(LIBRARY, None)
    print(f"newswatch: {_state['reason']}; using the pure-Python tagging modules", file=sys.stderr)


def compiled() -> bool:
    """True when all five tagging modules in use are the compiled ones."""
    files = _state["finder"].files if _state["finder"] is not None else {}
    return bool(files) and all(
        getattr(sys.modules.get(m), "__file__", None) == str(files[m]) for m in MODULES)


def reason() -> str:
    """Why the compiled or the source path is in use, for a report line."""
    return str(_state["reason"])
