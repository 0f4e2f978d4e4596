"""Words that are not a warning given now by the one who says them: history told ("In 1962, Moscow
warned …", judged by the article's own date) and a threat reported of somebody else ("the ministry
said Russia had threatened …")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from streams import stages
from streams.pipeline import Pipeline


def _alerts(pipeline: Pipeline, body: str, lang: str = "en", published: str | None = None) -> set[tuple[str, str]]:
    raw: dict[str, str] = {"id": "h1", "body": body, "language": lang}
    if published:
        raw["published_at"] = published
    result = pipeline.process(stages.parse_raw(raw))
    return {(a.rule.id, a.speaker.country or "?") for a in result.alerts}


# (undated, an opening year is a retrospective: news of the day names the day, not the year)
@pytest.mark.parametrize(("published", "alerts"), [("2021-12-01T10:00:00Z", True), ("2026-05-01T10:00:00Z", False),
                                                    (None, False)])
def test_a_year_well_before_the_article_is_history(pipeline_factory: Callable[[], Pipeline], published: str | None,
                                                   alerts: bool) -> None:
    got = _alerts(pipeline_factory(), "In 2021, Putin warned the West not to cross Russia's red lines.",
                  published=published)
    assert bool(got) is alerts and all(country == "RU" for _, country in got)


@pytest.mark.parametrize(("lang", "body"), [
    ("fr", "En 1962, Moscou avait averti que toute attaque contre Cuba entraînerait une riposte nucléaire."),
    ("ru", "В 1962 году Москва предупредила, что любое нападение на Кубу вызовет ядерный ответ."),
    ("ja", "1962年、ソ連はキューバへのいかなる攻撃にも核で報復すると警告した。"),
])
def test_an_undated_text_tells_history_before_2000(pipeline: Pipeline, lang: str, body: str) -> None:
    assert not _alerts(pipeline, body, lang)


@pytest.mark.parametrize(("lang", "body"), [
    ("en", "The Polish foreign ministry said Moscow had threatened Warsaw with military retaliation."),
    ("de", "Das polnische Außenministerium teilte mit, Russland habe Warschau mit militärischer Vergeltung gedroht."),
    ("ru", "Представитель МИД Польши заявил, что Россия пригрозила Варшаве военным ответом."),
    ("ko", "폴란드 외무부는 러시아가 군사적 보복을 하겠다고 위협했다고 밝혔다."),
])
def test_a_reported_threat_is_not_the_reporters(pipeline: Pipeline, lang: str, body: str) -> None:
    assert all(country != "PL" for _, country in _alerts(pipeline, body, lang))


def test_a_threat_joined_to_the_speakers_own_verb_stays_theirs(pipeline: Pipeline) -> None:
    got = _alerts(pipeline, "Lavrov said Russia would respond and warned NATO against crossing its red lines.")
    assert got and {c for _, c in got} == {"RU"}
