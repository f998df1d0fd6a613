"""The Python API the CLI calls: plan, generate, judge, analyse, export, report inputs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..models.base import GenerationConfig
from ..models.check import check_models
from ..store import Run, Store
from ..suites import Suite, load_suite
from .export import export_rows, export_run
from .generate import EngineOptions, GenerateStats, generate_conversations
from .plan import ModelRole, plan_items


@dataclass
class GenerateResult:
    run: Run
    stats: GenerateStats
    total_items: int


RUN_STATE_KEYS = ("judge_ids",)  # written by later passes, not part of what the user asked for
BUILTIN_SUITES_DIR = Path(__file__).resolve().parents[1] / "suites" / "builtin"


def suite_record(suite: Suite) -> dict[str, Any]:
    path = suite.path
    if path and Path(path).resolve().parent == BUILTIN_SUITES_DIR:
        path = None  # built-in suites are found again by name, wherever emaudit is installed
    elif path:
        path = str(Path(path).resolve())  # so that the run resumes and rescores from any directory
    return {"name": suite.name, "path": path, "format": suite.format, "fingerprint": suite.fingerprint(),
            "questions": len(suite.questions)}


def prepare_run(store: Store, name: str, kind: str, suites: list[Suite], models: list[ModelRole],
                config: GenerationConfig, samples: int | None, extra: dict[str, Any] | None = None) -> Run:
    """Create the run (or find it again, for a resume) and add its work items."""
    run_config: dict[str, Any] = {
        "suites": [suite_record(s) for s in suites],
        "models": [{"spec": m.spec, "role": m.role, "group": m.group or m.spec} for m in models],
        "samples": samples,
        "generation": config.to_dict(),
    }
    run_config.update(extra or {})
    existing = store.find_run(name)
    if existing is not None:
        differs = sorted(k for k in set(run_config) | set(existing.config)
                         if k not in RUN_STATE_KEYS and _comparable(k, run_config.get(k))
                         != _comparable(k, existing.config.get(k)))
        if differs:
            raise UserError(f"run {name!r} already exists with other settings (differs in: {', '.join(differs)}); "
                            "re-run with the same settings to resume, or choose another --run name", field="run")
    run = store.create_run(name, kind, run_config)
    store.add_items(run, plan_items(suites, models, config, samples))
    return run


def _comparable(key: str, value: Any) -> Any:
    """Suites are the same when their content is (fingerprint), wherever the file was named from."""
    if key == "suites" and isinstance(value, list):
        return [{k: v for k, v in rec.items() if k != "path"} if isinstance(rec, dict) else rec for rec in value]
    return value


def generate(store: Store, name: str, suites: list[str | Suite], models: list[str | ModelRole],
             config: GenerationConfig | None = None, samples: int | None = None,
             engine: EngineOptions | None = None) -> GenerateResult:
    """Ask every question of every model; resumable: call again with the same arguments to continue."""
    loaded = [s if isinstance(s, Suite) else load_suite(s) for s in suites]
    roles = [m if isinstance(m, ModelRole) else ModelRole(m) for m in models]
    specs = [r.spec for r in roles]
    if len(set(specs)) != len(specs):
        raise UserError("the same model is named twice", field="model")
    engine = engine or EngineOptions()
    check_models(specs, endpoints=engine.endpoints, **engine.model_options)
    run = prepare_run(store, name, "generate", loaded, roles, config or GenerationConfig(), samples)
    return GenerateResult(run, run_pending(store, run, engine, loaded), len(store.items(run)))


def run_pending(store: Store, run: Run, engine: EngineOptions, suites: list[Suite] | None = None) -> GenerateStats:
    """Answer what is pending; with ``suites``, multi-turn questions go on turn by turn."""
    stats = asyncio.run(generate_conversations(store, run, suites or [], engine))
    store.update_run(run, status="complete" if not store.pending_items(run) else "incomplete")
    return stats


__all__ = ["EngineOptions", "GenerateResult", "GenerateStats", "ModelRole", "export_rows", "export_run",
           "generate", "plan_items", "prepare_run", "run_pending"]

from .report_inputs import load_report_inputs  # noqa: E402

__all__ += ["load_report_inputs"]
