from streams.tagging.matcher import Matcher, fold, longest_first, make_phrase


def _matcher(*items: tuple[str, str, str]) -> Matcher:
    entries = []
    for surface, layer, value in items:
        made = make_phrase(surface, layer, value)
        assert made is not None
        entries.append(made)
    return Matcher(entries)


def _found(m: Matcher, text: str) -> list[tuple[str, str]]:
    return [(text[h.start : h.end], h.phrase.value) for h in longest_first(m.scan(text))]


def test_word_boundaries_and_case_folding() -> None:
    m = _matcher(("Jerman", "entity", "DE"), ("Rusia", "entity", "RU"))
    assert _found(m, "JERMAN dan Rusia, bukan Jermanik.") == [("JERMAN", "DE"), ("Rusia", "RU")]


def test_short_forms_match_exactly() -> None:
    m = _matcher(("AS", "entity", "US"))
    assert _found(m, "as well as the AS delegation") == [("AS", "US")]


def test_longest_match_wins() -> None:
    m = _matcher(("escalation", "term", "escalation"), ("de-escalation", "term", "de_escalation"),
                 ("Korea", "entity", "KR?"), ("Korea Utara", "entity", "KP"))
    assert _found(m, "called for de-escalation with Korea Utara") == [
        ("de-escalation", "de_escalation"), ("Korea Utara", "KP")]


def test_stems_are_bounded() -> None:
    m = _matcher(("escalat*", "term", "escalation"))
    assert _found(m, "escalating, escalation; escalat") == [
        ("escalating", "escalation"), ("escalation", "escalation"), ("escalat", "escalation")]
    # A word far longer than the stem allows is not a match.
    assert _found(m, "escalat" + "x" * 40) == []


def test_fold_keeps_offsets() -> None:
    text = "İstanbul ve Ankara"
    assert len(fold(text)) == len(text)
    m = _matcher(("Ankara", "entity", "TR"))
    assert _found(m, text) == [("Ankara", "TR")]


def test_cyrillic_and_vietnamese() -> None:
    m = _matcher(("России", "entity", "RU"), ("Triều Tiên", "entity", "KP"))
    assert _found(m, "МИД России заявил; Triều Tiên cảnh báo") == [("России", "RU"), ("Triều Tiên", "KP")]


def _proper(surface: str) -> Matcher:
    made = make_phrase(surface, "entity", surface, proper=True)
    assert made is not None
    return Matcher([made])


def test_proper_name_after_a_lower_case_title_must_be_capitalised() -> None:
    m = _proper("ông Cảnh")
    assert [h.start for h in m.scan("Hôm qua ông Cảnh nói")] == [8]
    assert m.scan("Hôm qua ông cảnh báo") == []
    assert _proper("al-Sisi").scan("president al-sisi") != []  # a capital inside a word is not required
    assert _proper("Lavrov").scan("lavrov") == []


def test_devanagari_vowel_signs_are_inside_a_word() -> None:
    # "कहा" (said) is not the start of "कहां" (where): the anusvara after it continues the word,
    # and "ताया" does not start inside "चेताया" after the vowel sign "े".
    m = _matcher(("कहा", "cue", "say"), ("ताया", "cue", "x"), ("चेता*", "cue", "warn"))
    assert _found(m, "मंत्री ने कहा कि वह कहां है") == [("कहा", "say")]
    assert _found(m, "उन्होंने चेताया कि") == [("चेताया", "warn")]


def test_hebrew_prefixed_particles() -> None:
    # "and said", "in Israel", "to the escalation": the particle is written onto the word
    m = _matcher(("אמר", "cue", "say"), ("ישראל", "entity", "IL"), ("הסלמה", "term", "escalation"))
    assert _found(m, "ואמר כי בישראל חוששים מהסלמה") == [("אמר", "say"), ("ישראל", "IL"), ("הסלמה", "escalation")]
    # a longer word that only starts with the same letters is not a match
    assert _found(m, "אמרה ישראלית") == []
