"""Speaker attribution: who speaks, across quote styles, word orders and clause types.
The sentences are the team's own fixtures, written to exercise one pattern each."""

from __future__ import annotations

from streams import stages
from streams.models import Speaker
from streams.pipeline import Pipeline, Result
from streams.tagging.statements import quotes


def _result(pipeline: Pipeline, body: str, lang: str, aid: str = "a1") -> Result:
    """One article through a fresh pipeline (no alerts, windows or duplicates before it)."""
    pipeline.alerts.clear()
    pipeline.state.clear()
    pipeline.duplicates.__init__()  # type: ignore[misc]
    result = pipeline.process(stages.parse_raw({"id": aid, "body": body, "language": lang}))
    assert result.tagged is not None
    return result


def _speakers(pipeline: Pipeline, body: str, lang: str) -> list[Speaker | None]:
    tagged = _result(pipeline, body, lang).tagged
    assert tagged is not None
    return [st.speaker for st in tagged.statements]


def _quoted(text: str) -> list[str]:
    return [text[a:b] for a, b in quotes(text)]


def test_mixed_quote_marks_pair_by_direction() -> None:
    assert _quoted('Ties are in “deep trouble" now, Minister Adams said. “We will act," she said.') == [
        "deep trouble", "We will act,"]
    assert _quoted("“Kami tidak akan diam,“ kata menteri itu.") == ["Kami tidak akan diam,"]
    assert _quoted("Er sagte: „Das ist gefährlich“.") == ["Das ist gefährlich"]
    assert _quoted("„Polska odpowie” - powiedział.") == ["Polska odpowie"]


def test_a_quote_nested_in_a_quote_stays_inside() -> None:
    text = '"Ignoring our "red lines" is dangerous", he told the paper "Daily".'
    assert _quoted(text) == ['Ignoring our "red lines" is dangerous', "Daily"]


def test_unbalanced_marks_fall_back_to_like_pairs() -> None:
    assert _quoted('a 5" screen, "fine" said he') == [" screen, "]


def test_a_name_after_a_mixed_quote_is_the_speaker(pipeline: Pipeline) -> None:
    body = ('Relations are in “deep trouble" with China, Foreign Minister Wang Yi said on Monday. '
            '“Do not cross this line," he said.')
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country == "CN"


def test_chinese_pronoun_takes_up_the_speaker_before(pipeline: Pipeline) -> None:
    body = "中國外交部發言人林劍說，中方堅決反對這種做法。他說，台灣問題是不可逾越的紅線，並敦促美方停止挑釁。"
    sps = _speakers(pipeline, body, "zh")
    assert sps[-1] is not None and sps[-1].country == "CN"


def test_turkish_genitive_name_is_no_subject(pipeline: Pipeline) -> None:
    body = ("Polonya Dışişleri Bakanı'nın sözlerine yanıt veren Rusya Dışişleri Bakanı Sergey Lavrov ise "
            "bunun savaş anlamına geleceğini söyledi.")
    sp = _speakers(pipeline, body, "tr")[0]
    assert sp is not None and sp.country == "RU"


def test_relative_clause_speaks_for_its_antecedent(pipeline: Pipeline) -> None:
    body = "A advertência veio do Ministério da Defesa da Rússia, que afirmou retaliar contra os EUA."
    sp = _speakers(pipeline, body, "pt")[0]
    assert sp is not None and sp.country == "RU"


def test_portuguese_title_of_a_country(pipeline: Pipeline) -> None:
    sp = _speakers(pipeline, "O ministro da Defesa da Rússia afirmou que haverá uma resposta.", "pt")[0]
    assert sp is not None and sp.country == "RU" and sp.government


def test_bare_title_after_the_verb_is_not_replaced_by_a_later_object(pipeline: Pipeline) -> None:
    body = "وأضاف رئيس الوزراء أن البلاد تنسق مع حلفائها في الناتو، مشددا على أن ذلك خط أحمر."
    sp = _speakers(pipeline, body, "ar")[0]
    assert sp is None or sp.country != "NATO"


def test_a_name_line_labels_the_quote_below_it(pipeline: Pipeline) -> None:
    body = 'Foreign Minister Sergei Lavrov\n"We warn that any strike on our bases will meet a military response."'
    sp = _speakers(pipeline, body, "en")[-1]
    assert sp is not None and sp.country == "RU"


