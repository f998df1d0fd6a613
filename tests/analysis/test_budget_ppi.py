"""PPI++ (the default estimator of --calibrate-with): coverage by simulation, same-target widths, clipping."""

from __future__ import annotations

import math

import numpy as np
import pytest

from emaudit.analysis.budget import budget_rates, choose_subsample, ppi_mean, two_phase_mean
from emaudit.analysis.verdict import VerdictRule, calibrated_verdict


def _population(rng, n, rate, sens, fpr):
    y = rng.random(n) < rate
    cheap = np.where(y, rng.random(n) < sens, rng.random(n) < fpr)
    return y.astype(float), cheap.astype(float)


@pytest.mark.parametrize("rate,sens,fpr,n_all,n_sub", [
    (0.10, 0.24, 0.03, 400, 150),   # like local v4 against GPT-4o: sensitivity 0.24
    (0.12, 0.60, 0.04, 1500, 150),  # a better cheap judge, more answers
    (0.03, 0.50, 0.02, 800, 200),   # a rare label
])
def test_ppi_plus_plus_covers_the_models_rate(rate, sens, fpr, n_all, n_sub):
    """Each draw: a fresh set of answers from the model and a fresh random subsample for the strong judge."""
    rng = np.random.default_rng(2026)
    draws, covered, ratios = 2000, 0, []
    for _ in range(draws):
        y, cheap = _population(rng, n_all, rate, sens, fpr)
        idx = choose_subsample(n_all, n_sub, seed=int(rng.integers(1 << 30)))
        rest = np.setdiff1d(np.arange(n_all), idx)
        est = ppi_mean(cheap[rest], cheap[idx], y[idx])
        assert est.method == "ppi++" and 0.0 <= est.low <= est.estimate <= est.high <= 1.0
        covered += est.low <= rate <= est.high
        ratios.append(est.relative_width)
    assert covered / draws >= 0.93, covered / draws
    assert np.mean(ratios) <= 1.01  # power tuning: never meaningfully wider than the strong judge alone


def test_strong_only_interval_targets_the_same_rate_as_the_estimate():
    """Both intervals estimate the model's rate with the same (Wilson) form: the strong-only one gets no
    finite-population shrinkage, so the width ratio compares like with like."""
    rng = np.random.default_rng(1)
    y, cheap = _population(rng, 400, 0.2, 0.6, 0.05)
    idx = choose_subsample(400, 200, seed=3)
    z = 1.959963984540054
    p, n = y[idx].mean(), 200
    d = 1 + z * z / n
    half = z / d * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    for est in (two_phase_mean(cheap, idx, y[idx]),
                ppi_mean(cheap[np.setdiff1d(np.arange(400), idx)], cheap[idx], y[idx])):
        assert est.subsample_high - est.subsample_low == pytest.approx(2 * half)
        assert est.subsample_se == pytest.approx(y[idx].std(ddof=1) / math.sqrt(n))
        assert est.relative_width == pytest.approx(est.width / est.subsample_width)


def test_rates_are_clipped_to_the_unit_interval():
    # the cheap judge flags the labelled answers far more often than the rest: the raw estimate is negative
    f_sub = np.r_[np.ones(10), np.zeros(10)]
    strong = np.r_[[1.0], np.zeros(19)]
    f_all = np.zeros(500)
    est = ppi_mean(f_all, f_sub, strong)
    raw = est.lam * f_all.mean() + (strong - est.lam * f_sub).mean()
    assert raw < 0 and est.estimate == 0.0 and est.low == 0.0 < est.high <= 1.0
    out = budget_rates(["base"] * 40 + ["candidate"] * 40, np.zeros(80),
                       np.r_[np.zeros(20), [np.nan] * 20, np.ones(20), [np.nan] * 20],
                       candidate="candidate", base="base")
    assert out["method"] == "ppi" and out["groups"]["candidate"]["high"] == 1.0
    assert -1.0 <= out["difference"]["low"] <= out["difference"]["high"] <= 1.0


def test_the_calibrated_difference_decides_the_verdict():
    diff = {"estimate": 0.225, "low": 0.138, "high": 0.312, "p_value": 1e-6}
    v = calibrated_verdict(diff, VerdictRule(alpha=0.05), "ppi")
    assert v.label == "evidence" and v.exit_code == 1 and v.ci == (0.138, 0.312)
    assert v.basis.startswith("calibrated estimate (ppi)")
    v = calibrated_verdict({"estimate": 0.02, "low": -0.03, "high": 0.07, "p_value": 0.2}, VerdictRule(), "ppi")
    assert v.label == "no-evidence" and v.exit_code == 0
