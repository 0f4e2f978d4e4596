"""The tagging modules compiled with mypyc (streams/tagging/compile.py, run by `make setup`) say
exactly what their sources say. mypyc checks annotations at run time, so a wrong annotation on a
path no other test reaches raises TypeError where Python carries on: the detector runs in two
fresh interpreters, NEWSWATCH_COMPILED=0 and =1, over the detection sentences, the sample feed and
text made from them at random (seeded: shuffled sentences, cuts at random offsets, odd punctuation,
lexicon phrases, other languages, empty and huge inputs), and every mention, statement and alert
must be the same (tests/unit/compiled_dump.py). Skipped when there is no compiled build."""

from __future__ import annotations

import os
import random
import types
import typing
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

import streams.tagging
from streams.languages import LANGUAGES
from streams.tagging import _mypyc
from tests.unit.compiled_dump import compare
from tests.unit.speech import strings

FIXTURES = Path(__file__).parents[1] / "fixtures"
SENTENCES = FIXTURES / "detection" / "sentences.jsonl"
FEED = FIXTURES / "feed" / "sample.jsonl"
LEXICONS = Path(streams.tagging.__file__).parent / "data" / "languages"
SEED = 13  # issue #13; NEWSWATCH_COMPILED_SEED picks other texts for a run by hand
GENERATED = 600

# what news text seldom holds but a feed may: quote marks of every script, dashes, stray
# sentence ends, brackets, invisible and right-to-left marks, emoji, numbers and dates
ODD = ['"', "'", "«", "»", "‹", "›", "„", "“", "”", "‘", "’", "「", "」", "『", "』", "《", "》", "—", "–", "-",
       "…", "...", "?!", "!!!", "??", ";", ":", ",", ".", "。", "、", "，", "؟", "،", "(", ")", "[", "]", "/", "\\",
       "\u200b", "\u00a0", "\u00ad", "\u200f", "\u202e", "\t", "\n", "\n\n", "\r\n", "🙂", "🇺🇦", "&amp;", "<b>",
       "2024", "12.03.2025", "1,000", "#", "@", "*", "•", "»»", "''", '""']


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


@cache
def _lexicon(lang: str) -> list[str]:
    """The phrases one language file knows (cues, terms, titles, bodies), "{c}" as a country."""
    path = LEXICONS / f"{lang}.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [s.replace("{c}", " ").replace("…", " ") for k, v in data.items() if k not in ("language", "version")
            for s in strings(v)]


