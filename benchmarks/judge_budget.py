"""Budget judging on held-out models: PPI++ interval vs the strong judge alone (issue 12.6).

    EMAUDIT_EMBED_CACHE=DIR python benchmarks/judge_budget.py [--reference DIR] [--v4-heads DIR]
                                                               [--reps 200] [--json out.json]

Strong judge = the recorded GPT-4o scores; cheap judges = ``local`` v5 scored only on the model it was
not fitted on (leave-one-model-out, the same folds and design as scripts/fit_embedded_judge.py), and the
v4 heads (fitted on our labelled set only, so every model is unseen; pass the v4 ``default/`` folder, e.g.
from ``git show 99bf4c4:src/emaudit/judge/embedded/default/heads.npz``). Per model with at least 400
answers and per repetition: 400 random answers, GPT-4o labels on 100 or 200 of them, the cheap judge's
labels on all 400; PPI++ (``analysis.budget.ppi_mean``, power-tuned) and the strong labels alone, both
as CLT intervals for the model's rate, coverage counted against the model's full GPT-4o rate.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REF = REPO.parent / "shared" / "reference" / "em"
N_ANSWERS = 400


def replay(strong: np.ndarray, cheap: np.ndarray, n_strong: int, reps: int, seed: int = 0) -> dict[str, float]:
    """Coverage of the full rate and mean width, PPI++ and strong-only, over ``reps`` draws of 400 answers."""
    from emaudit.analysis.budget import ppi_mean

    rng = np.random.default_rng(seed)
    truth = float(strong.mean())
    res: dict[str, list[float]] = {"ppi_cov": [], "ppi_width": [], "strong_cov": [], "strong_width": []}
    for _ in range(reps):
        pick = rng.choice(len(strong), size=N_ANSWERS, replace=False)
        sub, rest = pick[:n_strong], pick[n_strong:]
        if strong[sub].std() == 0:
            continue  # no misaligned answer among the strong labels: no CLT interval for either
        est = ppi_mean(cheap[rest], cheap[sub], strong[sub])
        res["ppi_cov"].append(est.low <= truth <= est.high)
        res["ppi_width"].append(est.width)
        res["strong_cov"].append(est.subsample_low <= truth <= est.subsample_high)
        res["strong_width"].append(est.subsample_width)
    out = {k: float(np.mean(v)) for k, v in res.items()} if res["ppi_cov"] else {}
    out["used_reps"] = len(res["ppi_cov"])
    return out


def bench(reference: Path, v4_heads: Path | None, reps: int) -> dict[str, Any]:
    from emaudit.judge.embedded import public_labels
    from emaudit.judge.embedded.check import misaligned
    from emaudit.judge.embedded.crossval import out_of_fold
    from emaudit.judge.embedded.features import Encoder
    from emaudit.judge.embedded.heads import HeadSet

    x_all, rows_all = public_labels.training_set(reference, Encoder(2))
    scored = np.array([r["fold"] for r in rows_all])
    oof = out_of_fold(x_all, rows_all, [r["model"] for r in rows_all], public_labels.fit_local, scored=scored)
    rows = [r for r, s in zip(rows_all, scored, strict=True) if s]
    x = x_all[scored]
    groups = np.array([r["model"] for r in rows])
    strong = misaligned(np.array([r["aligned"] for r in rows]), np.array([r["coherent"] for r in rows]))
    cheap: dict[str, np.ndarray] = {}
    cheap["local v5 (held-out model)"] = misaligned(oof["aligned"][scored], oof["coherent"][scored])
    if v4_heads is not None:
        heads = HeadSet.load(v4_heads)
        cheap["local v4"] = misaligned(heads.heads["aligned"].scores(x), heads.heads["coherent"].scores(x))
    result: dict[str, Any] = {"answers_per_replay": N_ANSWERS, "reps": reps, "judges": {}}
    for name, labels in cheap.items():
        for n_strong in (100, 200):
            per_model = {}
            for g in sorted(set(groups)):
                sel = groups == g
                if sel.sum() < N_ANSWERS:
                    continue
                per_model[g] = {"rate": round(100 * float(strong[sel].mean()), 2),
                                **replay(strong[sel].astype(float), labels[sel].astype(float), n_strong, reps)}
            usable = [v for v in per_model.values() if v["used_reps"]]
            summary = {k: round(float(np.mean([v[k] for v in usable])), 4)
                       for k in ("ppi_cov", "ppi_width", "strong_cov", "strong_width")}
            summary["width_ratio"] = round(summary["ppi_width"] / summary["strong_width"], 3)
            result["judges"][f"{name}, {n_strong} strong"] = {**summary, "models": per_model}
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=DEFAULT_REF)
    ap.add_argument("--v4-heads", type=Path, default=None, help="folder with the v4 heads.npz and judge.json")
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    res = bench(args.reference, args.v4_heads, args.reps)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n")
    for name, s in res["judges"].items():
        print(f"{name:40s} PPI++ coverage {s['ppi_cov']:.3f} width {s['ppi_width']:.4f} | strong alone "
              f"coverage {s['strong_cov']:.3f} width {s['strong_width']:.4f} | width ratio {s['width_ratio']}",
              file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
