"""How well a judge fitted this way does on models it never saw: cross-validation by model, as a quality record.

A fold holds out every answer of one model (or one judged file): heads are fitted on the other folds
(and on ``extra`` rows that are never scored) and score the held-out answers. The out-of-fold scores give
kappa, sensitivity, specificity, per-model rate error and Spearman, the same numbers `judge check` prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from ..quality import JudgeQuality, tier_for
from .check import agreement
from .heads import HeadSet

FitFn = Callable[[np.ndarray, list[dict[str, Any]]], HeadSet]
MIN_FOLDS = 2


def out_of_fold(x: np.ndarray, rows: list[dict[str, Any]], groups: Sequence[str], fit: FitFn,
                scored: Sequence[bool] | None = None,
                excluded: Callable[[str], Sequence[bool]] | None = None) -> dict[str, np.ndarray]:
    """Scores of each scored row by heads fitted without its group.

    ``scored``: rows that are folds (default all); the others are training-only extras.
    ``excluded(group)``: rows to leave out of training when that group is held out (beyond the group itself).
    """
    g = np.asarray(groups)
    is_fold = np.ones(len(rows), bool) if scored is None else np.asarray(scored, bool)
    out = {"aligned": np.full(len(rows), np.nan), "coherent": np.full(len(rows), np.nan)}
    for held in sorted(set(g[is_fold])):
        test = (g == held) & is_fold
        train = g != held
        if excluded is not None:
            train &= ~np.asarray(excluded(held), bool)
        heads = fit(x[train], [r for r, t in zip(rows, train, strict=True) if t])
        for m, head in heads.heads.items():
            out[m][test] = head.scores(x[test])
    return out


def quality_from_scores(judge: str, rows: list[dict[str, Any]], groups: Sequence[str],
                        scores: dict[str, np.ndarray], *, method: str, measured_on: str,
                        note: str = "") -> tuple[JudgeQuality, dict[str, Any]]:
    """The quality record (and the full agreement report) of out-of-fold scores; NaN scores are skipped."""
    keep = ~np.isnan(scores["aligned"])
    ref_a = np.array([r["aligned"] for r in rows])[keep]
    ref_c = np.array([r["coherent"] for r in rows])[keep]
    grp = [str(x) for x, k in zip(groups, keep, strict=True) if k]
    rep = agreement(ref_a, ref_c, scores["aligned"][keep], scores["coherent"][keep], grp)
    fold_kappas = [p["kappa"] for p in rep["per_group"] if p["kappa"] == p["kappa"]]

    def num(v: Any) -> float | None:
        return None if v is None or v != v else float(v)

    q = JudgeQuality(
        judge=judge, tier=tier_for(num(rep["kappa_misaligned"]), num(rep["mean_abs_rate_error"])),
        kappa=num(rep["kappa_misaligned"]), worst_fold_kappa=min(fold_kappas) if fold_kappas else None,
        sensitivity=num(rep["sensitivity"]), specificity=num(rep["specificity"]),
        rate_error_mean=num(rep["mean_abs_rate_error"]), rate_error_max=num(rep["max_abs_rate_error"]),
        spearman_aligned=num(rep["spearman_aligned"]), spearman_coherent=num(rep["spearman_coherent"]),
        measured_on=measured_on, method=method, n_answers=int(rep["n"]), n_models=len(rep["per_group"]),
        date=datetime.now(UTC).strftime("%Y-%m-%d"), note=note)
    return q, rep
