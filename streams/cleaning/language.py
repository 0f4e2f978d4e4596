"""Language identification with py3langid's shipped model, restricted to the supported languages.

Only a bounded prefix of the clean text is classified: :data:`PREFIX_BYTES` bytes of
UTF-8 (about 230 Latin characters, 130 Cyrillic, 150 Vietnamese), with quoted speech
taken out first when enough text remains (an article that opens with an English quote is
not English). py3langid walks its automaton byte by byte in Python over a 20 MB table,
so the cost grows with the bytes classified, and more so when other work runs between
calls and the table is no longer in the CPU caches, as in a running pipeline.

120 bytes keeps a 1.5x margin over the shortest prefix that identified every fixture and
every sample-feed article, at half the cost of 240 (the measurements: BENCHMARKS.md,
"Choices in the cleaning stage").

The feed's language hint only breaks ties: it is used when the model's confidence is
below :data:`LOW_CONFIDENCE`, the hint is a supported language, and the model gives the
hint at least half the probability of its own best guess. Text without letters, or
written mostly in a script none of the supported languages uses, is ``"und"`` with
confidence 0.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import zipfile
from array import array
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from streams import _core
from streams.languages import LANGUAGES

SUPPORTED_LANGUAGES: tuple[str, ...] = LANGUAGES
PREFIX_BYTES = 120  # UTF-8 bytes classified; see the trade-off in the module docstring
LOW_CONFIDENCE = 0.5
# below this confidence the prefix is classified again on RECHECK_FACTOR times the bytes (about 1 % of
# articles and fixtures: the cost stays a prefix's, the answer a paragraph's)
RECHECK = 0.8
RECHECK_FACTOR = 4
UNDETERMINED = "und"

# old and three-letter codes feeds still send
_HINT_ALIASES = {
    "in": "id",
    "ind": "id",
    "eng": "en",
    "vie": "vi",
    "deu": "de",
    "ger": "de",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "rus": "ru",
    "ara": "ar",
    "ukr": "uk",
    "por": "pt",
    "ita": "it",
    "pol": "pl",
    "tur": "tr",
    "zho": "zh",
    "chi": "zh",
    "jpn": "ja",
    "kor": "ko",
    "nb": "no",  # Bokmål and Nynorsk are read as one Norwegian
    "nn": "no",
    "nob": "no",
    "nno": "no",
    "nor": "no",
    "swe": "sv",
    "ces": "cs",
    "cze": "cs",
    "ron": "ro",
    "rum": "ro",
    "mo": "ro",
    "hun": "hu",
    "hin": "hi",
    "iw": "he",
    "heb": "he",
    "bul": "bg",
}

_QUOTED = re.compile('"[^"\n]{1,600}"|“[^”“\n]{1,600}[”“]|«[^»\n]{1,600}»|„[^“”\n]{1,600}[“”]')
_LETTER = re.compile(r"[^\W\d_]")
# letters of scripts none of the supported languages is written in (not Latin, Cyrillic,
# Arabic, Hebrew, Devanagari, Han, kana or Hangul)
_FOREIGN_LETTER = re.compile(
    r"[^\W\d_A-Za-z\u00aa\u00b5\u00ba\u00c0-\u024f\u0400-\u052f\u1e00-\u1eff"
    r"\u0590-\u05ff\ufb1d-\ufb4f\u0900-\u097f\ua8e0-\ua8ff"
    r"\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
    r"\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]"
)


@functools.cache
def identifier_class() -> Any:
    """py3langid's LanguageIdentifier with its byte walk (``visit_counts``, a Python loop over the
    sample's bytes through a 39 MB automaton: ~70 us of the ~200 a 2-3 KB article's language id
    costs) done by the compiled core over the model's own arrays. Only the walk: the scores, their
    float32 arithmetic and the ranking stay py3langid's, so the probabilities are the same bits
    (tests/unit/test_language_walk.py)."""
    from py3langid.langid import LanguageIdentifier

    class Identifier(LanguageIdentifier):  # type: ignore[misc]  # py3langid is untyped
        __slots__ = ("_states", "_walk")

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            nextmove = self.tk_nextmove
            if not (isinstance(nextmove, array) and nextmove.typecode == "I"):
                nextmove = array("I", nextmove)
            self._walk = (nextmove, array("Q", self._rowbase), array("q", self.tk_output))
            # each state's row offset and feature side by side (visit_arrays: one cache line per
            # step there instead of two), 0.8 MB; the weights as one C-ordered float32 block
            states = np.empty((len(self._rowbase), 2), dtype=np.int32)
            states[:, 0] = np.frombuffer(self._walk[1], dtype=np.uint64)
            states[:, 1] = np.frombuffer(self._walk[2], dtype=np.int64)
            self._states = array("i", states.tobytes())

        def _raw_score(self, text: bytes) -> Any:
            table = self.nb_ptc
            if (_VISIT_ARRAYS is not None and isinstance(table, np.ndarray) and table.dtype == np.float32
                    and table.ndim == 2 and table.flags.c_contiguous):
                found = _VISIT_ARRAYS(self._walk[0], self._states, table, table.shape[1], text)
                if found is not None:
                    # the arrays _sparse_score makes of visit_counts' dict (the counts, same values in
                    # the same order, and table[features], the same rows), so the same arithmetic
                    # on them: the same bits
                    counts = np.frombuffer(found[1], dtype=np.float32)
                    rows = np.frombuffer(found[2], dtype=np.float32).reshape(len(counts), table.shape[1])
                    return np.log1p(counts) @ rows + self.nb_pc
                return super()._raw_score(text)  # no feature: py3langid's own floor
            return self.reference_raw_score(text)

        def reference_raw_score(self, text: bytes) -> Any:
            """_raw_score with the walk's counts as a dict (visit_counts), as py3langid scores them."""
            visits = _core.visit_counts(*self._walk, text)
            if visits:
                return self._sparse_score(visits, self.nb_ptc)
            return super()._raw_score(text)  # no feature: py3langid's own floor

    return Identifier


