"""OpenAI and OpenAI-compatible chat servers: ``openai/<model>`` and ``openai-api/<service>/<model>``.

``openai/<model>`` reads ``OPENAI_API_KEY`` and optionally ``OPENAI_BASE_URL``.
``openai-api/<service>/<model>`` (vLLM, Ollama, llama.cpp server, TGI, ...) reads
``<SERVICE>_BASE_URL`` (required) and ``<SERVICE>_API_KEY`` (optional), the service name upper-cased
with dashes as underscores: ``openai-api/my-vllm/qwen`` -> ``MY_VLLM_BASE_URL``.

HTTP goes through aiohttp with plain ``json``: measured at ~0.4 ms of client CPU per request
against ~4 ms for the ``openai`` client and ~6 ms for httpx (benchmarks/README.md, "Engine").
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import math
import os
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from ..errors import ModelError, UserError
from . import server_info
from .base import ChatRequest, ChatResponse, Completion, Model, TokenLogprob, TopLogprob, Usage
from .server_info import ServerInfo, n_cap_from_error, say_once

OPENAI_BASE_URL = "https://api.openai.com/v1"
RETRYABLE_STATUSES = frozenset({408, 409, 425, 429})


class OpenAICompatModel(Model):
    """One model on one OpenAI-compatible server. The key is kept private: never logged or described."""

    batch_size = 1
    supports_logprobs = True
    supports_n = True
    supports_tools = True

    def __init__(self, name: str, model: str, base_url: str, api_key: str | None, *, provider: str,
                 service: str | None = None, key_variable: str | None = None, timeout_s: float | None = None,
                 extra_body: dict[str, Any] | None = None) -> None:
        self.name = name
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.endpoint = _public_url(self.base_url)
        self.provider = provider
        self.service = service
        self._key_variable = key_variable
        self._url = self.base_url + "/chat/completions"
        self._headers = {"Content-Type": "application/json"}
        self._api_key = api_key if api_key and len(api_key) >= 4 else None
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=30)
        self._extra_body = dict(extra_body or {})
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self._request_name: str | None = None

    def __repr__(self) -> str:
        return f"OpenAICompatModel({self.name!r}, endpoint={self.endpoint!r})"

    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {"name": self.name, "provider": self.provider, "model": self.model,
                                "base_url": self.endpoint}
        if self.service:
            info["service"] = self.service
        return info

    # -- HTTP session, one per event loop ------------------------------------------------------------
    def _client(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            # limit=0: the engine's per-endpoint limit decides how many calls are in flight
            connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300, enable_cleanup_closed=True)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout,
                                                  headers=self._headers, json_serialize=json.dumps)
            self._session_loop = loop
        return self._session

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def reach(self, timeout_s: float = 10.0) -> None:
        """One ``GET <base>/models``: ``UserError`` when the server is down or refuses the key."""
        url = self.base_url + "/models"
        try:
            async with self._client().get(url, timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
                status = response.status
                raw = await response.read()
        except (asyncio.TimeoutError, aiohttp.ClientError, ConnectionError, OSError) as e:
            reason = getattr(getattr(e, "os_error", None), "strerror", None) or type(e).__name__
            raise UserError(f"cannot reach {self.endpoint} ({reason}); is the server running?",
                            field="model") from None
        if status in (401, 403):
            hint = f"; check {self._key_variable}" if self._key_variable else ""
            raise UserError(f"{self.endpoint} refused the key (HTTP {status}: {_error_message(raw)}){hint}",
                            field="model")
        if status == 200:  # the probe that learns the server's limits need not ask again
            with contextlib.suppress(ValueError):
                server_info.record_listing(server_info.known(self.endpoint), json.loads(raw))

    # -- calls -------------------------------------------------------------------------------------
    def request_body(self, request: ChatRequest) -> dict[str, Any]:
        cfg = request.config
        body: dict[str, Any] = {
            "model": self.request_name(),
            "messages": request.message_dicts(),
            "temperature": cfg.temperature,
            "top_p": cfg.top_p,
            "max_tokens": cfg.max_tokens,
        }
        if request.n != 1:
            body["n"] = request.n
        if cfg.seed is not None:
            body["seed"] = cfg.seed
        if cfg.logprobs or cfg.top_logprobs:
            body["logprobs"] = True
            if cfg.top_logprobs:
                body["top_logprobs"] = cfg.top_logprobs
        if cfg.stop:
            body["stop"] = list(cfg.stop)
        tools = request.tools()
        if tools:
            body["tools"] = tools
        if self._extra_body:
            body.update(self._extra_body)
        return body

    def request_name(self) -> str:
        """The name requests carry: ``self.model``, or the adapter's own name for ``base:adapter`` on vLLM."""
        if self._request_name is None:
            info = server_info.known(self.endpoint)
            if info.models is None:
                return self.model
            self._request_name = server_info.request_name(self.model, info)
        return self._request_name

    async def server_info(self) -> ServerInfo:
        """What the server says about itself (asked once per endpoint and process)."""
        return await server_info.probe(self._client(), self.base_url, self.endpoint)

    async def capacity(self) -> int | None:
        """How many sequences the server computes at once, where it says (llama.cpp's slots)."""
        return (await self.server_info()).slots

    async def samples_per_request(self, asked: int) -> int:
        """How many choices to ask per request: one on a slot server (a request with n choices waits until
        n slots are free at once, and single choices keep every slot busy), else up to the known cap."""
        info = await self.server_info()
        if info.slots:
            return 1
        return max(1, min(asked, info.n_cap)) if info.n_cap else asked

    async def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        return [await self._one(request) for request in requests]

    async def _one(self, request: ChatRequest) -> ChatResponse:
        info = server_info.known(self.endpoint)
        if info.n_cap is not None and request.n > info.n_cap:
            return await self._split(request, info.n_cap)
        try:
            response = await self._call(request)
        except ModelError as e:
            cap = n_cap_from_error(str(e), request.n) if e.status == 400 and request.n > 1 else None
            if cap is None:
                raise
            info.n_cap = min(info.n_cap or cap, cap)
            say_once(info, "n_cap", f"{self.endpoint} takes at most n={info.n_cap} choices per request; "
                                    "asking for more choices in several requests from now on")
            return await self._split(request, info.n_cap)
        if request.n > 1 and info.first_choice_usage_only:
            _count_every_choice(response)
        return response

    async def _split(self, request: ChatRequest, cap: int) -> ChatResponse:
        """``request.n`` choices in requests of at most ``cap`` choices, merged into one response."""
        merged = ChatResponse(choices=[], usage=Usage())
        left = request.n
        while left > 0:
            part = await self._one(ChatRequest(request.messages, request.config, n=min(cap, left)))
            merged.choices.extend(part.choices)
            merged.usage.prompt_tokens += part.usage.prompt_tokens
            merged.usage.completion_tokens += part.usage.completion_tokens
            merged.usage.estimated = merged.usage.estimated or part.usage.estimated
            merged.latency_s += part.latency_s
            left -= len(part.choices) or left
        return merged

    async def _call(self, request: ChatRequest) -> ChatResponse:
        data = json.dumps(self.request_body(request))
        started = time.perf_counter()
        try:
            async with self._client().post(self._url, data=data) as response:
                raw = await response.read()
                status = response.status
                headers = response.headers
        except asyncio.TimeoutError:
            raise ModelError(f"{self.name}: no answer from {self.endpoint} in time", retryable=True,
                             kind="timeout") from None
        except aiohttp.ClientConnectorError as e:
            reason = e.os_error.strerror if e.os_error is not None and e.os_error.strerror else str(e.os_error)
            raise ModelError(f"{self.name}: cannot reach {self.endpoint} ({reason}); is the server running?",
                             retryable=True, kind="connection") from None
        except (aiohttp.ClientError, ConnectionError) as e:
            raise ModelError(self._redact(f"{self.name}: connection to {self.endpoint} failed: "
                                          f"{type(e).__name__}: {e}"), retryable=True, kind="connection") from None
        latency = time.perf_counter() - started
        if status != 200:
            raise self._http_error(status, raw, headers)
        try:
            return parse_response(json.loads(raw), latency)
        except ModelError as e:
            raise ModelError(f"{self.name}: {e} from {self.endpoint}", retryable=e.retryable, status=None,
                             kind=e.kind) from None
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as e:
            raise ModelError(self._redact(f"{self.name}: unreadable answer from {self.endpoint}: "
                                          f"{type(e).__name__}: {e}"), retryable=True, kind="bad_reply") from None

    def _redact(self, text: str) -> str:
        """The key never leaves in a message, whatever the server echoed."""
        return text.replace(self._api_key, "[redacted]") if self._api_key else text

    def _http_error(self, status: int, raw: bytes, headers: Any) -> ModelError:
        detail = self._redact(_error_message(raw))
        retryable = status in RETRYABLE_STATUSES or status >= 500
        message = f"{self.name}: HTTP {status} from {self.endpoint}: {detail}"
        if status in (401, 403) and self._key_variable:
            message += f" (check {self._key_variable})"
        return ModelError(message, retryable=retryable, status=status, retry_after=parse_retry_after(headers))


