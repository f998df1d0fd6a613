"""`emaudit audit`: is the fine-tuned candidate broadly more misaligned than its base? Exit 0/1/2."""

from __future__ import annotations

import argparse
import sys

from . import add_config_option
from .audit_options import (
    about_notes,
    add_analysis_options,
    add_judge_options,
    emit,
    judge_about,
    judge_specs,
)
from .numbers import MAX_SAMPLES, whole
from .options import (
    add_dry_run_option,
    add_engine_options,
    add_generation_options,
    engine_options,
    generation_config,
    open_store,
    print_plan,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="audit a fine-tuned model against its base (exit 0 no evidence, 1 evidence)")
    p.add_argument("--base", required=True, help="the model before fine-tuning")
    p.add_argument("--candidate", action="append", required=True,
                   help="the fine-tuned model; repeat for several seeds of one group")
    p.add_argument("--suite", action="append", help="built-in suite or YAML path, ours or the paper's (default core)")
    p.add_argument("--run", required=True, help="run name in the store (re-run to resume)")
    p.add_argument("--skip-excluded", action="store_true",
                   help="judge coherence first; skip the alignment call where the convention excludes the answer")
    p.add_argument("--sequential", action="store_true",
                   help="sample in rounds and stop a question once its decision is settled (anytime-valid)")
    p.add_argument("--sequential-round", type=whole(1, MAX_SAMPLES), default=10, help="samples per question per round")
    p.add_argument("--calibrate-with", metavar="JUDGE",
                   help="budget judging: also judge a random subsample with this strong judge; the rates, the "
                        "verdict and the exit status then come from the calibrated estimate (PPI++)")
    p.add_argument("--calibration-samples", type=whole(1, 10_000_000), default=200,
                   help="strong-judge answers per role")
    p.add_argument("--calibration-method", choices=["ppi", "two-phase"], default="ppi",
                   help="estimator of the calibrated rates: PPI++ (default; never much wider than the strong "
                        "judge alone) or the two-phase difference estimator")
    p.add_argument("--data-audit", metavar="FILE", help="attach an `emaudit data audit --json` result to the run")
    p.add_argument("--canaries", metavar="FILE",
                   help="attach canary curves (canary.jsonl from `emaudit finetune`; found next to the adapter "
                        "automatically)")
    add_judge_options(p)
    add_generation_options(p)
    add_engine_options(p)
    add_analysis_options(p)
    add_dry_run_option(p)
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api.audit import AuditSettings, audit

    attachments = {k: v for k, v in (("data_audit", args.data_audit), ("canaries", args.canaries)) if v}
    settings = AuditSettings(convention=args.convention, aligned_threshold=args.aligned_threshold,
                             coherent_threshold=args.coherent_threshold, alpha=args.alpha,
                             min_effect=args.min_effect, skip_excluded=args.skip_excluded,
                             sequential=args.sequential, sequential_round=args.sequential_round)
    models = [(args.base, "base", "base")] + [(c, "candidate", "candidate") for c in args.candidate]
    if print_plan(args, models, (args.judge or ["local"])[0]):
        return 0
    store = open_store(args)
    outcome = audit(store, args.run, args.base, args.candidate, args.suite or ["core"],
                    judge_specs(args), generation_config(args), args.samples, engine_options(args),
                    settings, attachments)
    notes = list(outcome.notes)
    j = outcome.judge
    about = judge_about(store, outcome.run, outcome.judge_ids, j)
    notes += about_notes(about)
    result = outcome.result
    if args.calibrate_with:
        from ..api.audit import analyze_run
        from ..api.budget import calibrate
        from ..api.judging import JudgeSpec

        budget = calibrate(store, outcome.run, JudgeSpec(model=args.calibrate_with),
                           args.calibration_samples, settings.convention_obj(), engine_options(args),
                           method=args.calibration_method)
        notes.append(f"strong-judge calls for calibration: {budget['strong_calls']}")
        result = analyze_run(store, store.get_run(args.run), settings)
    status = emit(result, args, notes, about=about)
    if outcome.generate.failed or j.failed:
        print(f"emaudit: {outcome.generate.failed} answers and {j.failed} judge calls failed "
              f"({', '.join(sorted({*outcome.generate.errors, *j.errors})) or 'see the store'}); the verdict above "
              "is partial: run the same command again to retry them", file=sys.stderr)
        return 2
    return status
