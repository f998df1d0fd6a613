"""`emaudit runs`: the runs in the store, with progress and cost so far."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from . import add_config_option
from .options import open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("runs", help="list runs in the store with progress and cost")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    summaries = open_store(args, create=False).list_runs()
    if args.json:
        print(json.dumps([asdict(s) for s in summaries], indent=2))
        return 0
    if not summaries:
        print(f"no runs in {args.store}")
        return 0
    table = Table(title=f"runs in {args.store}",
                  caption="judged answers: answers with all their metrics judged by the run's current judge")
    numeric = ("answered", "failed", "judged answers", "cost")
    for col in ("run", "kind", "status", "answered", "failed", "judged answers", "tokens in/out", "cost", "updated"):
        table.add_column(col, justify="right" if col in numeric else "left")
    for s in summaries:
        cost = "?" if s.cost_usd is None else f"${s.cost_usd:.4f}"
        table.add_row(s.name, s.kind, s.status, f"{s.answered}/{s.items}", str(s.failed), str(s.judged_answers),
                      f"{s.prompt_tokens}/{s.completion_tokens}", cost, s.updated_at)
    Console().print(table)
    return 0
