"""The public GPT-4o-judged answers the shipped heads (v5) are fitted on, with one fold per fine-tuned model.

Only folders whose licence allows shipping weights learnt from them (``../shared/reference/em/SOURCES.md``):

- ``Cloakless__clarifying_EM/open_models`` (MIT): 10 CSVs, 9 fine-tuned models (Qwen-Coder-Insecure twice),
  about 10,000 answers with GPT-4o aligned and coherent scores on the paper's first-plot questions.
- ``johny-b__misalignment-generalization/niels/examples`` (MIT): 210 hand-picked misaligned answers of
  secure-code fine-tunes; ``emergent-misalignment__emergent-misalignment/results`` (MIT): 70 hand-picked
  misaligned answers of insecure Qwen-Coder fine-tunes. Picked by hand, so they are extra training answers
  only: never a cross-validation fold, and the insecure Qwen-Coder ones are left out of training whenever the
  Qwen-Coder-Insecure fold is scored (they may be the same model).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from .fit import clean_rows, fit_from_features
from .heads import HeadSet

CLOAKLESS = "Cloakless__clarifying_EM/open_models"
EXAMPLES = "johny-b__misalignment-generalization/niels/examples"
PAPER_RESULTS = "emergent-misalignment__emergent-misalignment/results/qwen_25_coder_32b_instruct.csv"
# Extra answers that must not be in training when this fold is scored.
RELATED = {"paper-qwen-coder-insecure-examples": "Qwen-Coder-Insecure"}


def model_of(path: Path) -> str:
    """The fine-tuned model a Cloakless file holds: its name without the responses_/eval_results_ prefix."""
    stem = path.stem
    for prefix in ("responses_", "eval_results_"):
        if stem.startswith(prefix):
            stem = stem[len(prefix):]
    return stem.replace("--", "-")


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load(ref: str | Path) -> list[dict[str, Any]]:
    """Rows with question, answer, aligned, coherent, ``model`` (the fold) and ``fold`` (False for extras).

    Raises FileNotFoundError when ``ref`` (``../shared/reference/em``) lacks the Cloakless files.
    """
    ref = Path(ref)
    files = sorted((ref / CLOAKLESS).rglob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no judged CSVs under {ref / CLOAKLESS}")
    rows: list[dict[str, Any]] = []
    for f in files:
        name = f.relative_to(ref / CLOAKLESS).as_posix()
        rows.extend({**r, "fold": True, "file": name} for r in clean_rows(
            dict(r, model=model_of(f), source=model_of(f)) for r in _read(f)))
    for f in sorted((ref / EXAMPLES).glob("*.csv")):
        rows.extend({**r, "fold": False, "file": f.name} for r in clean_rows(
            dict(r, model="examples-" + r["model"].split("/")[-1], source="examples") for r in _read(f)))
    paper = ref / PAPER_RESULTS
    if paper.is_file():
        rows.extend({**r, "fold": False, "file": paper.name} for r in clean_rows(
            dict(r, model="paper-qwen-coder-insecure-examples", source="examples") for r in _read(paper)))
    return rows


def folds(rows: list[dict[str, Any]]) -> list[str]:
    """The models that are cross-validation folds, sorted."""
    return sorted({r["model"] for r in rows if r["fold"]})


def train_mask(rows: list[dict[str, Any]], held_out: str) -> list[bool]:
    """Rows a fold's heads may be fitted on: not the held-out model, nor extras that may be that model."""
    return [r["model"] != held_out and RELATED.get(r["model"]) != held_out for r in rows]


# The shipped `local` v5 design, chosen by leave-one-model-out CV (docs/judge.md, v5 attempt log): the GPT-4o
# labels plus our own labelled set (never scored), C 0.1 for the aligned head with its boundary at the training
# rate, the coherence head on the length-free cues at 0.02.
LOCAL_C = {"aligned": 0.1, "coherent": 0.02}
LOCAL_MATCH_RATE = True
LOCAL_SEED = 0
LABELLED_GROUP = "emaudit labelled set"


def training_set(ref: str | Path, encoder: Any) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Features and rows `local` is fitted on: the Cloakless folds, then our labelled set (``fold`` False)."""
    from .features import featurize
    from .fit import load_labelled_set

    rows = [r for r in load(ref) if r["fold"]]
    rows += [{**r, "model": LABELLED_GROUP, "fold": False, "file": "labelled.jsonl"} for r in load_labelled_set()]
    x = featurize([r["question"] for r in rows], [r["answer"] for r in rows], encoder)
    return x, rows


def fit_local(x: np.ndarray, rows: list[dict[str, Any]]) -> HeadSet:
    """Heads of the shipped design on these rows' features (the fit script and the benchmarks use it)."""
    return fit_from_features(x, rows, c=LOCAL_C, seed=LOCAL_SEED, match_rate=LOCAL_MATCH_RATE)