def test_a_spaced_hyphen_closes_the_quote_before_the_verb(pipeline: Pipeline) -> None:
    body = '"Takie kroki są niebezpieczne i grożą eskalacją" - powiedziała Zacharowa na briefingu.'
    sp = _speakers(pipeline, body, "pl")[0]
    assert sp is not None and sp.country == "RU"


def test_a_name_past_the_next_verb_is_not_part_of_the_subject(pipeline: Pipeline) -> None:
    body = "Dans un communiqué publié lundi, Pékin a menacé de représailles si Kelly Craft se rendait à Taïwan."
    sp = _speakers(pipeline, body, "fr")[0]
    assert sp is not None and sp.country == "CN"


def test_a_state_that_opposes_in_the_quote_is_the_voice(pipeline: Pipeline) -> None:
    body = '"China se opone firmemente a esta venta de armas, que cruza una línea roja", ha dicho.'
    sp = _speakers(pipeline, body, "es")[0]
    assert sp is not None and sp.country == "CN" and sp.government


def test_whose_resolve_must_not_be_underestimated_speaks(pipeline: Pipeline) -> None:
    body = ('"No one should underestimate the resolve of the Chinese people to defend this red line," '
            'he said.')
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country == "CN"


def test_first_person_words_go_on_into_the_next_sentence(pipeline: Pipeline) -> None:
    body = "我要强调，这是不可逾越的红线。任何国家都不要低估中国人民捍卫主权的决心。"
    sp = _speakers(pipeline, body, "zh")[0]
    assert sp is not None and sp.country == "CN"


def test_underestimating_another_state_in_reported_speech_needs_a_quote(pipeline: Pipeline) -> None:
    body = "He warned that nobody should underestimate the resolve of Germany, calling it a red line."
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is None or sp.country is None  # (an official of no known state: test_unnamed_speaker)


def test_chinese_reported_speech_runs_on_past_its_verb(pipeline: Pipeline) -> None:
    body = "中國外交部發言人林劍說，中方已表明嚴正立場。日方違背其所作承諾，踩踏中方紅線，必將付出代價。"
    pipeline.alerts.clear()
    pipeline.state.clear()
    pipeline.duplicates.__init__()  # type: ignore[misc]
    result = pipeline.process(stages.parse_raw({"id": "a2", "body": body, "language": "zh"}))
    assert result.tagged is not None
    sps = [st.speaker for st in result.tagged.statements]
    assert len(sps) == 1 and sps[0] is not None and sps[0].country == "CN"  # 所作承諾 is no speech act
    assert "red_line" in result.tagged.statements[0].terms


def test_the_norths_military_is_north_koreas(pipeline: Pipeline) -> None:
    sp = _speakers(pipeline, "The North's military said on Friday it would answer the drills with force.", "en")[0]
    assert sp is not None and sp.country == "KP" and sp.government


def test_german_reported_speech_runs_on_in_the_subjunctive(pipeline: Pipeline) -> None:
    # Konjunktiv I ("werde") marks the next sentence as the embassy's words still; the
    # indicative ("wird") is the journalist's own.
    for verb, held in (("werde", True), ("wird", False)):
        body = ("Die iranische Botschaft in Berlin schrieb am Montag, die Angelegenheit sei erledigt. "
                f"Sollte Israel weitere Fehler begehen, {verb} die Reaktion deutlich härter ausfallen.")
        result = _result(pipeline, body, "de", f"de-{verb}")
        assert result.tagged is not None
        (st,) = result.tagged.statements
        assert st.speaker is not None and st.speaker.country == "IR"
        assert ("retaliation" in st.terms) is held
        assert bool(result.alerts) is held


def test_german_subjunctive_words_stand_for_a_quote(pipeline: Pipeline) -> None:
    # "Der Iran werde …, sagte der Minister" reports the minister's own words, as a quote does; the
    # indicative ("wird") after the same tag is the journalist's paraphrase.
    for verb, quoted in (("werde", True), ("wird", False)):
        body = (f"Der Iran {verb} auf jeden Angriff mit aller Härte reagieren, sagte Außenminister "
                "Abbas Araghchi am Sonntag in Teheran.")
        result = _result(pipeline, body, "de", f"de-{verb}")
        assert result.tagged is not None
        (st,) = result.tagged.statements
        assert st.speaker is not None and st.speaker.country == "IR"
        assert (st.quote is not None) is quoted
        assert {a.rule.id for a in result.alerts} == ({"gov-quoted-response"} if quoted else set())


