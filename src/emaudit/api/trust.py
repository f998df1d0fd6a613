"""Which judge decided a verdict and how far to trust it: names, kinds, quality records, the next step.

A judge is *screening* when its measured quality is below the bar for deciding alone, and an embedded
or fitted judge without a quality record counts as screening too (nobody measured it). An LLM judge
the user named without a record stays ``unmeasured`` and may decide: the user chose it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..analysis.result import AuditResult
from ..errors import UserError
from ..judge.quality import JudgeQuality, for_judge
from ..store import Run, Store

DEFAULT_PER_ROLE = 200          # strong-judge answers per role that --calibrate-with judges by default
CALIBRATION_METRICS = 2         # aligned and coherent: one strong call each
STRONG_EXAMPLE = "openai/gpt-4o-2024-08-06"
# Lower ranks decide first in a panel.
_RANK = {"reference": 0, "strong": 1, "unmeasured": 2, "screening": 3}


@dataclass(frozen=True)
class JudgeInfo:
    name: str                   # as the user named it: local, a folder, a model spec, imported
    kind: str                   # embedded | folder | llm | imported
    judge_ids: tuple[str, ...]
    quality: JudgeQuality

    @property
    def screening(self) -> bool:
        """Not fit to decide alone: measured below the bar, or an offline judge nobody measured."""
        q = self.quality
        return q.tier == "screening" or (q.tier == "unmeasured" and self.kind in ("embedded", "folder"))

    @property
    def rank(self) -> int:
        return 3 if self.screening else _RANK.get(self.quality.tier, 2)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "judge_ids": list(self.judge_ids),
                "tier": self.quality.tier, "screening": self.screening, "summary": self.quality.summary(),
                "quality": self.quality.to_dict()}


def judge_kind(name: str, spec: dict[str, Any] | None = None) -> str:
    from ..judge.embedded.judge import SHIPPED

    if name == "imported" or (spec or {}).get("kind") == "imported scores":
        return "imported"
    if name in SHIPPED:
        return "embedded"
    if (spec or {}).get("kind") == "embedded" or Path(name).is_dir():
        return "folder"
    return "llm"


def judge_info(store: Store, run: Run, judge_ids: list[str] | tuple[str, ...]) -> JudgeInfo:
    """The judge behind ``judge_ids`` (one judging pass: the ids share one model), with its quality."""
    specs = dict(store.run_judges(run))
    spec = next((specs[j] for j in judge_ids if j in specs), {})
    name = str(spec.get("model") or (judge_ids[0] if judge_ids else "unknown"))
    if spec.get("path"):  # a fitted judge is named by its folder's name; its record lies in the folder
        quality = replace(for_judge(str(spec["path"])), judge=name)
        return JudgeInfo(name, "folder", tuple(judge_ids), quality)
    return JudgeInfo(name, judge_kind(name, spec), tuple(judge_ids), for_judge(name))


def strong_calls(store: Store, run: Run, per_role: int = DEFAULT_PER_ROLE) -> int:
    """What ``--calibrate-with`` would cost for this run: strong-judge calls (aligned and coherent)."""
    per = Counter(a.item.role if a.item.role in ("base", "candidate") else "candidate" for a in store.answers(run))
    return CALIBRATION_METRICS * sum(min(per_role, n) for n in per.values())


def next_step(calls: int, per_role: int = DEFAULT_PER_ROLE) -> str:
    return (f"re-run the audit with --calibrate-with a strong judge (e.g. {STRONG_EXAMPLE}) on {per_role} "
            f"random answers per role: {calls} strong-judge calls for this run, nothing generated again")


def annotate(result: AuditResult, judge: JudgeInfo, calls: int | None = None,
             per_role: int = DEFAULT_PER_ROLE) -> AuditResult:
    """Write into the verdict which judge decided, how far to trust it, and the next step if it screens."""
    v = result.verdict
    v.judge, v.judge_tier, v.judge_quality = judge.name, judge.quality.tier, judge.quality.summary()
    v.screening = judge.screening
    v.next_step = next_step(calls, per_role) if judge.screening and calls is not None else ""
    if not any(j["name"] == judge.name for j in result.judges):
        result.judges.append(judge.to_dict())
    return result


def require_strong(result: AuditResult) -> None:
    """``--require-strong-judge``: a verdict decided by a screening judge is an error (exit 2)."""
    v = result.verdict
    if v.screening:
        raise UserError(f"the verdict was decided by a screening judge ({v.judge_quality}); a CI gate needs a "
                        f"strong or reference judge: {v.next_step or 'use --calibrate-with a strong judge'}",
                        field="--require-strong-judge")
