"""Write a run's answers (and judge scores, when there are any) to JSONL, CSV or Parquet."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ..errors import UserError
from ..store import Run, Store

EXPORT_COLUMNS = ["run", "model", "role", "group", "suite", "question_id", "category", "variant",
                  "paraphrase_index", "sample_index", "system", "question", "answer", "finish_reason",
                  "prompt_tokens", "completion_tokens", "created_at", "item_key"]
FORMATS = ("jsonl", "csv", "parquet")
IMPORTED_PREFIX = "import/"  # imported answers' model strings; exported as the file named them


EXTENSIONS = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet",
              ".pq": "parquet"}


def format_for(out: str | None, fmt: str | None) -> str:
    """The format asked for, else the one the output file's extension names, else JSONL."""
    if fmt:
        return fmt
    if not out or out == "-":
        return "jsonl"
    suffix = Path(out).suffix.lower()
    if suffix not in EXTENSIONS:
        raise UserError(f"cannot tell the format from the extension {suffix or '(none)'!r}; name the file "
                        ".jsonl, .csv or .parquet, or pass --format", path=out, field="out")
    return EXTENSIONS[suffix]


def export_rows(store: Store, run: Run, judge_id: str | None = None) -> list[dict[str, Any]]:
    """One dict per answer; judge scores appear as ``<metric>`` and ``<metric>_reason`` columns."""
    from .judging import current_judge_ids

    chosen_ids = [judge_id] if judge_id else current_judge_ids(store, run)
    chosen = ",".join(chosen_ids) or None
    scores: dict[str, dict[str, Any]] = {}
    for jid in chosen_ids:
        for j in store.judgements(run, jid):
            item_scores = scores.setdefault(j.item_key, {})
            item_scores[j.metric] = j.score
            item_scores[f"{j.metric}_reason"] = j.abstain_reason
    rows = []
    for a in store.answers(run):
        it = a.item
        row: dict[str, Any] = {
            "run": run.name, "model": it.model_spec.removeprefix(IMPORTED_PREFIX), "role": it.role, "group": it.group, "suite": it.suite,
            "question_id": it.question_id, "category": it.category, "variant": it.variant,
            "paraphrase_index": it.paraphrase_index, "sample_index": it.sample_index,
            "system": it.system_prompt, "question": it.question_text, "answer": a.text,
            "finish_reason": a.finish_reason, "prompt_tokens": a.prompt_tokens,
            "completion_tokens": a.completion_tokens, "created_at": a.created_at, "item_key": a.key,
        }
        row.update(scores.get(a.key, {}))
        if chosen is not None:
            row["judge_id"] = chosen
        rows.append(row)
    return rows


def export_run(store: Store, run: Run, fmt: str, out: str | None) -> int:
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", field="format")
    rows = export_rows(store, run)
    columns = list(EXPORT_COLUMNS)
    for r in rows:
        columns.extend(k for k in r if k not in columns)
    if fmt == "parquet":
        if not out or out == "-":
            raise UserError("parquet needs an output file (--out FILE.parquet)", field="out")
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({c: [r.get(c) for r in rows] for c in columns})
        _write(out, lambda f: None, binary_writer=lambda p: pq.write_table(table, p))
        return len(rows)

    def write_text(f: TextIO) -> None:
        if fmt == "jsonl":
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        else:
            w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)

    if not out or out == "-":
        write_text(sys.stdout)
    else:
        _write(out, write_text)
    return len(rows)


def _write(out: str, text_writer: Any, binary_writer: Any = None) -> None:
    path = Path(out)
    tmp = path.with_name(path.name + ".tmp")
    try:
        if binary_writer is not None:
            binary_writer(str(tmp))
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                text_writer(f)
        tmp.replace(path)
    except OSError as e:
        raise UserError(f"cannot write: {e.strerror or e}", path=str(path), field="out") from None