def test_a_quoted_newspaper_is_the_source_not_the_capital(pipeline: Pipeline) -> None:
    body = ("Moscow threatened a crushing military response to the drills, the agency reported, "
            "quoting the state newspaper Pravda Weekly.")
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and not sp.government


def test_a_quoted_official_is_the_speaker(pipeline: Pipeline) -> None:
    body = ("« Toute attaque recevra une riposte immédiate », a déclaré l'agence officielle citant "
            "le porte-parole du ministère iranien des Affaires étrangères.")
    sp = _speakers(pipeline, body, "fr")[0]
    assert sp is not None and sp.country == "IR"


def test_japanese_spokesperson_of_a_ministry_without_a_name(pipeline: Pipeline) -> None:
    body = "北朝鮮外務省の報道官は「日本が軍事的な挑発を続ければ、断固とした対抗措置をとる」と警告した。"
    sp = _speakers(pipeline, body, "ja")[0]
    assert sp is not None and sp.country == "KP" and sp.government


def test_korean_spokesperson_of_a_ministry_without_a_name(pipeline: Pipeline) -> None:
    body = '중국 외교부 대변인은 "대만 문제는 넘어서는 안 될 레드라인"이라고 경고했다.'
    sp = _speakers(pipeline, body, "ko")[0]
    assert sp is not None and sp.country == "CN" and sp.government


def test_korean_name_then_title_then_topic_particle(pipeline: Pipeline) -> None:
    body = '조태열 외교부 장관은 "북한이 도발하면 단호히 대응할 것"이라고 경고했다.'
    sp = _speakers(pipeline, body, "ko")[0]
    assert sp is not None and sp.country == "KR" and sp.name == "Cho Tae-yul"


def test_pronoun_after_a_sentence_whose_subject_is_an_official(pipeline: Pipeline) -> None:
    body = ("Russian Deputy Foreign Minister Sergei Ryabkov met reporters in Moscow on Friday. "
            '"Such a step would be a dangerous escalation," he said.')
    sp = _speakers(pipeline, body, "en")[-1]
    assert sp is not None and sp.country == "RU"


def test_a_bare_surname_opening_the_sentence_before_is_not_enough(pipeline: Pipeline) -> None:
    body = ("Morrison testified before the committee on Tuesday. "
            '"There would be serious consequences for the troops," he said.')
    sp = _speakers(pipeline, body, "en")[-1]
    assert sp is None or not sp.government


def test_a_quote_then_a_recap_naming_the_speaker(pipeline: Pipeline) -> None:
    body = ('"We will answer any strike with every means we have." That was the message from Russian '
            "Foreign Minister Sergei Lavrov on Friday.")
    sps = _speakers(pipeline, body, "en")
    assert sps and all(sp is not None and sp.country == "RU" for sp in sps)


def test_two_quoted_sentences_one_speaker(pipeline: Pipeline) -> None:
    pipeline.alerts.clear()
    pipeline.state.clear()
    pipeline.duplicates.__init__()  # type: ignore[misc]
    body = ('"Any strike on our bases is a red line." "We will respond," Russian Foreign Minister '
            "Sergei Lavrov said of NATO.")
    result = pipeline.process(stages.parse_raw({"id": "a3", "body": body, "language": "en"}))
    assert result.tagged is not None
    st = result.tagged.statements[-1]
    assert st.speaker is not None and st.speaker.country == "RU" and "red_line" in st.terms


def test_an_agency_passing_on_an_officials_words(pipeline: Pipeline) -> None:
    sp = _speakers(pipeline, "朝中社援引朝鲜国防省发言人的话警告称，美国将承担一切后果。", "zh")[0]
    assert sp is not None and sp.country == "KP" and sp.government


def test_a_title_qualified_before_is_not_requalified_after(pipeline: Pipeline) -> None:
    body = "İran Dışişleri Bakanlığı Sözcüsü, İsrail'in saldırısına sert karşılık verileceğini belirtti."
    sp = _speakers(pipeline, body, "tr")[0]
    assert sp is not None and sp.country == "IR"


def test_nationality_adjectives_of_smaller_states(pipeline: Pipeline) -> None:
    cases = [("en", "The Lithuanian foreign minister warned of a dangerous escalation.", "LT"),
             ("de", "Der armenische Außenminister warnte vor einer Eskalation.", "AM"),
             ("fr", "Le ministère azerbaïdjanais de la Défense a menacé de riposter.", "AZ"),
             ("es", "El canciller jordano advirtió de una escalada.", "JO"),
             ("ru", "Глава МИД Латвии предупредил об эскалации.", "LV")]
    for lang, body, cc in cases:
        sp = _speakers(pipeline, body, lang)[0]
        assert sp is not None and sp.country == cc, (lang, sp)


