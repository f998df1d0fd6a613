"""Check model strings before a run is written: names, files, keys, and that each endpoint answers.

Cheap on purpose: local folders and adapters are checked on disk (not loaded), servers get one
``GET <base>/models`` each. A model served by several endpoints (``--endpoints``) starts when at least
one of them answers; the others are named in a note and probed again during the run.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import UserError
from . import PROVIDERS, get_model


def check_models(specs: list[str], *, reach: bool = True, timeout_s: float = 10.0,
                 endpoints: Sequence[tuple[str, ...]] = (), **options: Any) -> None:
    """Raise ``UserError`` for the first model string that cannot be used; reach each endpoint once."""
    for group in endpoints:
        if not any(spec in group for spec in specs):
            raise UserError(f"none of {', '.join(group)} is a model of this command; name one of them as the "
                            "model (the others serve it too)", field="--endpoints")
    singles: dict[str, Any] = {}
    pools: list[list[Any]] = []
    for spec in specs:
        prefix, _, rest = spec.partition("/")
        if prefix == "hf" and rest:
            from .hf import check_local_spec

            check_local_spec(rest)
            continue
        if any(spec in g for g in endpoints):
            from .pool import build_model

            pool = build_model(spec, endpoints, **options)  # same model name on every endpoint, or an error
            pools.append(list(getattr(pool, "members", [pool])))
            continue
        model = get_model(spec, **options)
        if reach and prefix in ("openai", "openai-api"):
            singles.setdefault(getattr(model, "base_url", spec), model)
    for model in singles.values():
        asyncio.run(_reach(model, timeout_s))
    if reach:
        for members in pools:
            asyncio.run(_reach_some(members, timeout_s))


def looks_like_model(spec: str) -> bool:
    prefix, sep, _ = spec.partition("/")
    return bool(sep) and prefix in PROVIDERS and not Path(spec).exists()


async def _reach(model: Any, timeout_s: float) -> None:
    try:
        await model.reach(timeout_s)
    finally:
        await model.aclose()


async def _reach_some(members: list[Any], timeout_s: float) -> None:
    """Every endpoint of one model: a key refused is an error; down is a note while another one answers."""
    results = await asyncio.gather(*(_reach(m, timeout_s) for m in members), return_exceptions=True)
    failed = [(m, r) for m, r in zip(members, results, strict=True) if isinstance(r, BaseException)]
    for _, error in failed:
        if not isinstance(error, UserError):
            raise error
        if "cannot reach" not in error.message:
            raise error
    if failed and len(failed) == len(members):
        raise UserError(f"no endpoint of {members[0].model} answers: "
                        + "; ".join(e.message for _, e in failed if isinstance(e, UserError)), field="--endpoints")
    for _, error in failed:
        assert isinstance(error, UserError)
        reason = error.message.removesuffix("; is the server running?")
        print(f"emaudit: note: {reason}; starting with the other endpoints, it is tried again during "
              "the run", file=sys.stderr)
