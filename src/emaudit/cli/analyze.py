"""`emaudit analyze`: rates, intervals and the verdict of a judged run, under any convention."""

from __future__ import annotations

import argparse

from . import add_config_option
from .audit_options import add_analysis_options
from .options import open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="analyse a judged run (exit 0 no evidence, 1 evidence)")
    p.add_argument("run", help="run name")
    p.add_argument("--judge-id", action="append", help="which judge's scores (default: the latest)")
    add_analysis_options(p, with_default=False)
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api.audit import analyze_run, judge_failures, settings_for
    from .audit_options import emit, partial_judging_status

    store = open_store(args, create=False)
    run_ = store.get_run(args.run)
    settings = settings_for(run_, args.convention, aligned_threshold=args.aligned_threshold,
                            coherent_threshold=args.coherent_threshold, alpha=args.alpha, min_effect=args.min_effect)
    status = emit(analyze_run(store, run_, settings, args.judge_id), args)
    return partial_judging_status(status, judge_failures(store, run_, args.judge_id), args.run,
                                  f"run `emaudit rescore {args.run} --judge ...` with the same judge to retry them")
