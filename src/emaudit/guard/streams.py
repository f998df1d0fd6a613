"""Server-sent events from the upstream: split into events, and assemble the answer they carry."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from .openai_format import ToolUse


class GarbageStream(Exception):
    """The upstream's stream is not OpenAI chat chunks."""


async def events(chunks: AsyncIterator[bytes]) -> AsyncIterator[tuple[bytes, Any]]:
    """(raw event bytes, parsed data) per event, from the body's chunks as they come; data is None for
    ``[DONE]``. Events end at a blank line (LF or CRLF)."""
    buf = b""
    async for chunk in chunks:
        buf += chunk
        while True:
            lf, crlf = buf.find(b"\n\n"), buf.find(b"\r\n\r\n")
            if lf < 0 and crlf < 0:
                break
            end = lf + 2 if crlf < 0 or 0 <= lf < crlf else crlf + 4
            event, buf = buf[:end], buf[end:]
            data = _data(event)
            if data is not None:
                yield event, _parse(data)
    if buf.strip():
        data = _data(buf)
        if data is not None:
            yield buf + b"\n\n", _parse(data)


def _data(event: bytes) -> bytes | None:
    parts = [line[5:].strip() for line in event.splitlines() if line.startswith(b"data:")]
    return b"\n".join(parts) if parts else None


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