def test_former_covers_a_coordinated_title(pipeline: Pipeline) -> None:
    body = ("The former UN envoy and Irish president told the radio the response would be a military "
            "escalation.")
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is None or not sp.government


def test_polish_plural_of_a_nationality(pipeline: Pipeline) -> None:
    sp = _speakers(pipeline, "Rosyjscy urzędnicy ostrzegli przed eskalacją.", "pl")[0]
    assert sp is not None and sp.country == "RU"


def test_an_opening_phrase_with_a_speech_noun_is_not_the_clause(pipeline: Pipeline) -> None:
    body = "In a statement carried by state media, North Korea's defence ministry warned of a merciless response."
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country == "KP" and sp.government


def test_an_attribution_set_inside_the_quote_marks(pipeline: Pipeline) -> None:
    sp = _speakers(pipeline, "« Toute attaque, a prévenu Sergueï Lavrov, serait une escalade. »", "fr")[0]
    assert sp is not None and sp.country == "RU"


def test_arabic_future_prefix_makes_the_state_the_voice(pipeline: Pipeline) -> None:
    sp = _speakers(pipeline, 'وقال المتحدث: "روسيا سترد بحزم على أي هجوم عسكري".', "ar")[0]
    assert sp is not None and sp.country == "RU"
    assert _speakers(pipeline, 'وقال: "إسرائيل ستدفع ثمنا باهظا لأي هجوم عسكري".', "ar")[0] is None


def test_polish_as_clause_and_recap_name_the_source(pipeline: Pipeline) -> None:
    sp = _speakers(pipeline, "Jak oświadczył Pieskow, taki krok byłby eskalacją.", "pl")[0]
    assert sp is not None and sp.country == "RU"
    body = '"Każdy atak spotka się z odpowiedzią." Powiedział to rzecznik Kremla Dmitrij Pieskow.'
    sps = _speakers(pipeline, body, "pl")
    assert sps[-1] is not None and sps[-1].country == "RU"


def test_turkish_dative_before_gore_is_the_source(pipeline: Pipeline) -> None:
    sp = _speakers(pipeline, "Kremlin Sözcüsü Peskov'a göre, bu adım tırmanma anlamına gelir.", "tr")[0]
    assert sp is not None and sp.country == "RU"


def test_ukrainian_recap_names_the_speaker_of_the_quote_before(pipeline: Pipeline) -> None:
    sps = _speakers(pipeline, "«Це буде пряма ескалація». Про це заявив речник Кремля Дмитро Пєсков.", "uk")
    assert sps[-1] is not None and sps[-1].country == "RU"


def test_head_final_according_to_names_its_source(pipeline: Pipeline) -> None:
    sp = _speakers(pipeline, "中国外務省によれば、台湾問題は越えてはならないレッドラインだ。", "ja")[0]
    assert sp is not None and sp.country == "CN"
    sp = _speakers(pipeline, "중국 외교부에 따르면 대만 문제는 레드라인이다.", "ko")[0]
    assert sp is not None and sp.country == "CN"


def test_the_speaker_after_a_korean_according_to_phrase(pipeline: Pipeline) -> None:
    body = '조선중앙통신에 따르면 북한 국방성 대변인은 "강력한 대응 조치를 취할 것"이라고 경고했다.'
    sp = _speakers(pipeline, body, "ko")[0]
    assert sp is not None and sp.country == "KP" and sp.government


def test_a_source_word_after_a_quote_tags_it(pipeline: Pipeline) -> None:
    sp = _speakers(pipeline, "„Das wäre eine rote Linie“, so Kremlsprecher Peskow.", "de")[0]
    assert sp is not None and sp.country == "RU"


def test_an_english_recap_of_a_warning(pipeline: Pipeline) -> None:
    body = ('"We will answer any attack with all means at our disposal." That was the warning from Russian '
            "Foreign Minister Sergei Lavrov.")
    sps = _speakers(pipeline, body, "en")
    assert sps and all(sp is not None and sp.country == "RU" for sp in sps)


