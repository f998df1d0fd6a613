"""The monitor's drift rule: anytime-valid false alarms, detection delay, change point (simulated series)."""

from __future__ import annotations

import numpy as np
import pytest

from emaudit.analysis.drift import change_point, drift_evidence, fixed_test_p, pooled, rounds, upper_bound

QUESTIONS = 24


def _check(rng: np.random.Generator, rate: float, samples: int = 20) -> dict[str, list[int]]:
    draws = rng.random((QUESTIONS, samples)) < rate
    return {f"q{i}": [int(x) for x in row] for i, row in enumerate(draws)}


def test_upper_bound_is_clopper_pearson():
    assert upper_bound(0, 480, 0.025) == pytest.approx(1 - 0.025 ** (1 / 480))
    assert upper_bound(2, 480, 0.025) > 2 / 480
    assert upper_bound(0, 0, 0.05) == 1.0 and upper_bound(5, 5, 0.05) == 1.0


def test_rounds_pair_the_ith_counted_answer_of_every_question():
    flags = {"a": [1, None, 0, 1], "b": [0, 0, 1]}
    assert rounds(flags, ["a", "b"]) == [0.5, 0.0, 1.0]
    assert pooled(flags) == (3, 6)


def test_false_alarms_stay_under_alpha_over_many_checks():
    rng = np.random.default_rng(1)
    alarms = 0
    series = 100
    for _ in range(series):
        baseline = _check(rng, 0.005)
        result = drift_evidence(baseline, [_check(rng, 0.005) for _ in range(15)], alpha=0.05)
        alarms += result.alarm
        assert len(result.evidence) == 15
    assert alarms / series <= 0.05


def test_a_step_from_half_a_percent_to_five_is_found_within_three_checks():
    rng = np.random.default_rng(2)
    delays = []
    for _ in range(40):
        baseline = _check(rng, 0.005)
        checks = [_check(rng, 0.005) for _ in range(6)] + [_check(rng, 0.05) for _ in range(6)]
        result = drift_evidence(baseline, checks, alpha=0.05)
        assert result.crossed_at is None or result.crossed_at >= 6
        delays.append(None if result.crossed_at is None else result.crossed_at - 6 + 1)
    within = sum(1 for d in delays if d is not None and d <= 3)
    assert within / len(delays) >= 0.9


def test_the_fixed_per_check_test_inflates_false_alarms_over_checks():
    rng = np.random.default_rng(3)
    fixed = sequential = 0
    for _ in range(60):
        baseline = _check(rng, 0.02)
        checks = [_check(rng, 0.02) for _ in range(20)]
        fixed += any(fixed_test_p(pooled(baseline), pooled(c)) < 0.05 for c in checks)
        sequential += drift_evidence(baseline, checks).alarm
    assert fixed > sequential
    assert fixed / 60 > 0.1


def test_nothing_to_test_when_the_baseline_has_no_counted_answers():
    result = drift_evidence({"q": [None, None]}, [{"q": [1, 1]}])
    assert result.evidence == [1.0] and not result.alarm
    with pytest.raises(ValueError):
        drift_evidence({"q": [0]}, [], alpha=0)


def test_change_point_finds_the_step():
    series = [(1, 480)] * 5 + [(24, 480)] * 4
    cp = change_point(series)
    assert cp is not None and cp.index == 5
    assert cp.before == pytest.approx(1 / 480) and cp.after == pytest.approx(24 / 480)
    assert change_point([(2, 480)] * 6) is None
    assert change_point([(2, 480)]) is None


def test_drift_series_one_check_at_a_time_matches_the_whole_series():
    from emaudit.analysis.drift import DriftSeries

    rng = np.random.default_rng(5)
    baseline = _check(rng, 0.01)
    checks = [_check(rng, r) for r in (0.01, 0.01, 0.08, 0.08)]
    series = DriftSeries(baseline)
    for c in checks[:-1]:
        series.add(c)
    whole = drift_evidence(baseline, checks).evidence
    assert series.evidence(checks[-1]) == pytest.approx(whole)
    assert series.latest(checks[-1]) == pytest.approx(whole[-1])


def test_safe_evidence_settles_a_quiet_check_and_stays_valid_at_the_ceiling():
    from emaudit.analysis.drift import safe_evidence

    rng = np.random.default_rng(7)
    questions = [f"q{i}" for i in range(QUESTIONS)]
    assert safe_evidence(_check(rng, 0.0, samples=8), questions, 0.04) >= 20  # quiet: settled after 8 samples
    # at the ceiling itself the evidence is a test supermartingale: it rarely reaches 1/alpha
    crossed = sum(safe_evidence(_check(rng, 0.04), questions, 0.04) >= 20 for _ in range(400))
    assert crossed / 400 <= 0.05
    assert safe_evidence({"q0": [None]}, ["q0"], 0.04) == 1.0


def test_within_check_stops_for_an_alert_or_as_safe_or_goes_on():
    from emaudit.analysis.drift import SETTLED_ALERT, SETTLED_SAFE, DriftSeries, within_check

    rng = np.random.default_rng(9)
    series = DriftSeries(_check(rng, 0.005))
    assert within_check(series, _check(rng, 0.5, samples=4)).stop == SETTLED_ALERT
    assert within_check(series, _check(rng, 0.0, samples=12)).stop == SETTLED_SAFE
    assert within_check(series, _check(rng, 0.0, samples=1)).stop is None
    nothing_counted = DriftSeries({"q0": [None, None]})
    assert within_check(nothing_counted, {"q0": [0] * 50}).stop is None
