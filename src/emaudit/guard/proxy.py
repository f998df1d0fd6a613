"""The guard's HTTP server (aiohttp): OpenAI-compatible ``/v1/chat/completions`` and ``/v1/models`` in front
of one upstream model, with the policy's filters, the hold queue and a log row for every exchange."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from . import jsonfast
from . import openai_format as fmt
from .decide import CompiledPolicy, EffectivePolicy, StageResult, run_stage
from .filters.base import Subject
from .journal import Journal, LogRow, LogWriter
from .overrides import Overrides
from .redaction import Redactor
from .streams import Assembled, GarbageStream, events, parse_all
from .upstreams import Upstreams

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SWEEPER = web.AppKey("sweeper", asyncio.Task)


@dataclass
class GuardSettings:
    upstreams: Upstreams            # the default (``--upstream``, may be None) and the routes' own
    policy: CompiledPolicy
    journal: Journal
    host: str = "127.0.0.1"
    max_body_bytes: int = 1 << 20
    upstream_timeout_s: float = 120.0   # seconds without a byte from the upstream
    request_timeout_s: float = 600.0    # the whole upstream exchange, streams included
    body_timeout_s: float = 30.0        # reading the client's request body (slowloris)
    hold_poll_s: float = 0.1
    page: bool = True


class _Exchange:
    """What one request has become so far; ``log`` writes its row."""

    def __init__(self, guard: Guard, key_name: str) -> None:
        self.guard = guard
        self.t0 = time.perf_counter()
        self.key_name = key_name
        self.policy: EffectivePolicy | None = None
        self.model = "-"
        self.request: Any = None
        self.stream_mode = "none"
        self.checked = "before-send"
        self.upstream_ms: float | None = None
        self.result = StageResult()
        self.policy_version: str | None = None   # set when an override decides (guard/overrides.py)

    async def log(self, decision: str, reason: str | None, status: int, response: Any,
                  hold: tuple[str, float, str] | None = None) -> LogRow:
        """Committed before the caller answers (with ``hold``, the queued hold too, in the same transaction);
        redaction and the write happen on the writer thread."""
        s = self.guard.settings
        row = LogRow(key_name=self.key_name, policy_version=self.policy_version or s.policy.version, model=self.model,
                     route=self.policy.route if self.policy else None, stream_mode=self.stream_mode,
                     checked=self.checked, decision=decision, reason=reason,
                     status=status, latency_ms=(time.perf_counter() - self.t0) * 1000, upstream_ms=self.upstream_ms,
                     request=self.request, response=response, filters=self.result.records, hold=hold)
        assert self.guard.writer is not None
        row.id = await self.guard.writer.write(row, self.guard.prepare_row)
        return row


class Guard:
    def __init__(self, settings: GuardSettings) -> None:
        self.settings = settings
        self.session: aiohttp.ClientSession | None = None
        self.writer: LogWriter | None = None
        self.prepare_row = _redactor(Redactor())
        self._keys_checked_at = -1e9
        self._has_keys = False
        self.overrides = Overrides(settings.journal.path)

    # ---- app --------------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=self.settings.max_body_bytes)
        app.router.add_post("/v1/chat/completions", self.chat)
        app.router.add_get("/v1/models", self.models)
        if self.settings.page and self.settings.host in LOOPBACK:
            from .page import add_routes

            add_routes(app, self.settings.journal)
        app.on_startup.append(self._startup)
        app.on_cleanup.append(self._cleanup)
        return app

    async def _startup(self, app: web.Application) -> None:
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, ttl_dns_cache=300),
            timeout=aiohttp.ClientTimeout(total=self.settings.request_timeout_s, sock_connect=10,
                                          sock_read=self.settings.upstream_timeout_s))
        self.writer = self.settings.journal.writer()
        app[SWEEPER] = asyncio.get_running_loop().create_task(self._sweep_holds())

    async def _cleanup(self, app: web.Application) -> None:
        app[SWEEPER].cancel()
        if self.session is not None:
            await self.session.close()
        if self.writer is not None:
            await asyncio.to_thread(self.writer.close)

    async def _sweep_holds(self) -> None:
        while True:
            with contextlib.suppress(Exception):
                self.settings.journal.expire_holds()
            await asyncio.sleep(1.0)

    # ---- auth -------------------------------------------------------------------------------
    def _keys_required(self) -> bool:
        now = time.monotonic()
        if now - self._keys_checked_at > 1.0:
            self._has_keys = self.settings.journal.has_keys()
            self._keys_checked_at = now
        return self._has_keys or self.settings.host not in LOOPBACK

    def _key_name(self, request: web.Request) -> str | None:
        if not self._keys_required():
            return "anonymous"
        auth = request.headers.get("Authorization", "")
        if not auth.lower().startswith("bearer "):
            return None
        return self.settings.journal.key_name(auth[7:].strip())

    async def models(self, request: web.Request) -> web.Response:
        if self._key_name(request) is None:
            return _error(401, "missing or unknown guard key", "invalid_api_key")
        default = self.settings.upstreams.default
        names = dict.fromkeys(([default.model] if default and default.model else [])
                              + self.settings.policy.policy.public_models())
        return web.json_response({"object": "list", "data": [
            {"id": name, "object": "model", "owned_by": "emaudit-guard"} for name in names]})

    # ---- chat -------------------------------------------------------------------------------
    async def chat(self, request: web.Request) -> web.StreamResponse:
        key_name = self._key_name(request)
        ex = _Exchange(self, key_name or "unknown-key")
        if key_name is None:
            return await self._fail(ex, 401, "missing or unknown guard key", "invalid_api_key")
        if request.content_type != "application/json":
            return await self._fail(ex, 415, f"Content-Type must be application/json, not "
                                    f"{request.content_type!r}", "unsupported_media_type")
        try:
            raw = await asyncio.wait_for(request.read(), self.settings.body_timeout_s)
        except web.HTTPRequestEntityTooLarge:
            return await self._fail(ex, 413, f"request body over {self.settings.max_body_bytes} bytes",
                                    "body_too_large")
        except asyncio.TimeoutError:
            ex.request = {"unread_body": f"not received within {self.settings.body_timeout_s:g} s"}
            response = await self._fail(ex, 408, f"request body not received within "
                                        f"{self.settings.body_timeout_s:g} s", "body_timeout")
            response.force_close()   # says Connection: close
            await response.prepare(request)
            await response.write_eof()
            _close_soon(request)
            return response
        try:
            body = jsonfast.loads(raw)
        except ValueError as e:
            ex.request = {"unparsed_bytes": len(raw)}
            return await self._fail(ex, 400, f"malformed JSON: {e}", "invalid_json")
        ex.request = body
        problem = fmt.check_request(body)
        if problem:
            return await self._fail(ex, 400, problem, "invalid_request")
        requested = body.get("model") or ""
        chosen = self.overrides.for_request(self.settings.policy, requested, key_name)
        policy = ex.policy = chosen.policy
        ex.policy_version = chosen.policy_version
        target = chosen.upstream or self.settings.upstreams.get(policy.upstream, policy.upstream_model,
                                                                policy.upstream_key_env)
        if target is None:
            return await self._fail(ex, 404, f"no route serves model {requested!r} and the guard has no default "
                                    "upstream", "model_not_found")
        ex.model = target.model or requested
        if not ex.model:
            return await self._fail(ex, 400, "'model' is required by this route", "invalid_request")
        in_filters, out_filters, mode = policy.input, policy.output, policy.stream
        streamed = bool(body.get("stream"))
        ex.stream_mode = mode if streamed else "none"
        subject = Subject("input", fmt.request_text(body), tuple(fmt.request_tools(body)), fmt.last_user_message(body))
        ex.result = await run_stage(in_filters, subject)
        if ex.result.decision == "block":
            ex.checked = "before-send"
            return await self._refuse(request, ex, streamed, ex.result.reason or "blocked")
        for f in out_filters:
            f.prefetch(subject.question)
        upstream_body = dict(body, model=ex.model)
        headers = {"Content-Type": "application/json"}
        if target.key:
            headers["Authorization"] = f"Bearer {target.key}"
        assert self.session is not None
        t_up = time.perf_counter()
        try:
            async with self.session.post(target.url + "/chat/completions",
                                         data=jsonfast.dumps(upstream_body), headers=headers) as up:
                if up.status != 200:
                    payload = await up.read()
                    ex.upstream_ms = (time.perf_counter() - t_up) * 1000
                    return await self._upstream_error(ex, up.status, payload)
                if streamed and up.content_type == "text/event-stream":
                    return await self._stream(request, ex, up, out_filters, mode, subject.question, t_up)
                payload = await up.read()
                ex.upstream_ms = (time.perf_counter() - t_up) * 1000
        except (aiohttp.ClientError, asyncio.TimeoutError, GarbageStream) as e:
            ex.upstream_ms = (time.perf_counter() - t_up) * 1000
            status = 504 if isinstance(e, asyncio.TimeoutError) else 502
            what = "timed out" if status == 504 else f"failed: {type(e).__name__}: {e}"
            return await self._fail(ex, status, f"upstream {what}", "upstream_error", kind="server_error")
        try:
            answer = jsonfast.loads(payload)
            if not isinstance(answer, dict) or not isinstance(answer.get("choices"), list):
                raise ValueError("no choices")
        except ValueError:
            return await self._fail(ex, 502, "upstream answered garbage (not a chat completion)", "upstream_garbage",
                              kind="server_error", response={"unparsed": payload[:500].decode(errors="replace")})
        out = Subject("output", fmt.response_text(answer), tuple(fmt.response_tools(answer)), subject.question)
        ex.result = ex.result.merge(await run_stage(out_filters, out))
        decided_body = fmt.completion_as_chunks(answer) if streamed else payload
        return await self._deliver(request, ex, streamed, decided_body, answer, answer)

    # ---- outcomes -----------------------------------------------------------------------------
    async def _deliver(self, request: web.Request, ex: _Exchange, streamed: bool, body: bytes,
                       logged: Any, completion: dict[str, Any] | None) -> web.StreamResponse:
        """Send ``body`` (a completion, or SSE bytes) as decided: block, hold, or pass (allow / flag)."""
        decision, reason = ex.result.decision, ex.result.reason
        if decision == "block":
            return await self._refuse(request, ex, streamed, reason or "blocked", logged)
        if decision == "hold":
            return await self._hold(request, ex, streamed, body, logged)
        await ex.log(decision, reason, 200, logged)
        return _raw(body, streamed, decision)

    async def _refuse(self, request: web.Request, ex: _Exchange, streamed: bool, reason: str,
                      logged: Any = None) -> web.StreamResponse:
        refusal = fmt.refusal_completion(ex.model, reason)
        await ex.log("block", reason, 200, logged if logged is not None else refusal)
        if streamed:
            return _raw(fmt.completion_as_chunks(refusal), True, "block")
        return web.json_response(refusal, headers={"X-Guard-Decision": "block"})

    async def _hold(self, request: web.Request, ex: _Exchange, streamed: bool, body: bytes,
                    logged: Any) -> web.StreamResponse:
        j = self.settings.journal
        assert ex.policy is not None
        hold_spec = ex.policy.hold
        row = await ex.log("hold", ex.result.reason, 200, logged, (body.decode(), hold_spec.timeout_s,
                                                                    hold_spec.fallback))
        log_id, hold_id = row.id, row.hold_id
        assert log_id is not None and hold_id is not None
        while True:
            h = j.hold(hold_id)
            if h["state"] == "held":
                j.expire_holds()
                h = j.hold(hold_id)
            if h["state"] != "held":
                break
            await asyncio.sleep(self.settings.hold_poll_s)
        outcome = f"{ex.result.reason}; {h['state']} by {h['decided_by']}"
        j.update_log(log_id, reason=outcome)
        if h["state"] in ("approved", "expired-released"):
            return _raw(h["held_body"].encode(), streamed, "hold-released")
        if h["state"] == "edited":
            edited = fmt.completion_with_text(ex.model, h["released_body"])
            return _raw(fmt.completion_as_chunks(edited) if streamed else json.dumps(edited).encode(), streamed,
                        "hold-edited")
        refusal = fmt.refusal_completion(ex.model, f"held:{h['state']}")
        return _raw(fmt.completion_as_chunks(refusal) if streamed else json.dumps(refusal).encode(), streamed,
                    "block")

    async def _fail(self, ex: _Exchange, status: int, message: str, code: str, *, kind: str = "invalid_request_error",
              response: Any = None) -> web.Response:
        body = fmt.error_body(message, kind, code)
        await ex.log("error", code, status, response if response is not None else body)
        return web.json_response(body, status=status)

    async def _upstream_error(self, ex: _Exchange, status: int, payload: bytes) -> web.Response:
        try:
            body = jsonfast.loads(payload)
            if not isinstance(body, dict) or "error" not in body:
                raise ValueError
        except ValueError:
            body = fmt.error_body(f"upstream answered HTTP {status}", "server_error", "upstream_error")
        await ex.log("error", f"upstream_{status}", status, body)
        return web.json_response(body, status=status if status in (400, 401, 403, 404, 429) or status >= 500 else 502)

    # ---- streams --------------------------------------------------------------------------------
    async def _stream(self, request: web.Request, ex: _Exchange, up: aiohttp.ClientResponse, out_filters: list[Any],
                      mode: str, question: str, t_up: float) -> web.StreamResponse:
        answer = Assembled()
        if ex.result.decision == "hold":
            mode = "buffer"   # the request itself asked for a hold: nothing may go out before the decision
            ex.stream_mode = mode

        def subject(partial: bool = False) -> Subject:
            return Subject("output", answer.text, tuple(answer.tools()), question, partial)

        if mode == "buffer":
            raw = await up.read()   # whole, then parsed in one pass: no per-chunk work while it arrives
            for _, data in parse_all(raw):
                if data is not None:
                    answer.add(data)
            ex.upstream_ms = (time.perf_counter() - t_up) * 1000
            ex.result = ex.result.merge(await run_stage(out_filters, subject()))
            ex.checked = "before-send"
            return await self._deliver(request, ex, True, raw, _scanned(answer), None)

        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                           "X-Guard-Stream-Mode": mode})
        await resp.prepare(request)
        assert ex.policy is not None
        window = ex.policy.window_chars
        pending: list[bytes] = []
        scanned_upto = 0
        ex.checked = "partial"
        try:
            async for event, data in events(up.content.iter_any()):
                if data is None:
                    continue  # [DONE] is sent by us after the last scan
                answer.add(data)
                if mode == "audit":
                    await _send(resp, event)
                    continue
                pending.append(event)
                # Tool calls arrive in pieces (a name split over deltas): held back to the final scan.
                if len(answer.text) - scanned_upto >= window and not answer.calls:
                    stage = await run_stage(out_filters, subject(partial=True))
                    scanned_upto = len(answer.text)
                    if stage.decision in ("block", "hold"):
                        return await self._trip(resp, ex, stage, answer)
                    if pending:   # the scanned window in one write, not one per event
                        await _send(resp, b"".join(pending))
                    pending = []
            ex.upstream_ms = (time.perf_counter() - t_up) * 1000
            stage = await run_stage(out_filters, subject())
            if mode == "audit":
                ex.checked = "after-send"
                tripped = stage.decision != "allow"
                ex.result = StageResult("flag" if tripped else ex.result.decision,
                                        f"audit:{stage.reason}" if tripped else ex.result.reason,
                                        ex.result.records + stage.records)
            else:
                if stage.decision in ("block", "hold"):
                    return await self._trip(resp, ex, stage, answer)
                ex.checked = "while-streaming"
                ex.result = ex.result.merge(stage)
                if pending:
                    await _send(resp, b"".join(pending))
            await ex.log(ex.result.decision, ex.result.reason, 200, _scanned(answer))
            with contextlib.suppress(ClientGone):
                await _send(resp, fmt.DONE)
        except (GarbageStream, aiohttp.ClientError, asyncio.TimeoutError) as e:  # from the upstream
            ex.result = ex.result.merge(await run_stage(out_filters, subject()))
            await ex.log("error", "upstream_stream_failed", 502, dict(_scanned(answer), error=str(e)[:200]))
            with contextlib.suppress(ConnectionError):
                await resp.write(fmt.stream_error_frame(f"upstream stream failed: {e}", "upstream_error"))
            return resp
        except (ClientGone, asyncio.CancelledError) as gone:
            # The client went away: scan what was received and log it as partial, never as checked.
            ex.checked = "partial"
            stage = await asyncio.shield(run_stage(out_filters, subject()))
            ex.result = ex.result.merge(stage)
            await asyncio.shield(ex.log(ex.result.decision, "client-disconnected", 499, _scanned(answer)))
            if isinstance(gone, asyncio.CancelledError):
                raise
        return resp

    async def _trip(self, resp: web.StreamResponse, ex: _Exchange, stage: StageResult,
                    answer: Assembled) -> web.StreamResponse:
        ex.checked = "while-streaming"
        ex.result = StageResult("block", stage.reason, ex.result.records + stage.records)
        await ex.log("block", stage.reason, 200, _scanned(answer))
        with contextlib.suppress(ClientGone):
            await _send(resp, fmt.stream_error_frame(fmt.refusal_message(stage.reason or "blocked"),
                                                     stage.reason or "blocked"))
        return resp


class ClientGone(Exception):
    """Writing to the client failed: it went away."""


async def _send(resp: web.StreamResponse, data: bytes) -> None:
    try:
        await resp.write(data)
    except (ConnectionError, aiohttp.ClientConnectionResetError) as e:
        raise ClientGone(str(e)) from None


def _close_soon(request: web.Request) -> None:
    """End a connection whose body is still trickling in: FIN after the answer (so the client reads it, not a
    reset), then close a second later instead of aiohttp's 10 s lingering read of the rest."""
    transport = request.transport
    if transport is not None and transport.can_write_eof():
        transport.write_eof()
    asyncio.get_running_loop().call_later(1.0, request.protocol.force_close)


def _redactor(redact: Redactor) -> Any:
    def prepare(row: LogRow) -> LogRow:
        row.request, row.response = redact(row.request), redact(row.response)
        return row

    return prepare


def _scanned(answer: Assembled) -> dict[str, Any]:
    return dict(answer.as_response(), scanned_chars=len(answer.text))


def _raw(body: bytes, streamed: bool, decision: str) -> web.Response:
    return web.Response(body=body, content_type="text/event-stream" if streamed else "application/json",
                        headers={"X-Guard-Decision": decision})


def _error(status: int, message: str, code: str) -> web.Response:
    return web.json_response(fmt.error_body(message, "invalid_request_error", code), status=status)
