"""Server-sent events from the upstream: split into events, and assemble the answer they carry."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from .openai_format import ToolUse


class GarbageStream(Exception):
    """The upstream's stream is not OpenAI chat chunks."""


async def events(lines: AsyncIterator[bytes]) -> AsyncIterator[tuple[bytes, Any]]:
    """(raw event bytes, parsed data) per event; data is None for ``[DONE]``."""
    raw: list[bytes] = []
    data: list[bytes] = []
    async for line in lines:
        raw.append(line)
        stripped = line.rstrip(b"\r\n")
        if stripped.startswith(b"data:"):
            data.append(stripped[5:].strip())
        elif not stripped:
            if data:
                yield b"".join(raw), _parse(b"\n".join(data))
            raw, data = [], []
    if data:
        yield b"".join(raw) + b"\n", _parse(b"\n".join(data))


def _parse(data: bytes) -> Any:
    if data == b"[DONE]":
        return None
    try:
        obj = json.loads(data)
    except ValueError:
        raise GarbageStream(f"upstream sent a non-JSON event: {data[:80]!r}") from None
    if not isinstance(obj, dict):
        raise GarbageStream("upstream sent an event that is not a JSON object")
    return obj


@dataclass
class Assembled:
    """The answer so far: text and tool calls, from the chunks seen."""

    text: str = ""
    calls: dict[int, dict[str, str]] = field(default_factory=dict)
    finish_reason: str | None = None
    error: Any = None

    def add(self, chunk: dict[str, Any]) -> None:
        if "error" in chunk:
            self.error = chunk["error"]
        for c in chunk.get("choices") or []:
            if not isinstance(c, dict):
                continue
            delta = c.get("delta") or {}
            if isinstance(delta.get("content"), str):
                self.text += delta["content"]
            for tc in delta.get("tool_calls") or []:
                slot = self.calls.setdefault(int(tc.get("index", 0)), {"name": "", "arguments": ""})
                fn = tc.get("function") or {}
                slot["name"] += fn.get("name") or ""
                slot["arguments"] += fn.get("arguments") or ""
            if isinstance(delta.get("function_call"), dict):
                slot = self.calls.setdefault(0, {"name": "", "arguments": ""})
                slot["name"] += delta["function_call"].get("name") or ""
                slot["arguments"] += delta["function_call"].get("arguments") or ""
            if c.get("finish_reason"):
                self.finish_reason = c["finish_reason"]

    def tools(self) -> list[ToolUse]:
        return [ToolUse(c["name"], c["arguments"], "response") for _, c in sorted(self.calls.items())]

    def as_response(self) -> dict[str, Any]:
        return {"text": self.text, "tool_calls": [dict(c) for _, c in sorted(self.calls.items())],
                "finish_reason": self.finish_reason}
