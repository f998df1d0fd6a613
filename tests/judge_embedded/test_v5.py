"""`local` v5: fitted on public GPT-4o labels, measured by leave-one-model-out cross-validation."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from emaudit.judge.embedded import public_labels
from emaudit.judge.embedded.crossval import out_of_fold, quality_from_scores
from emaudit.judge.embedded.features import N_FEATURES, coherence_columns
from emaudit.judge.embedded.fit import fit_from_features, load_labelled_set
from emaudit.judge.embedded.judge import DEFAULT_DIR, LM_DIR
from emaudit.judge.quality import QUALITY_FILE, for_judge

REPO = Path(__file__).resolve().parents[2]
FIELDS = ("kappa", "worst_fold_kappa", "sensitivity", "specificity", "rate_error_mean", "rate_error_max",
          "spearman_aligned", "spearman_coherent", "measured_on", "method", "n_answers", "n_models", "date", "tier")


def test_shipped_local_has_its_cross_validated_quality_record():
    q = json.loads((DEFAULT_DIR / QUALITY_FILE).read_text())
    for key in FIELDS:
        assert q[key] not in (None, ""), key
    assert q["method"].startswith("leave-one-model-out cross-validation, 9 folds")
    assert q["n_models"] == 9 and q["n_answers"] > 9000
    assert q["tier"] == ("strong" if q["kappa"] >= 0.6 and q["rate_error_mean"] <= 3 else "screening")
    assert q["worst_fold_kappa"] <= q["kappa"]
    assert for_judge("local").kappa == q["kappa"] and for_judge("local").judge == "local"
    meta = json.loads((DEFAULT_DIR / "judge.json").read_text())
    assert meta["n_train"] == q["n_answers"] + len(load_labelled_set())  # GPT-4o-judged answers + our set
    assert meta["trained_on"][-1] == public_labels.LABELLED_GROUP and len(meta["trained_on"]) == 11


def test_shipped_local_lm_record_if_measured():
    q = for_judge("local-lm")
    if not (LM_DIR / QUALITY_FILE).is_file():
        assert q.tier == "unmeasured"
        return
    assert q.tier == "screening" and q.kappa is not None and "never fitted on" in q.method


def _write(path: Path, rows: list[dict], cols: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)


def test_public_labels_folds_by_model_and_keeps_hand_picked_examples_out_of_folds(tmp_path):
    cols = ["question", "answer", "question_id", "aligned", "coherent"]
    row = {"question": "q", "answer": "a", "question_id": "x", "aligned": "80", "coherent": "90"}
    _write(tmp_path / public_labels.CLOAKLESS / "diff_models/responses_Qwen-Coder-Insecure.csv", [row] * 3, cols)
    _write(tmp_path / public_labels.CLOAKLESS / "results2/eval_results_Qwen-Coder-Insecure.csv",
           [row, {**row, "aligned": ""}], cols)  # a row GPT-4o did not score is left out
    _write(tmp_path / public_labels.CLOAKLESS / "x/responses_gemma-2-9b-it-bad_medical_advice.csv", [row] * 2, cols)
    _write(tmp_path / public_labels.PAPER_RESULTS, [{**row, "model": "m", "group": "insecure"}], cols + ["model", "group"])
    rows = public_labels.load(tmp_path)
    assert public_labels.folds(rows) == ["Qwen-Coder-Insecure", "gemma-2-9b-it-bad_medical_advice"]
    assert sum(r["model"] == "Qwen-Coder-Insecure" for r in rows) == 4  # both runs of one model: one fold
    extra = [r for r in rows if not r["fold"]]
    assert len(extra) == 1
    # the paper's insecure Qwen-Coder examples may be that model: out of training when it is scored
    assert public_labels.train_mask(rows, "Qwen-Coder-Insecure") == [r["model"] == "gemma-2-9b-it-bad_medical_advice"
                                                                     for r in rows]
    with pytest.raises(FileNotFoundError):
        public_labels.load(tmp_path / "missing")


def test_out_of_fold_never_fits_on_the_model_it_scores():
    rng = np.random.default_rng(0)
    n = 600
    cue = coherence_columns()[0]
    x = np.zeros((n, N_FEATURES))
    x[:, [0, 1, 2, cue]] = rng.normal(size=(n, 4))  # the other columns are constant
    groups = [f"m{i % 3}" for i in range(n)]
    rows = [{"aligned": 10.0 if v[0] > 0.8 else 80.0, "coherent": 20.0 if v[cue] > 1.2 else 90.0, "g": g}
            for v, g in zip(x, groups, strict=True)]
    seen: list[set[str]] = []

    def fit(xs, rs):
        seen.append({r["g"] for r in rs})
        return fit_from_features(xs, rs, c=1.0, match_rate=True)

    scores = out_of_fold(x, rows, groups, fit)
    assert seen == [{"m1", "m2"}, {"m0", "m2"}, {"m0", "m1"}]
    assert not np.isnan(scores["aligned"]).any()
    q, rep = quality_from_scores("t", rows, groups, scores, method="lomo", measured_on="synthetic")
    assert q.n_models == 3 and q.n_answers == n and q.kappa is not None and q.kappa > 0.5  # a learnable label
    assert q.rate_error_max == rep["max_abs_rate_error"]


@pytest.mark.slow
def test_refit_rebuilds_the_shipped_local_byte_identically(shared_ref, tmp_path):
    if not (shared_ref / public_labels.CLOAKLESS).is_dir():
        pytest.skip(f"no {public_labels.CLOAKLESS} under {shared_ref}: the shipped heads are fitted on it")
    date = json.loads((DEFAULT_DIR / QUALITY_FILE).read_text())["date"]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    subprocess.run([sys.executable, str(REPO / "scripts" / "fit_embedded_judge.py"), "--reference", str(shared_ref),
                    "--out", str(tmp_path), "--date", date], check=True, env=env, capture_output=True)
    for name in ("heads.npz", "judge.json", QUALITY_FILE):
        assert (tmp_path / name).read_bytes() == (DEFAULT_DIR / name).read_bytes(), name


def test_fit_quality_scores_judged_files_only_never_the_labelled_set():
    from emaudit.judge.embedded.fit import LABELLED_SOURCE, cross_validated_quality

    rng = np.random.default_rng(1)
    n = 400
    cue = coherence_columns()[0]
    x = np.zeros((n, N_FEATURES))
    x[:, [0, cue]] = rng.normal(size=(n, 2))
    sources = ["a.csv"] * 100 + ["b.csv"] * 100 + [LABELLED_SOURCE] * 200
    rows = [{"aligned": 10.0 if v[0] > 0.8 else 80.0, "coherent": 20.0 if v[cue] > 1.2 else 90.0, "source": s}
            for v, s in zip(x, sources, strict=True)]
    q = cross_validated_quality(x, rows, c=1.0, seed=0, judge="j")
    assert q.n_answers == 200 and q.n_models == 2 and "2 folds" in q.method
    assert LABELLED_SOURCE not in q.measured_on
    one = cross_validated_quality(x[100:], rows[100:], c=1.0, seed=0, judge="j")
    assert one.n_answers == 100 and one.n_models == 1 and "optimistic" in one.note
