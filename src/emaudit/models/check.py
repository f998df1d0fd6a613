"""Check model strings before a run is written: names, files, keys, and that each endpoint answers.

Cheap on purpose: local folders and adapters are checked on disk (not loaded), servers get one
``GET <base>/models`` each.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from . import PROVIDERS, get_model


def check_models(specs: list[str], *, reach: bool = True, timeout_s: float = 10.0, **options: Any) -> None:
    """Raise ``UserError`` for the first model string that cannot be used; reach each endpoint once."""
    endpoints: dict[str, Any] = {}
    for spec in specs:
        prefix, _, rest = spec.partition("/")
        if prefix == "hf" and rest:
            from .hf import check_local_spec

            check_local_spec(rest)
            continue
        model = get_model(spec, **options)
        if reach and prefix in ("openai", "openai-api"):
            endpoints.setdefault(getattr(model, "base_url", spec), model)
    for model in endpoints.values():
        asyncio.run(_reach(model, timeout_s))


def looks_like_model(spec: str) -> bool:
    prefix, sep, _ = spec.partition("/")
    return bool(sep) and prefix in PROVIDERS and not Path(spec).exists()


async def _reach(model: Any, timeout_s: float) -> None:
    try:
        await model.reach(timeout_s)
    finally:
        await model.aclose()
