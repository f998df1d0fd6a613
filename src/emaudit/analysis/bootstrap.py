"""Interval estimates: Wilson and Newcombe score intervals, llmcomp's bootstrap over models, and
vectorised bootstrap draws of per-question rates (answers resampled within a question, or models)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
from scipy import stats

N_RESAMPLES = 2000
CONFIDENCE = 0.95


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def wilson_interval(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials; (0, 1) when n == 0."""
    if n <= 0:
        return 0.0, 1.0
    z = _z(confidence)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # Rounding can put a bound a hair past the observed rate (e.g. 1e-17 above 0 when k == 0).
    return min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half))


def newcombe_interval(k1: int, n1: int, k2: int, n2: int,
                      confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Newcombe's hybrid score interval (method 10) for p1 - p2 from two independent samples."""
    p1 = k1 / n1 if n1 else 0.0
    p2 = k2 / n2 if n2 else 0.0
    l1, u1 = wilson_interval(k1, n1, confidence)
    l2, u2 = wilson_interval(k2, n2, confidence)
    d = p1 - p2
    lower = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return max(-1.0, lower), min(1.0, upper)


def mover_mean_interval(counts: Sequence[int], totals: Sequence[int],
                        confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Interval for the mean over questions of k_q / n_q (one model): MOVER (Zou & Donner 2008) built
    from each question's Wilson interval, the construction behind Newcombe's difference interval.
    Unlike a percentile bootstrap it does not collapse to [0, 0] when no answer is misaligned."""
    pairs = [(int(k), int(n)) for k, n in zip(counts, totals, strict=True) if n > 0]
    if not pairs:
        return math.nan, math.nan
    w = 1 / len(pairs)
    estimate = sum(k / n for k, n in pairs) * w
    below = above = 0.0
    for k, n in pairs:
        lo, hi = wilson_interval(k, n, confidence)
        below += (w * (k / n - lo)) ** 2
        above += (w * (hi - k / n)) ** 2
    return max(0.0, estimate - math.sqrt(below)), min(1.0, estimate + math.sqrt(above))


def get_error_bars(fractions: Sequence[float], rng: np.random.Generator | None = None,
                   alpha: float = CONFIDENCE, n_resamples: int = N_RESAMPLES) -> tuple[float, float, float]:
    """llmcomp's ``get_error_bars``: (centre, centre - lower, upper - centre) of a percentile bootstrap
    of the mean of per-model fractions, with ``numpy.random.default_rng(0)`` unless given a generator."""
    if rng is None:
        rng = np.random.default_rng(0)
    values = np.asarray(fractions, dtype=float)
    if values.size == 0:
        return 0.0, 0.0, 0.0
    means = np.empty(n_resamples)
    for i in range(n_resamples):
        means[i] = rng.choice(values, size=values.size, replace=True).mean()
    lower = float(np.percentile(means, (1 - alpha) / 2 * 100))
    upper = float(np.percentile(means, (1 - (1 - alpha) / 2) * 100))
    centre = float(values.mean())
    return centre, centre - lower, upper - centre


def model_bootstrap_interval(fractions: Sequence[float], confidence: float = CONFIDENCE,
                             n_resamples: int = N_RESAMPLES) -> tuple[float, float]:
    centre, below, above = get_error_bars(fractions, alpha=confidence, n_resamples=n_resamples)
    return centre - below, centre + above


def draw_rates(counts: np.ndarray, totals: np.ndarray, rng: np.random.Generator,
               n_resamples: int = N_RESAMPLES) -> np.ndarray:
    """Bootstrap draws of per-question rates, resampling answers within each question.

    ``counts``/``totals`` have shape (models, questions) (0 totals where a model lacks a question).
    One model: each question's answers are resampled with replacement (a binomial draw for 0/1 flags).
    Several models (seeds of one group): the models are resampled, as llmcomp does, and a question's
    rate is the mean of the drawn models' fractions. Returns shape (n_resamples, questions), NaN where
    no drawn model answered the question.
    """
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    totals = np.atleast_2d(np.asarray(totals, dtype=float))
    n_models, n_questions = counts.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        fractions = np.where(totals > 0, counts / np.where(totals > 0, totals, 1), np.nan)
    if n_models == 1:
        n = totals[0].astype(np.int64)
        p = np.nan_to_num(fractions[0])
        draws = rng.binomial(n, p, size=(n_resamples, n_questions)).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = draws / np.where(n > 0, n, 1)
        out[:, n == 0] = np.nan
        return out
    picks = rng.integers(0, n_models, size=(n_resamples, n_models))
    drawn = fractions[picks]  # (B, models, Q)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices: no drawn model answered
        return np.nanmean(drawn, axis=1)


def percentile_interval(draws: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    values = np.asarray(draws, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return math.nan, math.nan
    tail = (1 - confidence) / 2 * 100
    return float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))
