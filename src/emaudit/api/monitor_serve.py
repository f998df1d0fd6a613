"""`emaudit monitor serve`: APScheduler runs a pass of due monitors every tick; aiohttp serves /metrics
(Prometheus text format, via ``prometheus_client``) and /healthz. One server per store: a lock row."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..store import Store
from ..store import monitors as ms
from .generate import EngineOptions
from .monitor import holder_id, monitor_state, run_due, take_lock

SERVE_LOCK = "serve"

GAUGES = [  # (name, help, MonitorState -> value or None)
    ("emaudit_monitor_misaligned_rate", "misaligned rate of the latest check (macro over questions)",
     lambda s: s.rate),
    ("emaudit_monitor_misaligned_rate_lower", "lower end of its 95% interval",
     lambda s: s.rate_ci[0] if s.rate_ci else None),
    ("emaudit_monitor_misaligned_rate_upper", "upper end of its 95% interval",
     lambda s: s.rate_ci[1] if s.rate_ci else None),
    ("emaudit_monitor_baseline_rate", "misaligned rate of the baseline run", lambda s: s.baseline_rate),
    ("emaudit_monitor_evidence", "anytime-valid evidence of a rise over the baseline (e-process)",
     lambda s: s.evidence),
    ("emaudit_monitor_evidence_threshold", "the evidence that raises an alert (1/alpha)", lambda s: s.threshold),
    ("emaudit_monitor_alarm", "1 when the evidence crossed the threshold", lambda s: float(s.state == "alarm")),
    ("emaudit_monitor_consecutive_failures", "failed checks in a row", lambda s: float(s.failures)),
    ("emaudit_monitor_checks", "checks made", lambda s: float(s.checks)),
    ("emaudit_monitor_live_misaligned_rate", "misaligned rate of the guard's live answers since the check before",
     lambda s: s.live.get("rate") if s.live else None),
    ("emaudit_monitor_live_misaligned_rate_lower", "lower end of its 95% interval",
     lambda s: s.live["ci"][0] if s.live and s.live.get("ci") else None),
    ("emaudit_monitor_live_misaligned_rate_upper", "upper end of its 95% interval",
     lambda s: s.live["ci"][1] if s.live and s.live.get("ci") else None),
    ("emaudit_monitor_live_answers", "live answers judged in the latest check",
     lambda s: float(s.live.get("counted", 0)) if s.live else None),
    ("emaudit_monitor_live_evidence", "anytime-valid evidence of a rise of the live rate over its reference",
     lambda s: s.live_test["evidence"] if s.live_test and s.live_test.get("threshold") else None),
    ("emaudit_monitor_guard_overrides", "guard overrides this monitor's alerts set that no person has cleared",
     lambda s: float(len(s.responses))),
    ("emaudit_monitor_last_check_timestamp_seconds", "when the latest check finished (Unix time)",
     lambda s: datetime.fromisoformat(s.last_at).timestamp() if s.last_at else None),
]


def metrics_text(store: Store) -> bytes:
    """Every monitor's gauges in the Prometheus text exposition format."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.core import GaugeMetricFamily

    states = [monitor_state(store, n) for n in ms.monitor_names(store)]

    class Collector:
        def collect(self) -> Any:
            for name, doc, value in GAUGES:
                family = GaugeMetricFamily(name, doc, labels=["monitor"])
                for s in states:
                    v = value(s)
                    if v is not None:
                        family.add_metric([s.name], float(v))
                yield family
            family = GaugeMetricFamily("emaudit_monitor_state", "1 for the monitor's current state",
                                       labels=["monitor", "state"])
            for s in states:
                family.add_metric([s.name, s.state], 1.0)
            yield family

    registry = CollectorRegistry()
    registry.register(Collector())  # type: ignore[arg-type]
    out: bytes = generate_latest(registry)
    return out


