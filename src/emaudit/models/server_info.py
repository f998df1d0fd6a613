"""What an OpenAI-compatible server says about itself: the models it serves, its slots and context.

Asked once per endpoint (``GET /v1/models``; llama.cpp's ``GET /props`` and ``GET /slots``); every
question that goes unanswered leaves its field ``None``. ``served_model_problem`` is the one check of a
model name against the listing, kept small so that every command that validates models can share it.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp

PROBE_TIMEOUT_S = 5.0


@dataclass
class ServerInfo:
    models: list[str] | None = None       # ids from /v1/models
    parents: dict[str, str] = field(default_factory=dict)  # LoRA adapter id -> its base (vLLM's ``parent``)
    slots: int | None = None              # llama.cpp: requests processed at once
    n_ctx: int | None = None              # llama.cpp: context per slot, in tokens
    kind: str | None = None               # "llama.cpp" when /props answered like llama.cpp
    n_cap: int | None = None              # most choices per request (learned from a 400 naming n)
    probed: bool = False
    said: set[str] = field(default_factory=set)  # notices already printed for this endpoint

    @property
    def first_choice_usage_only(self) -> bool:
        """llama.cpp reports the usage of the first choice only when a request asks for n > 1."""
        return self.kind == "llama.cpp"


_INFO: dict[str, ServerInfo] = {}
_LOCKS: dict[str, asyncio.Lock] = {}


def known(endpoint: str) -> ServerInfo:
    """What is known about ``endpoint`` so far (an empty record before any probe)."""
    return _INFO.setdefault(endpoint, ServerInfo())


def forget(endpoint: str | None = None) -> None:
    """Forget one endpoint (or all); tests that restart servers on a reused port use it."""
    if endpoint is None:
        _INFO.clear()
        _LOCKS.clear()
    else:
        _INFO.pop(endpoint, None)


async def probe(session: aiohttp.ClientSession, base_url: str, endpoint: str) -> ServerInfo:
    """Ask the server once (per process) what it serves; later calls return the same record."""
    info = known(endpoint)
    if info.probed:
        return info
    lock = _LOCKS.get(endpoint)
    if lock is None or getattr(lock, "_loop", None) not in (None, asyncio.get_running_loop()):
        lock = _LOCKS[endpoint] = asyncio.Lock()  # one per event loop (each asyncio.run makes a new one)
    async with lock:
        if not info.probed:
            await _probe(session, base_url, info)
            info.probed = True
    return info


def say_once(info: ServerInfo, key: str, message: str) -> None:
    """Print a notice about a server the first time it applies (per process and endpoint)."""
    if key in info.said:
        return
    info.said.add(key)
    print(f"emaudit: {message}", file=sys.stderr, flush=True)


def record_listing(info: ServerInfo, listing: Any) -> None:
    """Keep the ids of a ``GET /v1/models`` answer (fetched by the probe, or by the check before a run)."""
    if isinstance(listing, dict) and isinstance(listing.get("data"), list):
        entries = [m for m in listing["data"] if isinstance(m, dict) and m.get("id")]
        info.models = [str(m["id"]) for m in entries]
        info.parents = {str(m["id"]): str(m["parent"]) for m in entries if m.get("parent")}


async def _probe(session: aiohttp.ClientSession, base_url: str, info: ServerInfo) -> None:
    if info.models is None:
        record_listing(info, await _get_json(session, base_url.rstrip("/") + "/models"))
    root = _root(base_url)
    props = await _get_json(session, root + "/props")
    if isinstance(props, dict) and "total_slots" in props:
        info.kind = "llama.cpp"
        info.slots = _positive(props.get("total_slots"))
        settings = props.get("default_generation_settings") or {}
        info.n_ctx = _positive(settings.get("n_ctx")) if isinstance(settings, dict) else None
    if info.slots is None:
        slots = await _get_json(session, root + "/slots")
        if isinstance(slots, list) and slots and all(isinstance(s, dict) and "id" in s for s in slots):
            info.kind = "llama.cpp"
            info.slots = len(slots)
            info.n_ctx = info.n_ctx or _positive(slots[0].get("n_ctx"))


async def _get_json(session: aiohttp.ClientSession, url: str) -> Any:
    try:
        timeout = aiohttp.ClientTimeout(total=PROBE_TIMEOUT_S)
        async with session.get(url, timeout=timeout) as response:
            if response.status != 200:
                return None
            return json.loads(await response.read())
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, OSError):
        return None


def _root(base_url: str) -> str:
    """``http://host:8080/v1`` -> ``http://host:8080``: where llama.cpp's own routes live."""
    parts = urlsplit(base_url.rstrip("/"))
    path = re.sub(r"/v1$", "", parts.path)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _positive(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def split_adapter(model: str) -> tuple[str, str] | None:
    """``base:adapter`` -> (base, adapter); None for a name without one."""
    base, sep, adapter = model.rpartition(":")
    return (base, adapter) if sep and base and adapter else None


def request_name(model: str, info: ServerInfo) -> str:
    """The ``model`` field to send: a LoRA adapter's own name where the server lists ``base:adapter`` as an
    adapter of ``base`` (vLLM), else the name as written (Ollama's ``llama3:8b`` is a model, not an adapter)."""
    adapter = split_adapter(model)
    if adapter is None or not info.models or model in info.models:
        return model
    base, name = adapter
    return name if info.parents.get(name) == base else model


def served_model_problem(model: str, info: ServerInfo, base_url: str) -> tuple[str, bool] | None:
    """(message, fatal) when ``model`` is not in the server's listing; None when it is or nothing is listed.

    ``base:adapter`` is served when the listing has ``adapter`` with ``parent`` = ``base`` (vLLM's LoRA
    adapters). llama.cpp answers for any model name with the one model it loaded: a note, not an error.
    """
    if not info.models or model in info.models:
        return None
    adapter = split_adapter(model)
    if adapter is not None and info.kind != "llama.cpp":
        base, name = adapter
        parent = info.parents.get(name)
        if parent == base:
            return None
        if name in info.models:
            what = f"an adapter of {parent!r}" if parent else "a base model"
            return f"{name!r} at {base_url} is {what}, not an adapter of {base!r}", True
        if base in info.models or any(p == base for p in info.parents.values()):
            ours = sorted(a for a, p in info.parents.items() if p == base)
            return (f"adapter {name!r} of {base!r} is not served at {base_url}; its adapters there: "
                    f"{', '.join(ours) or 'none'} (vLLM: --enable-lora --lora-modules {name}=PATH)", True)
    listed = ", ".join(info.models[:10]) + (" ..." if len(info.models) > 10 else "")
    if info.kind == "llama.cpp":
        return (f"{base_url} does not list model {model!r}; llama.cpp answers with the model it loaded "
                f"({listed})", False)
    return f"model {model!r} is not served at {base_url}; it serves: {listed}", True


N_CAP = re.compile(r"['\"]?\bn\b['\"]?.*?(?:<=\s*value\s*<=\s*|at most\s+|between 1 and\s+)(\d+)", re.IGNORECASE)


def n_cap_from_error(message: str, asked: int) -> int | None:
    """The cap on ``n`` a 400 names ("Field 'n': Value must be between 1 <= value <= 4, but got 6"), else
    ``None`` when the message is not about ``n``; a message about ``n`` without a number means 1."""
    if not re.search(r"['\"`]n['\"`]|\bn\b\s*(must|should|>|is|=)", message, re.IGNORECASE):
        return None
    match = N_CAP.search(message)
    cap = int(match.group(1)) if match else 1
    return max(1, min(cap, asked - 1))