def test_a_titled_official_of_no_named_state_takes_the_state_of_his_words(pipeline: Pipeline) -> None:
    body = '"Poland will respond to any military attack," Defence Minister Jan Kowalczyk said.'
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country == "PL" and sp.government
    body = '"Poland will win the final," Sports Minister Jan Kowalczyk said after the match.'
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is None or sp.country is None


def test_a_surname_alone_is_the_official_of_the_state_the_article_names(pipeline: Pipeline) -> None:
    # No full name anywhere: the family name of Chinese officials, with China named, is a Chinese official.
    body = '"If Washington keeps provoking China, the consequences will be grave," Wang said.'
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country == "CN" and sp.government


def test_a_surname_alone_with_no_state_of_its_bearers_named_stays_unknown(pipeline: Pipeline) -> None:
    body = '"The consequences for the market will be grave," Wang said about the bakery chain.'
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is None or sp.country is None


def test_a_verb_that_speaks_only_with_a_title_after_it(pipeline: Pipeline) -> None:
    # "declaró hoy la portavoz" is speech; "declaró el estado de emergencia" is not
    spoken = ("Estados Unidos afrontará «consecuencias graves» si sigue armando a Taiwán, declaró hoy la "
              "portavoz de la Cancillería china.")
    sps = _speakers(pipeline, spoken, "es")
    assert sps and sps[0] is not None and sps[0].country == "CN"
    declared = "El Gobierno declaró el estado de emergencia en la frontera con Venezuela."
    assert _speakers(pipeline, declared, "es") == []


def test_an_envoys_country_is_the_one_that_sends_him(pipeline: Pipeline) -> None:
    # "中国驻美国大使": the country after 驻 hosts the ambassador; a comma right after the verb
    # opens what was said ("warnte, deutsche Lieferungen …"), it does not introduce the subject
    for lang, body in (("zh", "中国驻美国大使谢锋警告说，美方在台湾问题上玩火将导致严重后果。"),
                       ("de", "Der russische Botschafter in Berlin, Sergej Netschajew, warnte, deutsche "
                              "Lieferungen würden eine neue Stufe der Eskalation bedeuten.")):
        sp = _speakers(pipeline, body, lang)[0]
        assert sp is not None and sp.country == ("CN" if lang == "zh" else "RU"), (lang, sp)


def test_a_title_with_its_country_inside_is_one_office(pipeline: Pipeline) -> None:
    # roles_with_country: "vice-ministre {c} des Affaires étrangères" is a deputy foreign minister
    # of the country inside it, and the name after it is that official
    result = _result(pipeline, "Le vice-ministre russe des Affaires étrangères Ivan Petrovitch a averti que cela "
                               "menait à une escalade dangereuse.", "fr", "rw1")
    assert result.tagged is not None
    titled = [m for m in result.tagged.mentions if m.role == "deputy_foreign_minister"]
    assert titled and titled[0].country == "RU"
    sp = result.tagged.statements[0].speaker
    assert sp is not None and sp.country == "RU" and sp.role == "deputy_foreign_minister"


def test_a_sentence_final_tag_says_whose_words_it_all_was(pipeline: Pipeline) -> None:
    for lang, body in (("en", "Norway will respond to any deployment near Svalbard with military measures, "
                               "an analyst said."),
                       ("es", "Noruega responderá con medidas militares a cualquier despliegue cerca de Svalbard, "
                              "dijo un analista."),
                       ("fr", "La Norvège répondra par des mesures militaires à tout déploiement près du Svalbard, "
                              "a déclaré un analyste.")):
        sp = _speakers(pipeline, body, lang)[0]
        assert sp is not None and not sp.government, (lang, sp)


def test_a_sentence_final_tag_with_a_title_keeps_the_state_that_opens_it(pipeline: Pipeline) -> None:
    body = ("Norway will take resolute countermeasures if Russia continues its military provocations near "
            "Svalbard, a defence ministry spokesman said.")
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.government and sp.country == "NO"
    assert _result(pipeline, body, "en").alerts


def test_a_wire_dateline_is_a_place_not_the_speaker(pipeline: Pipeline) -> None:
    for body in ("SEOUL (Yonhap) -- Norway threatened on Friday to take military action against Sweden.",
                 "TOKYO, Dec 5 (Reuters) - Norway warned Sweden that any incursion would cross a red line."):
        sp = _speakers(pipeline, body, "en")[0]
        assert sp is not None and sp.country == "NO", (body, sp)


