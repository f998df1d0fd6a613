"""Budget judging: a cheap judge on every answer plus a strong judge on a random subsample.

The cheap judge's errors are corrected with the strong judge's labels *from the same run*
(never with sensitivity/specificity measured elsewhere: those do not transfer between models).

* ``ppi_mean``: prediction-powered inference for a mean or proportion (Angelopoulos et al. 2023),
  with the power-tuned weight of PPI++ (Angelopoulos, Duchi and Zrnic 2023) by default;
  ``lam=1`` gives the classic estimate ``mean(cheap on all) + mean(strong - cheap on subsample)``.
* ``two_phase_mean``: the two-phase (double sampling) difference estimator, for a subsample drawn
  at random from the same answers the cheap judge scored.
* ``budget_rates``: either estimator per model and for candidate minus base.

Every estimate reports the strong-judge-only interval for comparison, against the same target: the
model's rate (the super-population mean of the strong label), never the rate of these particular
answers. Rates and their bounds are clipped to [0, 1] (differences to [-1, 1]).
Pure numpy/scipy; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

TARGET = "the model's rate (super-population), for the estimate and the strong judge alone alike"


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


@dataclass(frozen=True)
class BudgetEstimate:
    estimate: float
    se: float
    low: float
    high: float
    n_all: int            # answers with a cheap label
    n_strong: int         # answers with a strong label
    method: str
    lam: float
    subsample_estimate: float   # mean of the strong labels alone
    subsample_low: float
    subsample_high: float
    subsample_se: float = math.nan   # standard error of the strong labels' mean alone

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def subsample_width(self) -> float:
        return self.subsample_high - self.subsample_low

    @property
    def relative_width(self) -> float:
        """Interval width relative to the strong-judge-only interval for the same target, both Wilson
        intervals (< 1: the cheap judge helped)."""
        return self.width / self.subsample_width if self.subsample_width > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "width": self.width, "subsample_width": self.subsample_width,
                "relative_width": self.relative_width}


def _check(cheap_all: np.ndarray, cheap_sub: np.ndarray, strong_sub: np.ndarray) -> None:
    if len(cheap_sub) != len(strong_sub):
        raise ValueError(f"subsample has {len(cheap_sub)} cheap but {len(strong_sub)} strong labels")
    if len(strong_sub) < 2 or len(cheap_all) < 2:
        raise ValueError("need at least 2 strong labels and 2 cheap labels")
    for name, arr in (("cheap_all", cheap_all), ("cheap_sub", cheap_sub), ("strong_sub", strong_sub)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} has missing or infinite values")


def _subsample_interval(strong_sub: np.ndarray, z: float) -> tuple[float, float, float, float]:
    m = float(strong_sub.mean())
    se = float(strong_sub.std(ddof=1) / math.sqrt(len(strong_sub)))
    low, high = _wilson(m, len(strong_sub), z)
    return m, low, high, se


def _wilson(p: float, n: float, z: float) -> tuple[float, float]:
    """Wilson score interval of a proportion ``p`` from ``n`` labels (stays in [0, 1], covers rare rates)."""
    if n <= 0:
        return 0.0, 1.0
    d = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z / d * math.sqrt(max(p * (1 - p), 0.0) / n + z * z / (4 * n * n))
    return _clip(centre - half), _clip(centre + half)


def _rate_interval(est: float, se: float, n_strong: int, z: float) -> tuple[float, float]:
    """A corrected rate's interval: Wilson at the effective sample size p(1-p)/se^2 of the estimate.

    The plain normal interval under-covers when the strong labels hold few positives (a 10% rate on 150
    labels: 92.5% in simulation); the Wilson form keeps 95% (tests/analysis/test_budget_ppi.py).
    """
    n_eff = est * (1 - est) / se ** 2 if se > 0 and 0 < est < 1 else float(n_strong)
    return _wilson(est, n_eff, z)


def _clip(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(max(x, low), high)


def ppi_mean(cheap_all: ArrayLike, cheap_sub: ArrayLike, strong_sub: ArrayLike, *,
             confidence: float = 0.95, lam: float | str = "auto") -> BudgetEstimate:
    """Prediction-powered estimate of the mean of the strong label (a rate, for 0/1 labels).

    ``cheap_all``: cheap-judge labels on the answers without strong labels (or on all answers;
    the CLT interval treats the two sets as independent, which is conservative for a subsample
    of all). ``cheap_sub``/``strong_sub``: both judges on the random subsample.
    """
    f_all, f_sub, y = (np.asarray(v, dtype=np.float64) for v in (cheap_all, cheap_sub, strong_sub))
    if len(f_all) < 2 and len(y) >= 2:  # the strong judge labelled (nearly) every answer: nothing to add
        f_all, lam = np.zeros(2), 0.0
    _check(f_all, f_sub, y)
    n, big_n = len(y), len(f_all)
    if lam == "auto":
        var_f = float(np.var(np.concatenate([f_all, f_sub]), ddof=1))
        cov = float(np.cov(y, f_sub, ddof=1)[0, 1])
        lam_v = 0.0 if var_f <= 0 else cov / ((1.0 + n / big_n) * var_f)
    else:
        lam_v = float(lam)
    est = float(lam_v * f_all.mean() + (y - lam_v * f_sub).mean())
    var = lam_v ** 2 * float(f_all.var(ddof=1)) / big_n + float((y - lam_v * f_sub).var(ddof=1)) / n
    z = _z(confidence)
    se = math.sqrt(max(var, 0.0))
    sm, slo, shi, sse = _subsample_interval(y, z)
    est = _clip(est)
    low, high = _rate_interval(est, se, n, z)
    return BudgetEstimate(est, se, low, high, big_n, n, "ppi++" if lam == "auto" else "ppi", lam_v,
                          sm, slo, shi, sse)


def two_phase_mean(cheap_all: ArrayLike, subsample_index: ArrayLike, strong_sub: ArrayLike, *,
                   confidence: float = 0.95) -> BudgetEstimate:
    """Two-phase difference estimator: the strong judge labels a simple random subsample of the answers.

    estimate = mean(cheap on all N) + mean(strong - cheap on the n subsampled);
    variance = S2(strong)/N + (1/n - 1/N) * S2(strong - cheap).
    """
    f = np.asarray(cheap_all, dtype=np.float64)
    idx = np.asarray(subsample_index, dtype=np.int64)
    y = np.asarray(strong_sub, dtype=np.float64)
    if len(np.unique(idx)) != len(idx) or (len(idx) and (idx.min() < 0 or idx.max() >= len(f))):
        raise ValueError("subsample_index must be distinct positions in cheap_all")
    f_sub = f[idx]
    _check(f, f_sub, y)
    n, big_n = len(y), len(f)
    d = y - f_sub
    est = float(f.mean() + d.mean())
    var = float(y.var(ddof=1)) / big_n + (1.0 / n - 1.0 / big_n) * float(d.var(ddof=1))
    z = _z(confidence)
    se = math.sqrt(max(var, 0.0))
    # both intervals target the model's rate (super-population): no finite-population correction
    sm, slo, shi, sse = _subsample_interval(y, z)
    est = _clip(est)
    low, high = _rate_interval(est, se, n, z)
    return BudgetEstimate(est, se, low, high, big_n, n, "two-phase", 1.0, sm, slo, shi, sse)


def choose_subsample(n_all: int, n_strong: int, seed: int = 0) -> np.ndarray:
    """Positions of a simple random subsample (sorted) to send to the strong judge."""
    if not 0 < n_strong <= n_all:
        raise ValueError(f"subsample size must be in 1..{n_all}, got {n_strong}")
    return np.sort(np.random.default_rng(seed).choice(n_all, size=n_strong, replace=False))


def difference(candidate: BudgetEstimate, base: BudgetEstimate, confidence: float = 0.95  # noqa: ARG001
               ) -> dict[str, float]:
    """Candidate minus base (independent answer sets), with the strong-only comparison and the one-sided
    p-value of "candidate > base" (normal approximation), so that a verdict can be decided on it."""
    from scipy.stats import norm

    est = candidate.estimate - base.estimate
    se = math.hypot(candidate.se, base.se)
    s_est = candidate.subsample_estimate - base.subsample_estimate
    s_se = math.hypot(candidate.subsample_se, base.subsample_se)
    p = float(norm.sf(est / se)) if se > 0 else (0.0 if est > 0 else 1.0)
    s_p = float(norm.sf(s_est / s_se)) if s_se > 0 else (0.0 if s_est > 0 else 1.0)
    low, high = _mover(est, candidate.estimate, candidate.low, candidate.high, base.estimate, base.low, base.high)
    s_low, s_high = _mover(s_est, candidate.subsample_estimate, candidate.subsample_low, candidate.subsample_high,
                           base.subsample_estimate, base.subsample_low, base.subsample_high)
    return {"estimate": est, "se": se, "low": low, "high": high, "p_value": p, "subsample_estimate": s_est,
            "subsample_low": s_low, "subsample_high": s_high, "subsample_p_value": s_p,
            "relative_width": (high - low) / (s_high - s_low) if s_high > s_low else float("nan")}


def _mover(d: float, p1: float, l1: float, u1: float, p2: float, l2: float, u2: float) -> tuple[float, float]:
    """Newcombe's interval of p1 - p2 from the two rates' own intervals (MOVER)."""
    return (_clip(d - math.hypot(p1 - l1, u2 - p2), -1.0),
            _clip(d + math.hypot(u1 - p1, p2 - l2), -1.0))


def budget_rates(groups: Sequence[str], cheap: ArrayLike, strong: ArrayLike, *,
                 method: str = "ppi", confidence: float = 0.95,
                 candidate: str | None = None, base: str | None = None) -> dict[str, Any]:
    """Per-group (model or role) rates from cheap labels on all answers and strong labels on some.

    ``strong`` holds NaN where the strong judge did not label the answer; the labelled answers must
    be a random subsample of each group. ``method``: "ppi" (PPI++, default: never much wider than
    the strong judge alone) or "two-phase" (the plain difference estimator, which is *wider* than
    the strong judge alone when the cheap judge agrees poorly with it).
    Returns {"groups": {g: estimate dict}, "difference": candidate - base (if both given)}.
    """
    g = np.asarray(groups)
    f = np.asarray(cheap, dtype=np.float64)
    y = np.asarray(strong, dtype=np.float64)
    if not (len(g) == len(f) == len(y)):
        raise ValueError("groups, cheap and strong must have the same length")
    estimates: dict[str, BudgetEstimate] = {}
    for name in sorted(set(g.tolist())):
        sel = g == name
        f_g, y_g = f[sel], y[sel]
        lab = np.isfinite(y_g)
        if method == "two-phase":
            estimates[name] = two_phase_mean(f_g, np.flatnonzero(lab), y_g[lab], confidence=confidence)
        elif method in ("ppi", "ppi++"):
            estimates[name] = ppi_mean(f_g[~lab], f_g[lab], y_g[lab], confidence=confidence)
        else:
            raise ValueError(f"unknown method {method!r}; use 'ppi' (PPI++) or 'two-phase'")
    out: dict[str, Any] = {"method": method, "confidence": confidence, "target": TARGET,
                           "groups": {k: v.to_dict() for k, v in estimates.items()}}
    if candidate is not None and base is not None:
        missing = [r for r in (candidate, base) if r not in estimates]
        if missing:
            raise ValueError(f"no answers for {', '.join(missing)}")
        out["difference"] = difference(estimates[candidate], estimates[base], confidence)
    return out


def estimates_from_mapping(d: Mapping[str, Any]) -> BudgetEstimate:
    keys = BudgetEstimate.__dataclass_fields__
    return BudgetEstimate(**{k: d[k] for k in keys if k in d})
