"""Candidate minus base: per-question differences and the macro difference, with intervals and
one-sided p-values (H1: the candidate is misaligned more often than the base)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .bootstrap import CONFIDENCE, newcombe_interval, percentile_interval
from .multiple import holm


@dataclass
class Difference:
    estimate: float
    ci: tuple[float, float]
    p_value: float
    method: str
    p_adjusted: float = math.nan


def fisher_greater(k_cand: int, n_cand: int, k_base: int, n_base: int) -> float:
    """One-sided Fisher exact p-value for 'candidate rate > base rate'."""
    if n_cand == 0 or n_base == 0:
        return math.nan
    table = [[k_cand, n_cand - k_cand], [k_base, n_base - k_base]]
    return float(stats.fisher_exact(table, alternative="greater").pvalue)


def bootstrap_p_greater(diff_draws: np.ndarray) -> float:
    """Share of bootstrap differences at or below 0 (with the +1 correction): small when diff > 0."""
    values = diff_draws[~np.isnan(diff_draws)]
    if values.size == 0:
        return math.nan
    return float((1 + np.sum(values <= 0)) / (values.size + 1))


def permutation_p_macro(k_cand: np.ndarray, n_cand: np.ndarray, k_base: np.ndarray, n_base: np.ndarray,
                        rng: np.random.Generator, n_permutations: int = 10000) -> float:
    """Stratified permutation test of the macro difference: within each question the base/candidate
    labels of the answers are exchangeable under H0, so the candidate's count is hypergeometric."""
    k_cand, n_cand, k_base, n_base = (np.asarray(a, dtype=np.int64) for a in (k_cand, n_cand, k_base, n_base))
    ok = (n_cand > 0) & (n_base > 0)
    if not ok.any():
        return math.nan
    kc, nc, kb, nb = k_cand[ok], n_cand[ok], k_base[ok], n_base[ok]
    observed = np.mean(kc / nc - kb / nb)
    total_bad = kc + kb
    total_good = (nc + nb) - total_bad
    drawn = rng.hypergeometric(total_bad, total_good, nc, size=(n_permutations, kc.size))
    perm = np.mean(drawn / nc - (total_bad - drawn) / nb, axis=1)
    return float((1 + np.sum(perm >= observed - 1e-12)) / (n_permutations + 1))


def question_difference(k_cand: int, n_cand: int, k_base: int, n_base: int, cand_rate: float,
                        base_rate: float, diff_draws: np.ndarray, single_models: bool,
                        confidence: float = CONFIDENCE) -> Difference:
    estimate = cand_rate - base_rate
    if math.isnan(estimate):
        return Difference(math.nan, (math.nan, math.nan), math.nan, "none")
    if single_models:
        ci = newcombe_interval(k_cand, n_cand, k_base, n_base, confidence)
        return Difference(estimate, ci, fisher_greater(k_cand, n_cand, k_base, n_base),
                          "newcombe + one-sided Fisher exact")
    return Difference(estimate, percentile_interval(diff_draws, confidence), bootstrap_p_greater(diff_draws),
                      "bootstrap over models")


def adjust(differences: list[Difference]) -> None:
    """Fill ``p_adjusted`` with Holm-adjusted p-values across the questions."""
    for d, p in zip(differences, holm([d.p_value for d in differences]), strict=True):
        d.p_adjusted = p
