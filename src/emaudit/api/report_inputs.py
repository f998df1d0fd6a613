"""Everything a report needs about a run, read from the store (no rendering here)."""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from typing import Any

from ..errors import UserError
from ..store import Store
from .audit import analyze_run, judge_failures, scores_by_key, settings_for
from .export import export_rows
from .judges import run_judge_records

PACKAGES = ("emaudit", "numpy", "scipy", "torch", "transformers", "peft", "sentence-transformers", "openai", "httpx")


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def _judge_record(judge_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    prompts = spec.get("prompts") or {}
    return {"judge_id": judge_id, "model": spec.get("model"), "kind": spec.get("kind", "llm"),
            "rule": spec.get("rule"), "fingerprint": spec.get("fingerprint"), "path": spec.get("path"),
            "prompt_fingerprints": {m: hashlib.sha256(t.encode("utf-8")).hexdigest()[:16]
                                    for m, t in sorted(prompts.items())}}


def load_report_inputs(store: Store, run_name: str, convention: str | None = None
                       ) -> tuple[dict[str, Any] | None, dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """(result JSON or None when unjudged, run metadata, answers with scores and labels, attachments)."""
    run = store.get_run(run_name)
    summary = store.summary(run)
    settings = settings_for(run, convention)
    result_json: dict[str, Any] | None = None
    labels: dict[str, tuple[str, str]] = {}
    scored = scores_by_key(store, run)
    if scored:
        try:
            result = analyze_run(store, run, settings)
            result_json = result.to_dict()
        except UserError:
            result_json = None
        conv = settings.convention_obj()
        for key, r in scored.items():
            labels[key] = conv.classify(r.aligned, r.coherent, r.variant)
    answers = []
    for row in export_rows(store, run):
        label = labels.get(row["item_key"])
        if label is not None:
            row["label"], row["label_reason"] = label
        answers.append(row)
    meta = {
        "name": run.name, "kind": run.kind, "status": run.status, "created_at": run.created_at,
        "updated_at": run.updated_at, "config": run.config,
        "judges": [_judge_record(r["id"], r["spec"]) | {"name": r["name"], "current": r["current"]}
                   for r in run_judge_records(store, run)],
        "usage": {"items": summary.items, "answered": summary.answered, "failed": summary.failed,
                  "judged answers (current judge)": summary.judged_answers,
                  "judgements (answer x metric x judge)": summary.judgements, "prompt_tokens": summary.prompt_tokens,
                  "completion_tokens": summary.completion_tokens, "cost_usd": summary.cost_usd},
        "in_progress": run.status != "complete",
        "judge_failures": judge_failures(store, run),
        "versions": package_versions(),
    }
    return result_json, meta, answers, store.attachments(run)
