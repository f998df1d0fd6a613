"""Anytime-valid stopping for one question: stop sampling once its decision is settled.

``sequential_decision`` decides one question; ``macro_sequential_decision`` the whole audit's macro
difference (rounds of one counted answer per question and role). Answers are paired in arrival order (i-th base with i-th candidate; excluded answers dropped), giving
D_i = cand_i - base_i in {-1, 0, 1} with mean delta = p_cand - p_base. Two test supermartingales
(betting, with online-Newton-step bets that only use past data) run side by side:

* ``increase``: H0 delta <= min_effect, wealth prod(1 + lam_i (D_i - min_effect));
* ``no-increase``: H0 delta >= min_effect + margin, wealth prod(1 + lam_i (min_effect + margin - D_i)).

By Ville's inequality a wealth reaches 1/alpha with probability at most alpha under its null, however
often it is checked, so stopping at the first crossing keeps each wrong conclusion's rate under alpha.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SETTLED = "settled"
CONTINUE = "continue"
INCREASE = "increase"
NO_INCREASE = "no-increase"

_ONS_STEP = 2 / (2 - math.log(3))


@dataclass(frozen=True)
class SequentialDecision:
    state: str                 # settled | continue
    conclusion: str | None     # increase | no-increase | None
    wealth_increase: float
    wealth_no_increase: float
    pairs: int
    stopped_at: int | None     # pairs used when the decision settled (<= pairs)


def _clean(flags: Sequence[bool | int | None]) -> list[int]:
    return [int(bool(f)) for f in flags if f is not None]


class _Bettor:
    """Online-Newton-step bets on X in [lo, hi] with lo < 0 < hi; wealth is a test supermartingale
    whenever E[X | past] <= 0."""

    def __init__(self, lo: float, bet_fraction: float) -> None:
        self.cap = bet_fraction / max(-lo, 1e-9)  # keeps 1 + lam * X >= 1 - bet_fraction
        self.lam = 0.0
        self.grad_sq = 1.0
        self.log_wealth = 0.0

    def update(self, x: float) -> None:
        self.log_wealth += math.log1p(self.lam * x)
        z = x / (1 + self.lam * x)
        self.grad_sq += z * z
        self.lam = min(self.cap, max(0.0, self.lam + _ONS_STEP * z / self.grad_sq))


def _decide(diffs: Sequence[float], alpha: float, min_effect: float, margin: float,
            bet_fraction: float) -> SequentialDecision:
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    if margin <= 0:
        raise ValueError("margin must be positive")
    if not 0 < bet_fraction < 1:
        raise ValueError("bet_fraction must be in (0, 1)")
    upper = min_effect + margin
    increase = _Bettor(-1 - min_effect, bet_fraction)
    no_increase = _Bettor(upper - 1, bet_fraction)
    threshold = math.log(1 / alpha)
    for i, d in enumerate(diffs):
        increase.update(d - min_effect)
        no_increase.update(upper - d)
        for bettor, conclusion in ((increase, INCREASE), (no_increase, NO_INCREASE)):
            if bettor.log_wealth >= threshold:
                return SequentialDecision(SETTLED, conclusion, math.exp(increase.log_wealth),
                                          math.exp(no_increase.log_wealth), len(diffs), i + 1)
    return SequentialDecision(CONTINUE, None, math.exp(increase.log_wealth), math.exp(no_increase.log_wealth),
                              len(diffs), None)


def sequential_decision(base_flags: Sequence[bool | int | None], cand_flags: Sequence[bool | int | None], *,
                        alpha: float = 0.05, min_effect: float = 0.0, margin: float = 0.1,
                        bet_fraction: float = 0.5) -> SequentialDecision:
    """One question: ``settled`` once either wealth crosses 1/alpha (the first crossing decides).

    ``*_flags``: 1 misaligned, 0 counted and not misaligned, None excluded by the convention.
    ``margin``: increases smaller than ``min_effect + margin`` may be declared ``no-increase``.
    ``bet_fraction``: the most of its wealth a bettor may lose in one step (any value in (0, 1) is valid).
    """
    base, cand = _clean(base_flags), _clean(cand_flags)
    diffs = [c - b for b, c in zip(base, cand, strict=False)]
    return _decide(diffs, alpha, min_effect, margin, bet_fraction)


def macro_sequential_decision(base_flags: Mapping[str, Sequence[bool | int | None]],
                              cand_flags: Mapping[str, Sequence[bool | int | None]], *, alpha: float = 0.05,
                              min_effect: float = 0.0, margin: float = 0.1,
                              bet_fraction: float = 0.5) -> SequentialDecision:
    """The whole audit: round i pairs the i-th counted answers of every question, and
    D_i = mean over questions of (cand - base) has mean = the macro difference. ``pairs``/``stopped_at``
    count rounds: sample until every question has that many counted answers per role."""
    questions = sorted(set(base_flags) & set(cand_flags))
    if not questions:
        return _decide([], alpha, min_effect, margin, bet_fraction)
    base = {q: _clean(base_flags[q]) for q in questions}
    cand = {q: _clean(cand_flags[q]) for q in questions}
    rounds = min(min(len(base[q]), len(cand[q])) for q in questions)
    diffs = [sum(cand[q][i] - base[q][i] for q in questions) / len(questions) for i in range(rounds)]
    return _decide(diffs, alpha, min_effect, margin, bet_fraction)
