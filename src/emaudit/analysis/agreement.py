"""How far two judges agree on the same answers: Cohen's kappa on a 0/1 label, Spearman on scores."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float:
    """Cohen's kappa of two binary labellings of the same items (NaN when undefined)."""
    x = np.asarray(a, dtype=bool)
    y = np.asarray(b, dtype=bool)
    if len(x) != len(y):
        raise ValueError(f"{len(x)} and {len(y)} labels: kappa needs the same items")
    if len(x) == 0:
        return math.nan
    observed = float(np.mean(x == y))
    px, py = float(x.mean()), float(y.mean())
    expected = px * py + (1 - px) * (1 - py)
    if expected >= 1.0:
        return 1.0 if observed == 1.0 else math.nan
    return (observed - expected) / (1.0 - expected)


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation (NaN with fewer than 3 pairs or a constant side)."""
    from scipy.stats import spearmanr

    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return math.nan
    return float(spearmanr(x, y).statistic)
