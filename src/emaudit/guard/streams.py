"""Server-sent events from the upstream: split into events, and assemble the answer they carry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from .jsonfast import loads
from .openai_format import ToolUse


class GarbageStream(Exception):
    """The upstream's stream is not OpenAI chat chunks."""

    before: list[tuple[bytes, Any]] = []   # the good events parsed ahead of the bad one


async def events(chunks: AsyncIterator[bytes]) -> AsyncIterator[tuple[bytes, Any]]:
    """(raw event bytes, parsed data) per event, from the body's chunks as they come; data is None for
    ``[DONE]``. Events end at a blank line (LF or CRLF)."""
    buf = b""
    async for chunk in chunks:
        try:
            found, buf = split_events(buf + chunk if buf else chunk)
        except GarbageStream as e:   # the good events before the bad one still go out first
            for event, data in e.before:
                yield event, data
            raise
        for event, data in found:
            yield event, data
    for event, data in _rest(buf):
        yield event, data


def parse_all(body: bytes) -> list[tuple[bytes, Any]]:
    """``events`` over a whole body at once (buffer mode: no per-chunk work)."""
    found, rest = split_events(body)
    return found + _rest(rest)


def split_events(buf: bytes) -> tuple[list[tuple[bytes, Any]], bytes]:
    """The complete events in ``buf`` (raw bytes, parsed data) and what is left of it."""
    found: list[tuple[bytes, Any]] = []
    try:
        return _split(buf, found)
    except GarbageStream as e:
        e.before = found
        raise


def _split(buf: bytes, found: list[tuple[bytes, Any]]) -> tuple[list[tuple[bytes, Any]], bytes]:
    if b"\r" not in buf:  # the usual LF-only stream: one split, one slice per event
        *parts, rest = buf.split(b"\n\n")
        for part in parts:
            if part.startswith(b"data:") and b"\n" not in part:
                found.append((part + b"\n\n", _parse(part[5:].strip())))
            elif part:
                data = _data(part)
                if data is not None:
                    found.append((part + b"\n\n", _parse(data)))
        return found, rest
    while True:
        lf, crlf = buf.find(b"\n\n"), buf.find(b"\r\n\r\n")
        if lf < 0 and crlf < 0:
            return found, buf
        end = lf + 2 if crlf < 0 or 0 <= lf < crlf else crlf + 4
        event, buf = buf[:end], buf[end:]
        data = _data(event)
        if data is not None:
            found.append((event, _parse(data)))


def _rest(buf: bytes) -> list[tuple[bytes, Any]]:
    """A last event with no blank line after it."""
    data = _data(buf) if buf.strip() else None
    return [] if data is None else [(buf + b"\n\n", _parse(data))]


def _data(event: bytes) -> bytes | None:
    parts = [line[5:].strip() for line in event.splitlines() if line.startswith(b"data:")]
    return b"\n".join(parts) if parts else None


def _parse(data: bytes) -> Any:
    if data == b"[DONE]":
        return None
    try:
        obj = loads(data)
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
