"""Read judged answers from other tools' CSV files into AnswerScore rows.

Formats: ``betley`` (the paper's results CSV), ``model-organisms`` (MO / Cloakless CSVs), ``emaudit``
(our export). ``detect_format`` picks one from the header.
"""

from __future__ import annotations

from pathlib import Path

from ..analysis.records import AnswerScore
from ..errors import UserError
from ._csv import read_header, short_header
from .betley import read_betley
from .emaudit_csv import read_emaudit_csv, read_emaudit_jsonl
from .model_organisms import read_model_organisms

FORMATS = ("betley", "model-organisms", "emaudit")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")  # emaudit's own JSONL export


def detect_format(path: str | Path) -> str:
    header = read_header(path)
    cols = set(header)
    if {"role", "model", "question_id"} <= cols:
        return "emaudit"
    if {"model", "group"} <= cols and "answer" in cols:
        return "betley"
    if "question_id" in cols and ({"answer", "response"} & cols):
        return "model-organisms"
    raise UserError(f"cannot tell the format from the header ({short_header(header)}); pass --format "
                    f"({', '.join(FORMATS)})", path=str(path), line=1)


def import_judged_csv(path: str | Path, fmt: str = "auto", *, role: str | None = None, model: str | None = None,
                      group: str | None = None, json_system_applied: bool = True) -> list[AnswerScore]:
    """Read one judged CSV. ``role`` is base or candidate: default candidate, except that the emaudit
    format carries its own role column (``role`` then overrides it)."""
    if fmt in ("auto", "emaudit") and Path(path).suffix.lower() in JSONL_SUFFIXES:
        return read_emaudit_jsonl(path, role=role)
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "betley":
        return read_betley(path, role=role or "candidate", model=model, group=group, json_system_applied=json_system_applied)
    if fmt == "model-organisms":
        return read_model_organisms(path, role=role or "candidate", model=model, group=group,
                                    json_system_applied=json_system_applied)
    if fmt == "emaudit":
        return read_emaudit_csv(path, role=role)
    raise UserError(f"unknown import format {fmt!r}; use {', '.join(FORMATS)} or auto", field="format")


__all__ = ["FORMATS", "detect_format", "import_judged_csv", "read_betley", "read_emaudit_csv", "read_emaudit_jsonl",
           "read_model_organisms"]
