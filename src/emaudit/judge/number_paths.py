"""Score a judge whose tokenizer spells numbers one digit per token (SmolLM2, Qwen2: "85" is "8", "5").

The logprob rule reads the first token's alternatives, so with such a tokenizer every score lands in
0..9. ``NumberPathModel`` wraps the judge's model: when a reply's numeric alternatives are all single
digits, it asks for the next token after each likely first digit (the digit as an assistant prefill,
top logprobs per position) and after "10", and returns one position whose alternatives are whole numbers
with P(number) = P(first digit) x P(next digit | first) x ... (P(end) where the number stops). The
expected-value rule then runs unchanged over exact number probabilities. A server that refuses a
prefill gets the text fallback: ``fallback_samples`` sampled replies, averaged.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import ModelError
from ..models.base import (
    ChatRequest,
    ChatResponse,
    Completion,
    GenerationConfig,
    Model,
    TokenLogprob,
    TopLogprob,
)

NUMBER_PATHS = "number-paths"
MIN_BRANCH = 1e-3  # first digits less likely than this are not expanded (their mass is left out)


def spells_digits(top: list[TopLogprob]) -> bool:
    """The numeric alternatives are all single digits, and there are at least two of them."""
    numeric = {t.token.strip() for t in top if t.token.strip().isdigit()}
    return len(numeric) >= 2 and all(len(t) == 1 for t in numeric)


def _probs(top: list[TopLogprob]) -> dict[str, float]:
    out: dict[str, float] = {}
    for t in top:
        out[t.token] = out.get(t.token, 0.0) + math.exp(t.logprob)
    return out


def _digits(probs: dict[str, float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for token, p in probs.items():
        word = token.strip()
        if word.isdigit() and len(word) == 1:
            out[int(word)] = out.get(int(word), 0.0) + p
    return out


class NumberPathModel(Model):
    """The judge's model, with digit-spelled numbers scored over their full token paths."""

    supports_logprobs = True

    def __init__(self, inner: Model, fallback_samples: int = 5) -> None:
        self.inner = inner
        self.name = inner.name
        self.endpoint = inner.endpoint
        self.batch_size = 1
        self.supports_n = inner.supports_n
        self.fallback_samples = max(2, fallback_samples)
        self.digit_tokens: bool | None = None     # learned from the first reply with numeric alternatives
        self.prefill_works: bool | None = None
        for name in ("max_concurrency", "runs_locally", "capacity", "members"):
            if hasattr(inner, name):
                setattr(self, name, getattr(inner, name))

    def describe(self) -> dict[str, Any]:
        return self.inner.describe()

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        return [await self._one(request) for request in requests]

    async def _one(self, request: ChatRequest) -> ChatResponse:
        [first] = await self.inner.generate([request])
        choice = first.choices[0] if first.choices else None
        if choice is None or not choice.logprobs or not request.config.logprobs:
            return first
        top = choice.logprobs[0].top
        if self.digit_tokens is None and any(t.token.strip().isdigit() for t in top):
            self.digit_tokens = spells_digits(top)
        if not self.digit_tokens or self.prefill_works is False:
            return await self._text(request, first) if self.digit_tokens else first
        calls = [first]
        numbers = await self._numbers(request, _probs(top), calls)
        if numbers is None:
            self.prefill_works = False
            return await self._text(request, first)
        self.prefill_works = True
        alternatives = [TopLogprob(str(k), math.log(p)) for k, p in sorted(numbers.items()) if p > 0]
        alternatives += [t for t in top if not t.token.strip().isdigit()]
        position = TokenLogprob(choice.text, 0.0, alternatives)
        completion = Completion(choice.text, choice.finish_reason, [position], scored_over=NUMBER_PATHS)
        return _merged(calls, [completion])

    async def _next(self, request: ChatRequest, prefix: str, calls: list[ChatResponse]) -> dict[str, float] | None:
        """P(next token | the reply so far is ``prefix``); None when the server refuses the prefill."""
        messages = request.messages + (("assistant", prefix),)
        config = GenerationConfig(temperature=0.0, top_p=1.0, max_tokens=1, seed=0, logprobs=True,
                                  top_logprobs=request.config.top_logprobs or 20)
        try:
            [response] = await self.inner.generate([ChatRequest(messages, config, n=1)])
        except ModelError as e:
            if e.status in (400, 422):
                return None
            raise
        calls.append(response)
        choice = response.choices[0] if response.choices else None
        if choice is None or not choice.logprobs:
            return None
        return _probs(choice.logprobs[0].top)

    async def _numbers(self, request: ChatRequest, first: dict[str, float],
                       calls: list[ChatResponse]) -> dict[int, float] | None:
        """P(the reply is the number k) for k in 0..100 over the digit paths worth following."""
        out: dict[int, float] = {}
        for d, p in sorted(_digits(first).items()):
            if p < MIN_BRANCH:
                continue
            if d == 0:  # "0" followed by digits is not a score: the number is 0
                out[0] = out.get(0, 0.0) + p
                continue
            nxt = await self._next(request, str(d), calls)
            if nxt is None:
                return None
            second = _digits(nxt)
            out[d] = out.get(d, 0.0) + p * max(0.0, sum(nxt.values()) - sum(second.values()))
            for e, q in second.items():
                if d == 1 and e == 0:
                    third = await self._next(request, "10", calls)
                    if third is None:
                        return None
                    ends = sum(third.values()) - sum(_digits(third).values())
                    out[10] = out.get(10, 0.0) + p * q * max(0.0, ends)
                    out[100] = out.get(100, 0.0) + p * q * _digits(third).get(0, 0.0)
                else:
                    out[10 * d + e] = out.get(10 * d + e, 0.0) + p * q
        return out

    async def _text(self, request: ChatRequest, first: ChatResponse) -> ChatResponse:
        """The text fallback: sampled replies (parsed and averaged by the judge's text rule)."""
        config = GenerationConfig(temperature=1.0, top_p=1.0, max_tokens=8)
        sampled = ChatRequest(request.messages, config, n=self.fallback_samples)
        if self.inner.supports_n:
            responses = await self.inner.generate([sampled])
        else:
            single = ChatRequest(request.messages, config, n=1)
            responses = await self.inner.generate([single] * self.fallback_samples)
        choices = [c for r in responses for c in r.choices]
        return _merged([first, *responses], choices)


def _merged(calls: list[ChatResponse], choices: list[Completion]) -> ChatResponse:
    response = ChatResponse(choices=choices, latency_s=sum(c.latency_s for c in calls))
    for call in calls:
        response.usage.prompt_tokens += call.usage.prompt_tokens
        response.usage.completion_tokens += call.usage.completion_tokens
        response.usage.estimated = response.usage.estimated or call.usage.estimated
    return response
