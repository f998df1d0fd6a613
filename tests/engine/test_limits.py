"""The concurrency limit and retry policy on their own."""

from __future__ import annotations

import asyncio
import random

from emaudit.engine import ConcurrencyLimit, RetryPolicy
from emaudit.errors import ModelError


def test_fixed_limit_holds_callers_back():
    async def go():
        limit = ConcurrencyLimit(2)
        running, most = 0, 0

        async def work():
            nonlocal running, most
            await limit.acquire()
            running += 1
            most = max(most, running)
            await asyncio.sleep(0.001)
            running -= 1
            limit.release()
        await asyncio.gather(*(work() for _ in range(20)))
        return most, limit.in_flight
    assert asyncio.run(go()) == (2, 0)


def test_a_burst_of_429s_cuts_once_and_later_ones_cut_again():
    async def go():
        limit = ConcurrencyLimit(20, adaptive=True, max_limit=64)
        generations = [await limit.acquire() for _ in range(10)]
        for g in generations:          # ten calls of the same generation fail together
            limit.on_rate_limited(g)
        assert (limit.limit, limit.cuts) == (16, 1)
        later = await limit.acquire()  # a call started after the cut also fails: cut again
        limit.on_rate_limited(later)
        assert (limit.limit, limit.cuts) == (12, 2)
    asyncio.run(go())


def test_growth_and_server_errors_pausing_it():
    limit = ConcurrencyLimit(4, adaptive=True, max_limit=6, grow_every=2)
    for _ in range(10):
        limit.on_success()
    assert limit.limit == 6                      # grew, capped at max_limit
    limit = ConcurrencyLimit(4, adaptive=True, max_limit=6, grow_every=2, growth_pause_s=60)
    limit.on_server_error()
    for _ in range(10):
        limit.on_success()
    assert limit.limit == 4 and limit.cuts == 0  # a 5xx pauses growth but does not cut


def test_retry_after_holds_new_calls_back():
    async def go():
        limit = ConcurrencyLimit(4, adaptive=True)
        limit.on_rate_limited(limit.generation, retry_after=0.2)
        loop = asyncio.get_running_loop()
        start = loop.time()
        await limit.acquire()
        return loop.time() - start
    assert asyncio.run(go()) >= 0.19


def test_backoff_is_jittered_exponential_with_retry_after_as_floor():
    policy = RetryPolicy(max_retries=3, base_s=1.0, max_s=8.0)
    rng = random.Random(0)
    delays = [policy.delay(a, rng=rng) for a in range(6) for _ in range(50)]
    assert all(0 <= d <= 8.0 for d in delays) and max(delays) > 4
    assert policy.delay(0, retry_after=5.0, rng=rng) >= 5.0
    assert policy.should_retry(ModelError("x", retryable=True), 2)
    assert not policy.should_retry(ModelError("x", retryable=True), 3)
    assert not policy.should_retry(ModelError("x", retryable=False), 0)
    assert not policy.should_retry(ValueError("bug"), 0)
