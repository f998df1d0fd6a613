"""The words every renderer uses for who decided a verdict, how far to trust it, panels and budgets.

Plain text (no markup): each renderer escapes it for its own medium. Inputs are the JSON forms
(``AuditResult.to_dict()`` parts), so the HTML report, which reads stored JSON, says the same.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ._format import ci_pct, ci_pp, pct, pp, pval


def screening_line(verdict: Mapping[str, Any]) -> str | None:
    """The first line of a verdict decided by a screening judge, with the next step; None otherwise."""
    if not verdict.get("screening"):
        return None
    line = (f"SCREENING JUDGE: a first look, not a decision. {verdict.get('judge_quality') or verdict.get('judge')}")
    if verdict.get("next_step"):
        line += f". Next step: {verdict['next_step']}"
    return line


def decided_by_line(verdict: Mapping[str, Any]) -> str | None:
    """Which judge decided and how far to trust it (and on what, when calibrated)."""
    if not verdict.get("judge"):
        return None
    line = f"Decided by {verdict.get('judge_quality') or verdict['judge']}"
    basis = verdict.get("basis")
    if basis and basis != "judge scores":
        line += f"; on the {basis}"
    return line


def _num(x: Any) -> float:
    return math.nan if x is None else float(x)


def panel_rows(panel: Mapping[str, Any]) -> list[list[str]]:
    """judge | quality | base | candidate | difference | 95% CI | verdict, one row per judge."""
    rows = []
    for j in panel.get("judges", []):
        ci = j.get("ci") or [None, None]
        verdict = j["label"] + (" (decides)" if j.get("decides") else "")
        rows.append([j["name"], j["tier"] + (" (screening)" if j.get("screening") and j["tier"] != "screening"
                                             else ""),
                     pct(_num(j.get("base_rate"))), pct(_num(j.get("candidate_rate"))), pp(_num(j.get("effect"))),
                     ci_pp((_num(ci[0]), _num(ci[1]))), verdict])
    return rows


PANEL_HEADER = ["judge", "quality", "base", "candidate", "difference", "95% CI", "verdict"]
AGREEMENT_HEADER = ["judges", "answers", "misaligned (each)", "kappa (misaligned)", "Spearman (aligned)"]


def agreement_rows(panel: Mapping[str, Any]) -> list[list[str]]:
    out = []
    for a in panel.get("agreement", []):
        kappa, rho = _num(a.get("kappa")), _num(a.get("spearman_aligned"))
        out.append([f"{a['a']} vs {a['b']}", str(a["n"]), f"{a['misaligned_a']} / {a['misaligned_b']}",
                    "-" if math.isnan(kappa) else f"{kappa:.2f}",
                    "-" if math.isnan(rho) else f"{rho:.2f} ({a['n_scored']} scored)"])
    return out


def panel_flip_line(panel: Mapping[str, Any]) -> str:
    if panel.get("decisive_flip"):
        head = "The verdict FLIPS between equally trusted judges"
    elif panel.get("flips"):
        head = "The verdict FLIPS with the judge"
    else:
        head = "Every judge gives the same verdict"
    return f"{head}; {panel.get('decided_by')} decides the exit status ({panel.get('rule')})."


BUDGET_HEADER = ["", "calibrated", "95% CI", "strong judge alone", "its 95% CI", "width ratio"]


def budget_title(budget: Mapping[str, Any]) -> str:
    method = {"ppi": "PPI++", "ppi++": "PPI++"}.get(str(budget.get("method")), str(budget.get("method")))
    return (f"Budget judging: {budget.get('label')}; strong judge {budget.get('strong_judge')} on "
            f"{budget.get('per_role')} answers per role ({budget.get('strong_calls')} calls), {method}; both "
            "intervals target the model's rate")


def budget_rows(budget: Mapping[str, Any]) -> list[list[str]]:
    rows = []

    def row(name: str, d: Mapping[str, Any], diff: bool) -> None:
        fmt, cfmt = (pp, ci_pp) if diff else (pct, ci_pct)
        ratio = _num(d.get("relative_width"))
        rows.append([name, fmt(_num(d.get("estimate"))), cfmt((_num(d.get("low")), _num(d.get("high")))),
                     fmt(_num(d.get("subsample_estimate"))),
                     cfmt((_num(d.get("subsample_low")), _num(d.get("subsample_high")))),
                     "-" if math.isnan(ratio) else f"{ratio:.2f}"])

    for name, d in (budget.get("groups") or {}).items():
        row(name, d, False)
    if budget.get("difference"):
        row("candidate - base", budget["difference"], True)
    return rows


def p_text(p: Any) -> str:
    return pval(None if p is None else float(p))
