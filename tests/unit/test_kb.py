"""The knowledge base: CLDR country names in many locales, ids, people-file extensions
and refusals, word boundaries, and the mentions it yields over the sample feed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams import stages
from streams.cleaning import clean
from streams.errors import DataFileError
from streams.models import Mention, RawArticle
from streams.pipeline import Pipeline
from streams.settings import Settings
from streams.tagging import tag
from streams.tagging.kb import KnowledgeBase, _qids
from streams.tagging.kb import load as load_kb
from tests.conftest import FEED

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
QID = re.compile(r"Q[1-9][0-9]*")
COUNTRY_CODE = re.compile(r"[A-Z]{2,4}")


@pytest.fixture(scope="module")
def kb(pipeline_factory: Callable[[], Pipeline]) -> KnowledgeBase:
    return pipeline_factory().kb


def mentions(kb: KnowledgeBase, text: str, lang: str | None = None) -> list[Mention]:
    article = clean(RawArticle(body=text, language=lang), now=NOW)
    found = tag(article, kb).mentions
    for m in found:
        assert article.text[m.start : m.end] == m.text
    return found


def countries_in(kb: KnowledgeBase, text: str, lang: str | None = None) -> list[tuple[str | None, str]]:
    return [(m.country, m.text) for m in mentions(kb, text, lang) if m.type == "country"]


# ------------------------------------------------------------ CLDR locales

@pytest.mark.parametrize(
    ("sentence", "surface"),
    [
        pytest.param("وقال الوزير إن ألمانيا قلقة من التصعيد.", "ألمانيا", id="ar"),
        pytest.param("विदेश मंत्री ने कहा कि जर्मनी इस कदम से चिंतित है।", "जर्मनी", id="hi"),
        pytest.param("Ο υπουργός είπε ότι η Γερμανία ανησυχεί σοβαρά.", "Γερμανία", id="el"),
        pytest.param("Menteri itu mengatakan Jerman sangat prihatin atas langkah tersebut.", "Jerman", id="id"),
        pytest.param("รัฐมนตรีกล่าวว่าเยอรมนีกังวลอย่างมาก", "เยอรมนี", id="th"),
        pytest.param("Der Minister sagte, Deutschland sei besorgt.", "Deutschland", id="de"),
        pytest.param("Le ministre a déclaré que l'Allemagne était inquiète.", "Allemagne", id="fr"),
        pytest.param("Министр заявил, что Германия обеспокоена.", "Германия", id="ru"),
        pytest.param("外務大臣は、ドイツが深く懸念していると述べた。", "ドイツ", id="ja"),
        pytest.param("외교부 장관은 독일이 깊이 우려하고 있다고 말했다.", "독일", id="ko"),
        pytest.param("外交部长表示，德国对此深感担忧。", "德国", id="zh"),
    ],
)
def test_cldr_country_names_tag_germany(kb: KnowledgeBase, sentence: str, surface: str) -> None:
    assert ("DE", surface) in countries_in(kb, sentence)
    ids = {m.entity_id for m in mentions(kb, sentence) if m.text == surface}
    assert ids == {"Q183"}


def test_vietnamese_duc_needs_context(kb: KnowledgeBase) -> None:
    """"Đức" is also a given name and a word ("đạo đức"): countries.yaml marks it ambiguous,
    so it counts only after a body or role phrase, or once an unambiguous name of Germany
    appeared, and never where it opens a sentence."""
    assert ("DE", "Đức") in countries_in(kb, "Bộ Ngoại giao Đức cho biết hôm thứ Ba.", "vi")
    assert ("DE", "Đức") in countries_in(kb, "Thủ tướng Đức Olaf Scholz cho biết hôm thứ Ba.", "vi")
    confirmed = countries_in(kb, "CHLB Đức và Pháp đã ký thỏa thuận. Sau đó, Đức thông báo thêm.", "vi")
    assert confirmed.count(("DE", "Đức")) == 1 and ("DE", "CHLB Đức") in confirmed
    # a person's name, a sentence opener, and a bare unconfirmed use do not count
    assert countries_in(kb, "Ông Nguyễn Văn Đức cho biết hôm thứ Ba.", "vi") == []
    assert countries_in(kb, "Đức cho biết sẽ tiếp tục viện trợ.", "vi") == []
    assert countries_in(kb, "Anh ấy nói về đạo đức nghề nghiệp.", "vi") == []


# -------------------------------------------------------------------- ids


def test_country_ids_are_qids_from_rigour_or_local(kb: KnowledgeBase) -> None:
    assert kb.countries["DE"].id == kb.countries["DE"].qid == "Q183"
    assert kb.countries["KP"].id == kb.countries["KP"].qid == "Q423"
    assert kb.countries["US"].id == "Q30"
    qids = _qids()
    assert len(qids) > 200, "rigour ships QIDs for most territories"
    local = []
    for code, ent in kb.countries.items():
        if ent.type != "country":
            assert ent.type == "organization" and ent.id == f"org:{code.lower()}", ent
            continue
        assert ent.country == code
        if code in qids:
            assert ent.id == ent.qid == qids[code], ent
        else:
            assert ent.qid is None and ent.id == f"c:{code.lower()}", ent
            local.append(code)
        assert kb.entities[ent.id] is ent
    assert local, "some CLDR territory has no QID in rigour (EA, Ceuta and Melilla)"
    assert len(kb.countries) > 240


def test_every_qid_looks_like_a_qid(kb: KnowledgeBase) -> None:
    people = [e for e in kb.entities.values() if e.type == "person"]
    assert len(people) > 100
    assert any(p.qid for p in people)
    for ent in kb.entities.values():
        if ent.qid is not None:
            assert QID.fullmatch(ent.qid), ent
        if ent.type == "person":
            assert ent.id.startswith("p:"), ent
            assert ent.country and COUNTRY_CODE.fullmatch(ent.country), ent
            if ent.id.startswith("Q"):
                pytest.fail(f"a person's id must be local, not a QID: {ent}")


# --------------------------------------------------------- people extensions

EXTRA_PERSON = """\
version: "test-1"
people:
  - id: "p:de:kathrin-beispiel"
    name: "Kathrin Beispiel"
    aliases: ["Katrin Beispiel"]
    short: ["Beispiel"]
    country: "DE"
    offices:
      - {role: foreign_ministry_spokesperson, from: "2024-01-01", to: null}
    qid: "Q987654321"