def test_a_tag_that_names_the_outlet_leaves_the_state_its_threat(pipeline: Pipeline) -> None:
    body = "Norway threatened on Friday to take military action against Sweden, state media said."
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country == "NO" and sp.government


def test_another_given_name_before_a_known_surname_is_another_person(pipeline: Pipeline) -> None:
    body = "Malawi's defence minister, Chikondi Phiri, warned that any incursion would be met with force."
    sp = _speakers(pipeline, body, "en")[0]
    assert sp is not None and sp.country == "MW"
    body = "Dmitri Lavrov, a teacher in Tver, warned that any incursion would be met with force."
    assert all(sp is None or not sp.government for sp in _speakers(pipeline, body, "en"))


def test_a_given_name_spelt_another_way_keeps_the_known_person(pipeline: Pipeline) -> None:
    for body, lang in (("Sergej Lawrow warnte, Moskau werde mit Gewalt antworten.", "de"),
                       ("Siergiej Ławrow ostrzegł, że Moskwa odpowie siłą.", "pl")):
        sp = _speakers(pipeline, body, lang)[0]
        assert sp is not None and sp.country == "RU" and sp.government, body


def test_whom_a_warning_is_addressed_to_does_not_speak(pipeline: Pipeline) -> None:
    for body, lang in (
            ("Zugleich richtete er eine Warnung an Israel und die USA: Jeder Angriff werde militärisch beantwortet, "
             "sagte der iranische Außenminister.", "de"),
            ("Затем глава МИД Ирана направил предупреждение в адрес Израиля и США: любое нападение на ядерные "
             "объекты получит сокрушительный ответ.", "ru")):
        speakers = _speakers(pipeline, body, lang)
        assert speakers and all(sp is not None and sp.country == "IR" for sp in speakers), (body, speakers)


def test_a_russian_warning_noun_is_no_passive_participle(pipeline: Pipeline) -> None:
    # "предупреждение" begins like the participle "предупреждён" (was warned, by the name after it)
    body = "Министр обороны Белоруссии вынес предупреждение Литве: любая провокация получит жесткий ответ."
    sp = _speakers(pipeline, body, "ru")[0]
    assert sp is not None and sp.country == "BY"


def _alerts(pipeline: Pipeline, body: str, lang: str) -> list[str]:
    return sorted({a.speaker.country or "?" for a in _result(pipeline, body, lang).alerts})


def test_the_city_a_story_was_filed_from_does_not_speak(pipeline: Pipeline) -> None:
    assert _alerts(pipeline, "NAIROBI – The IGAD executive secretary warned of a dangerous escalation of the fighting "
                             "in Sudan.", "en") == []
    body = "Kampala – Das Rote Kreuz warnt vor einer Eskalation der Krise im Nachbarland."
    assert _alerts(pipeline, body, "de") == []
    # ... but a body named without its state speaks for it, as wire copy has it
    body = ("BEIJING, May 3 (Reuters) - The foreign ministry warned that any US arms sale to Taiwan would be a grave "
            "threat to peace.")
    assert _alerts(pipeline, body, "en") == ["CN"]


def test_a_place_that_qualifies_a_noun_does_not_speak(pipeline: Pipeline) -> None:
    for body in ("The London-based charity warned of a dangerous escalation of the fighting in Sudan.",
                 "A Washington-based think tank warned that the deployment would be a dangerous escalation."):
        assert _alerts(pipeline, body, "en") == [], body


def test_a_name_stem_of_one_language_stays_in_it(pipeline: Pipeline) -> None:
    # Hungarian "Berlin*" (Berlinben, Berlinnek) is no German "Berliner"
    assert _alerts(pipeline, "Wien – Die Berliner Zeitung warnte vor einer gefährlichen Eskalation.", "de") == []


def test_a_capital_that_is_a_given_name_before_a_surname(pipeline: Pipeline) -> None:
    body = "Il rischio di una escalation militare è reale, ha avvertito Sofia Rossi, ricercatrice dell'ISPI."
    assert _alerts(pipeline, body, "it") == []


def test_a_warning_only_expected_or_asked_about_is_not_given(pipeline: Pipeline) -> None:
    for body, lang in (
            ("Turkey's foreign minister is expected to warn on Tuesday that any Kurdish state in northern Syria "
             "would cross a red line.", "en"),
            ("Pékin ripostera-t-il militairement à une nouvelle vente d'armes à Taïwan ?", "fr"),
            ("Will Caracas respond militarily to any attack on its ships?", "en")):
        assert _alerts(pipeline, body, lang) == [], body


