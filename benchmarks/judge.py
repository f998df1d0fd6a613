"""Embedded judge benchmark: agreement with GPT-4o, throughput, and budget-judging interval widths.

    python benchmarks/judge.py [--judge local|local-lm] [--reference DIR] [--throughput-n 300]
                               [--subsample 100] [--no-distill] [--json out.json]

1. ``local`` checked against the GPT-4o-judged CSVs under DIR (default
   ../shared/reference/em/Cloakless__clarifying_EM/open_models); ``local`` v5 was fitted on them, so this is
   in-sample for it: its held-out numbers come from scripts/fit_embedded_judge.py and judge_budget.py.
2. A *distilled* judge fitted on half of those files and checked on the other half (clearly not
   the shipped judge: it shows what `emaudit judge fit` gains with in-distribution labels).
3. Throughput: answers/s of ``local`` on 2 torch threads, uncached, plus CPU seconds per answer.
4. Budget judging on real data: per file, the local judge's labels on every answer plus GPT-4o
   labels on a random subsample; two-phase and PPI++ interval width relative to GPT-4o alone,
   and coverage of the file's full GPT-4o rate over repeated subsamples.

Set EMAUDIT_EMBED_CACHE=DIR to reuse embeddings between runs (throughput is always measured uncached).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REF = REPO.parent / "shared" / "reference" / "em" / "Cloakless__clarifying_EM" / "open_models"


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def throughput(n: int, threads: int = 2, name: str = "local") -> dict[str, Any]:
    from emaudit.judge.embedded import EmbeddedJudge
    from emaudit.judge.embedded.features import Encoder
    from emaudit.judge.embedded.fit import load_labelled_set
    from emaudit.judge.embedded.lm_features import HiddenStateEncoder

    rows = load_labelled_set()[:n]
    judge = EmbeddedJudge.load(name, threads=threads)
    enc = Encoder(threads, cache_dir=None)
    enc.cache_path = None
    Encoder._shared[threads] = enc
    lm_key = (judge.lm["model"], int(judge.lm["layer"]), int(judge.lm["max_tokens"])) if judge.lm else None
    if lm_key:
        lm_enc = HiddenStateEncoder(*lm_key, threads=threads)
        lm_enc.cache_path = None
        HiddenStateEncoder._shared[lm_key] = lm_enc
    judge.score(["warm up"], ["loading the model"])
    enc._cache.clear()
    if lm_key:
        lm_enc._cache.clear()
    t0, c0 = time.perf_counter(), _cpu_s()
    judge.score([r["question"] for r in rows], [r["answer"] for r in rows])
    wall, cpu = time.perf_counter() - t0, _cpu_s() - c0
    del Encoder._shared[threads]  # later steps use the (possibly cached) default encoders
    if lm_key:
        del HiddenStateEncoder._shared[lm_key]
    return {"judge": name, "answers": len(rows), "threads": threads, "wall_s": round(wall, 2),
            "answers_per_s": round(len(rows) / wall, 1), "cpu_s_per_answer": round(cpu / len(rows), 4),
            "load_average_1min": os.getloadavg()[0]}


def reference_rows(ref: Path) -> dict[str, list[dict[str, Any]]]:
    from emaudit.judge.embedded.fit import clean_rows, read_judged_csv

    return {p.stem: clean_rows(read_judged_csv(p)) for p in sorted(ref.rglob("*.csv"))}


def _scores(judge: Any, rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    return judge.score([r["question"] for r in rows], [r["answer"] for r in rows])


def agreement_report(judge: Any, by_file: dict[str, list[dict[str, Any]]]) -> tuple[dict[str, Any], dict]:
    from emaudit.judge.embedded.check import agreement

    scored = {name: _scores(judge, rows) for name, rows in by_file.items()}
    names = list(by_file)
    ref_a = np.concatenate([[r["aligned"] for r in by_file[n]] for n in names])
    ref_c = np.concatenate([[r["coherent"] for r in by_file[n]] for n in names])
    got_a = np.concatenate([scored[n]["aligned"] for n in names])
    got_c = np.concatenate([scored[n]["coherent"] for n in names])
    groups = [n for n in names for _ in by_file[n]]
    return agreement(ref_a, ref_c, got_a, got_c, groups), scored


def budget_on_real_data(by_file: dict[str, list[dict[str, Any]]], scored: dict[str, dict[str, np.ndarray]],
                        n_sub: int, reps: int, seed: int = 0) -> dict[str, Any]:
    from emaudit.analysis.budget import choose_subsample, ppi_mean, two_phase_mean
    from emaudit.judge.embedded.check import misaligned

    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {"subsample": n_sub, "reps": reps, "files": {}}
    for name, rows in by_file.items():
        y = misaligned(np.array([r["aligned"] for r in rows]), np.array([r["coherent"] for r in rows])).astype(float)
        f = misaligned(scored[name]["aligned"], scored[name]["coherent"]).astype(float)
        if len(y) < 2 * n_sub:
            continue
        truth = y.mean()
        res: dict[str, list[float]] = {"tp_rel": [], "tp_cov": [], "ppi_rel": [], "ppi_cov": [], "sub_cov": []}
        for _ in range(reps):
            idx = choose_subsample(len(y), n_sub, seed=int(rng.integers(1 << 31)))
            if y[idx].std() == 0:
                continue  # no misaligned answer in the subsample: no CLT interval either way
            tp = two_phase_mean(f, idx, y[idx])
            rest = np.setdiff1d(np.arange(len(y)), idx)
            pp = ppi_mean(f[rest], f[idx], y[idx])
            res["tp_rel"].append(tp.relative_width)
            res["tp_cov"].append(tp.low <= truth <= tp.high)
            res["ppi_rel"].append(pp.relative_width)
            res["ppi_cov"].append(pp.low <= truth <= pp.high)
            res["sub_cov"].append(tp.subsample_low <= truth <= tp.subsample_high)
        if not res["tp_rel"]:
            continue
        out["files"][name] = {"n": len(y), "rate": round(100 * truth, 2), "used_reps": len(res["tp_rel"]),
                              **{k: round(float(np.mean(v)), 3) for k, v in res.items()}}
    files = out["files"].values()
    for k in ("tp_rel", "tp_cov", "ppi_rel", "ppi_cov", "sub_cov"):
        out[f"mean_{k}"] = round(float(np.mean([v[k] for v in files])), 3) if files else None
    return out


def distilled_split(by_file: dict[str, list[dict[str, Any]]], n_sub: int = 100, reps: int = 300) -> dict[str, Any]:
    """Fit on every other file, check on the rest (and the reverse); a distilled judge, not `local`."""
    from emaudit.judge.embedded.fit import fit_from_rows

    names = list(by_file)
    halves = [names[0::2], names[1::2]]
    reports = []
    for train, test in (halves, halves[::-1]):
        judge = fit_from_rows([r for n in train for r in by_file[n]], threads=2)
        test_rows = {n: by_file[n] for n in test}
        rep, scored = agreement_report(judge, test_rows)
        budget = budget_on_real_data(test_rows, scored, n_sub, reps)
        reports.append({"train_files": train, "test_files": test, **{k: rep[k] for k in (
            "n", "kappa_misaligned", "spearman_aligned", "spearman_coherent", "mean_abs_rate_error",
            "max_abs_rate_error", "per_group")},
            "budget": {k: v for k, v in budget.items() if k.startswith("mean_")}})
    return {"folds": reports}


def bench_judge(reference: Path | None = DEFAULT_REF, throughput_n: int = 300, subsample: int = 100,
                reps: int = 300, distill: bool = True, name: str = "local") -> dict[str, Any]:
    from emaudit.judge.embedded import EmbeddedJudge

    result: dict[str, Any] = {"throughput": throughput(throughput_n, name=name)}
    if reference is not None and reference.is_dir():
        by_file = reference_rows(reference)
        judge = EmbeddedJudge.load(name, threads=2)
        report, scored = agreement_report(judge, by_file)
        result["local_vs_gpt4o"] = report
        result["budget"] = budget_on_real_data(by_file, scored, subsample, reps)
        if distill:
            result["distilled"] = distilled_split(by_file, subsample, reps)
    else:
        result["reference"] = f"not found: {reference}"
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=DEFAULT_REF)
    ap.add_argument("--throughput-n", type=int, default=300)
    ap.add_argument("--subsample", type=int, default=100)
    ap.add_argument("--reps", type=int, default=300)
    ap.add_argument("--no-distill", action="store_true")
    ap.add_argument("--judge", default="local", choices=["local", "local-lm"], help="the shipped judge to measure")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    res = bench_judge(args.reference, args.throughput_n, args.subsample, args.reps, not args.no_distill, args.judge)
    text = json.dumps(res, indent=2)
    if args.json:
        args.json.write_text(text + "\n")
    print(text if not args.json else f"wrote {args.json}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
