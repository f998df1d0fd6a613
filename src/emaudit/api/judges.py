"""Judges by name: the short name a user types (``local``, ``openai/gpt-4o``, a fitted judge's folder,
``imported``) for the judge ids a run holds, and back.

A judge id is a fingerprint (of the model, prompts and rule, or of an embedded judge's heads); one
judging pass with per-question prompts registers several ids under one name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..store import Run, Store


def judge_name(judge_id: str, spec: dict[str, Any]) -> str:
    """The short name of a judge: its model spec, its folder's name, ``local`` or ``imported``."""
    return str(spec.get("name") or spec.get("model") or judge_id)


def current_judge_ids(store: Store, run: Run) -> list[str]:
    """The judges of the latest judging pass (one per distinct prompt set), else the latest judge."""
    return store.current_judge_ids(run)


def run_judge_records(store: Store, run: Run) -> list[dict[str, Any]]:
    """Every judge of the run, in the order they were added: name, id, spec, and whether it is current."""
    current = set(current_judge_ids(store, run))
    return [{"name": judge_name(jid, spec), "id": jid, "spec": spec, "current": jid in current}
            for jid, spec in store.run_judges(run)]


def describe_judges(store: Store, run: Run, judge_ids: list[str] | None = None) -> list[dict[str, str]]:
    """[{"name", "id"}] of the given judges (default: the current ones), in the run's order."""
    chosen = list(judge_ids) if judge_ids else current_judge_ids(store, run)
    specs = dict(store.run_judges(run))
    return [{"name": judge_name(jid, specs.get(jid, {})), "id": jid} for jid in chosen]


def _pass_key(spec: dict[str, Any], judge_id: str) -> str:
    """Ids of one judging pass share this: the same LLM and rule (their prompts may differ per question)."""
    if spec.get("rule") is not None:
        return json.dumps([spec.get("model"), spec.get("rule")], sort_keys=True, default=str)
    return judge_id


def _folder_judge_id(text: str) -> str | None:
    """The id a fitted judge folder judges under, when ``text`` names one."""
    from .judging import embedded_judge_id, embedded_judge_path

    path = embedded_judge_path(text)
    if path is None or not Path(path).is_dir():
        return None
    try:
        return embedded_judge_id(path)
    except UserError:
        return None


def resolve_judge(store: Store, run: Run, wanted: str) -> list[str]:
    """The judge ids of ``run`` that ``wanted`` names: a full id, a unique id prefix, a judge's name
    (``local``, a model spec, ``imported``) or a fitted judge's folder.

    A name used by several passes (the same model with another rule, or ``local`` before and after an
    upgrade) means the current pass when it is one of them, else the latest.
    """
    records = run_judge_records(store, run)
    ids = [r["id"] for r in records]
    if wanted in ids:
        return [wanted]
    by_name = [r for r in records if r["name"] == wanted]
    if not by_name:
        folder_id = _folder_judge_id(wanted)
        if folder_id is not None and folder_id in ids:
            return [folder_id]
        by_name = [r for r in records if r["name"] == Path(wanted.rstrip("/")).name and r["spec"].get("path")]
    if by_name:
        passes: dict[str, list[dict[str, Any]]] = {}
        for r in by_name:
            passes.setdefault(_pass_key(r["spec"], r["id"]), []).append(r)
        current = [p for p in passes.values() if any(r["current"] for r in p)]
        chosen = current[0] if current else list(passes.values())[-1]
        return [r["id"] for r in chosen]
    prefixed = [i for i in ids if i.startswith(wanted)]
    if len(prefixed) == 1:
        return prefixed
    names = sorted({r["name"] for r in records})
    if len(prefixed) > 1:
        raise UserError(f"judge {wanted!r} is the start of several judge ids of run {run.name!r}: "
                        f"{', '.join(prefixed)}; give more of the id", field="judge")
    known = f"its judges: {', '.join(names)}" if names else "it has no judges yet"
    raise UserError(f"run {run.name!r} has no judge named {wanted!r}; {known} (a name, a judge id or an "
                    "id prefix)", field="judge")


def resolve_judges(store: Store, run: Run, wanted: list[str] | None) -> list[str] | None:
    """Every judge id the names in ``wanted`` choose, in order (None: the run's current judges)."""
    if not wanted:
        return None
    out: list[str] = []
    for w in wanted:
        out += [i for i in resolve_judge(store, run, w) if i not in out]
    return out
