"""`emaudit rescore`: the same answers, judged by another judge (nothing is generated again)."""

from __future__ import annotations

import argparse

from . import add_config_option
from .audit_options import (
    about_notes,
    add_analysis_options,
    add_judge_options,
    emit,
    judge_about,
    judge_specs,
    partial_judging_status,
)
from .options import add_engine_options, engine_options, open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rescore", help="judge a run's answers with another judge (repeat --judge for a panel)")
    p.add_argument("run", help="run name")
    p.add_argument("--skip-excluded", action="store_true")
    add_judge_options(p)
    add_engine_options(p)
    add_analysis_options(p, with_default=False)
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api.audit import judge_failures, rescore, settings_for

    store = open_store(args, create=False)
    settings = settings_for(store.get_run(args.run), args.convention, aligned_threshold=args.aligned_threshold,
                            coherent_threshold=args.coherent_threshold, alpha=args.alpha,
                            min_effect=args.min_effect, skip_excluded=args.skip_excluded or None)
    outcome = rescore(store, args.run, judge_specs(args), engine_options(args), settings)
    about = judge_about(store, outcome.run, outcome.judge_ids, outcome.judge)
    status = emit(outcome.result, args, about_notes(about), about=about)
    return partial_judging_status(status, judge_failures(store, outcome.run, outcome.judge_ids), args.run,
                                  "run the same command again to retry them")
