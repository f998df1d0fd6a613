"""`emaudit import`: judged answers from other tools (the paper's CSVs, Model Organisms, our export)."""

from __future__ import annotations

import argparse

from . import add_config_option
from .options import open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import judged answers from a CSV into a run")
    p.add_argument("file", help="judged CSV")
    p.add_argument("--format", default="auto", choices=["auto", "betley", "model-organisms", "emaudit"])
    p.add_argument("--model", help="model name for files without a model column")
    p.add_argument("--role", choices=["base", "candidate"], help="default candidate (emaudit files carry roles)")
    p.add_argument("--group", help="group of seeds this model belongs to")
    p.add_argument("--run", help="run to add the answers to (default: the file's name)")
    p.add_argument("--json-system-not-applied", action="store_true",
                   help="the _json questions were asked without their system prompt (count them as plain)")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..api.importing import import_file

    name = args.run or Path(args.file).stem
    result = import_file(open_store(args), name, args.file, args.format, model=args.model, role=args.role,
                         group=args.group, json_system_applied=not args.json_system_not_applied)
    print(f"imported {result.rows} judged answers into run {result.run.name!r} ({result.new_answers} new)")
    return 0
