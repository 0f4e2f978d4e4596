"""Views held rather than warnings given, and another state's words quoted inside a quote: a
state's standing position told by the journalist ("Beijing regards it as a red line"), an
official's assessment that something is a serious threat, and a minister quoting the other
side's message. Fixture sentences are the team's own."""

from __future__ import annotations

from streams.models import RawArticle
from streams.pipeline import Pipeline


def _alerts(pipeline: Pipeline, body: str, lang: str = "en") -> list[str]:
    raw = RawArticle(body=body, id=f"hv-{abs(hash(body))}", language=lang, published_at="2025-03-04T10:00:00Z")
    return sorted(a.rule.id for a in pipeline.process(raw).alerts)


# --- a standing position told in narrative


def test_a_state_regarding_something_as_a_red_line_is_background(pipeline: Pipeline) -> None:
    body = 'Beijing regards the island as a "red line" that Washington must never cross.'
    assert _alerts(pipeline, body) == []


def test_a_standing_red_line_in_vietnamese_is_background(pipeline: Pipeline) -> None:
    body = 'Bắc Kinh coi đó là "lằn ranh đỏ" mà Mỹ không được vượt qua.'
    assert _alerts(pipeline, body, "vi") == []


def test_a_state_that_says_it_regards_something_as_a_red_line_still_fires(pipeline: Pipeline) -> None:
    body = "Moscow said it regards any strike on its ports as a red line."
    assert "gov-warns-escalation" in _alerts(pipeline, body)


def test_a_state_regarding_a_move_in_its_own_quoted_words_still_fires(pipeline: Pipeline) -> None:
    body = 'Moscou considère le déploiement "un pas dangereux qui mène à une escalade".'
    assert "gov-warns-escalation" in _alerts(pipeline, body, "fr")


def test_a_future_view_is_a_warning(pipeline: Pipeline) -> None:
    body = "Nga sẽ coi đó là hành động leo thang nếu NATO đưa quân tới Ukraine."
    assert "gov-warns-escalation" in _alerts(pipeline, body, "vi")


def test_a_view_tied_to_a_day_is_news(pipeline: Pipeline) -> None:
    body = 'Hôm qua, Bắc Kinh coi đó là "lằn ranh đỏ" mà Mỹ không được vượt qua.'
    assert "gov-warns-escalation" in _alerts(pipeline, body, "vi")


# --- an assessment that something is a threat


def test_believing_something_is_a_serious_threat_is_an_assessment(pipeline: Pipeline) -> None:
    body = "The French president believes the missile programme is a serious threat to the whole region."
    assert _alerts(pipeline, body) == []


def test_saying_a_move_is_a_serious_threat_still_fires(pipeline: Pipeline) -> None:
    body = "The Russian president said the new deployment is a serious threat to Russia."
    assert "gov-warns-escalation" in _alerts(pipeline, body)


def test_believing_drills_could_become_a_serious_threat_still_fires(pipeline: Pipeline) -> None:
    body = "Tổng thống Pháp cho rằng cuộc tập trận có thể trở thành mối đe dọa nghiêm trọng đối với an ninh của Pháp."
    assert "gov-warns-escalation" in _alerts(pipeline, body, "vi")


# --- a quote inside a quote


def test_another_leaders_message_quoted_by_a_minister_is_not_the_ministers(pipeline: Pipeline) -> None:
    body = ('"I read the message of President Putin like this: "We may cross your red lines, but you must '
            'not cross ours"," Ukraine\'s foreign minister said.')
    assert _alerts(pipeline, body) == []


def test_words_the_speaker_addressed_to_another_state_are_the_speakers(pipeline: Pipeline) -> None:
    body = ('"We told Washington: "Any strike on our territory crosses a red line"," Russia\'s foreign '
            'minister said.')
    assert "gov-warns-escalation" in _alerts(pipeline, body)


# --- the scene is no target


def test_a_state_named_in_the_background_phrase_is_no_target(pipeline: Pipeline) -> None:
    body = ("Amid tensions over Ukraine, the American president warned that Moscow would face grave "
            "consequences for any new cyberattack.")
    raw = RawArticle(body=body, id="hv-scene", language="en", published_at="2025-03-04T10:00:00Z")
    alerts = pipeline.process(raw).alerts
    assert alerts and all({t.country for t in a.targets} == {"RU"} for a in alerts)


def test_a_state_regarding_a_move_as_an_escalation_still_fires(pipeline: Pipeline) -> None:
    body = "Moscow regards the deployment of the missiles as a dangerous escalation."
    assert "gov-warns-escalation" in _alerts(pipeline, body)
