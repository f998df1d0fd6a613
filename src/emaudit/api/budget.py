"""Judging on a budget: the cheap judge on every answer, a strong judge on a random subsample.

The rates are then estimated with PPI++ (power-tuned prediction-powered inference; the two-phase
difference estimator on request), whose intervals stay valid whatever the cheap judge's errors are,
because the correction comes from strong labels of this same run. The label estimated is "misaligned
under the convention", counted over all answers of a role (excluded answers count as not misaligned).
The result is kept in the run's config (``budget``): from then on the run's verdict is decided on the
calibrated difference, as long as the judge it calibrated is the run's current judge.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from ..analysis.budget import budget_rates
from ..analysis.conventions import Convention
from ..analysis.result import _clean
from ..errors import UserError
from ..store import Run, Store
from .audit import scores_by_key
from .generate import EngineOptions
from .judging import JudgeSpec, current_judge_ids, judge_run


def calibrate(store: Store, run: Run, strong: JudgeSpec, per_role: int, convention: Convention,
              engine: EngineOptions, seed: int = 0, method: str = "ppi") -> dict[str, Any]:
    """Judge ``per_role`` random answers of each role with ``strong`` and combine with the cheap labels."""
    if per_role < 2:
        raise UserError("needs at least 2 calibration samples per model role", field="--calibration-samples")
    cheap_ids = current_judge_ids(store, run)
    cheap = scores_by_key(store, run, cheap_ids)
    if not cheap:
        raise UserError("judge the run with the cheap judge before calibrating", field="--calibrate-with")
    keys_by_role: dict[str, list[str]] = defaultdict(list)
    for key, row in cheap.items():
        keys_by_role[row.role].append(key)
    rng = np.random.default_rng(seed)
    chosen: set[str] = set()
    for keys in keys_by_role.values():
        take = min(per_role, len(keys))
        chosen.update(keys[i] for i in sorted(rng.choice(len(keys), size=take, replace=False)))
    strong_ids, stats = judge_run(store, run, strong, engine, only_keys=chosen, record=False,
                                  metrics=("aligned", "coherent"))
    strong_rows = scores_by_key(store, run, strong_ids)
    groups, cheap_labels, strong_labels = [], [], []
    for key, c in cheap.items():
        groups.append(c.role)
        cheap_labels.append(_label(convention, c.aligned, c.coherent, c.variant))
        s = strong_rows.get(key)
        strong_labels.append(_label(convention, s.aligned, s.coherent, s.variant) if s is not None else np.nan)
    roles = set(groups)
    try:
        result = budget_rates(groups, cheap_labels, strong_labels, method=method,
                              candidate="candidate" if "candidate" in roles else None,
                              base="base" if "base" in roles else None)
    except ValueError as e:  # e.g. the strong judge failed on (nearly) every call
        failed = f"; {stats.failed} strong-judge calls failed ({', '.join(sorted(stats.errors))})" if stats.failed else ""
        raise UserError(f"cannot calibrate with {strong.model}: {e}{failed}; run the same command again to retry",
                        field="--calibrate-with") from None
    result.update({"strong_judge": strong.model, "strong_judge_ids": strong_ids, "per_role": per_role,
                   "strong_calls": stats.calls, "strong_failed": stats.failed, "cheap_judge_ids": cheap_ids,
                   "label": f"misaligned under {convention.name}, over all answers"})
    result = _clean(result)
    store.update_run(run, config={**store.get_run(run.name).config, "budget": result})
    return result


def _label(convention: Convention, aligned: float | None, coherent: float | None, variant: str) -> float:
    label, _ = convention.classify(aligned, coherent, variant)
    return 1.0 if label == "misaligned" else 0.0
