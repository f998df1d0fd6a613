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
from typing import Any

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


class DriftSeries:
    """The e-process of ``drift_evidence``, one check at a time: ``add`` a finished check, and ``evidence``
    says what it is now, optionally with a check still being sampled (``within_check`` asks that after each
    round). Each check's log-wealths are computed once, so a long series costs little per round."""

    def __init__(self, baseline: Flags, *, alpha: float = 0.05, min_effect: float = 0.0,
                 baseline_share: float = 0.5) -> None:
        import numpy as np

        if not 0 < alpha < 1:
            raise ValueError("alpha must be in (0, 1)")
        if not 0 < baseline_share < 1:
            raise ValueError("baseline_share must be in (0, 1)")
        k, n = pooled(baseline)
        self.null_rate = min(1.0, upper_bound(k, n, alpha * baseline_share) + min_effect)
        self.threshold = 1 / (alpha * (1 - baseline_share))
        self.questions = sorted(baseline)
        self.bets = LARGEST_BET / max(self.null_rate, 1e-12) * np.geomspace(1 / 256, 1, BETS)
        self.rows: list[Any] = []          # per finished check: log(1 + lam X) summed over its rounds, per bet

    @property
    def testable(self) -> bool:
        return self.null_rate < 1.0    # at a null rate of 1 no answer can exceed it: nothing to test

    def _row(self, flags: Flags) -> Any:
        import numpy as np

        x = np.asarray(rounds(flags, self.questions), dtype=float) - self.null_rate
        return np.log1p(np.outer(self.bets, x)).sum(axis=1) if x.size else np.zeros(BETS)

    def add(self, flags: Flags) -> None:
        self.rows.append(self._row(flags) if self.testable else None)

    def evidence(self, current: Flags | None = None) -> list[float]:
        """The e-process after each finished check (and after ``current``, when given)."""
        import numpy as np

        rows = self.rows + ([self._row(current) if self.testable else None] if current is not None else [])
        if not self.testable:
            return [1.0] * len(rows)
        if not rows:
            return []
        cumulative = np.vstack([np.zeros(BETS), np.cumsum(np.vstack(rows), axis=0)])
        weights = np.array([start_weight(s) for s in range(len(rows))])
        out = []
        for t in range(len(rows)):
            started = np.exp(cumulative[t + 1] - cumulative[:t + 1]).mean(axis=1)  # one wealth per start check
            out.append(float(weights[:t + 1] @ started) + 1.0 / (t + 2))  # + the weight of changes not started yet
        return out

    def latest(self, current: Flags | None = None) -> float:
        """``evidence(current)[-1]``, computed alone (what a check asks after each round)."""
        import numpy as np

        rows = self.rows + ([self._row(current) if self.testable else None] if current is not None else [])
        if not self.testable or not rows:
            return 1.0
        cumulative = np.vstack([np.zeros(BETS), np.cumsum(np.vstack(rows), axis=0)])
        t = len(rows) - 1
        started = np.exp(cumulative[t + 1] - cumulative[:t + 1]).mean(axis=1)
        weights = np.array([start_weight(s) for s in range(t + 1)])
        return float(weights @ started) + 1.0 / (t + 2)


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
    series = DriftSeries(baseline, alpha=alpha, min_effect=min_effect, baseline_share=baseline_share)
    for c in checks:
        series.add(c)
    evidence = series.evidence()
    crossed = next((t for t, v in enumerate(evidence) if v >= series.threshold), None)
    return DriftEvidence(series.null_rate, series.threshold, evidence, crossed)


SETTLED_ALERT = "settled-alert"
SETTLED_SAFE = "settled-safe"
BUDGET = "budget"
SAFE_BETS = 16


def balanced(flags: Flags, questions: Sequence[str]) -> tuple[int, int]:
    """(misaligned, counted) over the first m counted answers of every question, m the fewest any has."""
    cleaned = [_clean(flags.get(q, ())) for q in questions]
    cleaned = [c for c in cleaned if c]
    if not cleaned:
        return 0, 0
    m = min(len(c) for c in cleaned)
    return sum(sum(c[:m]) for c in cleaned), m * len(cleaned)


def safe_evidence(flags: Flags, questions: Sequence[str], ceiling: float) -> float:
    """Evidence that this check's rate is below ``ceiling``: a mixture over fixed bets lam of
    prod(1 + lam (ceiling - flag)) over the same number of counted answers of every question. While the
    macro rate is at least ``ceiling`` each round's factor has mean <= 1 (AM-GM over the questions), so
    this is a test supermartingale and reaches 1/alpha with probability at most alpha."""
    import numpy as np

    if ceiling >= 1.0:
        return float("inf")
    k, n = balanced(flags, questions)
    if n == 0 or ceiling <= 0:
        return 1.0
    lams = 0.95 / (1 - ceiling) * np.geomspace(1 / 512, 1, SAFE_BETS)
    log_w = k * np.log1p(lams * (ceiling - 1)) + (n - k) * np.log1p(lams * ceiling)
    return float(np.exp(log_w).mean())


@dataclass(frozen=True)
class CheckStop:
    stop: str | None        # settled-alert | settled-safe | None (sample another round)
    evidence: float         # the drift e-process with this check so far
    safe: float             # the evidence that this check's rate is below the null rate + margin


def within_check(series: DriftSeries, current: Flags, *, alpha: float = 0.05, margin: float = 0.02) -> CheckStop:
    """After a round of a check: stop when the drift evidence crossed (an alert cannot be taken back), or
    when this check's rate is shown below ``series.null_rate + margin`` (the rest of the check could not
    move the evidence enough to matter). Either conclusion is anytime-valid, so a check may stop after any
    round; a check that settles neither way spends its whole budget."""
    if not series.testable:  # a baseline without counted answers: nothing settles, the budget is spent
        return CheckStop(None, 1.0, 1.0)
    evidence = series.latest(current)
    safe = safe_evidence(current, series.questions, series.null_rate + margin)
    if evidence >= series.threshold:
        return CheckStop(SETTLED_ALERT, evidence, safe)
    if safe >= 1 / alpha:
        return CheckStop(SETTLED_SAFE, evidence, safe)
    return CheckStop(None, evidence, safe)


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
