"""The one async interface every model backend implements."""

from __future__ import annotations

import abc
from dataclasses import asdict, dataclass, field
from typing import Any

Message = dict[str, str]
TOOLS_ROLE = "tools"  # the pseudo-message carrying a suite's tool list (see suites.schema)  # {"role": "system"|"user"|"assistant", "content": "..."}


@dataclass(frozen=True)
class GenerationConfig:
    temperature: float = 1.0
    top_p: float = 1.0
    max_tokens: int = 600
    seed: int | None = None
    logprobs: bool = False
    top_logprobs: int | None = None
    stop: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["stop"] = list(self.stop)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GenerationConfig:
        d = dict(d)
        d["stop"] = tuple(d.get("stop") or ())
        return cls(**d)


@dataclass(frozen=True)
class ChatRequest:
    """One chat to complete ``n`` times with the same settings."""

    messages: tuple[tuple[str, str], ...]  # ((role, content), ...), hashable
    config: GenerationConfig = field(default_factory=GenerationConfig)
    n: int = 1

    @classmethod
    def from_messages(cls, messages: list[Message], config: GenerationConfig | None = None,
                      n: int = 1) -> ChatRequest:
        return cls(tuple((m["role"], m["content"]) for m in messages), config or GenerationConfig(), n)

    def message_dicts(self) -> list[Message]:
        return [{"role": r, "content": c} for r, c in self.messages if r != TOOLS_ROLE]

    def tools(self) -> list[dict[str, Any]] | None:
        """The OpenAI-format tool list a suite offered with this chat, if any."""
        import json

        for role, content in self.messages:
            if role == TOOLS_ROLE:
                tools: list[dict[str, Any]] = json.loads(content)
                return tools
        return None


@dataclass
class TopLogprob:
    token: str
    logprob: float


@dataclass
class TokenLogprob:
    token: str
    logprob: float
    top: list[TopLogprob] = field(default_factory=list)


@dataclass
class Completion:
    text: str
    finish_reason: str | None = None
    logprobs: list[TokenLogprob] | None = None
    tool_calls: list[dict[str, str]] | None = None  # [{"name": ..., "arguments": JSON text}]
    scored_over: str | None = None  # "number-paths": logprobs[0] lists whole numbers built from several tokens


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False  # the server did not count every choice; completion_tokens is our estimate


@dataclass
class ChatResponse:
    """The ``n`` completions of one request, with the tokens it used."""

    choices: list[Completion]
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    endpoint: str | None = None  # which server answered, where a model has several (engine/endpoints.py)


class Model(abc.ABC):
    """A chat model. Backends live one per file in ``emaudit.models``.

    ``endpoint`` names what concurrency limits apply to (one server, one local process);
    ``batch_size`` is how many requests ``generate`` handles well in one call.
    """

    name: str
    endpoint: str
    batch_size: int = 1
    supports_logprobs: bool = False
    supports_n: bool = False
    supports_tools: bool = False  # honours a ("tools", JSON) pseudo-message as the request's tool list

    @abc.abstractmethod
    async def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        """Complete every request; raise ``ModelError`` when the call as a whole fails."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections or memory."""

    def describe(self) -> dict[str, Any]:
        """What a report needs to say about this model (never secrets)."""
        return {"name": self.name}