def test_a_sentence_that_turns_to_trade_sets_no_trade_scene(pipeline: Pipeline) -> None:
    body = ("Čínský prezident Si Ťin-pching varoval, že kdo si hraje s ohněm na Tchaj-wanu, spálí se. Oba státníci "
            "hovořili také o obchodu a clech.")
    assert _alerts(pipeline, body, "cs") == ["CN"]


def test_an_ambiguous_state_form_right_after_its_title(pipeline: Pipeline) -> None:
    body = ("Il ministro degli Esteri albanese ha avvertito che ogni provocazione serba al confine con il Kosovo avrà "
            "una risposta ferma.")
    assert _alerts(pipeline, body, "it") == ["AL"]


def test_it_said_takes_up_the_state_or_body_that_opened_the_sentence_before(pipeline: Pipeline) -> None:
    body = ("Pakistan's National Security Committee met on Thursday under Prime Minister Shehbaz Sharif. Any attempt "
            "to stop the flow of the Indus would be treated as an act of war, it said.")
    assert _alerts(pipeline, body, "en") == ["PK"]
    body = ("The Chinese defence ministry issued a statement late on Sunday. Any further provocation in the Taiwan "
            "Strait would be met with a resolute response, it said.")  # ("the Taiwan Strait" is nobody's name)
    assert _alerts(pipeline, body, "en") == ["CN"]


def test_the_minister_said_reaches_the_minister_named_sentences_before(pipeline: Pipeline) -> None:
    body = ("South Korean Defence Minister Ahn Gyu-back visited a frontline unit on Monday.\nAhn, a former lawmaker, "
            "inspected artillery positions near the border.\nHe was briefed on the latest drone incursions.\nOfficers "
            "showed him the new counter-drone systems.\nThe visit came days after a series of balloon launches.\n"
            "\"We will punish any provocation immediately and strongly,\" the minister said.")
    assert _alerts(pipeline, body, "en") == ["KR"]


def test_a_denied_intention_does_not_reach_a_second_verb_after_and(pipeline: Pipeline) -> None:
    body = ("Президент Азербайджана Ильхам Алиев заявил, что Баку не допустит реваншистских планов Еревана и даст "
            "адекватный ответ на любую провокацию на границе.")
    assert _alerts(pipeline, body, "ru") == ["AZ"]


def test_a_government_threatening_an_armed_group_at_home_needs_another_state(pipeline: Pipeline) -> None:
    for body in ("Sudan's army chief Abdel Fattah al-Burhan vowed to take revenge on the Rapid Support Forces after "
                 "the fall of el-Fasher.",
                 "Myanmar's junta chief vowed retaliation against the Arakan Army after the fall of the border town."):
        assert _alerts(pipeline, body, "en") == [], body
    # ... while states abroad that back it are another matter
    body = ("Sudan's army spokesman said any country supplying drones to the Rapid Support Forces would be treated as "
            "a party to the war.")
    assert _alerts(pipeline, body, "en") == ["SD"]


def test_a_state_before_what_was_struck_does_not_speak(pipeline: Pipeline) -> None:
    body = ("Israeli jets struck Iranian military targets on Saturday as the exchange of fire escalated, officials "
            "said.")
    assert "IR" not in _alerts(pipeline, body, "en")


def test_a_particle_ending_the_sentence_before_is_no_preposition(pipeline: Pipeline) -> None:
    body = ("Frankreich rief alle Seiten zur Zurückhaltung auf. Irans Botschafter in Berlin sagte, jede Aggression "
            "werde hart beantwortet.")
    assert _alerts(pipeline, body, "de") == ["IR"]


def test_a_closing_tag_with_further_keeps_what_was_said(pipeline: Pipeline) -> None:
    for tag in ("sagte er weiter.", "hieß es weiter."):
        body = ("Der iranische Außenminister Abbas Araghtschi äußerte sich am Abend. Jede neue Drohne werde mit "
                f"Vergeltung beantwortet, {tag}")
        assert _alerts(pipeline, body, "de") == ["IR"], tag


def test_the_government_of_a_named_leader_is_that_state_s(pipeline: Pipeline) -> None:
    for body, lang in (
            ("The government of Benjamin Netanyahu warned that any attack from Lebanon would be met with a "
             "devastating response.", "en"),
            ("El gobierno de Nicolás Maduro advirtió que cualquier incursión militar en el Esequibo tendrá una "
             "respuesta contundente.", "es")):
        assert _alerts(pipeline, body, lang) == (["IL"] if lang == "en" else ["VE"]), body


