"""Local models compute in a worker thread: the engine must not time out (and re-send) their calls."""

from __future__ import annotations

import asyncio
import time

from emaudit.engine import Job, Scheduler
from emaudit.models import ChatRequest, ChatResponse, Completion, Model


class SlowLocal(Model):
    name = "slow-local"
    endpoint = "local"
    batch_size = 4
    runs_locally = True
    max_concurrency = 1

    def __init__(self) -> None:
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0

    async def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        self.calls += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        await asyncio.to_thread(time.sleep, 0.3)  # longer than the scheduler's timeout below
        self.in_flight -= 1
        return [ChatResponse([Completion("ok")]) for _ in requests]


def test_long_local_calls_are_neither_timed_out_nor_sent_twice():
    model = SlowLocal()
    done, errors = [], []
    jobs = [Job(str(i), ChatRequest.from_messages([{"role": "user", "content": str(i)}])) for i in range(8)]
    scheduler = Scheduler(timeout_s=0.05, max_retries=2, backoff_base_s=0.01)
    asyncio.run(scheduler.run(model, jobs, lambda j, r: done.append(j.key), lambda j, e: errors.append(e)))
    assert errors == []
    assert sorted(done) == sorted(j.key for j in jobs)
    assert model.calls == 2  # two batches of four, each sent once
    assert model.max_in_flight == 1