# The compiled walk returning arrays (streams/native); None with a core built before it (the dict walk then).
_VISIT_ARRAYS = getattr(_core, "visit_arrays", None)


@functools.cache
def _identifier() -> Any:
    """The py3langid identifier, loaded once on first use: from the cache a previous load left
    (~0.1 s), or from py3langid's LZMA-compressed model (about half a second, most of it
    decompressing 68 MB of weights for all the model's languages)."""
    LanguageIdentifier = identifier_class()
    path = _cache_path()
    cached = _read_cached(path, LanguageIdentifier)
    if cached is not None:
        return cached
    identifier = _from_model(LanguageIdentifier)
    _write_cached(path, identifier)
    return identifier


def _from_model(cls: Any) -> Any:
    from py3langid.langid import MODEL_FILE

    identifier = cls.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED_LANGUAGES))
    # set_languages leaves the (features x languages) weights as a strided float16 view:
    # one row-major float32 copy (2.8 MB) makes each feature's weights one cache line and
    # saves a cast per call; the probabilities are bit-for-bit the same (tested)
    identifier.nb_ptc = np.ascontiguousarray(identifier.nb_ptc, dtype=np.float32)
    return identifier


# The model restricted to the supported languages, as plain arrays in an uncompressed .npz (read
# without pickle, ~50 MB: the automaton is most of it) under the cache directory, keyed by the
# model file (size and time), py3langid's version and the languages: a new model is a new file.
LANGID_CACHE_FORMAT = 1
LANGID_CACHE_KEEP = 2


def _cache_path(model: Path | None = None) -> Path:
    from streams.settings import load as load_settings

    if model is None:
        from py3langid.langid import MODEL_DIR, MODEL_FILE

        model = MODEL_DIR / MODEL_FILE
    stat = model.stat()
    key = (f"{LANGID_CACHE_FORMAT}|{_version('py3langid')}|{','.join(sorted(SUPPORTED_LANGUAGES))}|"
           f"{model}|{stat.st_size}|{stat.st_mtime_ns}")
    return load_settings().cache_dir / f"langid-{hashlib.blake2b(key.encode(), digest_size=10).hexdigest()}.npz"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def _read_cached(path: Path, cls: Any) -> Any | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            nextmove, row = array(str(data["typecode"])), array(str(data["row_typecode"]))
            nextmove.frombytes(memoryview(data["nextmove"]).cast("B"))
            row.frombytes(memoryview(data["row"]).cast("B"))
            return cls(data["ptc"], data["pc"], data["classes"].tolist(), nextmove, data["output"].tolist(),
                       norm_probs=True, tk_row=row)
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):  # absent, unreadable, other
        return None


