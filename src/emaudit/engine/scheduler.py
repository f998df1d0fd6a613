"""Run many chat requests against one model: concurrency limits, retries, timeouts, batching.

The caller gets each answer through ``on_done`` the moment it arrives and writes it (synchronously)
to its store, so an interrupted run loses nothing that was answered and pays for nothing twice.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..errors import HELD_ELSEWHERE, ModelError
from ..models.base import ChatRequest, ChatResponse, Model, Usage
from ..models.pool import CHOSEN
from .endpoints import Route, Router
from .limits import DEFAULT_ADAPTIVE_MAX, DEFAULT_START, ConcurrencyLimit
from .progress import Progress, ProgressBar
from .retry import RetryPolicy, is_rate_limit, is_server_trouble


@dataclass(frozen=True)
class Job:
    key: str                # stable key; what on_done/on_error report back
    request: ChatRequest


@dataclass
class RunStats:
    """What a run cost. ``requests`` counts requests sent, retries included; ``errors`` jobs that failed for good."""

    requests: int = 0
    retries: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    wall_s: float = 0.0
    answered: int = 0
    tokens_by_model: dict[str, Usage] = field(default_factory=dict)
    tokens_estimated: bool = False  # some server counted only the first of several choices

    def merge(self, other: RunStats) -> RunStats:
        """The totals of two runs (e.g. subject and judge); wall time adds up."""
        merged = RunStats(
            self.requests + other.requests, self.retries + other.retries, self.errors + other.errors,
            self.prompt_tokens + other.prompt_tokens, self.completion_tokens + other.completion_tokens,
            self.wall_s + other.wall_s, self.answered + other.answered,
            {k: Usage(v.prompt_tokens, v.completion_tokens) for k, v in self.tokens_by_model.items()},
        )
        for name, usage in other.tokens_by_model.items():
            mine = merged.tokens_by_model.setdefault(name, Usage())
            mine.prompt_tokens += usage.prompt_tokens
            mine.completion_tokens += usage.completion_tokens
        return merged


OnDone = Callable[[Job, ChatResponse], None]
OnError = Callable[[Job, Exception], None]

if sys.version_info >= (3, 11):
    _timeout = asyncio.timeout
else:  # pragma: no cover - 3.10
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def _timeout(delay: float | None):  # type: ignore[no-untyped-def]
        if delay is None:
            yield
            return
        task = asyncio.current_task()
        assert task is not None
        handle = asyncio.get_running_loop().call_later(delay, task.cancel)
        try:
            yield
        except asyncio.CancelledError:
            raise TimeoutError from None
        finally:
            handle.cancel()


class Scheduler:
    """One per process run; holds the concurrency limit of every endpoint it has called.

    ``max_connections`` caps calls in flight per endpoint. With ``adaptive`` the limit starts at
    ``min(adaptive_start, max_connections)`` and moves between 1 and ``max_connections`` (256 when
    not given); without it the limit is ``max_connections`` (32 when not given) throughout.
    A model may carry ``max_concurrency`` (e.g. 1 for a local model) to cap its endpoint further.
    A model with ``members`` (``models.pool.EndpointPool``) is spread over its members' endpoints, each with
    its own limit; ``endpoints_wait_s`` is how long a run waits for one to come back when all are down.
    """

    def __init__(self, *, max_connections: int | None = None, adaptive: bool = True, max_retries: int = 6,
                 timeout_s: float = 120.0, progress: Progress | None = None, backoff_base_s: float = 1.0,
                 backoff_max_s: float = 60.0, adaptive_start: int = DEFAULT_START, grow_every: int = 10,
                 endpoints_wait_s: float = 30.0) -> None:
        if max_connections is not None and max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.max_connections = max_connections
        self.adaptive = adaptive
        self.timeout_s = timeout_s
        self.progress = progress
        self.retry = RetryPolicy(max_retries=max_retries, base_s=backoff_base_s, max_s=backoff_max_s)
        self.adaptive_start = adaptive_start
        self.grow_every = grow_every
        self.endpoints_wait_s = endpoints_wait_s
        self._route_waiters: list[asyncio.Future[None]] = []
        self.limits: dict[str, ConcurrencyLimit] = {}
        self.speeds: dict[str, EndpointSpeed] = {}

    def speed_of(self, endpoint: str) -> EndpointSpeed:
        return self.speeds.setdefault(endpoint, EndpointSpeed())

    def timeout_for(self, endpoint: str, requests: Sequence[ChatRequest]) -> float:
        """The configured timeout, or longer where the longest answer asked for takes longer at the
        endpoint's measured tokens per second (so a slow server's long answers are not cut and re-queued)."""
        tokens = max((r.config.max_tokens for r in requests), default=0)
        return max(self.timeout_s, self.speed_of(endpoint).seconds_for(tokens))

    def limit_for(self, endpoint: str, cap: int | None = None) -> ConcurrencyLimit:
        limit = self.limits.get(endpoint)
        if limit is None:
            if self.adaptive:
                top = self.max_connections or DEFAULT_ADAPTIVE_MAX
                if cap:
                    top = min(top, cap)
                limit = ConcurrencyLimit(min(self.adaptive_start, top), adaptive=True, max_limit=top,
                                         grow_every=self.grow_every)
            else:
                fixed = self.max_connections or 32
                limit = ConcurrencyLimit(min(fixed, cap) if cap else fixed)
            self.limits[endpoint] = limit
        return limit

    def router_for(self, model: Model) -> Router:
        """The endpoints ``model``'s calls go to: its own, or each member's of a pool."""
        members = getattr(model, "members", None)
        if not members:
            return Router(model, [Route(model, self.limit_for(model.endpoint, getattr(model, "max_concurrency", None)))],
                          pooled=False, waiters=self._route_waiters)
        routes = [Route(m, self.limit_for(m.endpoint, getattr(m, "max_concurrency", None))) for m in members]
        return Router(model, routes, pooled=True, down_grace_s=self.endpoints_wait_s, waiters=self._route_waiters)

    async def run(self, model: Model, jobs: Sequence[Job], on_done: OnDone, on_error: OnError) -> RunStats:
        """Answer every job; each ends in exactly one ``on_done`` or ``on_error`` call.

        ``on_error`` gets the final ``ModelError`` (or the unexpected exception) of jobs whose retries
        ran out or whose error cannot be retried. Exceptions raised by the callbacks stop the run.
        """
        started = time.perf_counter()
        stats = RunStats()
        usage = stats.tokens_by_model.setdefault(model.name, Usage())
        router = self.router_for(model)
        for route in router.routes:
            await _fit_capacity(route.model, route.limit, jobs)
        size = max(1, int(getattr(model, "batch_size", 1) or 1))
        # Counted in answers (a request may ask for n samples), not in requests or batches.
        bar = self.progress.bar(model.name, sum(_items(job) for job in jobs)) if self.progress is not None else None
        call = _Call(self, model, router, stats, usage, bar, on_done, on_error)
        pending: set[asyncio.Task[None]] = set()
        failed: list[asyncio.Task[None]] = []

        def finished(task: asyncio.Task[None]) -> None:
            pending.discard(task)
            if not task.cancelled() and task.exception() is not None:
                failed.append(task)

        try:
            for i in range(0, len(jobs), size):
                route, generation = await router.acquire()
                if failed or call.fatal is not None:
                    router.release(route)
                    break
                task = asyncio.create_task(call.run(list(jobs[i:i + size]), route, generation))
                pending.add(task)
                task.add_done_callback(finished)
            while pending and not failed:
                await asyncio.wait(set(pending), return_when=asyncio.FIRST_EXCEPTION)
            if failed:
                failed[0].result()
        except BaseException:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
            raise
        finally:
            router.close()
            stats.wall_s = time.perf_counter() - started
        return stats


class _Call:
    """The state one ``run`` shares between its in-flight calls."""

    def __init__(self, scheduler: Scheduler, model: Model, router: Router, stats: RunStats,
                 usage: Usage, bar: ProgressBar | None, on_done: OnDone, on_error: OnError) -> None:
        self.scheduler = scheduler
        self.model = model
        self.router = router
        self.stats = stats
        self.usage = usage
        self.bar = bar
        self.on_done = on_done
        self.on_error = on_error
        self.fatal: BaseException | None = None  # a callback failed: start nothing new
        self.partial = 0  # answers a local model reported finished within the batch it is computing
        if bar is not None and hasattr(model, "progress_hook"):
            model.progress_hook = self._advance_partial

    def _advance_partial(self, count: int) -> None:
        self.partial += count
        if self.bar is not None:
            self.bar.advance(count)

    async def run(self, batch: list[Job], route: Route, generation: int) -> None:
        """Called holding one slot of ``route``'s limit; gives it back when done and while waiting to retry."""
        try:
            await self._attempts(batch, route, generation)
        except Exception as exc:
            if self.fatal is None:
                self.fatal = exc
            raise

    async def _attempts(self, batch: list[Job], route: Route, generation: int) -> None:
        scheduler, router, stats = self.scheduler, self.router, self.stats
        requests = [job.request for job in batch]
        attempt = 0
        failovers = 0  # immediate retries on another endpoint of a pool after a failure on this one
        holding = True
        try:
            while True:
                self.partial = 0
                stats.requests += len(batch)
                sent = time.perf_counter()
                try:
                    # A local model computes in a thread that a timeout could not stop: no timeout there.
                    timeout = (None if getattr(self.model, "runs_locally", False)
                               else scheduler.timeout_for(route.endpoint, requests))
                    chosen = CHOSEN.set(route.model if router.pooled else None)
                    try:
                        async with _timeout(timeout):
                            responses = await self.model.generate(requests)
                    finally:
                        CHOSEN.reset(chosen)
                    if len(responses) != len(batch):
                        raise ModelError(f"{self.model.name} returned {len(responses)} answers "
                                         f"for {len(batch)} requests")
                except Exception as exc:  # noqa: BLE001 - every failure becomes on_error or a retry
                    error = _as_model_error(exc, timeout or scheduler.timeout_s)
                    limit = route.limit
                    if isinstance(error, ModelError) and is_rate_limit(error):
                        limit.on_rate_limited(generation, error.retry_after)
                    elif isinstance(exc, TimeoutError):
                        # A request that waited too long sat in the server's queue: too many in flight, as a 429.
                        limit.on_rate_limited(generation)
                    elif is_server_trouble(error):
                        limit.on_server_error()
                    router.release(route)
                    holding = False
                    if router.failed(route, error) and failovers < 2 * len(router.routes):
                        failovers += 1
                        stats.retries += 1
                        route, generation = await router.acquire(avoid=route)
                        holding = True
                        continue
                    if scheduler.retry.should_retry(error, attempt):
                        delay = scheduler.retry.delay(attempt, getattr(error, "retry_after", None))
                        attempt += 1
                        stats.retries += 1
                        await asyncio.sleep(delay)
                        route, generation = await router.acquire()
                        holding = True
                        continue
                    if attempt and isinstance(error, ModelError):
                        error = ModelError(f"{error} (gave up after {attempt + 1} attempts)",
                                           retryable=error.retryable, status=error.status,
                                           retry_after=error.retry_after, kind=error.kind)
                    self._fail(batch, error)
                    return
                limit = route.limit
                limit.on_success()
                router.succeeded(route)
                latency = time.perf_counter() - sent
                speed = scheduler.speed_of(route.endpoint)
                slowdown = speed.queueing(responses, latency, limit.capacity_known)
                if slowdown:  # latency grew far past the best seen: a queue formed; what it serves at once
                    limit.on_queueing(generation, max(1, int(limit.in_flight / slowdown)))
                self._deliver(batch, responses, latency)
                return
        finally:
            if holding:
                router.release(route)

    def _deliver(self, batch: list[Job], responses: list[ChatResponse], latency: float) -> None:
        tokens = 0
        for job, response in zip(batch, responses, strict=True):
            if not response.latency_s:
                response.latency_s = latency
            self.stats.prompt_tokens += response.usage.prompt_tokens
            self.stats.completion_tokens += response.usage.completion_tokens
            self.usage.prompt_tokens += response.usage.prompt_tokens
            self.usage.completion_tokens += response.usage.completion_tokens
            tokens += response.usage.completion_tokens
            self.stats.tokens_estimated = self.stats.tokens_estimated or response.usage.estimated
            self.on_done(job, response)
            self.stats.answered += 1
        if self.bar is not None:
            self.bar.advance(sum(_items(job) for job in batch) - self.partial, tokens)

    def _fail(self, batch: list[Job], error: Exception) -> None:
        for job in batch:
            self.stats.errors += 1
            self.on_error(job, error)
        if self.bar is not None:
            count = sum(_items(job) for job in batch) - self.partial
            if isinstance(error, ModelError) and error.kind == HELD_ELSEWHERE:
                self.bar.advance(count)  # another process does it: progress, not an error
            else:
                self.bar.error(count)


