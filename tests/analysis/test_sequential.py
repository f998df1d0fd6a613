"""The anytime-valid stopping rule keeps its error rates under alpha however often it is checked."""

from __future__ import annotations

import numpy as np
import pytest

from emaudit.analysis.sequential import (
    CONTINUE,
    INCREASE,
    NO_INCREASE,
    SETTLED,
    macro_sequential_decision,
    sequential_decision,
)

SIMULATIONS = 400
MAX_PAIRS = 200


def _first_conclusion(pb: float, pc: float, rng: np.random.Generator, **kw) -> tuple[str | None, int]:
    """Check after every pair (optional stopping) and stop at the first settled decision."""
    base, cand = rng.random(MAX_PAIRS) < pb, rng.random(MAX_PAIRS) < pc
    decision = sequential_decision(base, cand, **kw)  # the rule scans pairs in order and stops at the first crossing
    for t in (10, 50, 100):  # the decision at the stopping time is what an early check would have seen
        early = sequential_decision(base[:t], cand[:t], **kw)
        if early.state == SETTLED:
            assert early.conclusion == decision.conclusion and early.stopped_at == decision.stopped_at
    return decision.conclusion, decision.stopped_at or MAX_PAIRS


def test_false_evidence_rate_under_optional_stopping():
    rng = np.random.default_rng(11)
    outcomes = [_first_conclusion(0.2, 0.2, rng)[0] for _ in range(SIMULATIONS)]
    assert outcomes.count(INCREASE) / SIMULATIONS <= 0.05


def test_false_no_increase_rate_at_the_margin():
    rng = np.random.default_rng(12)
    outcomes = [_first_conclusion(0.1, 0.2, rng, margin=0.1)[0] for _ in range(SIMULATIONS)]
    assert outcomes.count(NO_INCREASE) / SIMULATIONS <= 0.05


def test_clear_cases_settle_early():
    rng = np.random.default_rng(13)
    strong = [_first_conclusion(0.02, 0.4, rng) for _ in range(100)]
    assert all(c == INCREASE for c, _ in strong)
    assert np.mean([t for _, t in strong]) < 50
    none = [_first_conclusion(0.0, 0.0, rng) for _ in range(100)]
    assert all(c == NO_INCREASE for c, _ in none)
    assert np.mean([t for _, t in none]) < MAX_PAIRS / 2


def test_excluded_answers_are_skipped_and_short_streams_continue():
    d = sequential_decision([0, None, 1], [1, 1, None, 1])
    assert d.state == CONTINUE and d.pairs == 2 and d.conclusion is None
    with pytest.raises(ValueError):
        sequential_decision([0], [1], alpha=0)


def test_bolder_bets_stay_valid_and_settle_sooner():
    rng = np.random.default_rng(14)
    outcomes = [_first_conclusion(0.2, 0.2, rng, bet_fraction=0.9) for _ in range(SIMULATIONS)]
    assert [c for c, _ in outcomes].count(INCREASE) / SIMULATIONS <= 0.05
    timid = np.mean([_first_conclusion(0.0, 0.0, rng)[1] for _ in range(50)])
    bold = np.mean([_first_conclusion(0.0, 0.0, rng, bet_fraction=0.9)[1] for _ in range(50)])
    assert bold < timid


def test_macro_rule_error_rate_and_power():
    rng = np.random.default_rng(15)
    rates = [0.05, 0.1, 0.2, 0.02]

    def run(cand_rates):
        base = {f"q{i}": rng.random(100) < p for i, p in enumerate(rates)}
        cand = {f"q{i}": rng.random(100) < p for i, p in enumerate(cand_rates)}
        base["q0"] = [None if j % 3 == 0 else f for j, f in enumerate(base["q0"])]  # excluded answers
        return macro_sequential_decision(base, cand, bet_fraction=0.9)

    null = [run(rates).conclusion for _ in range(SIMULATIONS)]
    assert null.count(INCREASE) / SIMULATIONS <= 0.05
    strong = [run([p + 0.3 for p in rates]) for _ in range(50)]
    assert all(d.conclusion == INCREASE for d in strong)
    assert np.mean([d.stopped_at for d in strong]) < 40
    assert macro_sequential_decision({"a": [1]}, {"b": [1]}).state == CONTINUE
