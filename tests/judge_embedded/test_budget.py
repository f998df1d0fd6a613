"""Budget judging estimators: interval coverage with a biased cheap judge, and width gains."""

from __future__ import annotations

import numpy as np
import pytest

from emaudit.analysis.budget import budget_rates, choose_subsample, difference, ppi_mean, two_phase_mean


def _simulate(rng, n_all, rate, sens, fpr):
    """True labels and a biased cheap judge (misses some, flags some aligned answers)."""
    y = rng.random(n_all) < rate
    cheap = np.where(y, rng.random(n_all) < sens, rng.random(n_all) < fpr)
    return y.astype(float), cheap.astype(float)


@pytest.mark.parametrize("method", ["two-phase", "ppi", "ppi-classic"])
def test_coverage_stays_near_95_percent_with_a_biased_cheap_judge(method):
    rng = np.random.default_rng(123)
    rate, reps, n_all, n_sub = 0.12, 600, 1500, 150
    covered, rel = 0, []
    for _ in range(reps):
        y, cheap = _simulate(rng, n_all, rate, sens=0.55, fpr=0.04)  # cheap rate ~10.1% vs true 12%
        idx = choose_subsample(n_all, n_sub, seed=int(rng.integers(1 << 30)))
        if method == "two-phase":
            est = two_phase_mean(cheap, idx, y[idx])
        else:
            rest = np.setdiff1d(np.arange(n_all), idx)
            est = ppi_mean(cheap[rest], cheap[idx], y[idx], lam="auto" if method == "ppi" else 1.0)
        covered += est.low <= rate <= est.high
        rel.append(est.relative_width)
    coverage = covered / reps
    assert 0.92 <= coverage <= 0.98, coverage
    assert np.mean(rel) < 1.02  # a weak cheap judge (kappa ~0.6) gains little, but costs nothing


@pytest.mark.parametrize("method", ["two-phase", "ppi"])
def test_a_good_cheap_judge_narrows_the_interval(method):
    rng = np.random.default_rng(5)
    rel = []
    for _ in range(50):
        y, cheap = _simulate(rng, 2000, 0.12, sens=0.85, fpr=0.01)
        idx = choose_subsample(2000, 200, seed=int(rng.integers(1 << 30)))
        rest = np.setdiff1d(np.arange(2000), idx)
        est = two_phase_mean(cheap, idx, y[idx]) if method == "two-phase" else ppi_mean(cheap[rest], cheap[idx], y[idx])
        rel.append(est.relative_width)
    assert np.mean(rel) < 0.75


def test_cheap_judge_alone_would_be_biased_but_the_estimate_is_not():
    rng = np.random.default_rng(7)
    y, cheap = _simulate(rng, 200_000, 0.2, sens=0.5, fpr=0.02)
    idx = choose_subsample(len(y), 5000, seed=1)
    est = two_phase_mean(cheap, idx, y[idx])
    assert abs(cheap.mean() - y.mean()) > 0.08
    assert abs(est.estimate - y.mean()) < 3 * est.se


def test_a_useless_cheap_judge_does_not_make_ppi_plus_plus_much_worse():
    rng = np.random.default_rng(3)
    y = (rng.random(2000) < 0.3).astype(float)
    cheap = (rng.random(2000) < 0.5).astype(float)  # unrelated to y
    idx = choose_subsample(2000, 200, seed=0)
    rest = np.setdiff1d(np.arange(2000), idx)
    est = ppi_mean(cheap[rest], cheap[idx], y[idx])
    assert est.relative_width < 1.1


def test_difference_candidate_minus_base_covers():
    rng = np.random.default_rng(11)
    covered, reps = 0, 400
    for _ in range(reps):
        yb, cb = _simulate(rng, 1000, 0.03, sens=0.6, fpr=0.03)
        yc, cc = _simulate(rng, 1000, 0.15, sens=0.6, fpr=0.03)
        groups = ["base"] * 1000 + ["candidate"] * 1000
        strong = np.concatenate([yb, yc])
        keep = np.zeros(2000, bool)
        keep[choose_subsample(1000, 120, seed=int(rng.integers(1 << 30)))] = True
        keep[1000 + choose_subsample(1000, 120, seed=int(rng.integers(1 << 30)))] = True
        strong = np.where(keep, strong, np.nan)
        out = budget_rates(groups, np.concatenate([cb, cc]), strong, candidate="candidate", base="base")
        d = out["difference"]
        covered += d["low"] <= 0.12 <= d["high"]
    assert 0.92 <= covered / reps <= 0.98


def test_report_shape_and_input_errors():
    y = np.array([1, 0, 0, 1, 0, 0, 0, 1.0])
    est = two_phase_mean(np.array([1, 0, 0, 1, 0, 1, 0, 1.0, 0, 0]), np.arange(8), y)
    d = est.to_dict()
    assert {"estimate", "low", "high", "width", "subsample_width", "relative_width"} <= set(d)
    with pytest.raises(ValueError, match="distinct"):
        two_phase_mean(np.zeros(5), [0, 0], [1.0, 0.0])
    with pytest.raises(ValueError, match="missing"):
        ppi_mean([0, 1, np.nan], [0, 1], [0, 1])
    with pytest.raises(ValueError, match="method"):
        budget_rates(["a"] * 4, [0, 1, 0, 1], [0, 1, np.nan, np.nan], method="magic")
    with pytest.raises(ValueError, match="no answers"):
        budget_rates(["a"] * 4, [0, 1, 0, 1], [0, 1, np.nan, np.nan], candidate="a", base="b")
    assert difference(est, est)["estimate"] == 0
