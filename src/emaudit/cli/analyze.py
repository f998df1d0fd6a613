"""`emaudit analyze`: rates, intervals and the verdict of a judged run, under any convention."""

from __future__ import annotations

import argparse

from . import add_config_option
from .audit_options import add_analysis_options, add_gate_option
from .options import open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="analyse a judged run (exit 0 no evidence, 1 evidence)")
    p.add_argument("run", help="run name, or guard:LAST-24H for the guard's live answers (embedded judge)")
    p.add_argument("--judge-id", "--judge", dest="judge_id", action="append",
                   help="which judge's scores: its name (local, openai/gpt-4o, a fitted judge's folder, imported), "
                   "its id or an id prefix (default: the latest)")
    add_analysis_options(p, with_default=False)
    add_gate_option(p)
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api.audit import analyze_run, judge_failures, settings_for
    from ..api.judges import resolve_judges
    from ..guard.feed import is_guard_spec
    from .audit_options import about_notes, emit, judge_about, partial_judging_status

    if is_guard_spec(args.run):
        return _analyze_guard(args)
    store = open_store(args, create=False)
    run_ = store.get_run(args.run)
    settings = settings_for(run_, args.convention, aligned_threshold=args.aligned_threshold,
                            coherent_threshold=args.coherent_threshold, alpha=args.alpha, min_effect=args.min_effect)
    judge_ids = resolve_judges(store, run_, args.judge_id)
    about = judge_about(store, run_, judge_ids)
    status = emit(analyze_run(store, run_, settings, judge_ids), args, about_notes(about), about=about)
    return partial_judging_status(status, judge_failures(store, run_, judge_ids), args.run,
                                  f"run `emaudit rescore {args.run} --judge ...` with the same judge to retry them")


def _analyze_guard(args: argparse.Namespace) -> int:
    from ..analysis import analyze
    from ..api.audit import AuditSettings
    from ..guard.feed import guard_rows
    from . import store_path
    from .audit_options import emit

    settings = AuditSettings(convention=args.convention or "betley", aligned_threshold=args.aligned_threshold,
                             coherent_threshold=args.coherent_threshold, alpha=args.alpha or 0.05)
    rows = guard_rows(store_path(args), args.run)
    return emit(analyze(rows, settings.convention_obj(), alpha=settings.alpha), args)
