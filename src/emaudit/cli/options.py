"""Options shared by several subcommands (generation settings, engine settings, the store)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..api.generate import EngineOptions
    from ..models.base import GenerationConfig
    from ..store import Store


def add_generation_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("sampling")
    g.add_argument("--samples", type=int, help="samples per paraphrase (default: each question's own)")
    g.add_argument("--temperature", type=float, default=1.0)
    g.add_argument("--top-p", type=float, default=1.0)
    g.add_argument("--max-tokens", type=int, default=600)
    g.add_argument("--seed", type=int, help="sampling seed passed to the backend")


def add_engine_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("engine")
    g.add_argument("--max-connections", type=int, help="concurrent requests per endpoint (default: adaptive)")
    g.add_argument("--no-adaptive", action="store_true", help="keep the connection limit fixed")
    g.add_argument("--retries", type=int, default=6, help="retries per request on 429/5xx/timeouts")
    g.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    g.add_argument("--n-per-request", type=int, default=16, help="samples asked in one request where supported")
    g.add_argument("--threads", type=int, help="CPU threads for local (hf/) models")
    g.add_argument("--no-progress", action="store_true", help="no progress bars")


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

    model_options = {"threads": args.threads} if args.threads else {}
    return EngineOptions(max_connections=args.max_connections, adaptive=not args.no_adaptive,
                         max_retries=args.retries, timeout_s=args.timeout, n_per_request=args.n_per_request,
                         progress=not args.no_progress, model_options=model_options)


def open_store(args: argparse.Namespace, *, create: bool = True) -> Store:
    """The run store; commands that only read pass ``create=False`` (a mistyped path is an error)."""
    from ..store import Store

    return Store.open(args.store, create=create)
