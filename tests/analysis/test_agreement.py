"""Agreement between two judges: Cohen's kappa on the misaligned label, Spearman on aligned scores."""

from __future__ import annotations

import math

import numpy as np
import pytest

from emaudit.analysis.agreement import cohen_kappa, spearman


def test_kappa_matches_an_independent_implementation():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    a = rng.random(500) < 0.2
    b = np.where(rng.random(500) < 0.7, a, rng.random(500) < 0.2)
    assert cohen_kappa(a, b) == pytest.approx(metrics.cohen_kappa_score(a, b))
    assert cohen_kappa(a, a) == 1.0
    assert cohen_kappa(a, ~a) < 0


def test_kappa_and_spearman_edge_cases():
    assert math.isnan(cohen_kappa([], []))
    assert cohen_kappa([False] * 5, [False] * 5) == 1.0  # both say "never": perfect, if uninformative
    assert cohen_kappa([True, False, False], [False, False, False]) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="same items"):
        cohen_kappa([True], [True, False])
    assert math.isnan(spearman([1.0, 2.0], [1.0, 2.0]))
    assert math.isnan(spearman([5.0, 5.0, 5.0], [1.0, 2.0, 3.0]))
    assert spearman([1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0]) == pytest.approx(1.0)
    assert spearman([1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0]) == pytest.approx(-1.0)
