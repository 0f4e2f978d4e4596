"""Unnamed speakers (a pronoun or a bare title with no antecedent): the office comes from the
title, the state from how what was said names itself. Where that is not clear, a bare title, or a
pronoun whose own verb threatens a response, that nobody named before can be, is an official of no
known state, who alerts only on another state named; otherwise, no speaker."""

from __future__ import annotations

import pytest

from streams import stages
from streams.pipeline import Pipeline
from tests.unit.speech import alerts as _alerts
from tests.unit.speech import speakers as _speakers
from tests.unit.test_schemas import _validate


def test_bare_title_takes_the_state_that_speaks_of_itself(pipeline: Pipeline) -> None:
    body = ("«Wir verurteilen diesen Schritt», sagte der Diplomat am Abend. «Russland wird mit "
            "militärischen Gegenmaßnahmen antworten.»")
    sp = _speakers(pipeline, body, "de")[0]
    assert sp is not None and sp.country == "RU" and sp.government


def test_pronoun_with_a_quoted_self_reference_is_that_states_voice(pipeline: Pipeline) -> None:
    body = '"China will take all necessary military measures to respond to this provocation," he said.'
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country == "CN" and sp.government


def test_the_state_that_will_pay_is_the_target_not_the_speaker(pipeline: Pipeline) -> None:
    body = '"Japan will pay a heavy price for this military provocation," he warned.'
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country is None  # an official of no known state, not Japan's
    assert [(a.speaker.country, [t.country for t in a.targets]) for a in _alerts(pipeline, body, "en")] == \
        [(None, ["JP"])]


def test_a_country_in_reported_speech_does_not_make_a_pronoun_its_government(pipeline: Pipeline) -> None:
    body = "He warned that Germany will send more troops and respond to any military attack."
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country is None


def test_a_bare_title_placed_in_no_state_still_alerts_on_a_named_other(pipeline: Pipeline) -> None:
    body = ('The spokesperson warned: "Any attack on our vessels will be met with a crushing response '
            'against the United States."')
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.government and sp.country is None and sp.role == "spokesperson"
    alerts = _alerts(pipeline, body, "en")
    assert alerts and {t.country for a in alerts for t in a.targets} == {"US"}
    for alert in alerts:
        _validate("alert", alert)  # country null is a valid alert.v1 speaker
        assert "spokesperson" in alert.summary


def test_an_unplaced_voice_must_name_another_state(pipeline: Pipeline) -> None:
    body = 'The spokesperson warned: "Any attack on our vessels will be met with a crushing response."'
    assert _alerts(pipeline, body, "en") == []


@pytest.mark.parametrize("body", [
    "He warned that the conflict in Ukraine could escalate further.",  # foresees, threatens nothing
    "He said that Israel will pay a heavy price for any attack.",  # only says, and not as "we"
])
def test_a_pronoun_that_threatens_nothing_itself_is_nobody_in_particular(pipeline: Pipeline, body: str) -> None:
    assert _speakers(pipeline, body, "en")[0] is None


def test_somebody_named_before_may_be_the_pronoun(pipeline: Pipeline) -> None:
    body = ("Hamas leader Ismail Haniyeh spoke in Doha on Monday. The group has fought several wars. "
            "Its fighters are ready. \"Israel will pay a heavy price for this escalation,\" he warned.")
    assert _alerts(pipeline, body, "en") == []


def test_a_title_another_body_owns_is_not_an_official(pipeline: Pipeline) -> None:
    body = ("The spokesman for the rebel group warned that any attack on its positions would be met with "
            "retaliation against Israel.")
    assert _alerts(pipeline, body, "en") == []


def test_two_unplaced_voices_are_two_alerts(pipeline: Pipeline) -> None:
    body = '"Japan will pay a heavy price for this military provocation," he warned.'
    pipeline.alerts.clear()
    pipeline.state.clear()
    pipeline.duplicates.__init__()  # type: ignore[misc]
    ids = set()
    for n, text in enumerate((body, body.replace("this military provocation", "the naval blockade"))):
        result = pipeline.process(stages.parse_raw({"id": f"u{n}", "body": text, "language": "en",
                                                    "published_at": "2025-03-01T10:00:00Z"}))
        ids |= {a.id for a in result.alerts}
    assert len(ids) == 2


def test_an_assertion_that_a_state_stands_ready_is_that_states_voice(pipeline: Pipeline) -> None:
    body = "He stressed that Norway keeps watching its northern border and is ready to respond to any attack."
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country == "NO" and sp.government


def test_an_assertion_about_a_resolve_stays_a_paraphrase(pipeline: Pipeline) -> None:
    body = "He stressed that nobody should underestimate the resolve of Norway to respond to any attack."
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is None or sp.country != "NO"


def test_sport_talk_is_no_state_voice(pipeline: Pipeline) -> None:
    body = '"France will win the match and respond to the critics," he said after the football training.'
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is None or not sp.government


def test_a_named_title_is_not_bare(pipeline: Pipeline) -> None:
    body = "President Smithson said Canada will respond to any military attack."
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is None or sp.country != "CA" or sp.name != "President"


def test_we_in_the_quote_lets_the_reported_state_speak(pipeline: Pipeline) -> None:
    body = '"Those who threaten us will see a military answer," he said, warning that Turkey will deploy missiles.'
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country == "TR" and sp.government