def _count_every_choice(response: ChatResponse) -> None:
    """The server counted the first choice only: count each choice (by its tokens where logprobs list them,
    else scaled by its length against the first) and mark the figure as estimated unless every one was counted."""
    choices = response.choices
    if len(choices) < 2:
        return
    if all(c.logprobs is not None for c in choices):
        response.usage.completion_tokens = sum(len(c.logprobs or ()) for c in choices)
        return
    first = response.usage.completion_tokens
    base = max(1, len(choices[0].text))
    response.usage.completion_tokens = first + sum(round(first * len(c.text) / base) for c in choices[1:])
    response.usage.estimated = True


def parse_response(payload: dict[str, Any], latency_s: float = 0.0) -> ChatResponse:
    """An OpenAI chat completion body as a ChatResponse, with top logprobs per position.

    A reply without an answer (no choices, no message, content null) or with non-finite logprobs raises
    a retryable ``ModelError``: it is stored as an error and asked again, never kept as an answer.
    """
    raw_choices = payload.get("choices") if isinstance(payload, dict) else None
    if not isinstance(raw_choices, list) or not raw_choices:
        raise ModelError("a reply with no choices", retryable=True, kind="empty_reply")
    choices = []
    for choice in raw_choices:
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            raise ModelError("a reply whose choice has no message", retryable=True, kind="empty_reply")
        text = message.get("content")
        if text is None and isinstance(message.get("refusal"), str):
            text = message["refusal"]  # a refusal is the model's answer
        if text is None and message.get("tool_calls"):
            text = ""  # an answer made only of tool calls
        if not isinstance(text, str):
            raise ModelError("a reply whose message content is null", retryable=True, kind="empty_reply")
        logprobs = None
        lp = choice.get("logprobs")
        if lp and lp.get("content") is not None:
            logprobs = [
                TokenLogprob(t["token"], _finite(t["logprob"]),
                             [TopLogprob(x["token"], _finite(x["logprob"])) for x in t.get("top_logprobs") or ()])
                for t in lp["content"]
            ]
        calls = [{"name": str((c.get("function") or {}).get("name", "")),
                  "arguments": str((c.get("function") or {}).get("arguments", ""))}
                 for c in message.get("tool_calls") or () if isinstance(c, dict)]
        choices.append(Completion(text=text, finish_reason=choice.get("finish_reason"),
                                  logprobs=logprobs, tool_calls=calls or None))
    usage = payload.get("usage") or {}
    return ChatResponse(choices=choices,
                        usage=Usage(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)),
                        latency_s=latency_s)


