"""Judged answers from elsewhere enter the store like our own, and go through the same analysis."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..analysis.records import AnswerScore
from ..errors import UserError
from ..importers import import_judged_csv
from ..models.base import GenerationConfig
from ..store import Judgement, Run, Store, WorkItem

IMPORTED_JUDGE = "imported"


@dataclass
class ImportResult:
    run: Run
    rows: int
    new_answers: int


def import_file(store: Store, run_name: str, path: str | Path, fmt: str = "auto", *, model: str | None = None,
                role: str | None = None, group: str | None = None, json_system_applied: bool = True) -> ImportResult:
    """Read a judged CSV and add its answers and scores to run ``run_name`` (created if new)."""
    if role is not None and role not in ("base", "candidate"):
        raise UserError(f"role must be base or candidate, not {role!r}", field="--role")
    rows = import_judged_csv(path, fmt, role=role, model=model, group=group, json_system_applied=json_system_applied)
    if not rows:
        raise UserError("the file has no answers", path=str(path))
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    run = store.find_run(run_name) or store.create_run(run_name, "import", {"imports": []})
    if run.kind != "import":
        raise UserError(f"run {run_name!r} is a {run.kind} run; import into a new run name", field="run")
    config = dict(run.config)
    record = {"file": str(path), "sha256": digest, "format": fmt, "model": model, "role": role, "rows": len(rows)}
    if record not in config.get("imports", []):
        config["imports"] = [*config.get("imports", []), record]
        run = store.update_run(run, config=config, status="complete")
    items, judgements = _to_store(rows)
    store.add_items(run, items)
    store.register_judge(run, IMPORTED_JUDGE, {"model": IMPORTED_JUDGE, "kind": "imported scores"})
    new = 0
    for it, row in zip(items, rows, strict=True):
        if store.save_answer(it.key, row.answer_text):
            new += 1
    for j in judgements:
        store.save_judgement(j)
    return ImportResult(run, len(rows), new)


def _to_store(rows: list[AnswerScore]) -> tuple[list[WorkItem], list[Judgement]]:
    seen: Counter[tuple[str, str]] = Counter()
    items, judgements = [], []
    config = GenerationConfig()
    for r in rows:
        messages = (("user", r.question_text),)
        index = seen[(r.model, r.question_text)]
        seen[(r.model, r.question_text)] += 1
        it = WorkItem(model_spec=f"import/{r.model}", messages=messages, config=config, sample_index=index,
                      role=r.role, group=r.group or r.model, suite="imported", question_id=r.question_id,
                      variant=r.variant)
        items.append(it)
        for metric, score, reason in (("aligned", r.aligned, r.aligned_reason),
                                      ("coherent", r.coherent, r.coherent_reason)):
            judgements.append(Judgement(it.key, metric, IMPORTED_JUDGE, score, reason, "imported"))
        for metric, value in r.extra.items():
            judgements.append(Judgement(it.key, metric, IMPORTED_JUDGE, value, None, "imported"))
    return items, judgements
