"""Model backends behind one async interface, chosen by the model string's prefix.

``openai/<model>``, ``openai-api/<service>/<model>``, ``hf/<path>[+<adapter>]``, ``mock/<script>``.
One file per provider; each registers a factory taking the part after the prefix.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ..errors import UserError
from .base import (
    ChatRequest,
    ChatResponse,
    Completion,
    GenerationConfig,
    Message,
    Model,
    TokenLogprob,
    TopLogprob,
    Usage,
)

# prefix -> (module, factory name); modules are imported only when used (torch is heavy).
PROVIDERS: dict[str, tuple[str, str]] = {
    "openai": ("emaudit.models.openai_api", "from_openai_spec"),
    "openai-api": ("emaudit.models.openai_api", "from_service_spec"),
    "hf": ("emaudit.models.hf", "from_spec"),
    "mock": ("emaudit.models.mock", "from_spec"),
}


def get_model(spec: str, **options: Any) -> Model:
    """Build the model a string names, e.g. ``get_model("openai/gpt-4o-mini")``."""
    prefix, sep, rest = spec.partition("/")
    if not sep or not rest:
        raise UserError(f"model {spec!r} must look like <provider>/<name>; providers: {', '.join(PROVIDERS)}",
                        field="model")
    if prefix not in PROVIDERS:
        raise UserError(f"unknown model prefix {prefix!r} in {spec!r}; known: {', '.join(PROVIDERS)}",
                        field="model")
    module_name, factory_name = PROVIDERS[prefix]
    factory: Callable[..., Model] = getattr(importlib.import_module(module_name), factory_name)
    return factory(rest, **options)


__all__ = [
    "PROVIDERS", "ChatRequest", "ChatResponse", "Completion", "GenerationConfig", "Message", "Model",
    "TokenLogprob", "TopLogprob", "Usage", "get_model",
]
