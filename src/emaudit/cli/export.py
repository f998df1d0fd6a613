"""`emaudit export`: a run's answers (and scores) as JSONL, CSV or Parquet."""

from __future__ import annotations

import argparse
import sys

from . import add_config_option
from .options import open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write a run's answers to jsonl, csv or parquet")
    p.add_argument("run", help="run name")
    p.add_argument("--format", default="jsonl", choices=["jsonl", "csv", "parquet"])
    p.add_argument("--out", help="output file (default: standard output; parquet needs a file)")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api import export_run

    store = open_store(args, create=False)
    n = export_run(store, store.get_run(args.run), args.format, args.out)
    if args.out and args.out != "-":
        print(f"wrote {n} answers to {args.out}", file=sys.stderr)
    return 0
