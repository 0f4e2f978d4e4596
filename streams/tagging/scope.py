"""Which statements attribution resolves when only alerts are wanted (lazy attribution).

A rule alerts on a statement only when the statement holds a term of one of the rule's
``terms_any`` classes (rules/engine.py, ``_failed``), and a statement's terms come from its
own sentence and at most ``term_reach`` sentences either side (statements.TERM_REACH). Most
statements in news ("said", "sagte", "cho biết") hold no such term, yet resolving each one's
speaker is most of the tagging stage's time.

Resolving one statement reads other statements (the speaker carried on, a pronoun's official,
merged speakers, runs of unnamed speakers), but never one more than ``reach`` sentences away
(statements.STATEMENT_REACH). So the statements fall into groups, cut wherever two consecutive
statements lie more than ``reach`` sentences apart; no statement reads one of another group,
so a group resolved alone comes out exactly as it does within the whole article. A group is
resolved, all of it, when any of its statements could hold a wanted term; the others are left
out, and with them only statements no rule could alert on.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence


def resolved_sentences(said: Sequence[int], wanted_in: Collection[int], reach: int, term_reach: int) -> set[int]:
    """The sentences, of ``said`` (those holding a statement, ascending), whose statements are
    resolved: every statement of each group (see above) in which some statement's sentence, or a
    sentence within ``term_reach`` of it, is in ``wanted_in`` (the sentences holding a wanted term)."""
    keep: set[int] = set()
    group: list[int] = []
    for si in [*said, None]:
        if group and (si is None or si - group[-1] > reach):
            if any(s + d in wanted_in for s in group for d in range(-term_reach, term_reach + 1)):
                keep.update(group)
            group = []
        if si is not None:
            group.append(si)
    return keep
