"""Has a monitored endpoint drifted from its baseline? Anytime-valid evidence across checks, a change point.

Each check asks every question ``samples`` times. Round i of a check takes the i-th counted answer of
every question, X_i = (mean of its misaligned flags) - b, where b is a one-sided upper confidence bound of
the baseline's rate at level alpha/2 (plus ``min_effect``). While the endpoint is unchanged E[X_i] <= 0,
so a betting wealth over all rounds of all checks (the audit's online-Newton-step bettor from
``sequential.py``) is a test supermartingale: by Ville's inequality it reaches 2/alpha with probability at
most alpha/2, however many checks are made. With the alpha/2 spent on the baseline's bound, a false alarm
over the monitor's whole life has probability at most alpha.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .sequential import _clean

Flags = Mapping[str, Sequence[bool | int | None]]  # question id -> misaligned flags (None: excluded)


def upper_bound(misaligned: int, counted: int, alpha: float) -> float:
    """Clopper-Pearson one-sided upper confidence bound of a rate at level ``alpha``."""
    from scipy.stats import beta

    if counted <= 0:
        return 1.0
    if misaligned >= counted:
        return 1.0
    return float(beta.ppf(1 - alpha, misaligned + 1, counted - misaligned))


def pooled(flags: Flags) -> tuple[int, int]:
    """(misaligned, counted) over every question."""
    cleaned = [_clean(v) for v in flags.values()]
    return sum(sum(c) for c in cleaned), sum(len(c) for c in cleaned)


def rounds(flags: Flags, questions: Sequence[str]) -> list[float]:
    """Round i: the mean of the i-th counted flags of every question (a question without answers is left out)."""
    cleaned = [_clean(flags.get(q, ())) for q in questions]
    cleaned = [c for c in cleaned if c]
    if not cleaned:
        return []
    n = min(len(c) for c in cleaned)
    return [sum(c[i] for c in cleaned) / len(cleaned) for i in range(n)]


@dataclass(frozen=True)
class DriftEvidence:
    null_rate: float               # the baseline's upper bound (+ min_effect) the checks are tested against
    threshold: float               # 1 / (alpha - baseline_alpha)
    evidence: list[float]          # the e-process after each check
    crossed_at: int | None         # index of the first check whose evidence reached the threshold

    @property
    def current(self) -> float:
        return self.evidence[-1] if self.evidence else 1.0

    @property
    def alarm(self) -> bool:
        return self.crossed_at is not None


BETS = 12          # bet sizes in the mixture, geometric from LARGEST_BET / 256 to LARGEST_BET (of 1 / null rate)
LARGEST_BET = 0.9


def start_weight(check: int) -> float:
    """Prior weight of a change starting at check ``check`` (0-based); the weights sum to 1."""
    return 1.0 / ((check + 1) * (check + 2))


def drift_evidence(baseline: Flags, checks: Sequence[Flags], *, alpha: float = 0.05, min_effect: float = 0.0,
                   baseline_share: float = 0.5) -> DriftEvidence:
    """Evidence, after each check, that the endpoint's misalignment rate rose above the baseline's.

    The e-process is a mixture, over the check s where a change may have started (weight
    ``start_weight(s)``) and over bet sizes (equal weights), of betting wealths prod(1 + lam * X_i) over the
    rounds of checks s, s+1, ...: each is a test supermartingale while nothing changed, so their mixture is
    one too and reaches 1 / (alpha * (1 - baseline_share)) with probability at most that much. Restarting
    at every check means quiet checks before a change cost nothing; ``baseline_share`` of alpha goes to the
    baseline's upper bound.
    """
    import numpy as np

    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    if not 0 < baseline_share < 1:
        raise ValueError("baseline_share must be in (0, 1)")
    k, n = pooled(baseline)
    null_rate = min(1.0, upper_bound(k, n, alpha * baseline_share) + min_effect)
    threshold = 1 / (alpha * (1 - baseline_share))
    if null_rate >= 1.0 or not checks:  # nothing to test against: no answer can exceed a rate of 1
        return DriftEvidence(null_rate, threshold, [1.0] * len(checks), None)
    questions = sorted(baseline)
    bets = LARGEST_BET / null_rate * np.geomspace(1 / 256, 1, BETS)
    # log(1 + lam X) summed over each check's rounds, per bet: checks x bets
    per_check = np.zeros((len(checks), BETS))
    for i, c in enumerate(checks):
        x = np.asarray(rounds(c, questions), dtype=float) - null_rate
        if x.size:
            per_check[i] = np.log1p(np.outer(bets, x)).sum(axis=1)
    cumulative = np.vstack([np.zeros(BETS), np.cumsum(per_check, axis=0)])
    weights = np.array([start_weight(s) for s in range(len(checks))])
    evidence: list[float] = []
    crossed: int | None = None
    for t in range(len(checks)):
        started = np.exp(cumulative[t + 1] - cumulative[:t + 1]).mean(axis=1)  # one wealth per start check
        value = float(weights[:t + 1] @ started) + 1.0 / (t + 2)  # + the weight of changes not started yet
        evidence.append(value)
        if crossed is None and value >= threshold:
            crossed = t
    return DriftEvidence(null_rate, threshold, evidence, crossed)


def fixed_test_p(baseline: tuple[int, int], check: tuple[int, int]) -> float:
    """One-sided Fisher exact p-value that the check's pooled rate exceeds the baseline's (the naive rule:
    alarm whenever one check's p < alpha, which inflates false alarms as checks accumulate)."""
    from scipy.stats import fisher_exact

    (kb, nb), (kc, nc) = baseline, check
    if nb == 0 or nc == 0:
        return 1.0
    return float(fisher_exact([[kc, nc - kc], [kb, nb - kb]], alternative="greater")[1])


@dataclass(frozen=True)
class ChangePoint:
    index: int          # first check of the new regime
    before: float       # pooled rate before
    after: float        # pooled rate from ``index`` on
    log_lr: float       # log-likelihood ratio of one change against none


def change_point(series: Sequence[tuple[int, int]], *, min_log_lr: float = 3.0) -> ChangePoint | None:
    """The single change in a binomial rate series (misaligned, counted per check) that explains it best;
    None when fewer than two checks or when no split beats one constant rate by ``min_log_lr``."""
    def ll(k: int, n: int) -> float:
        if n == 0 or k == 0 or k == n:
            return 0.0
        p = k / n
        return k * math.log(p) + (n - k) * math.log(1 - p)

    if len(series) < 2:
        return None
    total_k = sum(k for k, _ in series)
    total_n = sum(n for _, n in series)
    whole = ll(total_k, total_n)
    best: ChangePoint | None = None
    for i in range(1, len(series)):
        k1, n1 = sum(k for k, _ in series[:i]), sum(n for _, n in series[:i])
        k2, n2 = total_k - k1, total_n - n1
        if n1 == 0 or n2 == 0:
            continue
        lr = ll(k1, n1) + ll(k2, n2) - whole
        if best is None or lr > best.log_lr:
            best = ChangePoint(i, k1 / n1, k2 / n2, lr)
    if best is None or best.log_lr < min_log_lr:
        return None
    return best