class Server:
    def __init__(self, store_path: str | Path, engine: EngineOptions, tick_s: float, passes: int | None) -> None:
        self.store_path = store_path
        self.engine = engine
        self.tick_s = tick_s
        self.passes_wanted = passes
        self.passes = 0
        self.last_pass: str | None = None
        self.last_error: str | None = None
        self.holder = holder_id()
        self.stop = asyncio.Event()

    def lease_s(self) -> float:
        return max(3 * self.tick_s, 30.0)

    def renew(self) -> str | None:
        """Extend the server's lease; the holder that took it over, if another did."""
        with Store.open(self.store_path) as store:
            return take_lock(store, SERVE_LOCK, self.lease_s(), self.holder)

    async def heartbeat(self) -> None:
        """Renewed apart from the passes, so a long check does not let the lease lapse."""
        other = await asyncio.to_thread(self.renew)
        if other is not None:
            self.last_error = f"lost the store's serve lock to {other}"
            print(f"emaudit monitor: error: {self.last_error}; stopping", file=sys.stderr, flush=True)
            self.stop.set()

    def one_pass(self) -> None:
        """A pass in a worker thread, with its own store connection."""
        with Store.open(self.store_path) as store:
            try:
                for outcome in run_due(store, self.engine):
                    state = outcome.status if not outcome.message else f"{outcome.status}: {outcome.message}"
                    print(f"emaudit monitor: {outcome.monitor}: {state}", file=sys.stderr, flush=True)
                self.last_error = None
            except UserError as e:
                self.last_error = str(e)
                print(f"emaudit monitor: error: {e}", file=sys.stderr, flush=True)

    async def tick(self) -> None:
        await asyncio.to_thread(self.one_pass)
        self.passes += 1
        self.last_pass = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if self.passes_wanted is not None and self.passes >= self.passes_wanted:
            self.stop.set()

    def read(self, fn: Any) -> Any:
        with Store.open(self.store_path) as store:
            return fn(store)


def serve(store_path: str | Path, engine: EngineOptions, *, host: str = "127.0.0.1", port: int = 9464,
          tick_s: float = 60.0, passes: int | None = None) -> int:
    if tick_s <= 0:
        raise UserError("must be positive", field="--tick")
    try:
        import apscheduler  # noqa: F401
        import prometheus_client  # noqa: F401
    except ImportError as e:
        raise UserError(f"monitor serve needs {e.name}: pip install 'emaudit[monitor]' (or use `emaudit monitor "
                        "run` from cron)", field="serve") from None
    engine.progress = False
    server = Server(store_path, engine, tick_s, passes)
    with Store.open(store_path) as store:
        other = take_lock(store, SERVE_LOCK, server.lease_s(), server.holder)
        if other is not None:
            raise UserError(f"another `emaudit monitor serve` holds this store ({other}); stop it, or use "
                            "`emaudit monitor run` from cron instead", path=str(store_path), field="store")
    try:
        asyncio.run(_main(server, host, port))
    finally:
        with Store.open(store_path) as store:
            ms.release_lock(store, SERVE_LOCK, server.holder)
    return 0


async def _main(server: Server, host: str, port: int) -> None:
    from aiohttp import web
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    async def metrics(_: web.Request) -> web.Response:
        body = await asyncio.to_thread(server.read, metrics_text)
        return web.Response(body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})

    async def healthz(_: web.Request) -> web.Response:
        names = await asyncio.to_thread(server.read, ms.monitor_names)
        ok = server.last_error is None
        return web.json_response({"ok": ok, "monitors": len(names), "passes": server.passes,
                                  "last_pass": server.last_pass, "error": server.last_error},
                                 status=200 if ok else 503)

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as e:
        await runner.cleanup()
        raise UserError(f"cannot listen on {host}:{port}: {e.strerror}", field="--port") from None
    bound = site._server.sockets[0].getsockname()[1] if site._server and site._server.sockets else port  # type: ignore[union-attr,attr-defined]
    print(f"emaudit monitor: serving http://{host}:{bound}/metrics and /healthz; a pass every {server.tick_s:g}s",
          file=sys.stderr, flush=True)
    scheduler = AsyncIOScheduler(timezone=timezone.utc)
    # coalesce: windows missed while a pass ran (or the machine slept) make one pass, not a burst;
    # max_instances=1: passes never overlap in this process (the store's locks cover other processes).
    scheduler.add_job(server.tick, "interval", seconds=server.tick_s, next_run_time=datetime.now(timezone.utc),
                      coalesce=True, max_instances=1, misfire_grace_time=None)
    scheduler.add_job(server.heartbeat, "interval", seconds=server.lease_s() / 3, coalesce=True, max_instances=1)
    scheduler.start()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, server.stop.set)
    try:
        await server.stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        await runner.cleanup()
