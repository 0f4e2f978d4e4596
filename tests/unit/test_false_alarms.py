"""False-alarm filters: a red line or response owned by another state than the speaker's, a quoted
name that opens a sentence (not a quote going on), and legal or human-rights senses of
"countermeasures" and "pay a price". Fixture sentences are the team's own."""

from __future__ import annotations

from streams import stages
from streams.models import RawArticle
from streams.pipeline import Pipeline


def _alerts(pipeline: Pipeline, body: str, lang: str = "en") -> list[str]:
    raw = RawArticle(body=body, id=f"fa-{abs(hash(body))}", language=lang, published_at="2025-03-04T10:00:00Z")
    return sorted(a.rule.id for a in pipeline.process(raw).alerts)


# --- whose red line, whose response


def test_another_states_red_line_in_a_ministers_words_is_reported(pipeline: Pipeline) -> None:
    body = "Ukraine's foreign minister said on Monday that Russia's red lines would not stop Kyiv's allies."
    assert _alerts(pipeline, body) == []


def test_the_speakers_own_red_line_still_fires(pipeline: Pipeline) -> None:
    body = "Russia's foreign minister warned on Monday that Western troops in Ukraine would cross Russia's red lines."
    assert _alerts(pipeline, body) == ["gov-warns-escalation"]


def test_a_plain_red_line_still_fires(pipeline: Pipeline) -> None:
    body = "China's foreign ministry warned Washington on Monday not to cross the red line on Taiwan."
    assert _alerts(pipeline, body) == ["gov-warns-escalation"]


def test_a_response_of_the_west_is_a_call_not_a_threat_vi(pipeline: Pipeline) -> None:
    body = ("Ngoại trưởng Ukraine cho biết phản ứng mạnh mẽ của phương Tây lúc này rất quan trọng "
            "để ngăn Nga tấn công quân sự.")
    assert _alerts(pipeline, body, "vi") == []


def test_the_speakers_own_response_in_vietnamese_still_fires(pipeline: Pipeline) -> None:
    body = "Bộ Ngoại giao Nga cảnh báo phản ứng của Nga sẽ rất cứng rắn nếu NATO triển khai quân tới Ukraine."
    assert _alerts(pipeline, body, "vi") != []


def test_a_red_line_of_another_state_in_vietnamese(pipeline: Pipeline) -> None:
    body = "Ngoại trưởng Ukraine cho biết phương Tây không cần quan tâm tới lằn ranh đỏ của Nga."
    assert _alerts(pipeline, body, "vi") == []


def test_a_state_before_a_crossing_verb_is_its_subject_not_its_owner(pipeline: Pipeline) -> None:
    body = "China's defence ministry warned that if the US crosses a red line over Taiwan, China will respond."
    assert "gov-warns-escalation" in _alerts(pipeline, body)


# --- a sentence that opens with a quoted name is narrative


def test_quoted_name_opening_a_sentence_does_not_continue_the_quote(pipeline: Pipeline) -> None:
    body = ("Greece's defence ministry said the purchase was a matter for the cabinet. "
            "\"Blue Falcon\" is a radar that guides missiles in a swift response to any aircraft over the islands.")
    tagged = stages.tag(stages.clean(RawArticle(body=body, id="fa-q", language="en"), now=pipeline.clock()),
                        pipeline.kb)
    assert [st.terms.get("response") for st in tagged.statements] == [None]
    assert _alerts(pipeline, body) == []


def test_a_quote_that_runs_through_the_sentence_continues(pipeline: Pipeline) -> None:
    body = ("\"We have no wish for conflict,\" Iran's foreign minister said. "
            "\"If Israel attacks our territory, our retaliation will be immediate.\"")
    assert _alerts(pipeline, body) == ["gov-threatens-retaliation"]


# --- legal and human-rights senses


def test_countermeasures_by_decree_taking_effect_are_no_threat(pipeline: Pipeline) -> None:
    body = "Belarus's president said the new countermeasures take effect on Friday under a law passed last month."
    assert _alerts(pipeline, body) == []


def test_countermeasures_by_decree_in_vietnamese(pipeline: Pipeline) -> None:
    body = "Chính phủ Belarus cho biết luật về các biện pháp đáp trả đối với hàng nhập khẩu có hiệu lực từ thứ Hai."
    assert _alerts(pipeline, body, "vi") == []


def test_a_price_for_rights_abuses_is_no_military_threat(pipeline: Pipeline) -> None:
    body = ("Thủ tướng Canada tuyên bố chính quyền Myanmar sẽ phải trả giá vì đàn áp nhân quyền và giam giữ "
            "người biểu tình, trong lúc quân đội nước này tuần tra đường phố.")
    assert _alerts(pipeline, body, "vi") == []


def test_a_price_for_an_attack_still_fires(pipeline: Pipeline) -> None:
    body = "Tổng thống Mỹ cảnh báo Nga sẽ phải trả giá nếu tấn công quân sự Ukraine."
    assert _alerts(pipeline, body, "vi") != []


# --- who warned: the warning's own subject, a state's threat on a newspaper's word