def _write_cached(path: Path, identifier: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, ptc=identifier.nb_ptc, pc=identifier.nb_pc, classes=np.array(identifier.nb_classes),
                 typecode=np.array(identifier.tk_nextmove.typecode), nextmove=np.frombuffer(identifier.tk_nextmove,
                 dtype=np.dtype(identifier.tk_nextmove.typecode)),
                 row_typecode=np.array(identifier.tk_row.typecode),
                 row=np.frombuffer(identifier.tk_row, dtype=np.dtype(identifier.tk_row.typecode)),
                 output=np.asarray(identifier.tk_output, dtype=np.int64))
        tmp.replace(path)
        old = sorted(path.parent.glob("langid-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[LANGID_CACHE_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:  # a read-only home: the next start loads the model again
        pass


def load_model() -> None:
    """Load the model now (a worker can call this at start-up instead of on the first article)."""
    _identifier()


def normalize_hint(hint: str | None) -> str | None:
    """``"id-ID"`` -> ``"id"``, ``"in"`` -> ``"id"``; ``None`` for anything unsupported."""
    if not hint:
        return None
    code = hint.strip().lower().replace("_", "-").split("-", 1)[0]
    code = _HINT_ALIASES.get(code, code)
    return code if code in SUPPORTED_LANGUAGES else None


def _prefix(text: str, limit: int) -> str:
    """At most ``limit`` UTF-8 bytes of ``text``, cut at a space when there is one."""
    if len(text) <= limit // 4:
        return text
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data.rfind(b" ", limit // 2, limit + 1)
    return data[: cut if cut > 0 else limit].decode("utf-8", "ignore")


def _sample(text: str, limit: int) -> str:
    """The prefix to classify: quoted speech taken out when enough text remains.

    An article often opens with a quote in another language ("We are deeply concerned,"
    kata juru bicara ...); the reporter's own sentences say more about its language.
    """
    head = text[: limit * 3]
    # a quote mark _QUOTED opens with: four C scans (a regex class tried at every position is ~3x slower)
    if '"' in head or "“" in head or "«" in head or "„" in head:
        unquoted = " ".join(_QUOTED.sub(" ", head).split())
        if len(unquoted) >= min(limit, len(head)) // 2:
            return _prefix(unquoted, limit)
    return _prefix(head, limit)


def _classifiable(text: str, prefix_bytes: int) -> str | None:
    """The sample detect_language classifies; None when the text is ``"und"`` (no letter, or
    mostly letters of scripts none of the supported languages is written in)."""
    sample = _sample(text, prefix_bytes)
    first = _LETTER.search(sample)
    if first is None:
        first = _LETTER.search(text)
        if first is None:
            return None
        sample = _sample(text[first.start() :], prefix_bytes)
    if len(_FOREIGN_LETTER.findall(sample)) * 3 > len(sample):
        return None
    return sample


def _hinted(language: str, confidence: float, hint: str | None, score_of: Any) -> tuple[str, float]:
    """The hint breaks a tie: below LOW_CONFIDENCE, a supported hint the model gives at least half
    its best guess's probability wins. ``score_of(code)``: the model's probability of a language."""
    if confidence < LOW_CONFIDENCE:
        wanted = normalize_hint(hint)
        if wanted is not None and wanted != language:
            hinted = score_of(wanted)
            if hinted * 2 >= confidence:
                language, confidence = wanted, hinted
    return language, min(1.0, max(0.0, float(confidence)))


def detect_language(text: str, hint: str | None = None, *, prefix_bytes: int = PREFIX_BYTES) -> tuple[str, float]:
    """``(language, confidence)``: an ISO 639-1 code from :data:`SUPPORTED_LANGUAGES` or ``"und"``.

    reference_detect_language's answer without ranking every language: the best one (the first of
    the model's order among equal scores, as the stable sort in py3langid's ``rank`` puts first)
    and the hint's score are read off the scores (tests/unit/test_language_walk.py). A prefix the
    model is unsure of (below :data:`RECHECK`: Russian read as Bulgarian, Japanese as Chinese on a
    line of kanji) is classified again on :data:`RECHECK_FACTOR` times as many bytes."""
    return _rechecked(_detect, text, hint, prefix_bytes)


def _rechecked(detect: Callable[[str, str | None, int], tuple[str, float]], text: str, hint: str | None,
               prefix_bytes: int) -> tuple[str, float]:
    """``detect`` on the prefix, and again on RECHECK_FACTOR times its bytes when unsure."""
    language, confidence = detect(text, hint, prefix_bytes)
    if confidence < RECHECK and len(text) > prefix_bytes // 4:
        longer = detect(text, hint, prefix_bytes * RECHECK_FACTOR)
        if longer[0] != UNDETERMINED:
            return longer
    return language, confidence


def _detect(text: str, hint: str | None, prefix_bytes: int) -> tuple[str, float]:
    sample = _classifiable(text, prefix_bytes)
    if sample is None:
        return UNDETERMINED, 0.0
    identifier = _identifier()
    classes: list[str] = identifier.nb_classes
    scores: list[float] = identifier._decide(sample).tolist()
    if len(set(classes)) != len(classes) or any(x != x for x in scores):  # aliases or NaN: rank's own order
        ranked: list[tuple[str, float]] = identifier.rank(sample)
        return _hinted(*ranked[0], hint, lambda code: dict(ranked).get(code, 0.0))
    best = max(range(len(scores)), key=scores.__getitem__)  # the first of equal maxima
    return _hinted(classes[best], scores[best], hint,
                   lambda code: scores[classes.index(code)] if code in classes else 0.0)


def reference_detect_language(text: str, hint: str | None = None, *,
                              prefix_bytes: int = PREFIX_BYTES) -> tuple[str, float]:
    """detect_language with py3langid's ranking of every language: what the fast form is tested against."""
    return _rechecked(_reference_detect, text, hint, prefix_bytes)


def _reference_detect(text: str, hint: str | None, prefix_bytes: int) -> tuple[str, float]:
    sample = _classifiable(text, prefix_bytes)
    if sample is None:
        return UNDETERMINED, 0.0
    ranked: list[tuple[str, float]] = _identifier().rank(sample)
    language, confidence = ranked[0]
    return _hinted(language, confidence, hint, lambda code: dict(ranked).get(code, 0.0))
