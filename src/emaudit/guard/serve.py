"""Start the guard: resolve the upstream, load the policy, check the bind address, run the server."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path
from typing import Any

from aiohttp import web

from ..errors import UserError
from .journal import Journal
from .proxy import LOOPBACK, Guard, GuardSettings


def resolve_upstream(spec: str) -> tuple[str, str, str | None]:
    """(base URL, model name, key) for ``openai-api/<service>/<model>`` or ``openai/<model>``; the key only
    from the environment variable the spec names."""
    from ..models import get_model

    if not spec.startswith(("openai-api/", "openai/")):
        raise UserError(f"the guard fronts an OpenAI-compatible API: openai-api/<service>/<model> or "
                        f"openai/<model>, not {spec!r}", field="upstream")
    model: Any = get_model(spec)
    variable = getattr(model, "_key_variable", None)
    return model.base_url, model.model, os.environ.get(variable) if variable else None


def build_settings(upstream: str, policy_path: str | None, store: str | Path, *, host: str = "127.0.0.1",
                   max_body_bytes: int = 1 << 20, upstream_timeout_s: float = 120.0) -> GuardSettings:
    try:
        from .decide import CompiledPolicy
        from .policy import default_policy, load_policy
    except ImportError as e:
        raise UserError(f"the guard needs its extra: pip install 'emaudit[guard]' ({e})", field="guard") from None
    url, model, key = resolve_upstream(upstream)
    policy, version = load_policy(policy_path) if policy_path else (default_policy(), "default")
    journal = Journal.open(store)
    if host not in LOOPBACK and not journal.has_keys():
        raise UserError(f"refusing to listen on {host} without guard keys: anyone there could use the upstream; "
                        "add one with `emaudit guard keys add NAME` or listen on 127.0.0.1", field="host")
    try:
        compiled = CompiledPolicy(policy, version)
    except UserError as e:
        raise UserError(e.message, path=policy_path, field=e.field) from None
    return GuardSettings(url, model, key, compiled, journal, host=host,
                         max_body_bytes=max_body_bytes, upstream_timeout_s=upstream_timeout_s)


def serve(settings: GuardSettings, port: int) -> None:
    app = Guard(settings).app()

    async def announce(app: web.Application) -> None:
        print(f"guard listening on http://{settings.host}:{port}/v1 (policy {settings.policy.version}, "
              f"upstream model {settings.upstream_model})", flush=True)

    app.on_startup.append(announce)
    web.run_app(app, host=settings.host, port=port, access_log=None, print=None, backlog=2048,
                handle_signals=True)


class GuardThread:
    """The guard on a background thread (tests, benchmarks): ``with GuardThread(settings) as base_url:``."""

    def __init__(self, settings: GuardSettings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, daemon=True, name="guard")

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(Guard(self.settings).app(), access_log=None)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, self.settings.host, 0, backlog=2048)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    def __enter__(self) -> str:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("guard did not start")
        return f"http://{self.settings.host}:{self.port}/v1"

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
