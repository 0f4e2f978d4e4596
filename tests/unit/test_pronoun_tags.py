"""Attributions that name nobody next to what was said: a pronoun tag after the words ("…, he
added."), a speaker line after the quote (on its own line or as its own sentence), a pronoun or
zero subject a few sentences after the official was named. The sentences are the team's own
fixtures, one pattern each."""

from __future__ import annotations

from streams import stages
from streams.models import Statement
from streams.pipeline import Pipeline


def _statements(pipeline: Pipeline, body: str, lang: str) -> list[Statement]:
    pipeline.alerts.clear()
    pipeline.state.clear()
    pipeline.duplicates.__init__()  # type: ignore[misc]
    result = pipeline.process(stages.parse_raw({"id": "a1", "body": body, "language": lang}))
    assert result.tagged is not None
    return result.tagged.statements


def test_words_before_a_pronoun_tag_are_what_was_said(pipeline: Pipeline) -> None:
    body = ("Foreign Minister Sergei Lavrov spoke to reporters on Tuesday. "
            "Any strike deep inside Russia would be a dangerous escalation, he added.")
    st = _statements(pipeline, body, "en")[-1]
    assert st.speaker is not None and st.speaker.country == "RU"
    assert "escalation" in st.terms


def test_a_speaker_line_after_the_quote_tags_it(pipeline: Pipeline) -> None:
    for body in ("«أي هجوم على أراضينا سيكون تصعيدا خطيرا»\nحذرت زاخاروفا.",
                 "أي هجوم على أراضينا سيكون تصعيدا خطيرا. حذرت زاخاروفا."):
        st = _statements(pipeline, body, "ar")[-1]
        assert st.speaker is not None and st.speaker.country == "RU"
        assert "escalation" in st.terms


def test_a_speaker_line_names_the_speaker_of_the_quote_above(pipeline: Pipeline) -> None:
    body = ('"Any attack on our territory will be met with swift retaliation."\n'
            "Russian Foreign Ministry spokeswoman Maria Zakharova said.")
    first = _statements(pipeline, body, "en")[0]
    assert first.speaker is not None and first.speaker.country == "RU"


def test_a_sentence_with_more_than_a_name_and_a_verb_is_no_tag(pipeline: Pipeline) -> None:
    body = ("Any strike would be a dangerous escalation. "
            "Lavrov said the talks with his counterpart had been useful and would go on next month.")
    st = _statements(pipeline, body, "en")[-1]
    assert "escalation" not in st.terms


def test_a_pronoun_reaches_back_over_sentences_that_name_nobody(pipeline: Pipeline) -> None:
    cases = [
        ("es", 'El canciller ruso Serguéi Lavrov habló el martes con la prensa. No dio más detalles. '
               '"Cualquier ataque será una escalada peligrosa", añadió.'),
        ("ja", "北朝鮮外務省の報道官は14日に会見を開きました。会見は30分ほど続きました。"
               "さらに「アメリカが挑発を続ければ、強力な報復措置をとる」と警告しました。"),
        ("id", "Menteri Pertahanan China Dong Jun berbicara di Singapura pada Sabtu. Dia tidak merinci langkah itu. "
               '"Setiap provokasi akan dibalas dengan tindakan balasan yang tegas," kata dia.'),
    ]
    for lang, body in cases:
        st = _statements(pipeline, body, lang)[-1]
        assert st.speaker is not None and st.speaker.government, lang


def test_a_pronoun_does_not_reach_past_another_named_person(pipeline: Pipeline) -> None:
    body = ("Foreign Minister Sergei Lavrov met reporters on Tuesday. Analyst John Smith gave no details. "
            "Any strike would be a dangerous escalation, he added.")
    st = _statements(pipeline, body, "en")[-1]
    assert st.speaker is None or not st.speaker.government


def test_a_reflexive_verb_of_revenge_is_not_owned_by_its_object(pipeline: Pipeline) -> None:
    body = "O Conselho Nacional de Segurança do Irã afirmou que vai se vingar dos EUA no momento certo."
    st = _statements(pipeline, body, "pt")[-1]
    assert st.speaker is not None and st.speaker.country == "IR"
    assert "retaliation" in st.terms


def test_an_imperative_not_to_play_with_fire_is_a_warning(pipeline: Pipeline) -> None:
    body = '"Don’t play with fire over Taiwan," Chinese Foreign Minister Wang Yi said on Friday.'
    st = _statements(pipeline, body, "en")[-1]
    assert "grave_consequences" in st.terms


