"""Work shared by several processes on one store: each request is sent only once its keys are leased here.

The lease is taken just before the request goes out (not when the pass starts), so concurrent workers
split the work between them; what another live worker holds is skipped, then waited for at the end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from ..engine import Job, Scheduler
from ..errors import HELD_ELSEWHERE, ModelError
from ..models import ChatRequest, ChatResponse, Model
from ..store import Store
from ..store.store import lease_owner

POLL_S = 0.2


def lease_ttl(timeout_s: float, max_retries: int) -> float:
    """Long enough for every attempt and its backoff (retries wait at most a minute each)."""
    return timeout_s * (max_retries + 1) + 60.0 * max_retries + 30.0


class LeasedModel:
    """A model whose ``generate`` first leases the work keys of its requests to this process."""

    def __init__(self, model: Model, store: Store, owner: str, ttl_s: float, keys_of: dict[int, list[str]],
                 done: Callable[[list[str]], bool]) -> None:
        self._model = model
        self._store = store
        self._owner = owner
        self._ttl_s = ttl_s
        self._keys_of = keys_of
        self._done = done

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    async def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        keys = [k for r in requests for k in self._keys_of[id(r)]]
        # Done is checked after the claim: a worker saves its result before it lets go of the lease.
        if not self._store.claim(keys, self._owner, self._ttl_s):
            raise ModelError("in progress in another process", kind=HELD_ELSEWHERE)
        if self._done(keys):
            self._store.release(keys, self._owner)
            raise ModelError("done by another process", kind=HELD_ELSEWHERE)
        return await self._model.generate(requests)


async def run_leased(store: Store, scheduler: Scheduler, model: Model, jobs: Sequence[Job],
                     keys_of_job: dict[str, list[str]], done: Callable[[list[str]], bool],
                     on_done: Callable[[Job, ChatResponse], None],
                     on_error: Callable[[Job, Exception], None]) -> None:
    """``scheduler.run`` with leases: no request is sent for work another live process holds or has done."""
    owner = lease_owner()
    ttl = lease_ttl(scheduler.timeout_s, scheduler.retry.max_retries)
    todo = list(jobs)
    try:
        while todo:
            todo = await _one_round(store, scheduler, model, todo, keys_of_job, done, on_done, on_error, owner, ttl)
    finally:
        # Given back in one statement at the end: a finished job's lease is harmless meanwhile, because
        # every claim checks for the result after taking the lease.
        store.release_all(owner)


async def _one_round(store: Store, scheduler: Scheduler, model: Model, todo: list[Job],
                     keys_of_job: dict[str, list[str]], done: Callable[[list[str]], bool],
                     on_done: Callable[[Job, ChatResponse], None], on_error: Callable[[Job, Exception], None],
                     owner: str, ttl: float) -> list[Job]:
    """Send what this process can lease; return the jobs to try again (others' leases that lapsed)."""
    keys_of = {id(job.request): keys_of_job[job.key] for job in todo}
    elsewhere: list[Job] = []

    def failed(job: Job, error: Exception) -> None:
        if isinstance(error, ModelError) and error.kind == HELD_ELSEWHERE:
            elsewhere.append(job)
            return
        on_error(job, error)

    await scheduler.run(LeasedModel(model, store, owner, ttl, keys_of, done), todo, on_done, failed)  # type: ignore[arg-type]
    # What others hold: wait until they finish it (skip) or their lease lapses (take it over).
    while elsewhere:
        waiting: list[Job] = []
        retry: list[Job] = []
        for job in elsewhere:
            keys = keys_of_job[job.key]
            if done(keys):
                continue
            (waiting if store.leased_by_others(keys, owner) else retry).append(job)
        if retry:
            return retry + waiting
        elsewhere = waiting
        if elsewhere:
            await asyncio.sleep(POLL_S)
    return []
