"""`--executor local|ray` and `--address auto|HOST:PORT`, shared by `experiment` and `data audit`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ..executors import BACKENDS, Executor, JobLost, get_executor


def add_executor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--executor", choices=BACKENDS, default="local",
                   help="where jobs run: local (this process or a local pool, default) or ray")
    p.add_argument("--address", default=None, metavar="auto|HOST:PORT",
                   help="the Ray cluster to use (auto: the one `ray start` runs here); "
                        "without it --executor ray starts a local Ray instance on 127.0.0.1")


def open_executor(args: argparse.Namespace, workers: int | None = None) -> Executor | None:
    """The executor asked for, or None for the local default (the command picks its own workers)."""
    if args.executor == "ray" and args.address is not None and workers is not None:
        from ..errors import UserError

        raise UserError("--workers sets the CPUs of a local Ray instance; with --address the cluster has its own",
                        field="--workers")
    if args.executor == "local" and args.address is None:
        return None
    return get_executor(args.executor, workers=workers, address=args.address)


def run_with_executor(args: argparse.Namespace, body: Callable[[Executor | None], int],
                      workers: int | None = None) -> int:
    executor = open_executor(args, workers)
    try:
        return body(executor)
    except JobLost as e:
        print(f"emaudit: error: {e}", file=sys.stderr)
        return 2
    finally:
        if executor is not None:
            executor.close()
