"""Which endpoint each call goes to, for a model served by several (``models.pool.EndpointPool``).

The scheduler routes each call through a ``Router``: the least-loaded live endpoint with a free slot
of its own ``ConcurrencyLimit`` (fixed or adaptive, per endpoint, as for a single server). An endpoint that refuses connections, or fails
``DROP_AFTER`` calls in a row with 5xx or timeouts, is dropped and probed (``GET /models``) with
back-off until it answers again; when every endpoint has been down for ``down_grace_s`` the run stops
with ``EndpointsDown`` (one line, exit 2; what was answered is already saved).
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field

from ..errors import ModelError, UserError
from ..models.base import Model
from .limits import ConcurrencyLimit

DROP_AFTER = 3             # 5xx or timeouts in a row that drop an endpoint (a refused connection drops at once)
PROBE_FIRST_S = 0.5        # first wait before probing a dropped endpoint; doubled per failed probe
PROBE_MAX_S = 30.0
PROBE_TIMEOUT_S = 5.0


class EndpointsDown(UserError):
    """Every endpoint of a pool stayed down longer than the run waits for one to come back."""


@dataclass
class Route:
    """One endpoint as the scheduler sees it: the model to call, its limit, its health."""

    model: Model
    limit: ConcurrencyLimit
    alive: bool = True
    failures: int = 0          # 5xx and timeouts in a row
    reason: str = ""
    backoff_s: float = PROBE_FIRST_S
    probe: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return self.model.endpoint

    def load(self) -> float:
        return self.limit.in_flight / max(1, self.limit.limit)

    def free(self) -> bool:
        return self.alive and self.limit.has_room()


class Router:
    """Chooses the endpoint of each call: the one route of a plain model, or the least-loaded live
    member of a pool. ``acquire`` returns the route and the generation of its limit (for ``on_rate_limited``)."""

    def __init__(self, model: Model, routes: list[Route], *, pooled: bool, down_grace_s: float = 30.0,
                 waiters: list[asyncio.Future[None]] | None = None) -> None:
        self.model = model
        self.routes = routes
        self.pooled = pooled
        self.down_grace_s = down_grace_s
        # Shared by every router of one scheduler: pools whose members are the same servers (a base and its
        # candidate, a judge) hear of each other's releases.
        self._waiters: list[asyncio.Future[None]] = [] if waiters is None else waiters
        self._all_down_since: float | None = None

    async def acquire(self, avoid: Route | None = None) -> tuple[Route, int]:
        """A slot on the least-loaded live endpoint; ``avoid`` (the one a call just failed on) only when no
        other has room."""
        if not self.pooled:
            route = self.routes[0]
            return route, await route.limit.acquire()
        while True:
            free = [r for r in self.routes if r.free()]
            if len(free) > 1 and avoid in free:
                free.remove(avoid)
            if free:
                route = min(free, key=Route.load)
                return route, await route.limit.acquire()  # a free limit admits at once, without waiting
            wait = 0.25  # a limit's Retry-After pause ends without a release: look again soon
            if not any(r.alive for r in self.routes):
                now = time.monotonic()
                if self._all_down_since is None:
                    self._all_down_since = now
                left = self.down_grace_s - (now - self._all_down_since)
                if left <= 0:
                    raise self._down_error()
                wait = min(wait, left)
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(fut)
            try:
                await asyncio.wait_for(fut, wait)
            except asyncio.TimeoutError:
                pass
            finally:
                if fut in self._waiters:
                    self._waiters.remove(fut)

    def release(self, route: Route) -> None:
        route.limit.release()
        self._wake()

    def succeeded(self, route: Route) -> None:
        route.failures = 0
        route.backoff_s = PROBE_FIRST_S  # a flapping endpoint is probed less and less often until it serves

    def failed(self, route: Route, error: BaseException) -> bool:
        """Count a failed call against its endpoint; True when another live endpoint can take it now
        (a refused connection, a 5xx or a timeout says little about the other servers)."""
        if not self.pooled or not isinstance(error, ModelError):
            return False
        if error.kind == "connection":
            self._drop(route, _short(error))
        elif error.kind == "timeout" or (error.status or 0) >= 500:
            route.failures += 1
            if route.failures >= DROP_AFTER:
                self._drop(route, f"{route.failures} failures in a row, the last: {_short(error)}")
        else:
            return False
        return any(r.alive for r in self.routes if r is not route)

    def close(self) -> None:
        for route in self.routes:
            if route.probe is not None:
                route.probe.cancel()

    # -- health ------------------------------------------------------------------------------------
    def _drop(self, route: Route, reason: str) -> None:
        if not route.alive:
            return
        route.alive = False
        route.reason = reason
        left = sum(r.alive for r in self.routes)
        _say(f"{route.endpoint} dropped from {self.model.name} ({reason}); {left} of {len(self.routes)} "
             "endpoints left; probing it again with back-off")
        if route.probe is None or route.probe.done():
            route.probe = asyncio.create_task(self._revive(route))
        self._wake()

    async def _revive(self, route: Route) -> None:
        reach = getattr(route.model, "reach", None)
        while not route.alive:
            await asyncio.sleep(route.backoff_s)
            try:
                if reach is not None:
                    await reach(PROBE_TIMEOUT_S)
            except (UserError, ModelError, OSError, asyncio.TimeoutError):
                route.backoff_s = min(PROBE_MAX_S, route.backoff_s * 2)
                continue
            route.alive = True
            route.failures = 0
            self._all_down_since = None
            _say(f"{route.endpoint} answers again; back in {self.model.name}'s endpoints")
            self._wake()

    def _wake(self) -> None:
        waiters = list(self._waiters)
        self._waiters.clear()
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    def _down_error(self) -> EndpointsDown:
        reasons = "; ".join(f"{r.endpoint}: {r.reason}" for r in self.routes)
        return EndpointsDown(f"all {len(self.routes)} endpoints of {self.model.name} are down ({reasons}); "
                             f"none came back within {self.down_grace_s:g} s; the answers so far are saved: "
                             "run the same command again when a server is back", field="--endpoints")


def _short(error: BaseException) -> str:
    text = str(error)
    return text if len(text) <= 160 else text[:157] + "..."


def _say(message: str) -> None:
    print(f"emaudit: {message}", file=sys.stderr, flush=True)
