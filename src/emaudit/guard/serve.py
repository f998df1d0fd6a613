"""Start the guard: resolve the upstream, load the policy, check the bind address, run the server."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from aiohttp import web

from ..errors import UserError
from .journal import Journal
from .proxy import LOOPBACK, Guard, GuardSettings
from .upstreams import Upstreams, resolve_upstream

WATCHER = web.AppKey("parent_watcher", asyncio.Task)


def build_settings(upstream: str | None, policy_path: str | None, store: str | Path, *, host: str = "127.0.0.1",
                   max_body_bytes: int = 1 << 20, upstream_timeout_s: float = 120.0,
                   request_timeout_s: float = 600.0, body_timeout_s: float = 30.0) -> GuardSettings:
    try:
        from .decide import CompiledPolicy
        from .policy import default_policy, line_in, load_policy
    except ImportError as e:
        raise UserError(f"the guard needs its extra: pip install 'emaudit[guard]' ({e})", field="guard") from None
    default = resolve_upstream(upstream) if upstream else None
    if policy_path:
        policy, version = load_policy(policy_path, default_upstream=default is not None)
    elif default is None:
        raise UserError("the guard needs --upstream, or a --policy whose routes name their upstreams",
                        field="upstream")
    else:
        policy, version = default_policy(), "default"
    upstreams = Upstreams(default)
    for i, r in enumerate(policy.routes):   # resolved now: a route to an unknown service fails at start
        if r.upstream is not None:
            try:
                upstreams.get(r.upstream, r.upstream_model, r.upstream_key_env)
            except UserError as e:
                where = "upstream_key_env" if e.field == "upstream_key_env" else "upstream"
                raise UserError(e.message, path=policy_path, line=line_in(policy_path, ("routes", i, where)) if policy_path else None,
                                field=f"routes.{i}.{where}") from None
    journal = Journal.open(store)
    if host not in LOOPBACK and not journal.has_keys():
        raise UserError(f"refusing to listen on {host} without guard keys: anyone there could use the upstream; "
                        "add one with `emaudit guard keys add NAME` or listen on 127.0.0.1", field="host")
    try:
        compiled = CompiledPolicy(policy, version)
    except UserError as e:
        raise UserError(e.message, path=policy_path, field=e.field) from None
    return GuardSettings(upstreams, compiled, journal, host=host, max_body_bytes=max_body_bytes,
                         upstream_timeout_s=upstream_timeout_s, request_timeout_s=request_timeout_s,
                         body_timeout_s=body_timeout_s)


def serve(settings: GuardSettings, port: int, *, reuse_port: bool = False, worker: int | None = None,
          parent_pid: int | None = None) -> None:
    app = Guard(settings).app()

    async def announce(app: web.Application) -> None:
        default = settings.upstreams.default
        print(f"guard listening on http://{settings.host}:{port}/v1 (policy {settings.policy.version}, "
              f"upstream model {default.model if default else '-'}, "
              f"{len(settings.policy.policy.routes)} routes)", flush=True)

    if worker is None or worker == 0:
        app.on_startup.append(announce)
    if worker is not None:
        async def tag(request: web.Request, response: web.StreamResponse) -> None:
            response.headers["X-Guard-Worker"] = str(worker)

        app.on_response_prepare.append(tag)
    if parent_pid is not None:
        app.on_startup.append(lambda app: _watch_parent(app, parent_pid))
    web.run_app(app, host=settings.host, port=port, access_log=None, print=None, backlog=2048,
                handle_signals=True, reuse_port=reuse_port)


async def _watch_parent(app: web.Application, parent_pid: int) -> None:
    async def watch() -> None:
        while os.getppid() == parent_pid:
            await asyncio.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)   # the first worker died (even by kill -9): stop serving

    app[WATCHER] = asyncio.get_running_loop().create_task(watch())


def serve_workers(settings: GuardSettings, port: int, workers: int,
                  build_args: tuple[str | None, str | None, str, dict[str, Any]]) -> None:
    """``workers`` processes on one port (SO_REUSEPORT): this one, plus ``workers - 1`` started fresh (spawn),
    each with its own store connection and log writer thread."""
    if port == 0:
        with socket.socket() as s:
            s.bind((settings.host, 0))
            port = int(s.getsockname()[1])
    ctx = multiprocessing.get_context("spawn")
    children = [ctx.Process(target=_worker, args=(build_args, port, i, os.getpid()), name=f"guard-worker-{i}")
                for i in range(1, workers)]
    for c in children:
        c.start()
    try:
        serve(settings, port, reuse_port=True, worker=0)
    finally:
        for c in children:
            c.terminate()
        for c in children:
            c.join(10)


def _worker(build_args: tuple[str | None, str | None, str, dict[str, Any]], port: int, index: int,
            parent_pid: int) -> None:
    upstream, policy, store, options = build_args
    try:
        settings = build_settings(upstream, policy, store, **options)
    except UserError as e:
        print(f"emaudit: error: guard worker {index}: {e}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    serve(settings, port, reuse_port=True, worker=index, parent_pid=parent_pid)


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
        pending = asyncio.all_tasks(self.loop)   # e.g. a connection aiohttp still lingers on: end it, not leak it
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()

    def __enter__(self) -> str:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("guard did not start")
        return f"http://{self.settings.host}:{self.port}/v1"

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
