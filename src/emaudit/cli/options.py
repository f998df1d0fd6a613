"""Options shared by several subcommands (generation settings, engine settings, the store)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .numbers import MAX_SAMPLES, real, whole

if TYPE_CHECKING:
    from ..api.generate import EngineOptions
    from ..models.base import GenerationConfig
    from ..store import Store


def add_generation_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("sampling")
    g.add_argument("--samples", type=whole(1, MAX_SAMPLES), help="samples per paraphrase (default: each question's own)")
    g.add_argument("--temperature", type=real(0, 2), default=1.0)
    g.add_argument("--top-p", type=real(0, 1, above=True), default=1.0)
    g.add_argument("--max-tokens", type=whole(1, 1_000_000), default=600)
    g.add_argument("--seed", type=int, help="sampling seed passed to the backend")


def add_engine_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("engine")
    g.add_argument("--max-connections", type=whole(1, 4096), help="concurrent requests per endpoint (default: adaptive)")
    g.add_argument("--no-adaptive", action="store_true", help="keep the connection limit fixed")
    g.add_argument("--retries", type=whole(0, 100), default=6, help="retries per request on 429/5xx/timeouts")
    g.add_argument("--timeout", type=real(0, 86_400, above=True), default=120.0, help="seconds per request")
    g.add_argument("--n-per-request", type=whole(1, 1024), default=16, help="samples asked in one request where supported")
    g.add_argument("--threads", type=whole(1, 1024), help="CPU threads for local (hf/) models")
    g.add_argument("--no-progress", action="store_true", help="no progress bars")
    g.add_argument("--endpoints", action="append", metavar="SPEC,SPEC,...",
                   help="one model served by several OpenAI-compatible servers, e.g. openai-api/a/m,openai-api/b/m: "
                        "a model named as any of them is spread over all (least-loaded, a dead one dropped and "
                        "tried again); answers are stored under the name you gave (repeatable; docs/scale.md)")
    g.add_argument("--endpoints-wait", type=real(0, 86_400), default=30.0, metavar="SECONDS",
                   help="with --endpoints: how long to wait for one to come back when all are down (default 30)")


def add_dry_run_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dry-run", action="store_true",
                   help="print the plan (answers, judge calls, time for local models, cost for priced APIs) and "
                        "stop without writing anything")


def print_plan(args: argparse.Namespace, models: list[tuple[str, str, str]], judge: str | None = None) -> bool:
    """Print the estimate when asked (--dry-run, on stdout) or when the run is large (on stderr).

    Returns whether to stop here (a dry run)."""
    import sys

    from ..api.estimate import LARGE_RUN, describe, estimate
    from ..api.plan import ModelRole
    from ..models.check import check_models, looks_like_model
    from ..models.pool import parse_endpoints
    from ..suites import load_suite

    suites = [load_suite(s) for s in (args.suite or ["core"])]
    # A typo is reported before any plan; servers are reached here only for a dry run (the run reaches them).
    check_models([spec for spec, _, _ in models] + ([judge] if judge and looks_like_model(judge) else []),
                 reach=args.dry_run, endpoints=parse_endpoints(getattr(args, "endpoints", None)))
    roles = [ModelRole(spec, role, group) for spec, role, group in models]
    plan = estimate(args.store, suites, roles, generation_config(args), args.samples, judge)
    if args.dry_run:
        print(describe(plan))
        print("dry run: nothing was written")
        return True
    if plan.to_answer > LARGE_RUN:
        print(describe(plan), file=sys.stderr)
    return False


def generation_config(args: argparse.Namespace) -> GenerationConfig:
    from ..errors import UserError
    from ..models.base import GenerationConfig

    if args.samples is not None and args.samples < 1:
        raise UserError("must be at least 1", field="--samples")
    if args.max_tokens < 1:
        raise UserError("must be at least 1", field="--max-tokens")
    return GenerationConfig(temperature=args.temperature, top_p=args.top_p, max_tokens=args.max_tokens,
                            seed=args.seed)


def engine_options(args: argparse.Namespace) -> EngineOptions:
    from ..api.generate import EngineOptions
    from ..models.pool import parse_endpoints

    model_options = {"threads": args.threads} if args.threads else {}
    return EngineOptions(max_connections=args.max_connections, adaptive=not args.no_adaptive,
                         max_retries=args.retries, timeout_s=args.timeout, n_per_request=args.n_per_request,
                         progress=not args.no_progress, model_options=model_options,
                         endpoints=parse_endpoints(getattr(args, "endpoints", None)),
                         endpoints_wait_s=getattr(args, "endpoints_wait", 30.0))


def open_store(args: argparse.Namespace, *, create: bool = True) -> Store:
    """The run store; commands that only read pass ``create=False`` (a mistyped path is an error)."""
    from ..store import Store

    return Store.open(args.store, create=create)
