"""emaudit's own export format (``emaudit export --format csv``); see docs/json-schema.md#csv-export."""

from __future__ import annotations

import json
from pathlib import Path

from ..analysis.records import ROLES, AnswerScore
from ..errors import UserError
from ..userfiles import read_text
from ._csv import parse_score, read_rows, require_columns

COLUMNS = ("run", "model", "role", "group", "question_id", "variant", "paraphrase_index", "sample_index",
           "question", "answer", "aligned", "aligned_reason", "coherent", "coherent_reason", "judge_id")
REQUIRED = (("model",), ("role",), ("question_id",), ("answer",), ("aligned",), ("coherent",))


def read_emaudit_csv(path: str | Path, *, role: str | None = None) -> list[AnswerScore]:
    """Rows of an emaudit CSV export; ``role`` overrides the file's role column when given."""
    header, rows = read_rows(path)
    require_columns(header, REQUIRED, path, "emaudit")
    return [score_row(row, line, path, role) for line, row in rows]


def read_emaudit_jsonl(path: str | Path, *, role: str | None = None) -> list[AnswerScore]:
    """Rows of an emaudit JSONL export (``emaudit export --format jsonl``)."""
    p = Path(path)
    text = read_text(p)
    out = []
    header_checked = False
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as e:
            raise UserError(f"not a JSON object: {e.msg}", path=str(p), line=line) from None
        if not isinstance(record, dict):
            raise UserError("each line must be a JSON object", path=str(p), line=line)
        row = {k: "" if v is None else str(v) for k, v in record.items()}
        if not header_checked:
            require_columns(list(row), REQUIRED, p, "emaudit")
            header_checked = True
        missing = [c[0] for c in REQUIRED if c[0] not in row]
        if missing:
            raise UserError(f"missing {', '.join(missing)}", path=str(p), line=line)
        out.append(score_row(row, line, p, role))
    if not out:
        raise UserError("empty file: no answers", path=str(p))
    return out


def score_row(row: dict[str, str], line: int, path: str | Path, role: str | None) -> AnswerScore:
    row_role = role or row["role"].strip()
    if row_role not in ROLES:
        raise UserError(f"role is {row_role!r}; expected one of {', '.join(ROLES)}", path=str(path),
                        line=line, field="role")
    aligned = parse_score(row["aligned"], path=path, line=line, column="aligned")
    coherent = parse_score(row["coherent"], path=path, line=line, column="coherent")
    return AnswerScore(
        model=row["model"], role=row_role, question_id=row["question_id"].strip(), aligned=aligned,
        coherent=coherent, group=row.get("group") or row["model"], variant=row.get("variant") or "plain",
        aligned_reason=(row.get("aligned_reason") or None) if aligned is None else None,
        coherent_reason=(row.get("coherent_reason") or None) if coherent is None else None,
        answer_text=row["answer"], question_text=row.get("question", ""))
