"""`emaudit generate`: ask every question of every model, many samples each; resumable."""

from __future__ import annotations

import argparse
import sys

from . import add_config_option
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
    p = sub.add_parser("generate", help="sample answers from one or more models (resume: run it again)")
    p.add_argument("--suite", action="append", help="built-in suite name or YAML path (repeatable; default core)")
    p.add_argument("--model", action="append", required=True, help="model spec, e.g. openai/gpt-4o-mini (repeatable)")
    p.add_argument("--run", required=True, help="run name in the store")
    add_generation_options(p)
    add_engine_options(p)
    add_dry_run_option(p)
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api import generate

    if print_plan(args, [(m, "subject", m) for m in args.model]):
        return 0
    store = open_store(args)
    result = generate(store, args.run, args.suite or ["core"], args.model, generation_config(args), args.samples,
                      engine_options(args))
    s = result.stats
    print(f"run {result.run.name}: {result.total_items} items, {s.already_done} already stored, "
          f"{s.answered} answered now, {s.failed} failed; tokens {s.prompt_tokens} in / {s.completion_tokens} out"
          + (" (estimated: the server counted the first of several choices only)" if s.tokens_estimated else ""))
    if s.failed:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(s.errors.items()))
        print(f"emaudit: {s.failed} items failed ({reasons}); run the same command again to retry them",
              file=sys.stderr)
        return 1
    return 0
