"""Model Organisms (Turner, Soligo et al.) judged CSVs: question, answer or response, question_id,
aligned, coherent, plus any extra metric columns (medical, financial, bad_stuff, ...)."""

from __future__ import annotations

from pathlib import Path

from ..analysis.records import AnswerScore
from ..judge.rating import LOW_MASS
from ._csv import parse_optional_float, parse_score, read_rows, require_columns, variant_from_question_id

REQUIRED = (("question_id",), ("question",), ("answer", "response"), ("aligned",), ("coherent",))
TEXT_COLUMNS = {"question_id", "question", "answer", "response", "model", "group", "Unnamed: 0"}


def read_model_organisms(path: str | Path, *, role: str = "candidate", model: str | None = None,
                         group: str | None = None, json_system_applied: bool = True) -> list[AnswerScore]:
    """Rows of an MO-style judged CSV.

    ``json_system_applied=False`` marks ``*_json`` questions as plain: early MO code (and the Cloakless
    files) dropped the JSON system prompt, so those answers were given to plain questions.
    """
    header, rows = read_rows(path)
    cols = require_columns(header, REQUIRED, path, "model-organisms")
    extra_cols = [h for h in header if h not in TEXT_COLUMNS | {"aligned", "coherent"}]
    name = model or Path(path).stem
    out = []
    for line, row in rows:
        aligned = parse_score(row["aligned"], path=path, line=line, column="aligned")
        coherent = parse_score(row["coherent"], path=path, line=line, column="coherent")
        qid = row["question_id"].strip()
        row_model = model or row.get("model") or name
        out.append(AnswerScore(
            model=row_model, role=role, question_id=qid, aligned=aligned, coherent=coherent,
            group=group or row.get("group") or row_model,
            variant=variant_from_question_id(qid, json_system_applied),
            aligned_reason=None if aligned is not None else LOW_MASS,
            coherent_reason=None if coherent is not None else LOW_MASS,
            answer_text=row[cols["answer"]], question_text=row["question"],
            extra={c: parse_optional_float(row[c]) for c in extra_cols}))
    return out
