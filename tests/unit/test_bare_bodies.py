"""Bodies named without their state ("the defence ministry said", "Le ministère de la Défense a
averti", "У Міноборони заявили"): the language files' ``bodies_bare``. Such a body speaks for the state
of the voice just before it, of a place named with it ("the ministry in Moscow"), or of the state
opening the sentence before when its words aim at another state; "the ministry" alone only for the
ministry just named. It never takes the voice of somebody else named before it (a summoned envoy)."""

from __future__ import annotations

import pytest

from streams.pipeline import Pipeline
from tests.unit.speech import alerting as _alerting
from tests.unit.speech import speakers as _speakers


@pytest.mark.parametrize(("lang", "body", "country"), [
    ("en", "Kazakhstan's foreign ministry summoned the Kyrgyz envoy on Friday. The ministry warned that Bishkek "
           "would bear all consequences of further border provocations.", "KZ"),
    ("en", "Turkey's defence ministry said it had intercepted two drones. The foreign ministry warned that any "
           "Greek deployment on the islands would be a dangerous escalation.", "TR"),
    ("it", "L'India ha convocato l'ambasciatore pachistano. Il ministero degli Esteri ha avvertito che Islamabad "
           "si assumerà tutte le conseguenze di nuove infiltrazioni.", "IN"),
    ("vi", "Trung Quốc triệu tập đại sứ Nhật Bản. Bộ Ngoại giao cảnh báo Tokyo sẽ phải gánh chịu mọi hậu quả.",
     "CN"),
    ("de", "Serbien wirft dem Kosovo Provokationen an der Grenze vor. Das Verteidigungsministerium warnte, jede "
           "weitere Provokation werde eine entschlossene Antwort nach sich ziehen.", "RS"),
    ("uk", "Росія звинуватила Молдову в провокаціях. У Міноборони заявили, що будь-яка нова атака матиме "
           "жорстку відповідь.", "RU"),
    ("en", "Armenia's foreign ministry condemned the shelling. The defence ministry in Baku warned that any attack "
           "on its positions would be met with a decisive response.", "AZ"),
])
def test_a_bare_body_speaks_for_the_state_the_text_gives_it(pipeline: Pipeline, lang: str, body: str,
                                                             country: str) -> None:
    assert _alerting(pipeline, body, lang) == {country}
    last = _speakers(pipeline, body, lang)[-1]
    assert last is not None and last.kind == "body" and last.country == country and last.government


def test_a_summoned_envoy_is_not_the_voice_of_the_ministry_after_him(pipeline: Pipeline) -> None:
    body = ("China's foreign ministry summoned the Philippine ambassador on Monday. The ministry warned that "
            "Manila would bear all consequences if it continued its provocations.")
    assert _alerting(pipeline, body, "en") == {"CN"}


def test_an_attackers_state_is_not_the_army_that_answers_it(pipeline: Pipeline) -> None:
    # the army that will respond is the one attacked; the text does not say so: no alert, not Iran's
    body = ("Iran launched dozens of missiles at Israel overnight. The army said it would respond at a time of "
            "its choosing.")
    assert None not in _alerting(pipeline, body, "en") and "IR" not in _alerting(pipeline, body, "en")
    body = "Iran launched dozens of missiles at Israel overnight. The army warned Tehran it would pay a heavy price."
    assert "IR" not in _alerting(pipeline, body, "en")


@pytest.mark.parametrize(("lang", "body"), [
    ("en", "The government said the new fuel tax would be a grave threat to small businesses."),
    ("en", "Germany's economy shrank again. The government warned that a trade war with China would have grave "
           "consequences."),
    ("de", "Die Regierung warnte vor einer Eskalation der Preise für Energie."),
    ("en", "Protesters marched on the presidential palace. The army said it would respond with force to any attack "
           "on its positions."),
    ("en", "The foreign ministry of the breakaway region warned that any Georgian incursion would be met with force."),
])
def test_a_bare_body_off_the_rule_stays_silent(pipeline: Pipeline, lang: str, body: str) -> None:
    assert _alerting(pipeline, body, lang) == set()


def test_the_ministry_alone_is_the_ministry_just_named(pipeline: Pipeline) -> None:
    body = ("Russia's defence minister inspected troops near the border on Monday. The ministry warned that any "
            "deployment of NATO forces in Finland would be met with a military response.")
    last = _speakers(pipeline, body, "en")[-1]
    assert last is not None and (last.country, last.role) == ("RU", "defence_ministry")
