"""Heads: threshold mapping and .npz/.json storage without pickle."""

from __future__ import annotations

import json

import numpy as np
import pytest

from emaudit.judge.embedded.heads import HEADS_FILE, META_FILE, HeadSet, LinearHead, fit_head


def _head(metric: str, dim: int = 4) -> LinearHead:
    return LinearHead(metric, np.zeros(dim), np.ones(dim), np.arange(dim, dtype=float), -0.5)


def test_decision_boundary_lands_on_the_label_threshold():
    x = np.array([[0.5, 0, 0, 0]])  # logit 0 -> the boundary
    head = _head("aligned")
    head.coef = np.array([1.0, 0, 0, 0])
    assert head.scores(x)[0] == pytest.approx(30.0)
    head_c = _head("coherent")
    head_c.coef = np.array([1.0, 0, 0, 0])
    assert head_c.scores(x)[0] == pytest.approx(50.0)
    assert head.scores(np.array([[100.0, 0, 0, 0]]))[0] == pytest.approx(100.0)


def test_save_and_load_round_trip_without_pickle(tmp_path):
    hs = HeadSet({"aligned": _head("aligned"), "coherent": _head("coherent")}, {"feature_version": "x"})
    hs.save(tmp_path)
    assert json.loads((tmp_path / META_FILE).read_text())["feature_version"] == "x"
    with np.load(tmp_path / HEADS_FILE, allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
    back = HeadSet.load(tmp_path)
    x = np.random.default_rng(0).normal(size=(5, 4))
    for m in ("aligned", "coherent"):
        np.testing.assert_allclose(back.heads[m].scores(x), hs.heads[m].scores(x), rtol=1e-5)


def test_fit_head_learns_a_separable_label():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 3))
    y = np.where(x[:, 0] > 0, 90.0, 5.0)
    head = fit_head("aligned", x, y, c=1.0)
    s = head.scores(x)
    assert np.mean((s < 30) == (y < 30)) > 0.95


def test_fit_head_refuses_one_sided_labels():
    with pytest.raises(ValueError, match="one side"):
        fit_head("aligned", np.zeros((10, 2)), np.full(10, 90.0))
