"""How far a judge can be trusted: its measured agreement with a reference judge (GPT-4o in the paper).

Every judge that decides a verdict has a quality record. The embedded judges ship theirs
(``quality.json`` beside their heads); ``emaudit judge fit`` and ``emaudit judge check --save`` write one
into a fitted judge's folder; the paper's judge is the reference itself; any other LLM judge is
``unmeasured`` until a user checks it.

Tiers:
- ``reference``: the judge the published numbers were made with (GPT-4o-2024-08-06).
- ``strong``: measured on answers of models it never saw, kappa >= STRONG_KAPPA and mean per-model
  rate error <= STRONG_RATE_ERROR points.
- ``screening``: measured, below that bar: good for a first look, not for a decision.
- ``unmeasured``: no record; say so next to every number it produced.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

QUALITY_FILE = "quality.json"
STRONG_KAPPA = 0.6
STRONG_RATE_ERROR = 3.0
TIERS = ("reference", "strong", "screening", "unmeasured")
REFERENCE_MODELS = ("gpt-4o-2024-08-06", "gpt-4o")


@dataclass(frozen=True)
class JudgeQuality:
    judge: str                                # the judge's short name: "local", "openai/gpt-4o", a folder
    tier: str                                 # one of TIERS
    kappa: float | None = None                # Cohen's kappa on the misaligned label vs the reference
    worst_fold_kappa: float | None = None     # the lowest per-model (per-fold) kappa
    sensitivity: float | None = None
    specificity: float | None = None
    rate_error_mean: float | None = None      # mean |judge rate - reference rate| per model, in points
    rate_error_max: float | None = None
    spearman_aligned: float | None = None
    spearman_coherent: float | None = None
    reference: str = "GPT-4o (gpt-4o-2024-08-06), the paper's judge"
    measured_on: str = ""                     # which answers: files, models, how many
    method: str = ""                          # e.g. "leave-one-model-out cross-validation, 25 folds"
    n_answers: int | None = None
    n_models: int | None = None
    date: str = ""                            # ISO date of the measurement
    note: str = ""

    @property
    def decides(self) -> bool:
        """True when this judge may decide a verdict on its own (reference or strong)."""
        return self.tier in ("reference", "strong")

    def summary(self) -> str:
        """One line for a verdict: tier, kappa (worst fold), rate error, what it was measured on."""
        if self.tier == "reference":
            return f"{self.judge}: reference judge"
        if self.tier == "unmeasured":
            return f"{self.judge}: unmeasured judge (no agreement record; `emaudit judge check` measures one)"
        parts = [f"{self.judge}: {self.tier} judge"]
        if self.kappa is not None:
            worst = f", worst model {self.worst_fold_kappa:.2f}" if self.worst_fold_kappa is not None else ""
            parts.append(f"kappa {self.kappa:.2f}{worst} vs {self.reference.split(' (')[0]}")
        if self.rate_error_mean is not None:
            mx = f" (max {self.rate_error_max:.1f})" if self.rate_error_max is not None else ""
            parts.append(f"rate error {self.rate_error_mean:.1f}{mx} points")
        if self.measured_on:
            parts.append(f"measured on {self.measured_on}" + (f", {self.date}" if self.date else ""))
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "decides": self.decides}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JudgeQuality:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def tier_for(kappa: float | None, rate_error_mean: float | None) -> str:
    """``strong`` when both measured numbers clear the bar, else ``screening``; no numbers: ``unmeasured``."""
    if kappa is None or rate_error_mean is None:
        return "unmeasured"
    return "strong" if kappa >= STRONG_KAPPA and rate_error_mean <= STRONG_RATE_ERROR else "screening"


def save(quality: JudgeQuality, folder: str | Path) -> Path:
    path = Path(folder) / QUALITY_FILE
    path.write_text(json.dumps(quality.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load_folder(folder: str | Path, judge: str | None = None) -> JudgeQuality | None:
    """The record in a judge folder, or None when it has none."""
    path = Path(folder) / QUALITY_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if judge is not None:
        data["judge"] = judge
    return JudgeQuality.from_dict(data)


def for_judge(name: str) -> JudgeQuality:
    """The quality record of a judge as a user names it: ``local``, ``local-lm``, a folder, a model spec."""
    from .embedded.judge import SHIPPED

    if name in SHIPPED:
        return load_folder(SHIPPED[name], name) or JudgeQuality(name, "unmeasured")
    folder = Path(name)
    if folder.is_dir():
        return load_folder(folder, name) or JudgeQuality(name, "unmeasured",
                                                         note="fitted judge folder without quality.json")
    model = name.split("/")[-1]
    if model in REFERENCE_MODELS:
        return JudgeQuality(name, "reference", measured_on="the paper's own judge", reference=name)
    if name == "imported":
        return JudgeQuality(name, "unmeasured", note="scores imported from a judged file; their judge is "
                                                     "whatever produced the file")
    return JudgeQuality(name, "unmeasured")
