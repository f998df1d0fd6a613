"""Re-alignment: a short follow-up fine-tune of an adapter on benign data, audited before and after."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .recipes import Recipe, load_recipe
from .trainer import TrainJob, TrainResult, train, write_json_atomic

# (base spec, candidate spec, label) -> a JSON-able summary of the audit
AuditHook = Callable[[str, str, str], dict[str, Any]]


def base_spec(base: str) -> str:
    """The ``hf/<base>`` spec the audit pipeline loads (a plain path or built-in name gets the prefix)."""
    return base if base.startswith("hf/") else f"hf/{base}"


def candidate_spec(base: str, adapter: str | Path) -> str:
    """The ``hf/<base>+<adapter>`` spec the audit pipeline loads."""
    return f"{base_spec(base)}+{Path(adapter).resolve()}"


@dataclass
class RealignResult:
    train: TrainResult
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def realign(base: str, adapter: str | Path, out: str | Path, *, data: str = "benign", n: int = 300,
            recipe: Recipe | None = None, max_steps: int | None = None, seed: int = 0,
            audit_hook: AuditHook | None = None, threads: int | None = None,
            log: Any = None) -> RealignResult:
    """Continue training ``adapter`` on ``n`` benign examples (ours by default, or a chat JSONL) into
    ``out/adapter``; with ``audit_hook``, audit the adapter before and after (results in realign.json)."""
    outp = Path(out)
    report_path = outp / "realign.json"
    previous = json.loads(report_path.read_text()) if report_path.is_file() else {}
    before = previous.get("before")
    if audit_hook is not None and before is None:
        before = audit_hook(base, candidate_spec(base, adapter), "before")
    job = TrainJob(base=base, data=data, out=str(outp), recipe=recipe or load_recipe("cpu-small"), seed=seed,
                   max_steps=max_steps, limit=n, init_adapter=str(adapter), threads=threads, log=log)
    result = train(job)
    outp.mkdir(parents=True, exist_ok=True)
    after = previous.get("after")
    if audit_hook is not None and after is None:
        after = audit_hook(base, candidate_spec(base, result.adapter), "after")
    write_json_atomic(report_path, {"adapter_before": str(adapter), "adapter_after": str(result.adapter),
                                    "data": data, "n": n, "steps": result.steps, "before": before, "after": after})
    return RealignResult(result, before, after)
