"""How many calls may be in flight to one endpoint: a fixed or adaptive limit.

Adaptive mode (AIMD, as inspect's adaptive connections): start around 20, cut the limit x0.8 on a
429 (at most once per "generation" of calls, so a burst of 429s from calls already in flight counts
once), grow by +1 after every ``grow_every`` successes, pause growth for a while after a 5xx, and
hold every new call back until a server's ``Retry-After`` has passed. Until the first 429 the limit
grows by +1 per success (TCP's slow start), so a server that never pushes back is used fully soon.
"""

from __future__ import annotations

import asyncio
import collections
import time

DEFAULT_START = 20
DEFAULT_ADAPTIVE_MAX = 256


class ConcurrencyLimit:
    """An async semaphore whose size can change while calls are in flight."""

    def __init__(self, limit: int, *, adaptive: bool = False, min_limit: int = 1,
                 max_limit: int | None = None, decrease: float = 0.8, grow_every: int = 10,
                 growth_pause_s: float = 5.0) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.adaptive = adaptive
        self.min_limit = max(1, min_limit)
        self.max_limit = max(limit, max_limit or limit)
        self._limit = float(limit)
        self.decrease = decrease
        self.grow_every = max(1, grow_every)
        self.growth_pause_s = growth_pause_s
        self.in_flight = 0
        self.max_in_flight = 0
        self.cuts = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._successes = 0
        self._generation = 0          # bumped on every cut; calls remember the generation they started in
        self._resume_at = 0.0         # monotonic time before which no new call starts (Retry-After)
        self._no_growth_until = 0.0
        self._slow_start = True       # until the first 429
        self.capacity_known = False   # the server said how many calls it computes at once

    def fit(self, capacity: int) -> None:
        """The server computes ``capacity`` calls at once: hold the limit there (more would only queue)."""
        self.capacity_known = True
        self.max_limit = max(1, min(capacity, self.max_limit))
        self._limit = float(self.max_limit)
        self._slow_start = False
        self._wake()

    @property
    def limit(self) -> int:
        return max(self.min_limit, int(self._limit))

    def has_room(self) -> bool:
        """Whether ``acquire`` would admit a call now, without waiting."""
        return self.in_flight < self.limit and not self._waiters and self._resume_at <= time.monotonic()

    @property
    def generation(self) -> int:
        return self._generation

    async def acquire(self) -> int:
        """Wait for a free slot; returns the generation the call starts in (pass it to ``on_rate_limited``)."""
        woken = False
        while True:
            delay = self._resume_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            if self.in_flight < self.limit and (woken or not self._waiters):
                break
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            if woken:
                self._waiters.appendleft(fut)  # the limit shrank after we were woken: stay first in line
            else:
                self._waiters.append(fut)
            try:
                await fut
            except BaseException:
                if fut in self._waiters:
                    self._waiters.remove(fut)
                elif fut.done() and not fut.cancelled():
                    self._wake()  # we were handed a slot we will not use; pass it on
                raise
            woken = True
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        return self._generation

    def release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        free = self.limit - self.in_flight
        while free > 0 and self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(None)
                free -= 1

    def on_success(self) -> None:
        if not self.adaptive or self._limit >= self.max_limit:
            return
        if time.monotonic() < self._no_growth_until:
            return
        self._successes += 1
        if self._slow_start or self._successes >= self.grow_every:
            self._successes = 0
            self._limit = min(self.max_limit, self._limit + 1)
            self._wake()

    def on_rate_limited(self, generation: int, retry_after: float | None = None) -> None:
        """A 429: cut once per generation and hold new calls back for ``retry_after`` seconds."""
        if retry_after and retry_after > 0:
            self._resume_at = max(self._resume_at, time.monotonic() + retry_after)
        if not self.adaptive or generation < self._generation:
            return
        self._generation += 1
        self._slow_start = False
        self.cuts += 1
        self._successes = 0
        self._limit = max(float(self.min_limit), self._limit * self.decrease)

    def on_queueing(self, generation: int, estimate: int) -> None:
        """Answers slowed down as a queue does: cut to the estimated capacity (at most x0.8), once per
        generation, like a 429 without a Retry-After."""
        if not self.adaptive or generation < self._generation:
            return
        self.on_rate_limited(generation)
        self._limit = max(float(self.min_limit), min(self._limit, float(estimate)))

    def on_server_error(self) -> None:
        """A 5xx or timeout: do not cut, but stop growing for a while."""
        self._successes = 0
        self._no_growth_until = time.monotonic() + self.growth_pause_s