def _items(job: Job) -> int:
    return max(1, int(getattr(job.request, "n", 1) or 1))


class EndpointSpeed:
    """Seconds per generated token at one endpoint: the best seen (a free server) and a running average."""

    QUEUE_FACTOR = 3.0   # latency per token this many times the best means requests wait in a queue
    MIN_SAMPLES = 8
    PACE_TOKENS = 16

    def __init__(self) -> None:
        self.best: float | None = None      # both over answers of at least PACE_TOKENS tokens: shorter
        self.average: float | None = None   # answers measure the overhead, not the pace
        self.paced = 0

    def observe(self, responses: Sequence[ChatResponse], latency: float) -> float | None:
        """Seconds per token of this answer, or None when it is too short to measure the pace."""
        tokens = max((r.usage.completion_tokens / max(1, len(r.choices)) for r in responses), default=0.0)
        if latency <= 0 or tokens < self.PACE_TOKENS:
            return None
        per_token = latency / tokens
        self.paced += 1
        self.best = per_token if self.best is None else min(self.best, per_token)
        self.average = per_token if self.average is None else 0.8 * self.average + 0.2 * per_token
        return per_token

    def queueing(self, responses: Sequence[ChatResponse], latency: float, capacity_known: bool) -> float:
        """How many times slower than the best this answer came, when that means a queue (else 0)."""
        per_token = self.observe(responses, latency)
        if capacity_known or per_token is None or self.best is None or self.paced < self.MIN_SAMPLES:
            return 0.0
        slowdown = per_token / self.best
        return slowdown if slowdown > self.QUEUE_FACTOR and latency > 0.25 else 0.0

    def seconds_for(self, tokens: int) -> float:
        """A generous time for ``tokens`` at the measured pace (twice the average, plus ten seconds)."""
        if self.average is None or self.paced < 3:
            return 0.0
        return 2.0 * tokens * self.average + 10.0


async def _fit_capacity(model: Model, limit: ConcurrencyLimit, jobs: Sequence[Job]) -> None:
    """Where the server says how many sequences it computes at once, never keep more in flight."""
    capacity = getattr(model, "capacity", None)
    if capacity is None or not jobs:
        return
    try:
        slots = await capacity()
    except Exception:  # noqa: BLE001 - a server that cannot say keeps the adaptive limit
        return
    if slots:
        widest = max(job.request.n for job in jobs)
        limit.fit(max(1, slots // max(1, widest)))


def _as_model_error(exc: Exception, timeout_s: float) -> Exception:
    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, TimeoutError):
        return ModelError(f"no answer within {timeout_s:g} s", retryable=True, kind="timeout")
    return exc