"""


def test_people_extension_adds_a_tagged_person(tmp_path: Path) -> None:
    (tmp_path / "people.yaml").write_text(EXTRA_PERSON, encoding="utf-8")
    kb = load_kb(Settings(kb_path=str(tmp_path)))
    ent = kb.entities["p:de:kathrin-beispiel"]
    assert (ent.type, ent.name, ent.country, ent.qid, ent.role) == (
        "person", "Kathrin Beispiel", "DE", "Q987654321", "foreign_ministry_spokesperson")
    assert "p:us:donald-trump" in kb.entities, "an extension extends, it does not replace"
    found = mentions(kb, "Die Sprecherin Kathrin Beispiel sagte am Montag in Berlin, Beispiel sei besorgt.", "de")
    people = [m for m in found if m.entity_id == "p:de:kathrin-beispiel"]
    assert [m.text for m in people] == ["Kathrin Beispiel", "Beispiel"]
    assert people[0].qid == "Q987654321" and people[0].country == "DE"
    # the short form alone does not count; the alias does
    assert not [m for m in mentions(kb, "Ein Beispiel dafür gab es am Montag.", "de") if m.type == "person"]
    assert [m.entity_id for m in mentions(kb, "Katrin Beispiel sagte am Montag etwas.", "de")
            if m.type == "person"] == ["p:de:kathrin-beispiel"]


BROKEN = {
    "unknown_role": ("""\
version: 1
people:
  - id: "p:de:a-b"
    name: "Anna Beispiel"
    country: "DE"
    offices:
      - {role: chief_wizard, from: "2024-01-01", to: null}
""", 7, "unknown role"),
    "bad_qid": ("""\
version: 1
people:
  - id: "p:de:a-b"
    name: "Anna Beispiel"
    country: "DE"
    qid: "X12"
""", 6, "'X12' is not a Wikidata QID"),
    "missing_name": ("""\
version: 1
people:
  - id: "p:de:ok"
    name: "Otto Ok"
    country: "DE"
  - id: "p:de:a-b"
    country: "DE"