def _finite(value: Any) -> float:
    number = float(value)
    if math.isnan(number) or number > 1e-3:  # -inf is a probability of 0, which some servers send
        raise ModelError(f"a reply with an impossible logprob ({value!r})", retryable=True, kind="bad_reply")
    return number


def parse_retry_after(headers: Any) -> float | None:
    """Seconds from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_message(raw: bytes) -> str:
    try:
        payload = json.loads(raw)
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, dict) and error.get("message"):
            text = str(error["message"])
        elif isinstance(error, str):
            text = error
        elif isinstance(payload, dict) and payload.get("detail"):
            text = str(payload["detail"])
        else:
            text = raw.decode("utf-8", "replace")
    except ValueError:
        text = raw.decode("utf-8", "replace")
    text = " ".join(text.split())
    return text[:300] + ("..." if len(text) > 300 else "") if text else "(empty body)"


def _public_url(url: str) -> str:
    """The URL without user:password@ or query (which may hold credentials)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:  # out of range; _check_url says so
        port = None
    if port:
        host = f"{host}:{port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _options(options: dict[str, Any]) -> dict[str, Any]:
    timeout = options.get("timeout_s", options.get("timeout"))
    return {"timeout_s": float(timeout) if timeout else None, "extra_body": options.get("extra_body")}


