"""Where a request goes: the guard's ``--upstream`` or its route's own, resolved once (keys from the environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import UserError


@dataclass(frozen=True)
class Upstream:
    url: str              # base URL, e.g. http://127.0.0.1:8000/v1
    model: str | None     # the model name sent upstream; None sends the name the client asked for
    key: str | None       # from the environment only


def resolve_upstream(spec: str, *, model: str | None = None, key_env: str | None = None) -> Upstream:
    """``openai-api/<service>/<model>`` or ``openai/<model>`` (its key from the variable the spec names), or a
    base URL (``model`` the name sent, ``key_env`` the variable holding its key)."""
    if spec.startswith(("http://", "https://")):
        if key_env and not os.environ.get(key_env):
            raise UserError(f"{key_env} is not set; it should hold the key for {spec}", field="upstream_key_env")
        return Upstream(spec.rstrip("/"), model, os.environ.get(key_env) if key_env else None)
    from ..models import get_model

    if not spec.startswith(("openai-api/", "openai/")):
        raise UserError(f"the guard fronts an OpenAI-compatible API: openai-api/<service>/<model> or "
                        f"openai/<model>, not {spec!r}", field="upstream")
    resolved: Any = get_model(spec)
    variable = getattr(resolved, "_key_variable", None)
    return Upstream(resolved.base_url, model or resolved.model, os.environ.get(variable) if variable else None)


class Upstreams:
    """The default upstream and every route's, resolved on first use and kept."""

    def __init__(self, default: Upstream | None) -> None:
        self.default = default
        self._resolved: dict[tuple[str, str | None, str | None], Upstream] = {}

    def get(self, spec: str | None, model: str | None = None, key_env: str | None = None) -> Upstream | None:
        if spec is None:
            return self.default
        k = (spec, model, key_env)
        if k not in self._resolved:
            self._resolved[k] = resolve_upstream(spec, model=model, key_env=key_env)
        return self._resolved[k]
