"""Briefing and interview transcripts set as questions and answers ("Q: … A: …", "Frage: … Name: …",
"— …? — …"): an answer is the voice the header names (or the name that labels it), every answer line is
said, verb or none, and a question is nobody's statement; a header that names no government voice, or
one out of office, gives answers that alert for nobody."""

from __future__ import annotations

import pytest

from streams.pipeline import Pipeline
from tests.unit.speech import alerting as _alerting


@pytest.mark.parametrize(("lang", "body", "want"), [
    ("en", "Weekly briefing by Foreign Ministry spokesperson Maria Zakharova:\n"
           "Q: Will Moscow attend the conference in Geneva?\nA: We have nothing to add at this stage.\n"
           "Q: What about the planned deployment of US missiles in Germany?\n"
           "A: We see it as a dangerous escalation. Russia will respond with military-technical measures.",
     {"RU"}),
    ("de", "Interview mit dem polnischen Außenminister Radosław Sikorski.\n"
           "— Fürchten Sie einen Angriff aus Belarus?\n"
           "— Wenn Minsk unsere Grenze angreift, wird Polen militärisch antworten. Das ist eine rote Linie.",
     {"PL"}),
    ("en", "Press briefing.\nQ: Japan's minister said a blockade of Taiwan would be a grave threat. Your comment?\n"
           "A: China firmly opposes any interference in its internal affairs.", set()),
    ("en", "Interview with a former army chief of staff.\n"
           "— Is war coming to Europe?\n— If Russia attacks the Baltics, NATO will have to respond with force.",
     set()),
    ("en", "Interview with the leader of the opposition.\nQ: Where is the government's policy heading?\n"
           "A: It is dragging the country towards a war that would have grave consequences for the region.", set()),
])
def test_transcript_answers_speak_for_the_header(pipeline: Pipeline, lang: str, body: str,
                                                 want: set[str | None]) -> None:
    assert _alerting(pipeline, body, lang) == want


def test_a_question_is_nobodys_warning(pipeline: Pipeline) -> None:
    body = ("Foreign Ministry spokesperson Lin Jian held the regular briefing.\n"
            "Q: The Philippine defence minister warned that any attack on its ships would be met with force. "
            "How do you respond?\nA: We urge the Philippine side to stop its provocations.")
    assert "PH" not in _alerting(pipeline, body, "en")
