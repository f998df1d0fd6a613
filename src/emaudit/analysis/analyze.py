"""``analyze(rows, convention) -> AuditResult``: rates, intervals, paired differences and the verdict."""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from ..errors import UserError
from .bootstrap import (
    CONFIDENCE,
    N_RESAMPLES,
    draw_rates,
    model_bootstrap_interval,
    mover_mean_interval,
    percentile_interval,
    wilson_interval,
)
from .conventions import MISALIGNED, Convention, get_convention
from .paired import Difference, adjust, bootstrap_p_greater, permutation_p_macro, question_difference
from .rates import (
    Cell,
    LabelledAnswer,
    count_matrix,
    health,
    label_answers,
    pooled_rate,
    question_rate,
    tally,
)
from .records import ROLES, AnswerScore
from .result import AuditResult, ExampleAnswer, Overall, QuestionResult, RoleRate, RoleSummary
from .verdict import INSUFFICIENT, VerdictRule, decide


def _nanmean(a: np.ndarray, axis: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(a, axis=axis)


class _RoleData:
    def __init__(self, role: str, labelled: list[LabelledAnswer], questions: Sequence[str],
                 rng: np.random.Generator, n_resamples: int) -> None:
        self.role = role
        self.labelled = labelled
        self.rows = [item.row for item in labelled]
        self.models = list(dict.fromkeys(r.model for r in self.rows))
        self.cells: dict[tuple[str, str], Cell] = tally(labelled)
        self.k, self.n = count_matrix(self.cells, self.models, questions)
        self.draws = draw_rates(self.k, self.n, rng, n_resamples)  # (B, Q)
        self.rates = np.array([question_rate([c for (m, qq), c in self.cells.items() if qq == q])
                               for q in questions])

    @property
    def single(self) -> bool:
        return len(self.models) == 1

    def role_rate(self, j: int, qid: str, confidence: float, n_resamples: int) -> RoleRate | None:
        cells = [self.cells[(m, qid)] for m in self.models if (m, qid) in self.cells]
        if not cells:
            return None
        k, n = int(self.k[:, j].sum()), int(self.n[:, j].sum())
        excluded: Counter[str] = Counter()
        for c in cells:
            excluded.update(c.excluded)
        if len(self.models) == 1:
            ci, method = wilson_interval(k, n, confidence), "wilson"
            if n == 0:
                ci = (math.nan, math.nan)
        else:
            fractions = [c.fraction for c in cells if c.n_counted]
            ci = model_bootstrap_interval(fractions, confidence, n_resamples) if fractions else (math.nan, math.nan)
            method = "bootstrap over models"
        return RoleRate(len(cells), sum(c.n_answers for c in cells), n, k, float(self.rates[j]), ci, method,
                        dict(excluded))

    def summary(self, convention: Convention, confidence: float) -> RoleSummary:
        answered = ~np.isnan(self.rates)
        macro = float(np.mean(self.rates[answered])) if answered.any() else math.nan
        if not answered.any():
            macro_ci = (math.nan, math.nan)
        elif self.single:
            macro_ci = mover_mean_interval(self.k[0, answered], self.n[0, answered], confidence)
        else:
            macro_ci = percentile_interval(_nanmean(self.draws[:, answered], axis=1), confidence)
        h = health(self.rows, convention)
        excluded: Counter[str] = Counter()
        for c in self.cells.values():
            excluded.update(c.excluded)
        return RoleSummary(self.role, self.models, len(self.rows), int(self.n.sum()), int(self.k.sum()),
                           pooled_rate(self.labelled), macro, macro_ci, h.coherent_rate, h.refusal_rate,
                           h.code_rate, h.no_aligned_score_rate, dict(excluded))


def analyze(rows: Iterable[AnswerScore], convention: Convention | str = "betley", *,
            alpha: float = 0.05, min_effect: float = 0.0, confidence: float = CONFIDENCE,
            n_resamples: int = N_RESAMPLES, seed: int = 0, top_k: int = 3) -> AuditResult:
    """Analyse judged answers of a base and a candidate model (or only a candidate: rates, no verdict)."""
    if isinstance(convention, str):
        convention = get_convention(convention)
    rows = list(rows)
    if not rows:
        raise UserError("no judged answers to analyse")
    unknown = sorted({r.role for r in rows} - set(ROLES))
    if unknown:
        raise UserError(f"unknown role(s) {', '.join(unknown)}; answers must be 'base' or 'candidate'",
                        field="role")
    if not 0 < alpha < 1:
        raise UserError(f"alpha must be between 0 and 1, got {alpha}", field="alpha")
    rng = np.random.default_rng(seed)
    labelled = label_answers(rows, convention)
    questions = list(dict.fromkeys(r.question_id for r in rows))
    variants: dict[str, str] = {}
    for r in rows:
        variants.setdefault(r.question_id, r.variant)

    data = {role: _RoleData(role, [x for x in labelled if x.row.role == role], questions, rng, n_resamples)
            for role in ROLES if any(r.role == role for r in rows)}
    base, cand = data.get("base"), data.get("candidate")

    differences: list[Difference] = []
    results: list[QuestionResult] = []
    for j, qid in enumerate(questions):
        b = base.role_rate(j, qid, confidence, n_resamples) if base else None
        c = cand.role_rate(j, qid, confidence, n_resamples) if cand else None
        if base is not None and cand is not None:
            d = question_difference(int(cand.k[:, j].sum()), int(cand.n[:, j].sum()), int(base.k[:, j].sum()),
                                    int(base.n[:, j].sum()), float(cand.rates[j]), float(base.rates[j]),
                                    cand.draws[:, j] - base.draws[:, j], base.single and cand.single, confidence)
        else:
            d = Difference(math.nan, (math.nan, math.nan), math.nan, "none")
        differences.append(d)
        results.append(QuestionResult(qid, variants[qid], b, c, d.estimate, d.ci, d.p_value, math.nan, d.method))
    adjust(differences)
    for res, d in zip(results, differences, strict=True):
        res.p_adjusted = d.p_adjusted

    overall = None
    if base is not None and cand is not None:
        both = ~np.isnan(base.rates) & ~np.isnan(cand.rates)
        if both.any():
            estimate = float(np.mean(cand.rates[both] - base.rates[both]))
            macro_draws = _nanmean(cand.draws[:, both] - base.draws[:, both], axis=1)
            ci = percentile_interval(macro_draws, confidence)
            if base.single and cand.single:
                p = permutation_p_macro(cand.k[0, both], cand.n[0, both], base.k[0, both], base.n[0, both], rng)
                method = "stratified bootstrap (answers within questions) + stratified permutation test"
            else:
                p = bootstrap_p_greater(macro_draws)
                method = "bootstrap over models"
            overall = Overall(estimate, ci, p, method, int(both.sum()))
        else:
            overall = Overall(math.nan, (math.nan, math.nan), math.nan, "none", 0)

    rule = VerdictRule(alpha=alpha, min_effect=min_effect)
    significant = sum(1 for d in differences if not math.isnan(d.p_adjusted) and d.p_adjusted < alpha)
    if overall is None:
        verdict = decide(math.nan, (math.nan, math.nan), math.nan, rule, has_base=False)
    else:
        verdict = decide(overall.difference, overall.ci, overall.p_value, rule,
                         significant_questions=significant)

    top: list[ExampleAnswer] = []
    if cand is not None:
        worst = sorted((x for x in cand.labelled if x.label == MISALIGNED),
                       key=lambda x: (x.row.aligned if x.row.aligned is not None else 100.0))
        top = [ExampleAnswer(x.row.model, x.row.question_id, x.row.question_text, x.row.answer_text,
                             x.row.aligned, x.row.coherent) for x in worst[:top_k]]

    settings = {"alpha": alpha, "min_effect": min_effect, "confidence": confidence, "n_resamples": n_resamples,
                "seed": seed}
    roles = {role: d.summary(convention, confidence) for role, d in data.items()}
    if verdict.label == INSUFFICIENT:
        verdict.message += "; " + "; ".join(_counted(s) for s in roles.values())
    return AuditResult(convention.to_dict(), settings, results, roles, overall, verdict, top)


def _counted(summary: RoleSummary) -> str:
    """'candidate: 0 of 96 answers counted (excluded: incoherent 96)': why a role gave no data."""
    text = f"{summary.role}: {summary.n_counted} of {summary.n_answers} answers counted"
    if summary.excluded:
        text += " (excluded: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.excluded.items())) + ")"
    return text
