"""Scripted answers for tests and documentation: ``mock/<script>``.

Scripts:
  ``mock/echo``                 answers with the last user message
  ``mock/constant:<text>``      always ``<text>``
  ``mock/file:<path>``          a YAML file: ``default: [answers]`` and ``rules: [{contains: str, answers: [..]}]``;
                                answers cycle per prompt so repeated samples differ deterministically
  ``mock/number:<k>``           answers ``<k>`` with top logprobs putting all mass on it (a judge stand-in)

In a script file an answer may also be a mapping ``{text: ..., tool_calls: [{name: ..., arguments: {...}}]}``:
a scripted tool call (the mock supports tools; rules never match the tool list itself).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..userfiles import read_text
from ..yaml_safety import parse_yaml
from .base import TOOLS_ROLE, ChatRequest, ChatResponse, Completion, Model, TokenLogprob, TopLogprob, Usage


class MockModel(Model):
    supports_logprobs = True
    supports_n = True
    supports_tools = True
    batch_size = 16

    def __init__(self, script: str, answers: dict[str, Any] | None = None) -> None:
        self.name = f"mock/{script}"
        self.endpoint = self.name
        self.script = script
        self.rules: list[tuple[str, list[Any]]] = []
        self.default: list[Any] = []
        self.calls = 0
        self._counters: dict[tuple[Any, ...], int] = {}
        if answers is not None:
            self._load(answers, script)

    def _load(self, data: dict[str, Any], where: str) -> None:
        if not isinstance(data, dict):
            raise UserError("a mock script must be a mapping with 'default' and/or 'rules'", path=where)
        self.default = [_scripted(a) for a in data.get("default") or []]
        for i, rule in enumerate(data.get("rules") or []):
            if not isinstance(rule, dict) or "contains" not in rule or "answers" not in rule:
                raise UserError("each rule needs 'contains' and 'answers'", path=where, field=f"rules[{i}]")
            self.rules.append((str(rule["contains"]), [_scripted(a) for a in rule["answers"]]))

    def _answer(self, request: ChatRequest) -> Any:
        prompt = request.messages[-1][1] if request.messages else ""
        if self.script == "echo":
            return prompt
        if self.script.startswith("constant:"):
            return self.script.split(":", 1)[1]
        if self.script.startswith("number:"):
            return self.script.split(":", 1)[1]
        pool = self.default
        full = "\n".join(c for r, c in request.messages if r != TOOLS_ROLE)
        for needle, answers in self.rules:
            if needle in full:
                pool = answers
                break
        if not pool:
            return "I am a mock model."
        key = (request.messages, request.config)
        i = self._counters.get(key, 0)
        self._counters[key] = i + 1
        return pool[i % len(pool)]

    async def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        out = []
        for req in requests:
            self.calls += 1
            choices = []
            for _ in range(req.n):
                text = self._answer(req)
                calls = None
                if isinstance(text, dict):
                    calls = text["tool_calls"] if req.tools() else None
                    text = text["text"]
                logprobs = None
                if req.config.logprobs:
                    logprobs = [TokenLogprob(text, 0.0, [TopLogprob(text, 0.0), TopLogprob("x", -math.inf)])]
                choices.append(Completion(text=text, finish_reason="tool_calls" if calls else "stop",
                                          logprobs=logprobs, tool_calls=calls))
            prompt_tokens = sum(len(c.split()) for _, c in req.messages)
            usage = Usage(prompt_tokens, sum(len(c.text.split()) for c in choices))
            out.append(ChatResponse(choices=choices, usage=usage))
        return out


def _scripted(answer: Any) -> Any:
    """A text answer, or {text, tool_calls} with each call's arguments as JSON text."""
    import json

    if not isinstance(answer, dict):
        return str(answer)
    calls = [{"name": str(c.get("name", "")), "arguments": c["arguments"] if isinstance(c.get("arguments"), str)
              else json.dumps(c.get("arguments") or {})} for c in answer.get("tool_calls") or () if isinstance(c, dict)]
    return {"text": str(answer.get("text") or ""), "tool_calls": calls or None}


def from_spec(rest: str, **_: Any) -> MockModel:
    if rest.startswith("file:"):
        path = Path(rest[5:])
        text = read_text(path, field="model")
        return MockModel(rest, parse_yaml(text, str(path))[1] or {})
    if not _documented(rest):
        raise UserError(f"unknown mock script {rest!r}; use mock/echo, mock/constant:<text>, mock/number:<0-100> "
                        "or mock/file:<path.yaml>", field="model")
    return MockModel(rest)


def _documented(script: str) -> bool:
    if script == "echo" or script.startswith("constant:"):
        return True
    if script.startswith("number:"):
        number = script.split(":", 1)[1]
        return number.isdigit() and 0 <= int(number) <= 100
    return False
