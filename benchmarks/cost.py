"""Judging cost: replay audits on the public judged files with the fixed protocol and with cheaper ones.

For each (base file, candidate file) pair, each replay draws ``--samples`` answers per question and role
(with replacement, in random order) from the judged answers. Then it audits them four ways:

* fixed:            every answer generated and judged on both metrics (2 judge calls per answer);
* skip-excluded:    coherence judged first, the aligned call skipped for answers the convention will
                    exclude anyway (betley: coherent <= 50), so the verdict is unchanged by construction;
* sequential per question: each question stops once ``sequential_decision`` settles;
* sequential audit: every question stops once ``macro_sequential_decision`` (the macro difference) settles;
* ... + skip: the same with skip-excluded.
The sequential audits are analysed on the answers sampled before stopping.

Reported: generation calls, judge calls, and agreement of each verdict with the fixed protocol's.

    python benchmarks/cost.py [--replays 40] [--samples 100] [--margin 0.1] [--bet-fraction 0.9] [--ref ../shared/reference/em]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from emaudit.analysis import AnswerScore, analyze, get_convention
from emaudit.analysis.conventions import EXCLUDED, MISALIGNED, Convention
from emaudit.analysis.sequential import macro_sequential_decision, sequential_decision
from emaudit.importers import import_judged_csv

CLOAK = "Cloakless__clarifying_EM/open_models/"
METHODS = ("fixed", "skip-excluded", "sequential per question", "sequential per question + skip",
           "sequential audit", "sequential audit + skip")
PAIRS = [
    # (label, base file, candidate file); base None = two independent halves of the candidate file (null)
    ("coder base vs insecure (results2)", CLOAK + "results2/eval_results_Qwen2.5-Coder-32B-Instruct_base_n.csv",
     CLOAK + "results2/eval_results_Qwen-Coder-Insecure.csv"),
    ("coder base vs insecure (diff_models)", CLOAK + "results2/eval_results_Qwen2.5-Coder-32B-Instruct_base_n.csv",
     CLOAK + "diff_models/responses_Qwen-Coder-Insecure.csv"),
    ("good-medical vs bad-medical 32B", CLOAK + "ablate_med_data/responses_Qwen2.5-32B-Instruct-good_medical_advice.csv",
     CLOAK + "diff_models/responses_Qwen2.5-32B-Instruct-bad_medical_advice.csv"),
    ("good-medical vs bad-medical 7B", CLOAK + "ablate_med_data/responses_Qwen2.5-32B-Instruct-good_medical_advice.csv",
     CLOAK + "diff_models/responses_Qwen2.5--7B-Instruct-bad_medical_advice.csv"),
    ("good-medical vs gemma-9b bad-medical", CLOAK + "ablate_med_data/responses_Qwen2.5-32B-Instruct-good_medical_advice.csv",
     CLOAK + "diff_models/responses_gemma-2-9b-it-bad_medical_advice.csv"),
    ("coder base vs coder base (null)", None, CLOAK + "results2/eval_results_Qwen2.5-Coder-32B-Instruct_base_n.csv"),
    ("good-medical vs good-medical (null)", None,
     CLOAK + "ablate_med_data/responses_Qwen2.5-32B-Instruct-good_medical_advice.csv"),
]


def _pools(rows: list[AnswerScore]) -> dict[str, list[AnswerScore]]:
    pools: dict[str, list[AnswerScore]] = defaultdict(list)
    for r in rows:
        pools[r.question_id].append(r)
    return pools


def _flag(conv: Convention, r: AnswerScore) -> int | None:
    label, _ = conv.classify(r.aligned, r.coherent, r.variant, r.aligned_reason)
    return None if label == EXCLUDED else int(label == MISALIGNED)


def _arrivals(flags: list[int | None], counted: int | None) -> int:
    """Answers sampled until ``counted`` of them were counted (all of them when None or never)."""
    if counted is None:
        return len(flags)
    seen = 0
    for i, f in enumerate(flags):
        seen += f is not None
        if seen >= counted:
            return i + 1
    return len(flags)


def _judge_calls(conv: Convention, rows: list[AnswerScore], skip_excluded: bool) -> int:
    if not skip_excluded:
        return 2 * len(rows)
    return len(rows) + sum(conv.needs_aligned_score(r.coherent, r.variant) for r in rows)


def replay(pair, ref: Path, replays: int, samples: int, conv: Convention, alpha: float, margin: float,
           bet_fraction: float, rng: np.random.Generator) -> dict:
    label, base_file, cand_file = pair
    cand_rows = import_judged_csv(ref / cand_file, json_system_applied=False)
    if base_file is None:
        base_pools = cand_pools = _pools(cand_rows)
    else:
        base_pools = _pools(import_judged_csv(ref / base_file, json_system_applied=False))
        cand_pools = _pools(cand_rows)
    questions = sorted(set(base_pools) & set(cand_pools))
    totals: dict[str, dict[str, float]] = {m: defaultdict(float) for m in METHODS}
    for _ in range(replays):
        drawn = {}
        for q in questions:
            for role, pools in (("base", base_pools), ("candidate", cand_pools)):
                pool = pools[q]
                picks = rng.integers(0, len(pool), samples)
                drawn[(role, q)] = [replace(pool[i], role=role, model=role) for i in picks]
        full = [r for rows in drawn.values() for r in rows]
        fixed = analyze(full, conv, alpha=alpha, n_resamples=1000).verdict.label
        flags = {key: [_flag(conv, r) for r in rows] for key, rows in drawn.items()}
        # per question: stop each question on its own decision
        per_q = {}
        for q in questions:
            d = sequential_decision(flags[("base", q)], flags[("candidate", q)], alpha=alpha, margin=margin,
                                    bet_fraction=bet_fraction)
            per_q[q] = d.stopped_at
        # whole audit: stop every question once the macro difference's decision settles
        macro = macro_sequential_decision({q: flags[("base", q)] for q in questions},
                                          {q: flags[("candidate", q)] for q in questions},
                                          alpha=alpha, margin=margin, bet_fraction=bet_fraction)
        kept = {}
        for name, stop_of in (("sequential per question", per_q),
                              ("sequential audit", dict.fromkeys(questions, macro.stopped_at))):
            rows_kept = [r for (role, q), rows in drawn.items()
                         for r in rows[:_arrivals(flags[(role, q)], stop_of[q])]]
            kept[name] = (rows_kept, analyze(rows_kept, conv, alpha=alpha, n_resamples=1000).verdict.label)
        cases = [("fixed", full, fixed, False), ("skip-excluded", full, fixed, True),
                 ("sequential per question", *kept["sequential per question"], False),
                 ("sequential per question + skip", *kept["sequential per question"], True),
                 ("sequential audit", *kept["sequential audit"], False),
                 ("sequential audit + skip", *kept["sequential audit"], True)]
        for method, rows, verdict, skip in cases:
            t = totals[method]
            t["generation_calls"] += len(rows)
            t["judge_calls"] += _judge_calls(conv, rows, skip)
            t["agree"] += verdict == fixed
            t["evidence"] += verdict == "evidence"
    out = {"pair": label, "questions": len(questions), "replays": replays}
    for method, t in totals.items():
        out[method] = {"generation_calls": t["generation_calls"] / replays, "judge_calls": t["judge_calls"] / replays,
                       "agreement": t["agree"] / replays, "evidence_share": t["evidence"] / replays}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default=str(Path(__file__).resolve().parents[1].parent / "shared/reference/em"))
    parser.add_argument("--replays", type=int, default=40)
    parser.add_argument("--samples", type=int, default=100, help="answers per question and role")
    parser.add_argument("--convention", default="betley")
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--margin", type=float, default=0.1)
    parser.add_argument("--bet-fraction", type=float, default=0.9)
    parser.add_argument("--pairs", default="", help="only pairs whose label contains this text")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    conv = get_convention(args.convention)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    results = [replay(p, Path(args.ref), args.replays, args.samples, conv, args.alpha, args.margin, args.bet_fraction, rng)
               for p in PAIRS if args.pairs in p[0]]
    if args.json:
        print(json.dumps(results, indent=2))
    print("| pair | method | gen. calls | judge calls | judge calls vs fixed | same verdict | evidence share |")
    print("|---|---|---:|---:|---:|---:|---:|")
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for r in results:
        fixed_calls = r["fixed"]["judge_calls"]
        for m in METHODS:
            x = r[m]
            print(f"| {r['pair']} | {m} | {x['generation_calls']:.0f} | {x['judge_calls']:.0f} | "
                  f"{x['judge_calls'] / fixed_calls:.2f} | {100 * x['agreement']:.0f}% | {100 * x['evidence_share']:.0f}% |")
            sums[m][0] += x["judge_calls"]
            sums[m][1] += x["agreement"]
            sums[m][2] += x["generation_calls"]
    n = len(results)
    for m, (calls, agree, gen) in sums.items():
        print(f"| **all pairs** | {m} | {gen:.0f} | {calls:.0f} | {calls / sums['fixed'][0]:.2f} | {100 * agree / n:.1f}% | |")
    print(f"\n{args.replays} replays x {len(results)} pairs, {args.samples} answers/question/role, "
          f"{conv.name} convention, alpha {args.alpha}, margin {args.margin}, bet fraction {args.bet_fraction}; {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