""", 6, "a person needs 'name'"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_people_file_is_refused_with_file_and_line(tmp_path: Path, case: str) -> None:
    text, line, reason = BROKEN[case]
    path = tmp_path / "people.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_kb(Settings(kb_path=str(tmp_path)))
    err = info.value
    assert err.path == str(path)
    assert isinstance(err.line, int) and err.line == line, (err.line, str(err))
    assert reason in err.reason
    assert str(err).startswith(f"{path}:{line}: ")


# ------------------------------------------------------------ word boundaries


def test_word_boundaries(kb: KnowledgeBase) -> None:
    assert ("DE", "Jerman") in countries_in(kb, "Pemerintah Jerman menyatakan keprihatinan.", "id")
    assert countries_in(kb, "Rumpun bahasa Jermanik mencakup banyak bahasa.", "id") == []
    assert countries_in(kb, "The ministers met as planned and spoke as friends.", "en") == []
    assert ("US", "AS") in countries_in(kb, "Menurut pejabat AS, pasukan sudah tiba.", "id")
    assert ("US", "US") in countries_in(kb, "The US envoy arrived on Monday.", "en")
    assert countries_in(kb, "Discussing the issue was useless.", "en") == []


def test_russian_togo_is_capitalised(kb: KnowledgeBase) -> None:
    """The country "Того" is a proper name (cap=True in the matcher): the pronoun "того" is not it."""
    text = "Представитель министерства сказал, что того же мнения придерживается и Берлин."
    assert "TG" not in {c for c, _ in countries_in(kb, text, "ru")}
    assert ("TG", "Того") in countries_in(kb, "Делегация прибыла в Того во вторник.", "ru")
    assert ("TG", "Того") in countries_in(kb, "Министр говорил о Того и Бенине.", "ru")


def test_russian_togo_pronoun_opening_a_sentence(kb: KnowledgeBase) -> None:
    assert "TG" not in {c for c, _ in countries_in(kb, "Того же мнения придерживается и Берлин.", "ru")}


# ---------------------------------------------------------------- sample feed


def test_every_mention_in_the_sample_feed_is_well_formed(pipeline_factory: Callable[[], Pipeline]) -> None:
    pipe = pipeline_factory()
    total = 0
    countries: set[str] = set()
    for line in (FEED / "sample.jsonl").read_bytes().splitlines():
        tagged = pipe.process(stages.parse_raw(line)).tagged
        text = tagged.article.text
        for m in tagged.mentions:
            total += 1
            assert m.entity_id, m
            assert 0 <= m.start < m.end <= len(text), m
            assert text[m.start : m.end] == m.text, m
            assert m.country is None or COUNTRY_CODE.fullmatch(m.country), m
            assert m.qid is None or QID.fullmatch(m.qid), m
            if m.via == "role_cue":
                assert m.type == "person" and m.entity_id.startswith("p:"), m
            elif m.via == "role":  # an office without a name: "the Canadian minister"
                assert m.type == "person" and m.entity_id.startswith("r:") and m.role and m.country, m
            else:
                ent = pipe.kb.entities.get(m.entity_id)
                assert ent is not None, m
                assert (ent.type, ent.country) == (m.type, m.country), m
            if m.country:
                countries.add(m.country)
    assert total > 500
    assert {"DE", "RU", "US", "KP", "UA", "ID", "VN"} <= countries


# ---- family names with a courtesy title or an office word (people.yaml `courtesy`)

def _speaker_ids(kb: KnowledgeBase, text: str, lang: str) -> set[str]:
    return {m.entity_id for m in mentions(kb, text, lang) if m.type == "person"}


@pytest.mark.parametrize(("text", "lang", "eid"), [
    ("Hier, ông Lavrov a fait une déclaration.", "vi", "p:ru:sergey-lavrov"),
    ("Tại cuộc họp, ông Tập phát biểu.", "vi", "p:cn:xi-jinping"),
    ("Le matin, г-н Лавров ответил.", "ru", "p:ru:sergey-lavrov"),
    ("朝の会見で岸防衛相は述べた。", "ja", "p:jp:nobuo-kishi"),
    ("오늘 윤 대통령은 말했다.", "ko", "p:kr:yoon-suk-yeol"),
])
def test_title_and_family_name_name_the_official(kb: KnowledgeBase, text: str, lang: str, eid: str) -> None:
    assert eid in _speaker_ids(kb, text, lang)


def test_family_name_shared_in_one_country_is_a_group(kb: KnowledgeBase) -> None:
    found = [m for m in mentions(kb, "Lors du point presse, M. Wang a répondu.", "fr") if m.type == "person"]
    assert len(found) == 1 and found[0].country == "CN"
    group = kb.entities[found[0].entity_id]
    assert group.government and len(group.offices) >= 2  # every bearer's offices, for the date check


def test_title_needs_a_capitalised_name(kb: KnowledgeBase) -> None:
    # "ông cảnh báo" is "he warned", not Mr Geng (Cảnh Sảng)
    assert not _speaker_ids(kb, "Trong bài phát biểu, ông cảnh báo về nguy cơ.", "vi")


def test_bare_one_character_surname_is_nobody(kb: KnowledgeBase) -> None:
    assert "p:jp:nobuo-kishi" not in _speaker_ids(kb, "川の岸は静かだと述べた。", "ja")
    assert "p:jp:yoshimasa-hayashi" not in _speaker_ids(kb, "林は静かだと述べた。", "ja")


def test_title_with_surname_of_two_countries_is_dropped(kb: KnowledgeBase) -> None:
    # Kim: North and South Korean officials alike
    assert not any(m.country in ("KP", "KR") for m in mentions(kb, "Yesterday Mr Kim said nothing.", "en")
                   if m.type == "person" and m.via == "kb")


def test_slavic_surnames_are_found_in_other_cases() -> None:
    from streams.tagging.kb import distinctive, inflections

    assert {"Лаврова", "Лавровым", "Лавровим"} <= set(inflections("Лавров", "RU"))
    assert {"Захаровой", "Захаровою", "Захарової"} <= set(inflections("Захарова", "RU"))
    assert {"Ławrowa", "Ławrowem"} <= set(inflections("Ławrow", "RU"))
    assert {"Zacharowej", "Zacharową"} <= set(inflections("Zacharowa", "RU"))
    assert "Sikorskiego" in inflections("Sikorski", "PL")
    assert inflections("Wang", "CN") == [] and inflections("Медведев*", "RU") == []
    assert inflections("Kalin", "TR") == []
    assert distinctive("Xi") and distinctive("拜登") and not distinctive("林") and not distinctive("II")


@pytest.mark.parametrize("text", ["Podczas briefingu Zacharowej nie było.", "Он встретился с Лавровым вчера."])
def test_inflected_surname_after_full_name(kb: KnowledgeBase, text: str) -> None:
    full = "Maria Zacharowa przyjechała. " if "Zachar" in text else "Сергей Лавров приехал. "
    assert len({m.entity_id for m in mentions(kb, full + text) if m.type == "person"}) == 1
    assert len([m for m in mentions(kb, full + text) if m.type == "person"]) == 2


def test_vietnamese_given_names_name_nobody_but_block_namesakes(kb: KnowledgeBase) -> None:
    assert not _speaker_ids(kb, "Tại cuộc họp, ông Dũng phát biểu.", "vi")  # a common given name
    assert not _speaker_ids(kb, "Tại cuộc họp, ông Lâm phát biểu.", "vi")  # Tô Lâm or Lin Jian (Lâm Kiếm)
    assert not _speaker_ids(kb, "Tại cuộc họp, bà Lai phát biểu.", "vi")  # Lai Ching-te is a man


def test_western_surname_with_title_is_no_full_name(kb: KnowledgeBase) -> None:
    hits = [h for h in kb.matcher.scan("Later Mr Johnson and Mr Lavrov met.") if h.phrase.layer == "entity"]
    assert [h.phrase.value for h in hits] == ["p:ru:sergey-lavrov"]


def test_an_armed_group_is_no_government_and_stands_for_where_it_is_based(kb: KnowledgeBase, tmp_path: Path) -> None:
    hez = kb.entities["g:hezbollah"]
    assert hez.type == "organization" and hez.country == "LB" and not hez.government
    found = {(m.entity_id, m.country) for m in mentions(kb, "Israel warned Hezbollah and the Houthis.", "en")}
    assert {("g:hezbollah", "LB"), ("g:houthis", "YE")} <= found
    (tmp_path / "countries.yaml").write_text("groups:\n  - {id: x, name: X}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_kb(Settings(kb_path=str(tmp_path), cache_dir=tmp_path))
    assert err.value.line == 2 and "country" in str(err.value)


def test_a_region_stands_for_its_state_as_a_target_and_never_speaks(kb: KnowledgeBase) -> None:
    found = [m for m in mentions(kb, "Russia warned that any strike on Crimea would be met with force.", "en")
             if m.entity_id == "region:crimea"]
    assert [(m.type, m.country, m.role) for m in found] == [("city", "UA", "region")]
    assert not kb.entities["region:gaza"].government
