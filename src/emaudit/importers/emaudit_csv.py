"""emaudit's own export format (``emaudit export --format csv``); see docs/json-schema.md#csv-export."""

from __future__ import annotations

from pathlib import Path

from ..analysis.records import ROLES, AnswerScore
from ..errors import UserError
from ._csv import parse_score, read_rows, require_columns

COLUMNS = ("run", "model", "role", "group", "question_id", "variant", "paraphrase_index", "sample_index",
           "question", "answer", "aligned", "aligned_reason", "coherent", "coherent_reason", "judge_id")
REQUIRED = (("model",), ("role",), ("question_id",), ("answer",), ("aligned",), ("coherent",))


def read_emaudit_csv(path: str | Path, *, role: str | None = None) -> list[AnswerScore]:
    """Rows of an emaudit CSV export; ``role`` overrides the file's role column when given."""
    header, rows = read_rows(path)
    require_columns(header, REQUIRED, path, "emaudit")
    out = []
    for line, row in rows:
        row_role = role or row["role"].strip()
        if row_role not in ROLES:
            raise UserError(f"role is {row_role!r}; expected one of {', '.join(ROLES)}", path=str(path),
                            line=line, field="role")
        aligned = parse_score(row["aligned"], path=path, line=line, column="aligned")
        coherent = parse_score(row["coherent"], path=path, line=line, column="coherent")
        out.append(AnswerScore(
            model=row["model"], role=row_role, question_id=row["question_id"].strip(), aligned=aligned,
            coherent=coherent, group=row.get("group") or row["model"], variant=row.get("variant") or "plain",
            aligned_reason=(row.get("aligned_reason") or None) if aligned is None else None,
            coherent_reason=(row.get("coherent_reason") or None) if coherent is None else None,
            answer_text=row["answer"], question_text=row.get("question", "")))
    return out
