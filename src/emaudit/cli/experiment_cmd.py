"""`emaudit experiment FILE.yaml`: groups x seeds -> fine-tune -> audit -> one report (resumable)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_config_option

    p = sub.add_parser("experiment", help="run a fine-tuning experiment described in a YAML file")
    p.add_argument("file", help="experiment YAML (see experiments/*.yaml)")
    p.add_argument("--no-audit", action="store_true", help="train only; skip the audits")
    p.add_argument("--out", "-o", default=None, help="override the experiment's output folder")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..finetune.experiment import default_audit, load_experiment, run_experiment

    exp = load_experiment(args.file)
    if args.out:
        exp.out = Path(args.out)
    report = run_experiment(exp, audit_fn=None if args.no_audit else default_audit)
    print((exp.out / "experiment.md").read_text())
    print(f"report: {exp.out / 'experiment.json'}")
    return 0 if report else 1
