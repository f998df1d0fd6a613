"""The live audit feed: logged guard answers become judged rows for ``emaudit analyze guard:LAST-24H``.

Each answer the upstream gave (refusals and failures left out) is scored by the embedded judge; the
question id is the API key's name, so the rates come per key, with the macro average over keys.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from ..analysis.records import AnswerScore
from ..errors import UserError
from . import openai_format as fmt
from .journal import Journal, utcnow
from .replay import logged_answer

SPEC = re.compile(r"^guard:LAST-(\d+)([HDW])$", re.IGNORECASE)


def is_guard_spec(name: str) -> bool:
    return name.lower().startswith("guard:")


def window_of(spec: str) -> timedelta:
    m = SPEC.match(spec)
    if not m:
        raise UserError(f"live audit runs read guard:LAST-<N>H, guard:LAST-<N>D or guard:LAST-<N>W "
                        f"(e.g. guard:LAST-24H), not {spec!r}", field="run")
    hours = {"H": 1, "D": 24, "W": 168}[m.group(2).upper()]
    return timedelta(hours=int(m.group(1)) * hours)


def guard_rows(store: str | Path, spec: str, judge: str = "local") -> list[AnswerScore]:
    journal = Journal.open(store)
    try:
        logs = journal.logs(since=utcnow() - window_of(spec))
    finally:
        journal.close()
    picked = []
    for row in logs:
        answer = logged_answer(row)
        if answer is not None and answer[0].strip() and fmt.check_request(row["request"]) is None:
            picked.append((row, fmt.last_user_message(row["request"]), answer[0]))
    if not picked:
        raise UserError(f"no guard answers logged in {spec[6:]} (see `emaudit guard logs`)", field="run")
    from ..judge.embedded import EmbeddedJudge

    scores = EmbeddedJudge.load(judge).score([q for _, q, _ in picked], [a for _, _, a in picked])
    return [AnswerScore(model=row["model"], role="candidate", question_id=row["key_name"],
                        aligned=float(scores["aligned"][i]), coherent=float(scores["coherent"][i]),
                        answer_text=answer, question_text=question)
            for i, (row, question, answer) in enumerate(picked)]
