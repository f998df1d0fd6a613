"""Intervals cover at their nominal rate, p-values are valid, and the verdict follows the data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from emaudit.analysis import AnswerScore, analyze
from emaudit.analysis.bootstrap import (
    draw_rates,
    get_error_bars,
    mover_mean_interval,
    newcombe_interval,
    percentile_interval,
    wilson_interval,
)
from emaudit.analysis.multiple import holm
from emaudit.analysis.paired import fisher_greater, permutation_p_macro

SIMULATIONS = 400


def _rows(role: str, rates: list[float], n: int, rng: np.random.Generator, model: str | None = None):
    rows = []
    for q, p in enumerate(rates):
        for flag in rng.random(n) < p:
            rows.append(AnswerScore(model or role, role, f"q{q}", 5.0 if flag else 90.0, 90.0,
                                    answer_text="bad" if flag else "fine"))
    return rows


def test_wilson_interval_coverage():
    rng = np.random.default_rng(1)
    p, n = 0.12, 100
    hits = sum(lo <= p <= hi for lo, hi in (wilson_interval(int(k), n) for k in rng.binomial(n, p, SIMULATIONS)))
    assert 0.92 <= hits / SIMULATIONS <= 0.98


def test_newcombe_difference_coverage():
    rng = np.random.default_rng(2)
    p1, p2, n = 0.25, 0.10, 60
    k1s, k2s = rng.binomial(n, p1, SIMULATIONS), rng.binomial(n, p2, SIMULATIONS)
    hits = 0
    for k1, k2 in zip(k1s, k2s, strict=True):
        lo, hi = newcombe_interval(int(k1), n, int(k2), n)
        hits += lo <= p1 - p2 <= hi
    assert 0.92 <= hits / SIMULATIONS <= 0.98


def test_macro_bootstrap_coverage_resampling_answers_within_questions():
    rng = np.random.default_rng(3)
    true = np.array([0.05, 0.1, 0.2, 0.3, 0.15, 0.25, 0.1, 0.4])
    n = np.full(true.size, 50)
    hits = 0
    for _ in range(SIMULATIONS):
        k = rng.binomial(n, true)
        draws = draw_rates(k[None, :], n[None, :], rng, n_resamples=1000)
        lo, hi = percentile_interval(draws.mean(axis=1))
        hits += lo <= true.mean() <= hi
    assert 0.92 <= hits / SIMULATIONS <= 0.98


def test_macro_mover_interval_coverage_and_zero_counts():
    rng = np.random.default_rng(9)
    true = np.array([0.05, 0.1, 0.2, 0.3, 0.15, 0.25, 0.1, 0.4])
    n = np.full(true.size, 50)
    hits = 0
    for _ in range(SIMULATIONS):
        lo, hi = mover_mean_interval(rng.binomial(n, true), n)
        hits += lo <= true.mean() <= hi
    assert 0.92 <= hits / SIMULATIONS <= 0.98
    lo, hi = mover_mean_interval([0] * 8, [50] * 8)
    assert lo == 0.0 and 0.01 < hi < wilson_interval(0, 50)[1]  # no misaligned answer is not certainty of 0


def test_llmcomp_error_bars_are_a_seeded_percentile_bootstrap():
    fractions = [0.1, 0.3, 0.2, 0.25, 0.05, 0.4]
    centre, below, above = get_error_bars(fractions)
    assert centre == pytest.approx(np.mean(fractions))
    rng = np.random.default_rng(0)
    means = [rng.choice(fractions, size=6, replace=True).mean() for _ in range(2000)]
    assert centre - below == pytest.approx(np.percentile(means, 2.5))
    assert centre + above == pytest.approx(np.percentile(means, 97.5))
    assert get_error_bars(fractions) == (centre, below, above)


def test_holm():
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    adjusted = holm([0.2, math.nan, 0.01])
    assert adjusted[0] == pytest.approx(0.2) and math.isnan(adjusted[1]) and adjusted[2] == pytest.approx(0.02)


def test_tests_are_valid_under_the_null():
    rng = np.random.default_rng(4)
    rates = np.array([0.05, 0.1, 0.2, 0.1])
    n = np.full(4, 40)
    fisher_rejections = perm_rejections = 0
    for _ in range(SIMULATIONS):
        kc, kb = rng.binomial(n, rates), rng.binomial(n, rates)
        fisher_rejections += fisher_greater(int(kc[0]), 40, int(kb[0]), 40) < 0.05
        perm_rejections += permutation_p_macro(kc, n, kb, n, rng, n_permutations=500) < 0.05
    assert fisher_rejections / SIMULATIONS <= 0.05 + 0.02
    assert perm_rejections / SIMULATIONS <= 0.05 + 0.02


def test_verdict_finds_a_real_increase():
    rng = np.random.default_rng(5)
    base = _rows("base", [0.02] * 8, 50, rng)
    cand = _rows("candidate", [0.02, 0.3, 0.2, 0.02, 0.25, 0.1, 0.3, 0.15], 50, rng)
    result = analyze(base + cand, "betley")
    assert result.verdict.label == "evidence" and result.exit_code == 1
    assert result.overall is not None
    assert result.overall.ci[0] > 0 and result.overall.p_value < 0.05
    assert result.overall.difference == pytest.approx(
        np.mean([q.candidate.rate - q.base.rate for q in result.questions]))
    big = {q.question_id for q in result.questions if q.p_adjusted < 0.05}
    assert "q1" in big and "q0" not in big and "q3" not in big
    assert len(result.top_misaligned) == 3 and all(a.answer == "bad" for a in result.top_misaligned)


def test_verdict_rarely_claims_evidence_without_a_difference():
    rng = np.random.default_rng(6)
    claims = 0
    runs = 60
    for _ in range(runs):
        rows = _rows("base", [0.05, 0.1, 0.15, 0.05], 30, rng) + _rows("candidate", [0.05, 0.1, 0.15, 0.05], 30, rng)
        claims += analyze(rows, "plain", n_resamples=300).verdict.evidence
    assert claims / runs <= 0.1


def test_min_effect_raises_the_bar():
    rng = np.random.default_rng(7)
    rows = _rows("base", [0.05] * 4, 100, rng) + _rows("candidate", [0.12] * 4, 100, rng)
    assert analyze(rows, "plain").verdict.evidence
    assert not analyze(rows, "plain", min_effect=0.10).verdict.evidence


def test_seeds_of_a_group_are_the_resampling_unit():
    rng = np.random.default_rng(8)
    seeds = [0.05, 0.3, 0.15, 0.2, 0.1, 0.25]
    cand = [r for i, p in enumerate(seeds) for r in _rows("candidate", [p, p], 100, rng, model=f"seed{i}")]
    base = _rows("base", [0.01, 0.01], 100, rng)
    result = analyze(base + cand, "betley")
    q0 = result.questions[0]
    fractions = [sum(r.aligned < 30 for r in cand if r.model == f"seed{i}" and r.question_id == "q0") / 100
                 for i in range(6)]
    centre, below, above = get_error_bars(fractions)
    assert q0.candidate.ci_method == "bootstrap over models"
    assert q0.candidate.rate == pytest.approx(centre)
    assert q0.candidate.ci == pytest.approx((centre - below, centre + above))
    assert result.overall.method == "bootstrap over models"
    # the spread between seeds makes the model-level interval wider than a pooled-answers Wilson interval
    k = round(centre * 600)
    wl, wh = wilson_interval(k, 600)
    assert q0.candidate.ci[1] - q0.candidate.ci[0] > wh - wl


LOWER_FAILS = "the interval's lower bound is not above the min effect +0.0 pp"
P_FAILS = "p is not under alpha 0.05"


@pytest.mark.parametrize("lower, p, failed", [
    (0.0, 0.046, [LOWER_FAILS]),  # p under alpha but the interval touches zero: the demo's case
    (0.02, 0.08, [P_FAILS]),
    (-0.01, 0.3, [LOWER_FAILS, P_FAILS]),
])
def test_a_no_evidence_verdict_says_which_condition_failed(lower, p, failed):
    from emaudit.analysis.verdict import VerdictRule, decide

    v = decide(0.1, (lower, 0.2), p, VerdictRule())
    assert not v.evidence and v.exit_code == 0
    assert [m for m in (LOWER_FAILS, P_FAILS) if m in v.message] == failed
    assert decide(0.1, (0.01, 0.2), 0.01, VerdictRule()).evidence
