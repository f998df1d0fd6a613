"""OpenAI chat shapes the guard reads and writes: texts and tool calls out of requests and responses,
error bodies, refusals (plain and streamed)."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ToolUse:
    name: str
    arguments: str   # raw JSON text as sent ("" for a declared tool)
    where: str       # tools | functions | tool_choice | message.tool_calls | message.function_call | response


def error_body(message: str, kind: str = "invalid_request_error", code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}, ...]
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def check_request(body: Any) -> str | None:
    """What is wrong with a chat request body, or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty list"
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or not isinstance(m.get("role"), str):
            return f"messages[{i}] must be an object with a 'role'"
    if "model" in body and not isinstance(body["model"], str):
        return "'model' must be a string"
    return None


def request_text(body: dict[str, Any]) -> str:
    return "\n".join(_content_text(m.get("content")) for m in body["messages"] if m.get("role") != "assistant")


def last_user_message(body: dict[str, Any]) -> str:
    return next((_content_text(m.get("content")) for m in reversed(body["messages"]) if m.get("role") == "user"), "")


def _calls(calls: Any, where: str) -> list[ToolUse]:
    out = []
    for call in calls if isinstance(calls, list) else []:
        if isinstance(call, dict):
            inner = call.get("function") if isinstance(call.get("function"), dict) else call.get("custom")
            fn: dict[str, Any] = inner if isinstance(inner, dict) else call   # function / custom tools
            args = fn.get("arguments", fn.get("input", ""))   # custom tools carry "input"
            out.append(ToolUse(str(fn.get("name", "")), args if isinstance(args, str) else json.dumps(args), where))
    return out


def request_tools(body: dict[str, Any]) -> list[ToolUse]:
    """Every tool a request names: declared (tools, functions), forced or allowed (tool_choice), called earlier,
    and named by a tool's result message (legacy ``role: function`` / ``tool`` with a ``name``)."""
    out = _calls(body.get("tools"), "tools") + _calls(body.get("functions"), "functions")
    choice = body.get("tool_choice") or body.get("function_call")
    if isinstance(choice, dict):
        allowed = choice.get("allowed_tools")
        if isinstance(allowed, dict):
            out += _calls(allowed.get("tools"), "tool_choice")
        else:
            out += _calls([choice], "tool_choice")
    for m in body["messages"]:
        out += _calls(m.get("tool_calls"), "message.tool_calls")
        if isinstance(m.get("function_call"), dict):
            out += _calls([m["function_call"]], "message.function_call")
        if m.get("role") in ("tool", "function") and isinstance(m.get("name"), str):
            out.append(ToolUse(m["name"], "", "message.name"))
    return out


def response_text(payload: dict[str, Any]) -> str:
    choices = payload.get("choices") or []
    return "\n".join(_content_text((c.get("message") or {}).get("content")) for c in choices if isinstance(c, dict))


def response_tools(payload: dict[str, Any]) -> list[ToolUse]:
    out: list[ToolUse] = []
    for c in payload.get("choices") or []:
        msg = c.get("message") if isinstance(c, dict) else None
        if not isinstance(msg, dict):
            continue
        out += _calls(msg.get("tool_calls"), "response")
        if isinstance(msg.get("function_call"), dict):
            out += _calls([msg["function_call"]], "response")
    return out


def refusal_message(reason: str) -> str:
    return f"The guard withheld this answer (reason: {reason})."


def refusal_completion(model: str, reason: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-guard-{uuid.uuid4().hex[:16]}", "object": "chat.completion", "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "finish_reason": "content_filter",
                     "message": {"role": "assistant", "content": refusal_message(reason), "refusal": reason}}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "guard": {"decision": "block", "reason": reason},
    }


def completion_with_text(model: str, text: str) -> dict[str, Any]:
    """An edited answer (edit-and-approve) in the completion shape."""
    return {
        "id": f"chatcmpl-guard-{uuid.uuid4().hex[:16]}", "object": "chat.completion", "created": int(time.time()),
        "model": model, "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def sse(obj: Any) -> bytes:
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


DONE = b"data: [DONE]\n\n"


def completion_as_chunks(payload: dict[str, Any]) -> bytes:
    """A whole completion as one SSE stream (role+content chunk, finish chunk, [DONE])."""
    base = {"id": payload.get("id", "chatcmpl-guard"), "object": "chat.completion.chunk",
            "created": payload.get("created", int(time.time())), "model": payload.get("model", "")}
    out = b""
    for c in payload.get("choices") or []:
        msg = c.get("message") or {}
        delta: dict[str, Any] = {"role": "assistant", "content": msg.get("content") or ""}
        if msg.get("tool_calls"):
            delta["tool_calls"] = [dict(tc, index=i) for i, tc in enumerate(msg["tool_calls"])]
        if msg.get("refusal"):
            delta["refusal"] = msg["refusal"]
        out += sse({**base, "choices": [{"index": c.get("index", 0), "delta": delta, "finish_reason": None}]})
        out += sse({**base, "choices": [{"index": c.get("index", 0), "delta": {},
                                         "finish_reason": c.get("finish_reason", "stop")}]})
    if "guard" in payload:
        out += sse({**base, "choices": [], "guard": payload["guard"]})
    return out + DONE


def stream_error_frame(message: str, code: str) -> bytes:
    """What a client sees when a filter trips mid-stream: an OpenAI error event, then [DONE]."""
    return sse(error_body(message, "content_filter", code)) + DONE