def from_openai_spec(rest: str, **options: Any) -> OpenAICompatModel:
    """``openai/<model>``: the OpenAI API (or ``OPENAI_BASE_URL``)."""
    if not rest:
        raise UserError("model 'openai/<model>' needs a model name, e.g. openai/gpt-4o-mini", field="model")
    base_url = options.get("base_url") or os.environ.get("OPENAI_BASE_URL") or OPENAI_BASE_URL
    api_key = options.get("api_key") or os.environ.get("OPENAI_API_KEY")
    if not api_key and base_url.rstrip("/") == OPENAI_BASE_URL:
        raise UserError(f"OPENAI_API_KEY is not set; it is needed for openai/{rest}", field="model")
    _check_url(base_url, "OPENAI_BASE_URL", api_key, "OPENAI_API_KEY")
    return OpenAICompatModel(f"openai/{rest}", rest, base_url, api_key, provider="openai",
                             key_variable="OPENAI_API_KEY", **_options(options))


def from_service_spec(rest: str, **options: Any) -> OpenAICompatModel:
    """``openai-api/<service>/<model>``: any OpenAI-compatible server named by ``<SERVICE>_BASE_URL``."""
    service, _, model = rest.partition("/")
    if not service or not model:
        raise UserError(f"model 'openai-api/{rest}' must look like openai-api/<service>/<model>, "
                        "e.g. openai-api/vllm/Qwen2.5-7B-Instruct", field="model")
    prefix = service.upper().replace("-", "_")
    url_var, key_var = f"{prefix}_BASE_URL", f"{prefix}_API_KEY"
    base_url = options.get("base_url") or os.environ.get(url_var)
    if not base_url:
        raise UserError(f"{url_var} is not set; set it to the server's URL (e.g. http://localhost:8000/v1) "
                        f"to use openai-api/{rest}", field="model")
    api_key = options.get("api_key") or os.environ.get(key_var)
    _check_url(base_url, url_var, api_key, key_var)
    return OpenAICompatModel(f"openai-api/{rest}", model, base_url, api_key, provider="openai-api",
                             service=service, key_variable=key_var, **_options(options))


def _check_url(url: str, variable: str, api_key: str | None, key_variable: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"{variable} must be an http(s) URL like http://localhost:8000/v1, got {_public_url(url)!r}",
                        field="model")
    try:
        _ = parts.port
    except ValueError:
        port = parts.netloc.rsplit(":", 1)[-1]
        raise UserError(f"{variable} has port {port!r}; a port is a number from 1 to 65535", field="model") from None
    if api_key and (parts.username or parts.password):
        raise UserError(f"{variable} holds a user:password and {key_variable} is set; use one of them",
                        field="model")