def generated(sentences: list[dict[str, Any]], feed: list[dict[str, Any]], n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` texts made from pieces of the fixtures, reproducibly."""
    rng = random.Random(seed)
    by_lang: dict[str, list[str]] = {}
    for s in sentences:
        by_lang.setdefault(s["lang"], []).append(s["body"])
    for a in feed:
        if a.get("body") and a.get("language"):
            by_lang.setdefault(a["language"], []).extend(p for p in a["body"].split("\n") if p.strip())
    langs = sorted(by_lang)
    bodies = [a["body"] for a in feed if a.get("body")]

    def oddly(text: str, k: int) -> str:
        for _ in range(k):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(ODD) + text[at:]
        return text

    def make(i: int) -> tuple[str, str | None]:
        lang: str | None = rng.choice(langs)
        pool = by_lang[str(lang)]
        kind = i % 10
        if kind == 0:  # sentences of one language, shuffled, joined any way
            parts = rng.sample(pool, min(len(pool), rng.randint(2, 8)))
            text = "".join(p + rng.choice([" ", "\n", "\n\n", " — ", "", "; "]) for p in parts)
        elif kind == 1:  # a feed article cut at random offsets (mid-word, mid-quote)
            body = rng.choice(bodies)
            a, b = sorted(rng.randrange(len(body) + 1) for _ in range(2))
            text = body[a:b]
        elif kind == 2:  # odd punctuation anywhere
            text = oddly(rng.choice(pool), rng.randint(1, 12))
        elif kind == 3:  # lexicon phrases and sentences of the language, quoted or not
            words = _lexicon(str(lang)) or pool
            bits = [rng.choice(words) for _ in range(rng.randint(3, 12))] + [rng.choice(pool)]
            rng.shuffle(bits)
            text = " ".join(rng.choice(["", "", '"', "«", "„", "「"]) + w + rng.choice(["", ",", ".", ":", '"', "»"])
                            for w in bits)
        elif kind == 4:  # a text labelled as another language, or as none
            text = rng.choice(pool)
            lang = rng.choice([*LANGUAGES, None, "xx"])
        elif kind == 5:  # case changed, words cut
            text = rng.choice(pool)
            text = rng.choice([text.upper(), text.lower(), text.title(), text.swapcase()])
            cut = rng.randrange(len(text) + 1)
            text = text[:cut] + text[cut + rng.randint(1, 5):]
        elif kind == 6:  # sentences of two languages mixed
            other = by_lang[rng.choice(langs)]
            text = " ".join([rng.choice(pool), rng.choice(other), rng.choice(pool)])
        elif kind == 7:  # almost nothing
            text = rng.choice(["", " ", "\n\n", ".", '"', "«»", "“”", "—", "a", "Он сказал:", "说", oddly("", 3)])
        elif kind == 8:  # one sentence repeated, with its punctuation removed or doubled
            s = rng.choice(pool)
            text = rng.choice([s.replace(".", "").replace(",", ""), s.replace(" ", "  "), s.replace('"', "")]) * \
                rng.randint(1, 6)
        else:  # paragraphs of different articles run together
            text = "\n".join(rng.choice(pool) for _ in range(rng.randint(5, 30)))
        return text, lang

    out = []
    for i in range(n):
        text, lang = make(i)
        out.append({"id": f"gen-{seed}-{i}", "body": text, "language": lang})
    # huge: just under the 200,000 characters the cleaner takes (and once over), one run without a
    # sentence end, one long quote never closed
    huge = "\n\n".join(bodies[i % len(bodies)] for i in range(260))
    out.append({"id": f"gen-{seed}-huge", "body": huge[:199_000], "language": None})
    out.append({"id": f"gen-{seed}-too-huge", "body": huge, "language": None})
    flat = " ".join(s["body"].rstrip(".!?。") for s in rng.sample(sentences, 400) if s["lang"] in ("en", "de", "ru"))
    out.append({"id": f"gen-{seed}-flat", "body": flat.replace(".", " "), "language": "en"})
    out.append({"id": f"gen-{seed}-open-quote", "body": "«" + " ".join(by_lang.get("fr", by_lang[langs[0]])[:200]),
                "language": "fr"})
    for item in out:
        if item["language"] is None:
            del item["language"]
    return out


def items(seed: int = SEED, n: int = GENERATED) -> list[dict[str, Any]]:
    sentences = _jsonl(SENTENCES)
    feed = _jsonl(FEED)
    out = [{"id": s["id"], "mode": "text", "raw": {"id": s["id"], "body": s["body"], "language": s["lang"]}}
           for s in sentences]
    out += [{"id": a.get("id", f"feed-{i}"), "mode": "feed", "raw": a} for i, a in enumerate(feed)]
    out += [{"id": g["id"], "mode": "text", "raw": g} for g in generated(sentences, feed, n, seed)]
    return out


def test_compiled_and_source_say_the_same(tmp_path: Path) -> None:
    if os.environ.get(_mypyc.ENV, "").strip() == "0":
        pytest.skip(f"{_mypyc.ENV}=0: the tagging modules run from source in this run")
    files, why = _mypyc.check()
    if files is None:
        pytest.skip(f"no usable compiled tagging build: {why}")
    # the build is there and matches the sources: this interpreter must have loaded it
    assert streams.tagging.compiled(), f"a valid compiled build was not loaded: {_mypyc.reason()}"
    seed = int(os.environ.get("NEWSWATCH_COMPILED_SEED", SEED))
    given = items(seed)
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"".join(orjson.dumps(i) + b"\n" for i in given))
    cmp = compare(path, tmp_path)
    assert cmp.headers["0"].get("compiled") is False, f"NEWSWATCH_COMPILED=0 ran compiled: {cmp.headers['0']}"
    for flag in ("1", "1-cold"):
        assert cmp.headers[flag].get("compiled") is True, f"NEWSWATCH_COMPILED={flag} ran from source: {cmp.headers}"
    assert set(cmp.records.values()) == {2 * len(given)}, cmp.summary()
    shown = "\n".join(f"{rid} lazy={lazy}\n  source:   {a[:800]}\n  compiled: {b[:800]}"
                      for rid, lazy, a, b in cmp.differences[:10])
    assert not cmp.differences, f"{cmp.summary()}\n{shown}"
    # the same in both, but only records the cleaner turns away may fail ("nothing is left after cleaning")
    assert all(": InvalidRecord: " in e for e in cmp.errors), "\n".join(cmp.errors[:10])
    assert cmp.statements > 1000 and cmp.alerts > 100, cmp.summary()  # the runs did detect something


def test_a_build_is_used_only_while_every_digest_matches(tmp_path: Path) -> None:
    """_mypyc.check on a manifest of the current sources (the build's files faked): usable; with any
    one digest changed (an edited source), a digest missing, for another interpreter, or with an
    extension file that is not the one built: not."""
    from streams.tagging.compile import sources

    modules = {name: f"{name.replace('.', '/')}.so" for name in (*_mypyc.MODULES, _mypyc.LIBRARY)}
    for rel in modules.values():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    built = {rel: _mypyc.sha256(tmp_path / rel) for rel in modules.values()}
    good: dict[str, Any] = {"interpreter": _mypyc.interpreter(), "modules": modules, "sources": sources(),
                            "built": built}
    assert {f"{m.replace('.', '/')}.py" for m in _mypyc.MODULES} <= set(good["sources"])
    assert "streams/models.py" in good["sources"]  # the types it was compiled against count too
    manifest = tmp_path / "manifest.json"

    def check(data: dict[str, Any]) -> str | None:
        manifest.write_bytes(orjson.dumps(data))
        files, why = _mypyc.check(manifest)
        return None if files is not None else why

    assert check(good) is None
    for rel in good["sources"]:
        why = check({**good, "sources": {**good["sources"], rel: "0" * 64}})
        assert why is not None and rel in why and "changed" in why
    statements = "streams/tagging/statements.py"
    assert check({**good, "sources": {k: v for k, v in good["sources"].items() if k != statements}}) is not None
    assert check({**good, "interpreter": "cpython-310 .so"}) is not None
    assert check({**good, "modules": {k: v for k, v in modules.items() if k != _mypyc.LIBRARY}}) is not None
    assert check({k: v for k, v in good.items() if k != "built"}) is not None
    (tmp_path / modules[_mypyc.LIBRARY]).write_text("damaged")  # a damaged .so would crash on loading
    assert "not the file built" in (check(good) or "")
    (tmp_path / modules[_mypyc.LIBRARY]).write_text(modules[_mypyc.LIBRARY])
    assert check(good) is None
    (tmp_path / modules[_mypyc.MODULES[0]]).unlink()
    assert "missing" in (check(good) or "")


def _fits(value: Any, hint: Any) -> bool:
    """``value`` is of type ``hint``, items of containers included (what mypyc checks on reading one)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, a) for a in args)
    if hint is None or hint is type(None):
        return value is None
    if origin is None:
        return not isinstance(hint, type) or isinstance(value, hint)
    if not isinstance(value, origin):
        return False
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_fits(v, args[0]) for v in value)
        return len(value) == len(args) and all(_fits(v, a) for v, a in zip(value, args, strict=True))
    if origin in (list, set, frozenset):
        return all(_fits(v, args[0]) for v in value)
    if origin is dict:
        return all(_fits(k, args[0]) and _fits(v, args[1]) for k, v in value.items())
    return True


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


# a class of a compiled module keeps no annotations (dict, type): Confrontations' as in its source
CONFRONTATIONS: dict[str, Any] = {"rivals": dict[str, set[str]], "alliances": dict[str, set[str]],
                                  "home": dict[str, set[str]], "agencies": dict[str, str]}


# what each matcher layer's Phrase.value (typed Any) holds, as the compiled modules read it
# (entities.py: `role: str = hit.phrase.value`, `idx, side = h.phrase.value` for a body part)
PHRASE_VALUES: dict[str, Any] = {"body_part": tuple[int, str], "gap": tuple[str, str, int, str]}


def test_the_knowledge_base_holds_what_its_annotations_say() -> None:
    """The compiled modules check the annotated type of every attribute they read (an entity's
    country, a role's id): a data file that gives another (a YAML key read as a number or a boolean)
    would raise TypeError there where the sources carry on. Built from the YAML files and read
    back from the cache alike."""
    from streams.settings import load as load_settings
    from streams.tagging import confrontations
    from streams.tagging import kb as kb_module

    built = kb_module._Builder(load_settings()).parts()
    wrong: list[str] = []
    for parts in (built, kb_module._Parts.undump(built.dump())):
        objects: list[tuple[str, Any]] = [("parts", parts)]
        objects += [(f"entity {e.id}", e) for e in parts.entities.values()]
        objects += [(f"body pattern {i}", b) for i, b in enumerate(parts.body_patterns)]
        objects += [(f"phrase {key!r}", p) for key, p in parts.phrases]
        for where, obj in objects:
            for name, hint in _hints(type(obj)).items():
                if name == "value":
                    hint = PHRASE_VALUES.get(obj.layer, str)
                if name not in ("tables", "phrases") and not _fits(getattr(obj, name), hint):
                    wrong.append(f"{where}: {name} = {getattr(obj, name)!r} is no {hint}")
    rivals = confrontations.load()
    wrong += [f"confrontations: {name} is no {hint}" for name, hint in CONFRONTATIONS.items()
              if not _fits(getattr(rivals, name), hint)]
    assert not wrong, "\n".join(wrong[:20])