def test_subject_set_just_before_its_quote(pipeline: Pipeline) -> None:
    body = 'Dia menambahkan bahwa Iran "akan mengambil tindakan balasan militer yang keras."'
    sp = _speakers(pipeline, body, "id")[0]
    assert sp is not None and sp.country == "IR" and sp.government


def test_a_country_opening_its_clause_stays_the_subject_far_from_the_cue(pipeline: Pipeline) -> None:
    body = ("La Russie a exprimé jeudi sa vive opposition au déploiement de nouveaux missiles en Europe "
            "et averti que l'Otan en subirait toutes les conséquences militaires.")
    sp = _speakers(pipeline, body, "fr")[0]
    assert sp is not None and sp.country == "RU"


def test_a_country_qualifying_a_non_government_noun_is_no_speaker(pipeline: Pipeline) -> None:
    body = ("Ruritania police surrounded the building where the crowd of students had gathered for days "
            "and threatened to use live ammunition.")
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is None or not sp.government


def test_a_pronoun_before_the_cue_keeps_the_object_from_speaking(pipeline: Pipeline) -> None:
    body = ("Thủ tướng Thụy Điển Stefan Löfven đã có bài phát biểu dài. Trong đó ông nhắc lại nhiều vấn đề. "
            "Ông cảnh báo Đức sẽ phải trả giá cho các hành động quân sự.")
    sp = _speakers(pipeline, body, "vi")[-1]
    assert sp is not None and sp.country == "SE"


def test_a_pronoun_between_a_country_and_the_cue_is_the_subject(pipeline: Pipeline) -> None:
    body = ("Raised in a village while Norway was building its oil industry, she warned of escalation "
            "in the family feud.")
    sps = _speakers(pipeline, body, "en")
    assert sps and all(sp is None or sp.country != "NO" for sp in sps)


def test_an_unknown_name_with_its_apposition_speaks_for_itself(pipeline: Pipeline) -> None:
    body = ("Le ministre britannique des Affaires étrangères a déclaré lundi que la situation restait calme. "
            "Jonas Verhulst, professeur à "
            "l'université de Gand, a averti d'une escalade militaire.")
    sp = _speakers(pipeline, body, "fr")[-1]
    assert sp is None or not sp.government


def test_an_unknown_name_before_an_office_keeps_the_office(pipeline: Pipeline) -> None:
    body = ("Jonas Verhulst, porte-parole du ministère russe des Affaires étrangères, a averti d'une "
            "escalade militaire.")
    sp = _speakers(pipeline, body, "fr")[-1]
    assert sp is not None and sp.government and sp.country == "RU"


def test_the_state_named_as_attacked_in_a_threat_is_the_speakers(pipeline: Pipeline) -> None:
    # "if they attack X, our response …": X is the speaker's own state
    body = '"If anyone dares to attack Norway, our response will be immediate and severe," he said.'
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country == "NO" and sp.government
    body = "“Setiap ancaman Rusia terhadap Polandia akan dibalas dengan serangan balik yang keras,” lanjutnya."
    sp = _speakers(pipeline, body, "id")[0]
    assert sp is not None and sp.country == "PL"


def test_a_state_attacked_in_words_that_threaten_nothing_speaks_for_nobody(pipeline: Pipeline) -> None:
    # no response, retaliation or consequences: reporting an attack is no threat and names no voice
    body = '"The attack on Norway was a tragedy for the fishermen," he said.'
    sp = _speakers(pipeline, body, "en")
    assert not sp or sp[0] is None or sp[0].country is None


def test_readiness_as_the_second_of_two_joined_predicates(pipeline: Pipeline) -> None:
    body = ("Речник заявив: «Литва уважно стежить за кордоном та готова відповісти на будь-яку "
            "провокацію».")
    sp = _speakers(pipeline, body, "uk")[0]
    assert sp is not None and sp.country == "LT"


def test_the_soil_a_threat_says_is_touched_is_the_speakers(pipeline: Pipeline) -> None:
    body = ("« Si l'armée tente de toucher le sol norvégien, la riposte sera immédiate », a déclaré l'agence "
            "citant le vice-ministre.")
    sp = _speakers(pipeline, body, "fr")[0]
    assert sp is not None and sp.country == "NO" and sp.government


def test_a_state_feared_is_not_the_state_speaking(pipeline: Pipeline) -> None:
    body = '"We fear that Norway will escalate the dispute over the islands," he said.'
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is None or sp.country != "NO"


def test_a_collective_that_said_it_will_answer_force_is_an_official(pipeline: Pipeline) -> None:
    body = '"We will answer any military attack by Norway with a harsh response," he said.'
    assert [(a.speaker.country, [t.country for t in a.targets]) for a in _alerts(pipeline, body, "en")] == \
        [(None, ["NO"])]


def test_a_collective_that_said_it_will_answer_on_the_pitch_is_nobody(pipeline: Pipeline) -> None:
    body = '"We will respond to Norway on the pitch on Sunday," he said.'
    assert _alerts(pipeline, body, "en") == []


def test_a_place_after_a_pronoun_tag_is_not_the_speaker(pipeline: Pipeline) -> None:
    for lang, body in (("en", '"Our red line is clear," he said in Norway.'),
                       ("de", "„Unsere rote Linie ist klar“, sagte er in Norwegen."),
                       ("fr", "« Notre ligne rouge est claire », a-t-il dit en Norvège.")):
        sp = _speakers(pipeline, body, lang)[0]
        assert sp is None or sp.country != "NO", (lang, sp)
        assert _alerts(pipeline, body, lang) == [], lang
