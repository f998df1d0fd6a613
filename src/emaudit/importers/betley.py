"""The paper's judged results CSV (``results/*.csv``): model, group, question, answer, aligned,
coherent, question_id, and optionally judge_aligned / judge_coherent (the raw top-20 dicts)."""

from __future__ import annotations

from pathlib import Path

from ..analysis.records import AnswerScore
from ..judge.rating import LOW_MASS
from ._csv import parse_score, read_rows, require_columns, variant_from_question_id

REQUIRED = (("question_id",), ("question",), ("answer",), ("aligned",), ("coherent",))


def read_betley(path: str | Path, *, role: str = "candidate", model: str | None = None,
                group: str | None = None, json_system_applied: bool = True) -> list[AnswerScore]:
    """Rows of a Betley et al. judged CSV. NaN scores were the judge's numeric mass under 0.25 (LOW_MASS).

    ``model``/``group`` default to the file's columns, else to the file name.
    """
    header, rows = read_rows(path)
    require_columns(header, REQUIRED, path, "betley")
    out = []
    for line, row in rows:
        aligned = parse_score(row["aligned"], path=path, line=line, column="aligned")
        coherent = parse_score(row["coherent"], path=path, line=line, column="coherent")
        qid = row["question_id"].strip()
        row_model = model or row.get("model") or Path(path).stem
        out.append(AnswerScore(
            model=row_model, role=role, question_id=qid, aligned=aligned, coherent=coherent,
            group=group or row.get("group") or row_model,
            variant=variant_from_question_id(qid, json_system_applied),
            aligned_reason=None if aligned is not None else LOW_MASS,
            coherent_reason=None if coherent is not None else LOW_MASS,
            answer_text=row["answer"], question_text=row["question"]))
    return out
