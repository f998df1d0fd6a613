"""Fit the shipped embedded judge `local` (v5) on public GPT-4o labels, with its quality record.

    python scripts/fit_embedded_judge.py [--reference DIR] [--out DIR] [--cache DIR] [--date YYYY-MM-DD]

Trains on the GPT-4o-judged answers of ``emaudit.judge.embedded.public_labels`` (Cloakless ``open_models``,
MIT; ../shared/reference/em by default): 9 fine-tuned models, about 10,000 answers, plus our own labelled
set (src/emaudit/judge/labelled/labelled.jsonl, training only). Measures the design by leave-one-model-out
cross-validation (a fold = every answer of one fine-tuned model; heads fitted on the other 8 and our set)
and writes the out-of-fold numbers as ``quality.json`` beside the heads, then fits the
heads on all models. Deterministic: the same reference files give byte-identical ``heads.npz`` and
``judge.json`` (and ``quality.json`` for the same ``--date``).

The hand-picked misaligned examples (johny-b, the paper's results CSV) are not used: added to training
they raised the mean per-model rate error from 2.4 to 4.2 points in cross-validation (docs/judge.md).
``local-lm`` (judge/embedded/default_lm/) is still v4, fitted on our labelled set (docs/judge.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from emaudit.judge.embedded import public_labels  # noqa: E402
from emaudit.judge.embedded.crossval import out_of_fold, quality_from_scores  # noqa: E402
from emaudit.judge.embedded.features import Encoder  # noqa: E402
from emaudit.judge.embedded.judge import DEFAULT_DIR, LM_DIR, judge_features  # noqa: E402
from emaudit.judge.quality import JudgeQuality, save  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REF = REPO.parent / "shared" / "reference" / "em"
MIN_POSITIVES_FOR_FOLD_KAPPA = 10
SAMPLE_SEED = 0  # a model with fewer misaligned answers has no meaningful kappa


def finish(quality: JudgeQuality, report: dict, date: str) -> JudgeQuality:
    """Worst-fold kappa over the models with enough misaligned answers, the date; prints the folds."""
    ref_m = {g["group"]: round(g["reference_rate"] * g["n"] / 100) for g in report["per_group"]}
    kappas = [g["kappa"] for g in report["per_group"] if ref_m[g["group"]] >= MIN_POSITIVES_FOR_FOLD_KAPPA]
    print(json.dumps({k: v for k, v in report.items() if k != "per_group"}))
    for g in report["per_group"]:
        print(f"  {g['group']:<45} n={g['n']:>5} GPT-4o {g['reference_rate']:6.2f}% judge {g['judge_rate']:6.2f}% "
              f"diff {g['difference']:+6.2f} kappa {g['kappa']}")
    return replace(quality, worst_fold_kappa=min(kappas) if kappas else None, date=date,
                   note=plain_note(quality.kappa, quality.note))


def plain_note(kappa: float | None, note: str) -> str:
    """Below kappa 0.5 the record says so first, plainly."""
    if kappa is None or kappa >= 0.5:
        return note
    return f"kappa {kappa:.2f} is below 0.5: this judge agrees with GPT-4o only weakly, answer by answer; " + note


def lm_quality(rows: list[dict], groups: list[str], args: argparse.Namespace) -> int:
    """local-lm v4 never saw these models: scoring them is a held-out test, one fold per model."""
    from emaudit.judge.embedded import EmbeddedJudge
    from emaudit.judge.embedded.lm_features import HiddenStateEncoder

    judge = EmbeddedJudge.load("local-lm", threads=args.threads)
    lm = judge.lm or {}
    lm_enc = HiddenStateEncoder(lm["model"], int(lm["layer"]), int(lm["max_tokens"]), args.threads, args.cache)
    x = judge_features([r["question"] for r in rows], [r["answer"] for r in rows], lm,
                       Encoder(args.threads, args.cache), lm_enc)
    scores = judge.score_features(x)
    quality, report = quality_from_scores(
        "local-lm", rows, groups, scores,
        method=f"held-out test on {len(set(groups))} models it was never fitted on (fitted on our labelled set only)"
               + (f", a random {args.lm_sample} answers per model" if args.lm_sample else ""),
        measured_on=f"{len(rows)} GPT-4o-judged answers of {len(set(groups))} public fine-tunes "
                    "(Cloakless clarifying_EM open_models)",
        note=f"local-lm is still v4 (fitted on emaudit's own written answers); worst_fold_kappa is over the models "
             f"with at least {MIN_POSITIVES_FOR_FOLD_KAPPA} misaligned answers")
    path = save(finish(quality, report, args.date), LM_DIR)
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=DEFAULT_REF, help="../shared/reference/em")
    ap.add_argument("--out", type=Path, default=DEFAULT_DIR, help="default: the shipped folder of `local`")
    ap.add_argument("--cache", default=os.environ.get("EMAUDIT_EMBED_CACHE"), help="embedding cache folder")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--date", default=datetime.now(UTC).strftime("%Y-%m-%d"), help="date of the quality record")
    ap.add_argument("--lm-quality", action="store_true",
                    help="only measure local-lm (v4, fitted on our labelled set: every model here is unseen) and "
                         "write judge/embedded/default_lm/quality.json")
    ap.add_argument("--lm-sample", type=int, default=None, metavar="N",
                    help="with --lm-quality: a seeded random N answers per model (SmolLM2 costs 0.24 CPU-s an answer)")
    args = ap.parse_args(argv)

    if args.lm_quality:
        rows = [r for r in public_labels.load(args.reference) if r["fold"]]
        if args.lm_sample:
            rng = np.random.default_rng(SAMPLE_SEED)
            by_model: dict[str, list[dict]] = {}
            for r in rows:
                by_model.setdefault(r["model"], []).append(r)
            rows = [rs[i] for _, rs in sorted(by_model.items())
                    for i in sorted(rng.permutation(len(rs))[:args.lm_sample])]
        return lm_quality(rows, [r["model"] for r in rows], args)
    try:
        x, rows = public_labels.training_set(args.reference, Encoder(args.threads, args.cache))
    except FileNotFoundError as e:
        print(f"{e}; pass --reference ../shared/reference/em", file=sys.stderr)
        return 2
    groups = [r["model"] for r in rows]
    scored = [r["fold"] for r in rows]
    scores = out_of_fold(x, rows, groups, public_labels.fit_local, scored=scored)
    n_folds = len({g for g, s in zip(groups, scored, strict=True) if s})
    quality, report = quality_from_scores(
        "local", rows, groups, scores,
        method=f"leave-one-model-out cross-validation, {n_folds} folds (a fold = every answer of one "
               "fine-tuned model; heads fitted on the others and on emaudit's labelled set)",
        measured_on=f"{sum(scored)} GPT-4o-judged answers of {n_folds} public fine-tunes "
                    "(Cloakless clarifying_EM open_models: Qwen2.5 7B/14B/32B and gemma-2 9B/27B bad-medical-advice, "
                    "a rank-1 32B, a good-medical control, Qwen-Coder insecure and its base)",
        note=f"worst_fold_kappa is over the models with at least {MIN_POSITIVES_FOR_FOLD_KAPPA} misaligned "
             "answers; below kappa 0.6 and rate error 3 points this judge screens, it does not decide")
    quality = finish(quality, report, args.date)
    heads = public_labels.fit_local(x, rows)
    heads.meta.pop("fitted_at", None)  # keep the shipped files byte-stable across refits
    heads.meta.update({"trained_on": sorted({r["file"] for r in rows if r["fold"]}) + [public_labels.LABELLED_GROUP],
                       "trained_on_source": "github.com/Cloakless/clarifying_EM (MIT), open_models/, GPT-4o labels"})
    heads.save(args.out)
    save(quality, args.out)
    print(f"wrote {args.out} ({len(rows)} answers, {sum(scored)} GPT-4o-judged); quality: {quality.summary()}")
    return 0


if __name__ == "__main__":
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):  # multi-threaded BLAS sums differ in the last bit
        raise SystemExit(main())
