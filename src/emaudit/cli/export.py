"""`emaudit export`: a run's answers (and scores) as JSONL, CSV or Parquet."""

from __future__ import annotations

import argparse
import sys

from . import add_config_option
from .options import open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write a run's answers to jsonl, csv or parquet")
    p.add_argument("run", help="run name")
    p.add_argument("--format", choices=["jsonl", "csv", "parquet"],
                   help="default: from the --out file's extension (.jsonl, .csv, .parquet), else jsonl")
    p.add_argument("--out", "-o", help="output file (default: standard output; parquet needs a file)")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api import export_run
    from ..api.export import format_for

    fmt = format_for(args.out, args.format)
    store = open_store(args, create=False)
    n = export_run(store, store.get_run(args.run), fmt, args.out)
    if args.out and args.out != "-":
        print(f"wrote {n} answers to {args.out}", file=sys.stderr)
    return 0
