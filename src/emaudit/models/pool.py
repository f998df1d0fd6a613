"""One logical model served by several OpenAI-compatible endpoints (``--endpoints a,b``).

``EndpointPool`` is the model the rest of emaudit sees: one name (so answers are stored under the same
item keys whichever server answered), several members with the same model name. Which member a call
goes to is the engine's choice (``engine/endpoints.py``: least-loaded, dead ones dropped), passed in
``CHOSEN``; the response says which endpoint answered.
"""

from __future__ import annotations

import contextvars
from collections.abc import Sequence
from typing import Any

from ..errors import UserError
from .base import ChatRequest, ChatResponse, Model

# The member the scheduler chose for the call in flight (each call runs in its own task and context).
CHOSEN: contextvars.ContextVar[Model | None] = contextvars.ContextVar("emaudit_endpoint", default=None)


class EndpointPool(Model):
    """A model served by several endpoints; ``members`` are the per-server models (same model name)."""

    batch_size = 1

    def __init__(self, name: str, members: Sequence[Model]) -> None:
        if not members:
            raise UserError("an endpoint pool needs at least one endpoint", field="--endpoints")
        self.name = name
        self.members = list(members)
        self.endpoint = "pool:" + name
        self.model = getattr(self.members[0], "model", name)
        self.supports_logprobs = all(m.supports_logprobs for m in self.members)
        self.supports_n = all(m.supports_n for m in self.members)
        self.supports_tools = all(m.supports_tools for m in self.members)

    def __repr__(self) -> str:
        return f"EndpointPool({self.name!r}, {[m.endpoint for m in self.members]!r})"

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "endpoints": [m.describe() for m in self.members]}

    async def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        member = CHOSEN.get() or self.members[0]  # outside the scheduler: the first endpoint
        responses = await member.generate(requests)
        for response in responses:
            response.endpoint = member.endpoint
        return responses

    async def samples_per_request(self, asked: int) -> int:
        """The fewest choices per request any member takes, so that every request fits every member."""
        counts = []
        for member in self.members:
            choose = getattr(member, "samples_per_request", None)
            counts.append(await choose(asked) if choose is not None else asked)
        return max(1, min(counts))

    async def aclose(self) -> None:
        for member in self.members:
            await member.aclose()


def parse_endpoints(values: Sequence[str] | None) -> list[tuple[str, ...]]:
    """``--endpoints a,b`` (repeatable) as groups of model specs; each group serves one model. An options
    file may give a group as a list (``endpoints: [[openai-api/a/m, openai-api/b/m]]``)."""
    groups: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for value in values or ():
        text = ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        specs = tuple(s.strip() for s in text.split(",") if s.strip())
        if len(specs) < 2:
            raise UserError(f"{value!r} names one endpoint; give two or more model specs separated by commas, "
                            "e.g. openai-api/a/model,openai-api/b/model", field="--endpoints")
        for spec in specs:
            if spec in seen:
                raise UserError(f"{spec} is named twice", field="--endpoints")
            seen.add(spec)
        groups.append(specs)
    return groups


def group_of(spec: str, groups: Sequence[tuple[str, ...]]) -> tuple[str, ...] | None:
    return next((g for g in groups if spec in g), None)


def build_model(spec: str, groups: Sequence[tuple[str, ...]] = (), **options: Any) -> Model:
    """The model ``spec`` names: a pool of every endpoint of its ``--endpoints`` group, else the one model.

    The pool carries ``spec`` as its name, so its answers are stored under the same keys whichever
    endpoint gave them (and as without ``--endpoints``)."""
    from . import get_model

    group = group_of(spec, groups)
    if group is None:
        return get_model(spec, **options)
    members = []
    for s in group:
        try:
            members.append(get_model(s, **options))
        except UserError as e:   # e.g. a service whose <SERVICE>_BASE_URL is not set: the option, not --model
            raise UserError(f"{s}: {e.message}", field="--endpoints") from None
    odd = next((s for s, m in zip(group, members, strict=True) if not hasattr(m, "reach")), None)
    if odd is not None:
        raise UserError(f"{odd} is not an OpenAI-compatible server; endpoints are openai-api/<service>/<model> "
                        "or openai/<model>", field="--endpoints")
    names = {getattr(m, "model", m.name) for m in members}
    if len(names) > 1:
        raise UserError(f"{', '.join(group)} serve different models ({', '.join(sorted(names))}); the endpoints "
                        "of one model must serve the same model name", field="--endpoints")
    urls = [m.endpoint for m in members]
    twice = next((u for u in urls if urls.count(u) > 1), None)
    if twice is not None:
        raise UserError(f"two of {', '.join(group)} are the same server ({twice})", field="--endpoints")
    return EndpointPool(spec, members)