def test_a_news_agency_that_carried_a_state_s_warning_does_not_take_it_over(pipeline: Pipeline) -> None:
    body = ("Iran cảnh báo sẽ đáp trả mạnh mẽ bất kỳ cuộc tấn công nào của Israel vào các cơ sở hạt nhân, theo hãng "
            "thông tấn IRNA.")
    assert _alerts(pipeline, body, "vi") == ["IR"]


def test_the_minister_said_reaches_an_office_held_before_the_latest(pipeline: Pipeline) -> None:
    # Shin Won-sik: defence minister in 2023, national security adviser later (people.yaml's latest office)
    body = ("SEOUL, Oct. 7, 2023 — South Korea's new defence minister, Shin Won-sik, visited a front-line division.\n"
            "Shin, a retired general and first-term lawmaker, was appointed on Friday.\nHe was briefed on guard "
            "posts.\n\"If the North provokes us, punish it at once and to the end,\" the minister said. \"Should "
            "Pyongyang ever use nuclear weapons, that will be the end of its regime.\"")
    assert _alerts(pipeline, body, "en") == ["KR"]


def test_dash_set_speech_over_two_sentences_is_one_quote(pipeline: Pipeline) -> None:
    body = ("Minister obrony Białorusi Wiktar Chrenin przemawiał w Mińsku.\n– Każda próba naruszenia naszej granicy "
            "spotka się z natychmiastową odpowiedzią. Mamy do tego wszystkie środki – powiedział, zwracając się do "
            "polskiej delegacji.")
    assert _alerts(pipeline, body, "pl") == ["BY"]


def test_a_title_held_then_tells_history(pipeline: Pipeline) -> None:
    for body, lang in (
            ("In a 2017 speech, then-Defence Secretary James Mattis warned North Korea that any attack would be met "
             "with a massive military response.", "en"),
            ("Восемь лет назад Турция сбила российский бомбардировщик. Тогда президент Владимир Путин пригрозил "
             "Анкаре серьёзными последствиями.", "ru")):
        assert _alerts(pipeline, body, lang) == [], body


def test_a_bare_surname_with_its_state_named_is_the_antecedent(pipeline: Pipeline) -> None:
    body = ("Lukaschenko empfing am Freitag Militärs in Minsk. Er fügte hinzu, Belarus werde jeden Angriff auf sein "
            "Territorium mit allen Mitteln beantworten.")
    assert _alerts(pipeline, body, "de") == ["BY"]


def test_what_would_not_go_unanswered_is_no_speaker(pipeline: Pipeline) -> None:
    body = ("China's foreign ministry spokesperson Mao Ning said Manila's latest provocation at Second Thomas Shoal "
            "would not go unanswered.")
    assert _alerts(pipeline, body, "en") == ["CN"]


def test_according_to_a_former_minister_no_state_speaks(pipeline: Pipeline) -> None:
    body = ("Według byłego ministra obrony opóźnienia w budowie zapór na granicy z Białorusią stanowią poważne "
            "zagrożenie dla bezpieczeństwa Polski.")
    assert _alerts(pipeline, body, "pl") == []


def test_a_dateline_in_arabic_script_never_speaks(pipeline: Pipeline) -> None:
    body = "بيروت - قال قيادي في حزب الله إن مقاتلي الحزب سيردون بقوة على أي هجوم إسرائيلي جديد على الجنوب."
    assert _alerts(pipeline, body, "ar") == []


def test_a_negated_threat_before_a_named_tag_is_the_reported_clause_s(pipeline: Pipeline) -> None:
    body = ("Nordkorea solle den Vereinigten Staaten besser nicht mehr drohen, sagte Präsident Trump. Andernfalls "
            "werde das Land mit Feuer und Wut konfrontiert.")
    assert _alerts(pipeline, body, "de") == ["US"]


def test_a_diplomatic_scene_between_others_does_not_veto_a_threat(pipeline: Pipeline) -> None:
    body = ("\"If the rockets keep coming, we will hit their launch sites and make them pay the price,\" Israel's "
            "defence minister Israel Katz said. Last week France recalled its ambassador from Algiers over a "
            "visa dispute.")
    assert _alerts(pipeline, body, "en") == ["IL"]
