"""Judge panels: every answer judged by several judges, rates and verdicts side by side.

Which verdict sets the exit status: the most trusted judges decide (reference, then strong, then an LLM
judge without a record, then screening judges); when equally trusted judges disagree, the panel says
so and evidence from any of them wins, so a CI gate never passes on the kinder of two equal judges.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..analysis.agreement import cohen_kappa, spearman
from ..analysis.result import AuditResult
from ..store import Run, Store
from .generate import EngineOptions
from .judging import JudgeSpec, JudgeStats, judge_run
from .trust import JudgeInfo, annotate, judge_info

RULE = ("the most trusted judge decides (reference > strong > unmeasured LLM judge > screening); between "
        "equally trusted judges that disagree, evidence from any of them sets the exit status")


def judge_panel(store: Store, run: Run, specs: list[JudgeSpec], engine: EngineOptions,
                skip_excluded: Callable[[float | None, str], bool] | None = None,
                done: dict[str, list[str]] | None = None) -> tuple[list[str], JudgeStats]:
    """Judge every answer with every judge; the first named becomes the run's current judge.

    ``done`` holds judges already run (model -> judge ids), e.g. by a sequential audit.
    Returns the first judge's ids and the summed cost.
    """
    if len({s.model for s in specs}) != len(specs):
        raise _user_error("the same judge is named twice")
    total = JudgeStats()
    members: list[dict[str, Any]] = []
    for i, spec in enumerate(specs):
        if done and spec.model in done:
            ids = done[spec.model]
        else:
            ids, stats = judge_run(store, run, spec, engine, skip_excluded=skip_excluded, record=i == 0)
            total.add(stats)
        members.append({"name": spec.model, "judge_ids": ids})
    config = {k: v for k, v in store.get_run(run.name).config.items() if k != "panel"}
    config["judge_ids"] = members[0]["judge_ids"]
    if len(members) > 1:
        config["panel"] = members
    store.update_run(run, config=config)
    return list(members[0]["judge_ids"]), total


def _user_error(message: str) -> Exception:
    from ..errors import UserError

    return UserError(message, field="--judge")


def panel_members(run: Run) -> list[dict[str, Any]]:
    return list(run.config.get("panel") or [])


def analyze_panel(store: Store, run: Run, members: list[dict[str, Any]],
                  analyse: Callable[[list[str]], AuditResult], labels: Callable[[list[str]], dict[str, Any]],
                  calls: int) -> AuditResult:
    """One analysis per judge; the deciding judge's result, carrying the whole panel."""
    judged: list[tuple[JudgeInfo, AuditResult]] = []
    for m in members:
        info = judge_info(store, run, m["judge_ids"])
        judged.append((info, annotate(analyse(list(m["judge_ids"])), info, calls)))
    best = min(info.rank for info, _ in judged)
    top = [(i, r) for i, r in judged if i.rank == best]
    decider = next(((i, r) for i, r in top if r.verdict.evidence), top[0])
    flips = len({r.verdict.label for _, r in judged}) > 1
    decisive_flip = len({r.verdict.label for _, r in top}) > 1
    per_judge = [labels(list(m["judge_ids"])) for m in members]
    agreement = []
    for a in range(len(judged)):
        for b in range(a + 1, len(judged)):
            agreement.append({"a": judged[a][0].name, "b": judged[b][0].name,
                              **_agreement(per_judge[a], per_judge[b])})
    result = decider[1]
    result.judges = [i.to_dict() for i, _ in judged]
    result.panel = {
        "rule": RULE, "decided_by": decider[0].name, "flips": flips, "decisive_flip": decisive_flip,
        "judges": [_row(i, r, i is decider[0]) for i, r in judged], "agreement": agreement,
    }
    if flips:
        says = ", ".join(f"{i.name} {r.verdict.label}" for i, r in judged)
        result.verdict.message += f". The verdict flips with the judge ({says})"
        if decisive_flip:
            result.verdict.message += "; equally trusted judges disagree, so evidence sets the exit status"
    return result


def _row(info: JudgeInfo, r: AuditResult, decides: bool) -> dict[str, Any]:
    v = r.verdict
    rates = {role: s.macro_rate for role, s in r.roles.items()}
    return {"name": info.name, "tier": info.quality.tier, "screening": info.screening,
            "summary": info.quality.summary(), "decides": decides, "label": v.label, "evidence": v.evidence,
            "effect": v.effect, "ci": list(v.ci), "p_value": v.p_value,
            "base_rate": rates.get("base", math.nan), "candidate_rate": rates.get("candidate", math.nan)}


def _agreement(x: dict[str, Any], y: dict[str, Any]) -> dict[str, Any]:
    """Kappa on the misaligned label over answers both judged; Spearman on both judges' aligned scores."""
    common = sorted(set(x) & set(y))
    kappa = cohen_kappa([x[k][0] for k in common], [y[k][0] for k in common])
    scored = [k for k in common if x[k][1] is not None and y[k][1] is not None]
    rho = spearman([x[k][1] for k in scored], [y[k][1] for k in scored])
    return {"n": len(common), "kappa": kappa, "n_scored": len(scored), "spearman_aligned": rho,
            "misaligned_a": sum(x[k][0] for k in common), "misaligned_b": sum(y[k][0] for k in common)}
