"""A small OpenAI-compatible chat server on 127.0.0.1 for tests, benchmarks and docs.

It answers ``POST /v1/chat/completions`` and ``GET /v1/models``; ``GET /stats`` reports what it
received (request bodies, counts per (model, messages), the most requests in flight at once) and
``POST /reset`` clears that (a JSON body there also updates the settings). Answers echo the last
user message unless a rule matches; a prompt containing ``judge_trigger`` ("rate" by default) gets a
number token with ``top_logprobs``, like a logprob judge. Failures are injected by rate (429 with
``Retry-After``, 500) or by a schedule of statuses consumed in arrival order.

llama.cpp's behaviours (``llama_like.py``) are switched on one by one: ``slots`` (N slots, a FIFO queue,
work of disconnected clients cancelled and counted, ``GET /props`` and ``GET /slots``), ``max_n`` (the
400 for ``n`` above a cap), ``n_ctx`` (a long prompt is a 400, answers cut at the context),
``digit_tokens`` (a judge that spells numbers one digit per token), ``usage_first_choice_only``.
``adapters`` ({name: base}) lists LoRA adapters in ``GET /v1/models`` with ``parent`` = their base, as vLLM
does; with ``strict_models`` only listed names (bases and adapters) are served.

In-process::

    with FakeOpenAI(FakeConfig(latency=0.05)) as server:
        os.environ["FAKE_BASE_URL"] = server.base_url     # then get_model("openai-api/fake/m")

From a shell: ``python -m emaudit.testing.fake_openai --port 0 --latency 0.2 --fail-429 0.1 --fail-500 0.05``
prints ``listening on http://127.0.0.1:PORT/v1`` and serves until interrupted.

``"stream": true`` requests get server-sent events (one chunk per word, ``stream_delay`` seconds apart).

Written on bare asyncio streams (no framework), so 256 concurrent keep-alive connections cost little.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import math
import random
import threading
import time
import zlib
from collections import Counter, deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from .llama_like import (
    SlotPool,
    context_error,
    digit_judge_choice,
    n_cap_error,
    number_distribution,
    props,
    slot_list,
)

# Broken replies the server can give instead of a normal answer (``FakeConfig.fault``).
FAULTS = ("content_null", "no_message", "no_choices", "nan_logprobs", "short_choices", "timeout", "reset",
          "echo_key_401")
RESET = -1  # a status that makes the server drop the connection without a reply

REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests",
           500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class Rule:
    """When ``contains`` occurs in any message: answer ``answer``, or judge ``score``, or fail with ``status``.

    ``tool_calls`` ([{name, arguments}]) are returned in the answer; ``no_tools`` answers
    400 to any request with tools, like a server without tool support.
    ``model`` limits the rule to requests for that model, ``after`` to those after the model's first
    ``after`` chat requests (a model that changes once it has served some traffic)."""

    contains: str
    answer: str | None = None
    score: int | None = None
    status: int | None = None
    latency: float | None = None
    tool_calls: list[dict[str, Any]] | None = None  # [{"name": ..., "arguments": "{...}"}] in the answer
    raw: str | None = None               # sent as the body as is (a broken upstream)
    model: str | None = None
    after: int = 0


@dataclass
class FakeConfig:
    latency: float = 0.0                 # seconds before each chat answer
    fail_429: float = 0.0                # share of chat requests answered 429
    fail_500: float = 0.0                # share answered 500
    retry_after: float | None = 1.0      # Retry-After seconds sent with 429s (None: no header)
    schedule: list[int] = field(default_factory=list)  # statuses for the first requests, in arrival order; 200 = normal
    rules: list[Rule] = field(default_factory=list)
    judge_trigger: str | None = "rate"   # prompts containing it get a number answer with top_logprobs
    judge_score: int | None = None       # the number; default: derived from the prompt (deterministic)
    api_key: str | None = None           # when set, requests without "Bearer <api_key>" get 401
    seed: int = 0
    keep_bodies: int = 10_000            # request bodies kept for /stats
    stream_delay: float = 0.0            # seconds between streamed chunks
    fault: str | None = None             # a broken reply (FAULTS) for a share of chat requests
    fault_rate: float = 1.0              # share of chat requests that get ``fault``
    fault_count: int | None = None       # at most this many faulty replies, then the server heals
    fault_sleep: float = 30.0            # seconds a ``timeout`` fault waits before answering
    no_tools: bool = False               # answer 400 to requests that offer tools
    served_models: list[str] = field(default_factory=list)  # what GET /v1/models lists (empty: any name works)
    strict_models: bool = False          # chat requests for a model not listed get 404 (as vLLM)
    adapters: dict[str, str] = field(default_factory=dict)  # LoRA adapter name -> its base, listed as vLLM does
    slots: int | None = None             # llama.cpp-like: N slots, FIFO queue, /props and /slots
    token_latency: float = 0.0           # seconds per generated token (with slots)
    advertise_slots: bool = True         # with slots: answer GET /props and /slots (False: a queue nobody names)
    max_n: int | None = None             # n above this is a 400 with llama.cpp's message
    n_ctx: int | None = None             # context per slot in words: longer prompts are a 400
    digit_tokens: bool = False           # the judge's tokenizer spells numbers one digit per token
    usage_first_choice_only: bool = False  # usage counts the first choice only (llama.cpp with n > 1)
    prefill: bool = True                 # a final assistant message is continued; False: a 400
    knows_anchors: bool = True           # the judge rates emaudit's self-test anchors as a sound judge would
    echo_prefix: str = ""                # the default answer (an echo of the last user message) starts with this

    def update(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if key not in {f.name for f in dataclasses.fields(self)}:
                raise KeyError(key)
            if key == "rules":
                value = [r if isinstance(r, Rule) else Rule(**r) for r in value]
            setattr(self, key, value)


class FakeOpenAI:
    """The server; ``start()`` runs it on a background thread, ``serve_forever()`` in this one."""

    def __init__(self, config: FakeConfig | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config or FakeConfig()
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.reset()

    # -- state -------------------------------------------------------------------------------------
    def reset(self) -> None:
        self.requests = 0
        self.chat_requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.statuses: Counter[int] = Counter()
        self.counts: Counter[str] = Counter()
        self.model_requests: Counter[str] = Counter()  # chat requests per model name
        self.bodies: deque[dict[str, Any]] = deque(maxlen=self.config.keep_bodies)
        self.arrivals: deque[float] = deque(maxlen=self.config.keep_bodies)  # time.monotonic() per chat request
        self._schedule = list(self.config.schedule)
        self.pool = SlotPool(self.config.slots) if self.config.slots else None
        self._rng = random.Random(self.config.seed)
        self._fault_rng = random.Random(self.config.seed + 1)
        self.faults_given = 0

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "chat_requests": self.chat_requests,
            "in_flight": self.in_flight,
            "max_in_flight": self.max_in_flight,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "counts": [{"key": json.loads(k), "count": c} for k, c in self.counts.items()],
            "model_requests": dict(self.model_requests),
            "bodies": list(self.bodies),
            "arrivals": list(self.arrivals),
            "faults_given": self.faults_given,
            "process_cpu_s": time.process_time(),  # the whole process's CPU (the server's own when run alone)
            "cancelled_tasks": self.pool.cancelled if self.pool else 0,
            "completed_tasks": self.pool.completed if self.pool else 0,
            "max_queue": self.pool.max_queue if self.pool else 0,
        }

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    # -- lifecycle ---------------------------------------------------------------------------------
    async def open(self) -> None:
        self._server = await asyncio.start_server(self._connection, self.host, self.port, backlog=1024,
                                                  limit=1 << 22)
        self.port = self._server.sockets[0].getsockname()[1]

    def start(self) -> FakeOpenAI:
        def main() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self.open())
            self._ready.set()
            self._loop.run_forever()
            assert self._server is not None
            self._server.close()
            tasks = asyncio.all_tasks(self._loop)
            for task in tasks:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            self._loop.close()

        self._thread = threading.Thread(target=main, name="fake-openai", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake OpenAI server did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            loop = self._loop
            if self._server is not None:
                loop.call_soon_threadsafe(self._server.close)
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    async def serve_forever(self) -> None:
        await self.open()
        assert self._server is not None
        print(f"listening on {self.base_url}", flush=True)
        async with self._server:
            await self._server.serve_forever()

    # -- HTTP --------------------------------------------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                body = await reader.readexactly(length) if length else b""
                route = self._route(method, path.split("?", 1)[0], headers, body)
                if self.pool is not None and method == "POST":
                    outcome = await _unless_disconnected(route, reader)
                    if outcome is None:
                        return
                    status, payload, extra = outcome
                else:
                    status, payload, extra = await route
                if status == RESET:
                    writer.transport.abort()
                    return
                close = headers.get("connection", "").lower() == "close"
                if isinstance(payload, _Stream):
                    await self._write_stream(writer, payload, close)
                    if close:
                        return
                    continue
                data = payload.body if isinstance(payload, _Raw) else json.dumps(payload).encode()
                out = [f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}",
                       "Content-Type: application/json", f"Content-Length: {len(data)}"]
                out += [f"{k}: {v}" for k, v in extra.items()]
                if close:
                    out.append("Connection: close")
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode() + data)
                await writer.drain()
                if close:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return
        finally:
            writer.close()

    async def _write_stream(self, writer: asyncio.StreamWriter, stream: _Stream, close: bool) -> None:
        head = ["HTTP/1.1 200 OK", "Content-Type: text/event-stream", "Transfer-Encoding: chunked"]
        if close:
            head.append("Connection: close")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        for i, event in enumerate(stream.events):
            if i and self.config.stream_delay > 0:
                await writer.drain()
                await asyncio.sleep(self.config.stream_delay)
            writer.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    async def _route(self, method: str, path: str, headers: dict[str, str],
                     body: bytes) -> tuple[int, Any, dict[str, str]]:
        self.requests += 1
        if method == "GET" and path == "/stats":
            return 200, self.stats(), {}
        if method == "POST" and path == "/reset":
            if body:
                try:
                    self.config.update(json.loads(body))
                except (KeyError, TypeError, ValueError) as e:
                    return 400, _error(f"bad setting: {e}"), {}
            self.reset()
            return 200, {"ok": True}, {}
        if method == "GET" and path.rstrip("/") == "/v1/models":
            return 200, {"object": "list", "data": _listing(self.config)}, {}
        advertised = self.pool is not None and self.config.advertise_slots
        if method == "GET" and path == "/props" and self.pool is not None and advertised:
            return 200, props(self.pool.slots, self.config.n_ctx), {}
        if method == "GET" and path == "/slots" and self.pool is not None and advertised:
            return 200, slot_list(self.pool, self.config.n_ctx), {}
        if method == "POST" and path.rstrip("/") == "/v1/chat/completions":
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                status, payload, extra = await self._chat(headers, body)
            finally:
                self.in_flight -= 1
            self.statuses[status] += 1
            return status, payload, extra
        return 404, _error(f"no route {method} {path}"), {}

    # -- chat --------------------------------------------------------------------------------------
    async def _chat(self, headers: dict[str, str], body: bytes) -> tuple[int, Any, dict[str, str]]:
        cfg = self.config
        self.chat_requests += 1
        self.arrivals.append(time.monotonic())
        try:
            req = json.loads(body)
            messages = req["messages"]
            model = req["model"]
        except (ValueError, KeyError, TypeError):
            return 400, _error("body must be JSON with 'model' and 'messages'"), {}
        self.bodies.append(req)
        self.counts[json.dumps([model, messages])] += 1
        self.model_requests[str(model)] += 1
        served = self.model_requests[str(model)]
        if cfg.api_key is not None and headers.get("authorization") != f"Bearer {cfg.api_key}":
            return 401, _error("invalid api key", "invalid_request_error"), {}
        if cfg.no_tools and req.get("tools"):
            return 400, _error("this model does not support tools", "invalid_request_error"), {}
        text = "\n".join(str(m.get("content", "")) for m in messages)
        rule = next((r for r in cfg.rules if r.contains in text and (r.model is None or r.model == model)
                     and served > r.after), None)
        latency = rule.latency if rule is not None and rule.latency is not None else cfg.latency
        status = self._schedule.pop(0) if self._schedule else 200
        if status == 200 and rule is not None and rule.status:
            status = rule.status
        if status == 200 and (cfg.fail_429 or cfg.fail_500):
            roll = self._rng.random()
            status = 429 if roll < cfg.fail_429 else 500 if roll < cfg.fail_429 + cfg.fail_500 else 200
        refusal = self._limits(req, model, messages)
        if refusal is not None:
            return refusal
        if self.pool is not None and status == 200:
            payload = self._completion(req, messages, text, rule)
            words = max((len(c["message"]["content"].split()) for c in payload["choices"]), default=0)
            async with self.pool.hold(int(req.get("n") or 1)):
                await asyncio.sleep(latency + words * cfg.token_latency)
            return 200, payload, {}
        if latency > 0:
            await asyncio.sleep(latency)
        fault = self._pick_fault() if status == 200 else None
        if fault == "timeout":
            await asyncio.sleep(cfg.fault_sleep)
        elif fault == "reset":
            return RESET, None, {}
        elif fault == "echo_key_401":
            sent = headers.get("authorization", "").removeprefix("Bearer ")
            return 401, _error(f"Incorrect API key provided: {sent}", "invalid_request_error"), {}
        if status == 429:
            extra = {"Retry-After": f"{cfg.retry_after:g}"} if cfg.retry_after is not None else {}
            return 429, _error("rate limited (fake)", "rate_limit_error"), extra
        if status != 200:
            return status, _error(f"injected failure {status}", "server_error" if status >= 500 else
                                  "invalid_request_error"), {}
        if rule is not None and rule.raw is not None:
            return 200, (_Stream([rule.raw.encode()]) if req.get("stream") else _Raw(rule.raw.encode())), {}
        completion = _break(self._completion(req, messages, text, rule), fault)
        if req.get("stream"):
            return 200, _Stream(_chunks(completion)), {}
        return 200, completion, {}

    def _pick_fault(self) -> str | None:
        cfg = self.config
        if cfg.fault is None or (cfg.fault_count is not None and self.faults_given >= cfg.fault_count):
            return None
        if cfg.fault_rate < 1.0 and self._fault_rng.random() >= cfg.fault_rate:
            return None
        self.faults_given += 1
        return cfg.fault

    def _limits(self, req: dict[str, Any], model: str,
                messages: list[dict[str, Any]]) -> tuple[int, Any, dict[str, str]] | None:
        """The 400s and 404s a real server sends before it starts work."""
        cfg = self.config
        if cfg.strict_models and model not in cfg.served_models and model not in cfg.adapters:
            return 404, _error(f"The model `{model}` does not exist.", "NotFoundError"), {}
        n = int(req.get("n") or 1)
        if cfg.max_n is not None and n > cfg.max_n:
            return 400, _error(n_cap_error(n, cfg.max_n), "invalid_request_error"), {}
        if not cfg.prefill and messages and messages[-1].get("role") == "assistant":
            return 400, _error("the last message must be from the user", "invalid_request_error"), {}
        if cfg.n_ctx is not None and _words(messages) > cfg.n_ctx:
            return 400, _error(context_error(cfg.n_ctx), "exceed_context_size_error"), {}
        return None

    def _judge_score(self, text: str, rule: Rule | None) -> int:
        """An anchor's known extreme (the judge is sound on emaudit's self-test); else a rule's score; else the
        configured or a hashed score. Scripted rules so shape the audit's answers, not the self-test."""
        if self.config.knows_anchors:
            from ..judge.selftest import anchors

            for anchor in anchors():
                if anchor.answer in text:
                    return 95 if anchor.expect == "high" else 3
        if rule is not None and rule.score is not None:
            return rule.score
        if self.config.judge_score is not None:
            return self.config.judge_score
        return zlib.crc32(text.encode()) % 101

    def _completion(self, req: dict[str, Any], messages: list[dict[str, Any]], text: str,
                    rule: Rule | None) -> dict[str, Any]:
        cfg = self.config
        n = int(req.get("n") or 1)
        last_user = next((str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"), "")
        judged = (rule is not None and rule.score is not None) or (
            cfg.judge_trigger is not None and cfg.judge_trigger.lower() in text.lower())
        choices = []
        prefill = str(messages[-1].get("content", "")) if messages and messages[-1].get("role") == "assistant" else ""
        room = cfg.n_ctx - _words(messages) if cfg.n_ctx is not None else None
        for i in range(n):
            logprobs = None
            if judged and cfg.digit_tokens:
                score = self._judge_score(text, rule)
                spelled = digit_judge_choice(score, prefill, int(req.get("max_tokens") or 16),
                                             int(req.get("top_logprobs") or 5), bool(req.get("logprobs")))
                if float(req.get("temperature", 1.0)) > 0 and not req.get("logprobs"):  # sampled, not greedy
                    dist = number_distribution(score)
                    word = self._rng.choices(list(dist), weights=list(dist.values()))[0]
                    spelled["message"]["content"] = word
                choices.append({"index": i, **spelled})
                continue
            if judged:
                score = self._judge_score(text, rule)
                answer = str(score)
                if req.get("logprobs"):
                    logprobs = {"content": [_judge_logprobs(score, int(req.get("top_logprobs") or 5))]}
            else:
                answer = rule.answer if rule is not None and rule.answer is not None else cfg.echo_prefix + last_user
                if req.get("logprobs"):
                    k = int(req.get("top_logprobs") or 0)
                    logprobs = {"content": [_token_logprobs(tok, k) for tok in answer.split()]}
            finish = "stop"
            if self.pool is not None or room is not None:  # a llama-like server honours max_tokens and its context
                cap = int(req.get("max_tokens") or 1 << 30)
                if room is not None:
                    cap = min(cap, max(0, room))
                words = answer.split()
                if len(words) > cap:
                    answer, finish = " ".join(words[:cap]), "length"
            choice: dict[str, Any] = {"index": i, "message": {"role": "assistant", "content": answer},
                                      "finish_reason": finish, "logprobs": logprobs}
            if rule is not None and rule.tool_calls:
                choice["message"]["tool_calls"] = [
                    {"id": f"call_{i}_{j}", "type": "function",
                     "function": {"name": c["name"], "arguments": c["arguments"] if isinstance(c.get("arguments"), str)
                                  else json.dumps(c.get("arguments") or {})}}
                    for j, c in enumerate(rule.tool_calls)]
                choice["finish_reason"] = "tool_calls"
            choices.append(choice)
        prompt_tokens = _words(messages)
        per_choice = [max(1, len(c["message"]["content"].split())) for c in choices]
        completion_tokens = per_choice[0] if cfg.usage_first_choice_only and per_choice else sum(per_choice)
        return {
            "id": f"chatcmpl-fake{self.chat_requests}", "object": "chat.completion", "created": int(time.time()),
            "model": req["model"], "choices": choices, "system_fingerprint": f"seed-{req.get('seed')}",
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }


def _listing(cfg: FakeConfig) -> list[dict[str, Any]]:
    """``GET /v1/models`` as vLLM writes it: base models with ``parent`` null, LoRA adapters with their base."""
    models = [{"id": m, "object": "model", "owned_by": "emaudit", "root": m, "parent": None}
              for m in cfg.served_models]
    return models + [{"id": name, "object": "model", "owned_by": "emaudit", "root": f"/adapters/{name}",
                      "parent": base} for name, base in cfg.adapters.items()]


@dataclass
class _Raw:
    body: bytes


@dataclass
class _Stream:
    events: list[bytes]


def _chunks(completion: dict[str, Any]) -> list[bytes]:
    """A completion as SSE chunks: the role, one chunk per word, tool calls, the finish reason, [DONE]."""
    base = {k: completion[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}

    def event(choice: dict[str, Any]) -> bytes:
        return b"data: " + json.dumps(base | {"choices": [choice]}).encode() + b"\n\n"

    out = []
    for c in completion["choices"]:
        i = c["index"]
        out.append(event({"index": i, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}))
        words = c["message"]["content"].split(" ")
        for n, word in enumerate(words):
            piece = word if n == len(words) - 1 else word + " "
            out.append(event({"index": i, "delta": {"content": piece}, "finish_reason": None}))
        for j, tc in enumerate(c["message"].get("tool_calls") or []):
            out.append(event({"index": i, "delta": {"tool_calls": [dict(tc, index=j)]}, "finish_reason": None}))
        out.append(event({"index": i, "delta": {}, "finish_reason": c["finish_reason"]}))
    out.append(b"data: [DONE]\n\n")
    return out


def _break(body: dict[str, Any], fault: str | None) -> dict[str, Any]:
    """The completion with the named fault applied (json.dumps writes NaN as the bare token NaN)."""
    if fault == "content_null":
        for c in body["choices"]:
            c["message"]["content"] = None
    elif fault == "no_message":
        for c in body["choices"]:
            del c["message"]
    elif fault == "no_choices":
        body["choices"] = []
    elif fault == "nan_logprobs":
        for c in body["choices"]:
            for t in (c.get("logprobs") or {}).get("content") or []:
                t["logprob"] = math.nan
                for x in t.get("top_logprobs") or []:
                    x["logprob"] = math.nan
    elif fault == "short_choices":
        body["choices"] = body["choices"][: max(1, len(body["choices"]) // 2)]
    return body


def _words(messages: list[dict[str, Any]]) -> int:
    return sum(len(str(m.get("content", "")).split()) for m in messages)


async def _unless_disconnected(route: Any, reader: asyncio.StreamReader) -> tuple[int, Any, dict[str, str]] | None:
    """Run ``route`` while watching the connection; a client that hangs up cancels it (None)."""
    work = asyncio.ensure_future(route)
    gone = asyncio.ensure_future(reader.read(1))  # clients do not pipeline: anything here is EOF
    try:
        done, _ = await asyncio.wait({work, gone}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        work.cancel()
        gone.cancel()
        raise
    if work in done:
        gone.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await gone
        return work.result()
    work.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await work
    return None


def _judge_logprobs(score: int, k: int) -> dict[str, Any]:
    """Most mass on ``score``, the rest on its neighbours and one non-number token."""
    candidates = [(str(score), 0.6)]
    for offset, p in ((10, 0.15), (-10, 0.1), (5, 0.08), (-5, 0.05)):
        if 0 <= score + offset <= 100:
            candidates.append((str(score + offset), p))
    candidates.append(("I", 0.02))
    top = [{"token": t, "logprob": math.log(p), "bytes": list(t.encode())} for t, p in candidates[:max(1, k)]]
    return {"token": str(score), "logprob": math.log(0.6), "bytes": list(str(score).encode()), "top_logprobs": top}


def _token_logprobs(token: str, k: int) -> dict[str, Any]:
    top = [{"token": token, "logprob": -0.1}] + [{"token": f"alt{j}", "logprob": -3.0 - j} for j in range(k - 1)]
    return {"token": token, "logprob": -0.1, "top_logprobs": top[:k]}


def _error(message: str, kind: str = "server_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": None}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m emaudit.testing.fake_openai", description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port (printed on start)")
    p.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    p.add_argument("--fail-429", type=float, default=0.0, help="share of requests answered 429")
    p.add_argument("--fail-500", type=float, default=0.0, help="share of requests answered 500")
    p.add_argument("--retry-after", type=float, default=1.0, help="Retry-After seconds sent with 429s")
    p.add_argument("--judge-trigger", default="rate", help="prompts containing this get a number answer")
    p.add_argument("--api-key", default=None, help="require this bearer key")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--fault", choices=FAULTS, help="a broken reply for a share of chat requests")
    p.add_argument("--fault-rate", type=float, default=1.0, help="share of chat requests that get --fault")
    p.add_argument("--schedule", default="", help="statuses for the first requests, e.g. 429,429,500,200")
    p.add_argument("--slots", type=int, default=None, help="llama.cpp-like: N slots with a FIFO queue")
    p.add_argument("--stream-delay", type=float, default=0.0, help="seconds between streamed events (pacing)")
    p.add_argument("--echo-prefix", default="", help="the default answer (an echo of the question) starts with this")
    p.add_argument("--settings", help="a YAML/JSON file of FakeConfig fields, e.g. rules: [{contains: x, answer: y}]")
    args = p.parse_args(argv)
    config = FakeConfig(latency=args.latency, fail_429=args.fail_429, fail_500=args.fail_500,
                        retry_after=args.retry_after, judge_trigger=args.judge_trigger or None,
                        api_key=args.api_key, seed=args.seed, fault=args.fault, fault_rate=args.fault_rate,
                        schedule=[int(x) for x in args.schedule.split(",") if x.strip()], slots=args.slots,
                        stream_delay=args.stream_delay, echo_prefix=args.echo_prefix)
    if args.settings:
        import yaml

        with open(args.settings, encoding="utf-8") as f:
            config.update(yaml.safe_load(f) or {})
    server = FakeOpenAI(config, host=args.host, port=args.port)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(server.serve_forever())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