def _speakers(pipeline: Pipeline, body: str, lang: str = "en") -> list[tuple[str, str | None]]:
    raw = RawArticle(body=body, id=f"fa-{abs(hash(body))}", language=lang, published_at="2025-03-04T10:00:00Z")
    return sorted({(a.rule.id, a.speaker.country) for a in pipeline.process(raw).alerts})


def test_a_warning_with_its_own_subject_is_that_speakers(pipeline: Pipeline) -> None:
    body = ("Norway and Finland criticised the deployment, with Finland's defence minister warning of "
            "a dangerous escalation on the border.")
    assert _speakers(pipeline, body) == [("gov-warns-escalation", "FI")]


def test_a_states_threat_on_a_newspapers_word_is_the_newspapers(pipeline: Pipeline) -> None:
    body = ("Pyongyang threatened to retaliate against the drills, a broadcaster reported, quoting the official "
            "state newspaper.")
    assert _alerts(pipeline, body) == []


def test_a_states_threat_citing_its_ministry_still_fires(pipeline: Pipeline) -> None:
    body = "Pyongyang threatened to retaliate against the drills, a broadcaster reported, citing the foreign ministry."
    assert _alerts(pipeline, body) == ["gov-threatens-retaliation"]


# --- escalation that benefits no one is a call to calm, not a warning


def test_escalation_in_no_ones_interest_is_de_escalation(pipeline: Pipeline) -> None:
    body = "\"Further escalation is in no one's interest,\" Japan's foreign minister said on Monday about Iran."
    assert _alerts(pipeline, body) == []


def test_escalation_benefits_no_one_in_indonesian(pipeline: Pipeline) -> None:
    body = "Menteri Luar Negeri Malaysia mengatakan eskalasi di Laut China Selatan tidak menguntungkan siapa pun."
    assert _alerts(pipeline, body, "id") == []


def test_the_situation_must_not_be_allowed_to_escalate_is_a_call(pipeline: Pipeline) -> None:
    body = "Japan's prime minister said the situation in the Gulf must not be allowed to escalate further."
    assert _alerts(pipeline, body) == []


def test_cannot_let_the_situation_escalate_in_vietnamese_is_a_call(pipeline: Pipeline) -> None:
    body = "Ngoại trưởng Brazil nói chính phủ không được để tình hình ở biên giới leo thang hơn nữa."
    assert _alerts(pipeline, body, "vi") == []


# --- a trade body or a firm is no government


def test_an_association_chairman_is_not_the_state_he_is_from(pipeline: Pipeline) -> None:
    for body, lang in (("Trong khi đó, Chan Tai-man, chủ tịch Hiệp hội Hạt nhân Hong Kong, cảnh báo rằng "
                        "việc Mỹ triển khai tên lửa sẽ làm leo thang căng thẳng với Trung Quốc.", "vi"),
                       ("Meanwhile, Chan Tai-man, chairman of the Hong Kong Nuclear Association, warned that "
                        "US missile deployments would escalate tensions with China.", "en")):
        assert _alerts(pipeline, body, lang) == []
    # the same warning from a minister is one
    body = "China's defence minister warned that US missile deployments would escalate tensions with China."
    assert _alerts(pipeline, body) == ["gov-warns-escalation"]


def test_a_party_title_holds_no_office_of_state(pipeline: Pipeline) -> None:
    body = "Poland's opposition leader warned that the government's policy risked escalation with Russia."
    assert _alerts(pipeline, body) == []
    body = "Poland's defence minister warned that the policy risked escalation with Russia."
    assert _alerts(pipeline, body) == ["gov-warns-escalation"]


# --- a plan or intention denied denies the act

NO_PLANS = [
    ("en", "A senior Iranian official said on Friday that Iran had no immediate plans to retaliate against Israel."),
    ("de", "Ein ranghoher iranischer Regierungsvertreter sagte, Iran habe keine unmittelbaren Pläne für Vergeltung "
           "gegen Israel."),
    ("fr", "Un haut responsable iranien a déclaré que l'Iran n'avait pas de projet immédiat de représailles contre "
           "Israël."),
    ("es", "Un alto funcionario iraní dijo que Irán no tiene planes inmediatos de represalias contra Israel."),
    ("pl", "Wysoki rangą irański urzędnik powiedział, że Iran nie ma planów natychmiastowego odwetu na Izraelu."),
    ("tr", "Üst düzey bir İranlı yetkili, İran'ın İsrail'e karşı acil bir misilleme planı olmadığını söyledi."),
    ("ko", "이란 고위 관리는 이란이 이스라엘에 즉각 보복할 계획이 없다고 말했다."),
]


def test_no_plans_to_retaliate_is_no_threat(pipeline: Pipeline) -> None:
    for lang, body in NO_PLANS:
        assert _alerts(pipeline, body, lang) == [], (lang, body)
    # the threat itself still fires
    body = "A senior Iranian official said on Friday that Iran would retaliate against Israel."
    assert _alerts(pipeline, body) == ["gov-threatens-retaliation"]
