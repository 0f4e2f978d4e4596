"""The languages added after the first sixteen (no, sv, cs, ro, hu, hi, he, bg): each has a
complete phrase file, and a government warning in it raises an alert with the right speaker
country while an analyst's warning, a call for restraint or a weather warning does not.
All sentences are written for these tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from streams.backtest.corpus import statement_alerts
from streams.languages import LANGUAGES
from streams.pipeline import Pipeline
from streams.yamlio import load_yaml

ADDED = ("no", "sv", "cs", "ro", "hu", "hi", "he", "bg")
LANGUAGE_DIR = Path(__file__).resolve().parents[2] / "streams" / "tagging" / "data" / "languages"
SECTIONS = ("cues", "terms", "markers", "nongov", "roles", "bodies", "fixed_bodies", "countries", "capitals")
CUES = ("say", "warn", "threaten", "condemn", "deny", "decline_comment", "call_on", "concern")
TERMS = ("escalation", "de_escalation", "restraint", "red_line", "grave_consequences", "grave_threat", "retaliation",
         "party_to_conflict", "consequences", "response", "threat_of_force", "economic_context", "other_context",
         "reassurance", "motive")

# (language, sentence, speaker country or None for no alert)
CASES = [
    ("no", "Russlands utenriksminister advarte at raketter i Polen vil være en farlig eskalering.", "RU"),
    ("no", "Analytikere advarer om at konflikten kan eskalere.", None),
    ("no", "Meteorologisk institutt advarer mot storm og alvorlige konsekvenser for trafikken.", None),
    ("sv", "Kinas utrikesminister varnade för att vapenförsäljningen till Taiwan korsar en röd linje.", "CN"),
    ("sv", "Regeringen uppmanade alla parter att visa återhållsamhet och undvika eskalering.", None),
    ("cs", "Ruský ministr zahraničí varoval, že rozmístění raket v Polsku by byla nebezpečná eskalace.", "RU"),
    ("cs", "Analytici varují, že konflikt může eskalovat.", None),
    ("ro", "Ministrul rus de externe a avertizat că trupe în Ucraina ar fi o escaladare periculoasă.", "RU"),
    ("ro", "Ministrul rus de externe a avertizat ca trupe in Ucraina ar fi o escaladare periculoasa.", "RU"),
    ("ro", "Analiștii avertizează că prețurile ar putea crește după escaladarea războiului comercial.", None),
    ("hu", "Az orosz külügyminiszter figyelmeztetett, hogy ez súlyos következményekkel járna.", "RU"),
    ("hu", "Elemzők figyelmeztetnek, hogy a konfliktus eszkalálódhat.", None),
    ("hi", "रूसी विदेश मंत्री ने चेतावनी दी कि पोलैंड में मिसाइलों की तैनाती से तनाव बढ़ेगा।", "RU"),
    ("hi", "विशेषज्ञों ने चेताया कि युद्ध का विस्तार हो सकता है।", None),
    ("he", "שר החוץ הרוסי הזהיר כי הצבת טילים בפולין תהיה הסלמה מסוכנת.", "RU"),
    ("he", "מומחים הזהירו כי המלחמה עלולה להתרחב.", None),
    ("bg", "Руският външен министър предупреди, че разполагането на ракети в Полша ще доведе до ескалация.", "RU"),
    ("bg", "Министърът заяви, че Русия ще отговори с огледални мерки в отговор на западните санкции.", None),
]


def test_added_languages_are_registered_with_complete_files() -> None:
    for lang in ADDED:
        assert lang in LANGUAGES
        data = load_yaml(LANGUAGE_DIR / f"{lang}.yaml").data
        assert data["language"] == lang
        for section in SECTIONS:
            assert data.get(section), f"{lang}: {section}"
        assert set(CUES) <= set(data["cues"]), lang
        assert set(TERMS) <= set(data["terms"]), lang


@pytest.mark.parametrize(("lang", "text", "country"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_warnings_in_added_languages(pipeline_factory: Callable[[], Pipeline], lang: str, text: str,
                                     country: str | None) -> None:
    alerts, why = statement_alerts(pipeline_factory(), {"id": "t", "lang": lang, "text": text, "url": None}, True)
    if country is None:
        assert not alerts, [a.rule.id for a in alerts]
    else:
        assert alerts, why
        assert {a.speaker.country for a in alerts} == {country}
