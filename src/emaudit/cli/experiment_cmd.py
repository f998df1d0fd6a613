"""`emaudit experiment FILE.yaml`: groups x seeds -> fine-tune -> audit -> one report (resumable)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..executors import Executor


def register(sub: argparse._SubParsersAction) -> None:
    from . import add_config_option
    from .executor_options import add_executor_options
    from .numbers import whole

    p = sub.add_parser("experiment", help="run a fine-tuning experiment described in a YAML file")
    p.add_argument("file", help="experiment YAML (see experiments/*.yaml)")
    p.add_argument("--no-audit", action="store_true", help="train only; skip the audits")
    p.add_argument("--out", "-o", default=None, help="override the experiment's output folder")
    p.add_argument("--workers", type=whole(1, 256), default=None,
                   help="with --executor ray and no --address: the CPUs of the local Ray instance (default: all)")
    add_executor_options(p)
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..finetune.experiment import default_audit, load_experiment, run_experiment
    from .executor_options import run_with_executor

    exp = load_experiment(args.file)
    if args.out:
        exp.out = Path(args.out)
    if args.workers is not None and args.executor == "local":
        from ..errors import UserError

        raise UserError("experiments run one job at a time locally; --workers needs --executor ray",
                        field="--workers")
    if args.address is not None:
        from ..executors.ray import check_address

        check_address(args.address)
    report: dict[str, object] = {}

    def body(executor: Executor | None) -> int:
        report.update(run_experiment(exp, audit_fn=None if args.no_audit else default_audit, executor=executor))
        return 0

    status = run_with_executor(args, body, workers=args.workers)
    if status:
        return status
    print((exp.out / "experiment.md").read_text())
    print(f"report: {exp.out / 'experiment.json'}")
    return 0 if report else 1