def test_a_bare_title_repeating_the_office_just_named_is_that_official(pipeline: Pipeline) -> None:
    cases = [
        ("en", "Chinese Foreign Ministry spokesperson Mao Ning spoke on Monday. "
               "The spokesperson said any provocation would be met with resolute countermeasures."),
        ("id", "Juru bicara Kementerian Luar Negeri China Mao Ning berbicara pada Senin. Juru bicara itu "
               "memperingatkan bahwa setiap provokasi akan dibalas dengan tindakan balasan yang tegas."),
        ("ko", '북한 외무성 대변인은 14일 담화를 발표했다. 대변인은 "미국이 도발을 계속하면 강력한 보복에 '
               '직면할 것"이라고 경고했다.'),
    ]
    for lang, body in cases:
        st = _statements(pipeline, body, lang)[-1]
        assert st.speaker is not None and st.speaker.country in ("CN", "KP"), lang


def test_a_bare_title_of_another_office_is_not_the_official_just_named(pipeline: Pipeline) -> None:
    body = ("Chinese Foreign Minister Wang Yi spoke on Monday. "
            "The spokesperson said any provocation would be met with resolute countermeasures.")
    st = _statements(pipeline, body, "en")[-1]
    assert st.speaker is None or st.speaker.country is None


def test_korean_reporters_addressed_are_no_subject(pipeline: Pipeline) -> None:
    body = ('북한 외무성 대변인은 14일 담화를 발표했다. 대변인은 이날 기자들에게 입장을 설명했다. '
            '또 "미국이 도발을 계속하면 강력한 보복에 직면할 것"이라고 경고했다.')
    st = _statements(pipeline, body, "ko")[-1]
    assert st.speaker is not None and st.speaker.country == "KP"
    experts = _statements(pipeline, '전문가들은 "미국이 도발을 계속하면 보복에 직면할 것"이라고 경고했다.', "ko")[-1]
    assert experts.speaker is not None and not experts.speaker.government


def test_unacceptable_on_an_escalation_is_a_warning_a_plain_condemnation_is_not(pipeline: Pipeline) -> None:
    ja = _statements(pipeline, "「挑発をエスカレートさせる発射は容認できません」", "ja")[-1]
    assert "warn" in ja.cues
    en = _statements(pipeline, "Foreign Minister Wang Yi condemned the escalation by the Philippines.", "en")[-1]
    assert "warn" not in en.cues


def test_a_call_not_to_play_with_fire_is_a_warning(pipeline: Pipeline) -> None:
    for lang, body in (("en", "Chinese President Xi Jinping urged the United States not to play with fire."),
                       ("id", "Presiden China Xi Jinping mendesak AS agar jangan bermain api soal Taiwan.")):
        st = _statements(pipeline, body, lang)[-1]
        assert "warn" in st.cues, lang
    calm = _statements(pipeline, "Chinese President Xi Jinping urged both sides to avoid escalation.", "en")[-1]
    assert "warn" not in calm.cues


def test_no_attack_will_go_unanswered_is_a_threat_an_unanswered_letter_is_not(pipeline: Pipeline) -> None:
    for lang, body in (("en", '"No strike will go unanswered," Foreign Minister Sergei Lavrov said.'),
                       ("de", '„Kein Angriff wird unbeantwortet bleiben“, sagte Außenminister Sergej Lawrow.'),
                       ("es", '"Ningún ataque quedará sin respuesta", dijo el canciller ruso Serguéi Lavrov.')):
        st = _statements(pipeline, body, lang)[-1]
        assert "retaliation" in st.terms, lang
    letter = _statements(pipeline, "Foreign Minister Sergei Lavrov said the letter would go unanswered.", "en")[-1]
    assert "retaliation" not in letter.terms


def test_not_leaving_dangerous_acts_unheeded_is_a_threat(pipeline: Pipeline) -> None:
    body = ("Kremlsprecher Dmitri Peskow betonte, Russland werde gefährliche Handlungen gegen seine Interessen "
            "nicht unbeachtet lassen.")
    assert "retaliation" in _statements(pipeline, body, "de")[-1].terms
    calm = "Kremlsprecher Dmitri Peskow sagte, der Brief sei lange unbeachtet geblieben."
    assert "retaliation" not in _statements(pipeline, calm, "de")[-1].terms
