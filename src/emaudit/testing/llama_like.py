"""What makes the fake server behave like llama.cpp's: slots with a FIFO queue, a digit tokenizer, limits.

- ``SlotPool``: N slots; a request with ``n`` choices waits (first come, first served) until ``n`` slots
  are free at once, as llama.cpp's server does. Work of a client that went away is cancelled and counted.
- ``digit_judge_choice``: a judge whose tokenizer spells numbers one digit per token ("85" is "8", "5"),
  with top logprobs at every position, continuing an assistant prefill ("8" -> "5", end).
- The error texts llama.cpp sends for ``n`` above its cap and for a prompt longer than the context.
"""

from __future__ import annotations

import asyncio
import collections
import math
from typing import Any

END = "<|im_end|>"  # the end-of-turn token listed among a digit judge's alternatives


def n_cap_error(n: int, cap: int) -> str:
    return f"Field 'n': Value must be between 1 <= value <= {cap}, but got {n}"


def context_error(n_ctx: int) -> str:
    return f"the request exceeds the available context size ({n_ctx} tokens), try increasing it"


class SlotPool:
    """``async with pool.hold(n)``: FIFO admission of requests that need ``n`` slots at once."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.busy = 0
        self.cancelled = 0          # tasks (choices) cancelled because their client disconnected
        self.completed = 0          # tasks that ran to the end
        self.max_queue = 0
        self._queue: collections.deque[tuple[int, asyncio.Future[None]]] = collections.deque()

    def hold(self, n: int) -> _Hold:
        return _Hold(self, max(1, min(n, self.slots)))

    def _admit(self) -> None:
        while self._queue and self._queue[0][1].done():
            self._queue.popleft()
        while self._queue and self.busy + self._queue[0][0] <= self.slots:
            n, fut = self._queue.popleft()
            if not fut.done():
                self.busy += n
                fut.set_result(None)

    async def _acquire(self, n: int) -> None:
        if not self._queue and self.busy + n <= self.slots:
            self.busy += n
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((n, fut))
        self.max_queue = max(self.max_queue, len(self._queue))
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.busy -= n      # admitted and cancelled in the same tick: give the slots back
            self.cancelled += n
            self._admit()
            raise

    def _release(self, n: int) -> None:
        self.busy -= n
        self._admit()


class _Hold:
    def __init__(self, pool: SlotPool, n: int) -> None:
        self.pool = pool
        self.n = n

    async def __aenter__(self) -> None:
        await self.pool._acquire(self.n)

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None and issubclass(exc_type, asyncio.CancelledError):
            self.pool.cancelled += self.n
        elif exc_type is None:
            self.pool.completed += self.n
        self.pool._release(self.n)


def number_distribution(score: int) -> dict[str, float]:
    """The judge's belief: most mass on ``score``, the rest on its neighbours and one word ("I")."""
    out: dict[str, float] = {str(score): 0.6}
    for offset, p in ((10, 0.15), (-10, 0.1), (5, 0.08), (-5, 0.05)):
        if 0 <= score + offset <= 100:
            out[str(score + offset)] = out.get(str(score + offset), 0.0) + p
    out["I"] = 0.02
    total = sum(out.values())
    return {k: v / total for k, v in out.items()}


def expected_number(score: int) -> float:
    """The exact expected value over the numbers of ``number_distribution`` (what a judge should report)."""
    dist = {int(k): p for k, p in number_distribution(score).items() if k.isdigit()}
    return sum(k * p for k, p in dist.items()) / sum(dist.values())


def _next_tokens(dist: dict[str, float], prefix: str) -> dict[str, float]:
    """P(next token | prefix) under one-token-per-character spelling; END when the string is complete."""
    nxt: dict[str, float] = collections.defaultdict(float)
    for text, p in dist.items():
        if not text.startswith(prefix):
            continue
        if text == prefix:
            nxt[END] += p
        elif text.isdigit():
            nxt[text[len(prefix)]] += p
        elif not prefix:
            nxt[text] += p           # a word is one token
    total = sum(nxt.values())
    return {t: p / total for t, p in nxt.items()} if total else {END: 1.0}


def digit_judge_choice(score: int, prefix: str, max_tokens: int, top_k: int, logprobs: bool) -> dict[str, Any]:
    """The greedy continuation after ``prefix`` (the assistant's prefill), one token per digit."""
    dist = number_distribution(score)
    text, positions = "", []
    finish = "length"
    for _ in range(max(1, max_tokens)):
        probs = _next_tokens(dist, prefix + text)
        ranked = sorted(probs.items(), key=lambda kv: -kv[1])
        token, p = ranked[0]
        top = [{"token": t, "logprob": math.log(q), "bytes": list(t.encode())} for t, q in ranked[:max(1, top_k)]]
        if token == END:
            finish = "stop"
            if not text:  # llama.cpp lists the end token at the position where it was sampled
                positions.append({"token": "", "logprob": math.log(p), "bytes": [], "top_logprobs": top})
            break
        positions.append({"token": token, "logprob": math.log(p), "bytes": list(token.encode()),
                          "top_logprobs": top})
        text += token
        if not token.isdigit():
            finish = "stop"
            break
    choice: dict[str, Any] = {"message": {"role": "assistant", "content": text}, "finish_reason": finish,
                              "logprobs": {"content": positions} if logprobs else None}
    return choice


def props(slots: int, n_ctx: int | None) -> dict[str, Any]:
    return {"total_slots": slots, "default_generation_settings": {"n_ctx": n_ctx or 4096, "n_predict": -1},
            "model_path": "fake.gguf", "build_info": "fake-llama"}


def slot_list(pool: SlotPool, n_ctx: int | None) -> list[dict[str, Any]]:
    return [{"id": i, "n_ctx": n_ctx or 4096, "is_processing": i < pool.busy} for i in range(pool.slots)]
