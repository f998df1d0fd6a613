"""`emaudit judge`: fit the embedded judge from judged answers, and check a judge against a reference."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import UserError
from . import add_config_option
from .numbers import real, whole


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("judge", help="fit or check the embedded offline judge")
    add_config_option(p)
    jsub = p.add_subparsers(dest="judge_command", metavar="ACTION")

    fit = jsub.add_parser("fit", help="fit a local judge from judged answers (distillation)")
    add_config_option(fit)
    fit.add_argument("--from", dest="from_csv", nargs="+", required=True, metavar="CSV",
                     help="judged CSV(s) with question, answer (or response), aligned, coherent columns")
    fit.add_argument("--out", "-o", required=True, help="folder to write the judge to (small .npz + .json files)")
    fit.add_argument("--with-labelled-set", action="store_true",
                     help="also train on emaudit's own labelled set (5,791 answers; training only, never scored)")
    fit.add_argument("--C", dest="c", type=real(0, 1e6, above=True), default=None, help="inverse regularisation of the heads")
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--threads", type=whole(1, 1024), default=None, help="torch threads (default 2 or $EMAUDIT_TORCH_THREADS)")
    fit.set_defaults(func=run_fit)

    check = jsub.add_parser("check", help="agreement of a judge with the reference scores in judged CSVs")
    add_config_option(check)
    check.add_argument("judge", help="a folder written by `judge fit`, or 'local' / 'local-lm' (the shipped judges)")
    check.add_argument("--on", nargs="+", required=True, metavar="CSV", help="judged CSV(s); one group per file")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument("--threads", type=whole(1, 1024), default=None)
    check.add_argument("--save", action="store_true",
                       help="write the measured agreement into the judge folder's quality.json")
    check.set_defaults(func=run_check)
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])


def run_fit(args: argparse.Namespace) -> int:
    from ..judge.embedded.fit import DEFAULT_C, fit_csvs
    from ..userfiles import check_input_file

    for path in args.from_csv:
        check_input_file(path, field="--from")

    judge, n = fit_csvs(args.from_csv, args.out, include_labelled=args.with_labelled_set,
                        c=args.c if args.c is not None else DEFAULT_C, seed=args.seed, threads=args.threads)
    from ..api.judging import embedded_judge_id
    from ..judge.quality import load_folder

    print(f"fitted a judge on {n} answers; wrote {args.out} (judge id {embedded_judge_id(args.out)}); "
          f"use it with --judge {args.out}")
    quality = load_folder(args.out)
    if quality is not None:
        print(f"quality ({quality.method}): {quality.summary()}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from ..judge.embedded import EmbeddedJudge
    from ..judge.embedded.check import check_csvs, format_report, quality_from_check
    from ..judge.embedded.judge import SHIPPED
    from ..judge.quality import save
    from ..userfiles import check_input_file

    if args.save and args.judge in SHIPPED:
        raise UserError(f"--save writes into a fitted judge's folder; the quality record of the shipped "
                        f"'{args.judge}' is measured by cross-validation in scripts/fit_embedded_judge.py")
    for path in args.on:
        check_input_file(path, field="--on")
    judge = EmbeddedJudge.load(args.judge, threads=args.threads)
    report = check_csvs(judge, args.on)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    if args.save:
        path = save(quality_from_check(report, judge.heads.meta.get("trained_on", []), args.judge), args.judge)
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    return 0
