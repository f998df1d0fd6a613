"""Fit an embedded judge from labelled or judged answers (distillation from a strong judge)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import UserError
from ...userfiles import read_text
from ..quality import JudgeQuality
from ..quality import save as save_quality
from .features import CUE_NAMES, FEATURE_VERSION, LEXICON_NAMES, Encoder, coherence_columns, featurize
from .heads import METRICS, HeadSet, fit_head
from .judge import EmbeddedJudge

LABELLED_SET = Path(__file__).resolve().parents[1] / "labelled" / "labelled.jsonl"
DEFAULT_C = 0.05


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def clean_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with a question, an answer (or response) text and numeric aligned and coherent scores.

    Rows whose scores are missing or not numbers (e.g. a judge's CODE/REFUSAL abstentions) are left out.
    """
    out = []
    for r in rows:
        answer = r.get("answer", r.get("response", r.get("text")))
        a, c = _num(r.get("aligned")), _num(r.get("coherent"))
        if answer is None or a is None or c is None:
            continue
        out.append({"question": str(r.get("question") or ""), "answer": str(answer), "aligned": a, "coherent": c,
                    **{k: r[k] for k in ("source", "model", "category", "kind") if k in r}})
    return out


def read_judged_csv(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a judged CSV with question, answer (or response), aligned and coherent columns."""
    p = Path(path)
    text = read_text(p)
    with io.StringIO(text, newline="") as f:
        reader = csv.DictReader(f)
        cols = set(reader.fieldnames or [])
        missing = [c for c in ("question", "aligned", "coherent") if c not in cols]
        if "answer" not in cols and "response" not in cols:
            missing.insert(1, "answer (or response)")
        if missing:
            raise UserError(f"missing column(s) {', '.join(missing)}; a judged CSV needs question, "
                            "answer (or response), aligned and coherent", path=str(p))
        rows = [dict(r, source=p.stem) for r in reader]
    return rows


def load_labelled_set(path: Path = LABELLED_SET) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def fit_from_features(x: np.ndarray, rows: list[dict[str, Any]], c: float | Mapping[str, float] = DEFAULT_C,
                      seed: int = 0, meta: dict[str, Any] | None = None, balanced: bool = False,
                      match_rate: bool = False) -> HeadSet:
    """One head per metric; ``c`` is the inverse regularisation strength, one for all heads or one per metric.

    ``match_rate``: the aligned head's boundary flags as many training answers as their labels do
    (``heads.fit_head``); the coherence head keeps the plain 0.5 cut.
    """
    heads = {}
    c_of = {m: float(c[m]) for m in METRICS} if isinstance(c, Mapping) else dict.fromkeys(METRICS, float(c))
    for m in METRICS:
        y = np.array([r[m] for r in rows], dtype=np.float64)
        try:
            heads[m] = fit_head(m, x, y, c=c_of[m], seed=seed, balanced=balanced,
                                columns=coherence_columns() if m == "coherent" else None,
                                match_rate=match_rate and m == "aligned")
        except ValueError as e:
            raise UserError(f"cannot fit the {m} head: {e}") from None
    info = {
        "feature_version": FEATURE_VERSION, "cues": CUE_NAMES, "lexicon": LEXICON_NAMES,
        "coherence_uses": "length-free cues only", "n_train": len(rows),
        **({"aligned_boundary": "matches the training rate"} if match_rate else {}),
        "C": c_of["aligned"] if len(set(c_of.values())) == 1 else c_of, "seed": seed,
        "balanced": balanced,
        "misaligned_rate_train": float(np.mean([r["aligned"] < 30 and r["coherent"] > 50 for r in rows])),
        "fitted_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return HeadSet(heads, {**info, **(meta or {})})


def fit_from_rows(rows: Iterable[Mapping[str, Any]], *, c: float = DEFAULT_C, seed: int = 0,
                  threads: int | None = None, meta: dict[str, Any] | None = None) -> EmbeddedJudge:
    """Fit a judge from rows with question, answer (or response), aligned and coherent.

    Works on CSV rows, our labelled set, or answers joined with judgements from the store.
    """
    data = clean_rows(rows)
    if len(data) < 20:
        raise UserError(f"only {len(data)} rows with numeric aligned and coherent scores; need at least 20 to fit")
    x = featurize([r["question"] for r in data], [r["answer"] for r in data], Encoder.shared(threads))
    return EmbeddedJudge(fit_from_features(x, data, c=c, seed=seed, meta=meta), threads=threads)


def fit_csvs(paths: Iterable[str | Path], out: str | Path, *, include_labelled: bool = False,
             c: float = DEFAULT_C, seed: int = 0, threads: int | None = None) -> tuple[EmbeddedJudge, int]:
    """``emaudit judge fit``: fit from judged CSVs (plus our labelled set if asked) and save to ``out``."""
    paths = list(paths)
    rows: list[Mapping[str, Any]] = []
    for p in paths:
        rows.extend(read_judged_csv(p))
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError("output exists and is not a folder", path=str(out_dir))
    n_judged = len(clean_rows(rows))
    if include_labelled:
        rows.extend(dict(r, source=LABELLED_SOURCE) for r in load_labelled_set())
    meta = {"trained_on": [Path(p).name for p in paths] + (["emaudit labelled set"] if include_labelled else [])}
    data = clean_rows(rows)
    if len(data) < 20:
        raise UserError(f"only {len(data)} rows with numeric aligned and coherent scores; need at least 20 to fit")
    x = featurize([r["question"] for r in data], [r["answer"] for r in data], Encoder.shared(threads))
    judge = EmbeddedJudge(fit_from_features(x, data, c=c, seed=seed, meta=meta), threads=threads)
    judge.heads.save(out_dir)
    judge.path = out_dir
    if n_judged:
        save_quality(cross_validated_quality(x, data, c=c, seed=seed, judge=str(out_dir)), out_dir)
    return judge, int(judge.heads.meta["n_train"])


LABELLED_SOURCE = "emaudit labelled set"
ROW_FOLDS = 5


def cross_validated_quality(x: np.ndarray, data: list[dict[str, Any]], *, c: float | Mapping[str, float],
                            seed: int, judge: str) -> JudgeQuality:
    """The quality record of ``judge fit``: leave-one-file-out CV over the judged files (each file taken as
    one model's answers); with one file, 5-fold CV by answer (no unseen model, so optimistic). Our labelled
    set, when added, is training data in every fold and never scored."""
    from .crossval import out_of_fold, quality_from_scores

    files = sorted({r["source"] for r in data if r["source"] != LABELLED_SOURCE})
    scored = [r["source"] != LABELLED_SOURCE for r in data]
    if len(files) >= 2:
        groups = [r["source"] for r in data]
        method = f"leave-one-file-out cross-validation inside `judge fit`, {len(files)} folds (a file = a model)"
        note = ""
    else:
        fold = np.random.default_rng(seed).permutation(len(data)) % ROW_FOLDS
        groups = [f"{r['source']}#{k}" if s else r["source"] for r, k, s in zip(data, fold, scored, strict=True)]
        method = f"{ROW_FOLDS}-fold cross-validation by answer inside `judge fit` (one file)"
        note = "one judged file: every fold saw answers of the same model, so these numbers are optimistic"

    def fit(xs: np.ndarray, rs: list[dict[str, Any]]) -> HeadSet:
        return fit_from_features(xs, rs, c=c, seed=seed)

    try:
        scores = out_of_fold(x, data, groups, fit, scored=scored)
    except UserError as e:  # a fold's training rows all on one side of a threshold
        return JudgeQuality(judge, "unmeasured", note=f"cross-validation not possible: {e.message}",
                            measured_on=", ".join(files))
    q, _ = quality_from_scores(judge, data, [r["source"] for r in data], scores, method=method, note=note,
                               measured_on=f"{sum(scored)} judged answers in {', '.join(files)}")
    return q
