"""The scheduler against a real server on 127.0.0.1: retries, limits, timeouts, callbacks."""

from __future__ import annotations

import asyncio

import pytest

from emaudit.engine import Job, Scheduler
from emaudit.errors import ModelError
from emaudit.models import ChatRequest, ChatResponse, Completion, GenerationConfig, Model, Usage, get_model
from emaudit.testing.fake_openai import Rule


def _jobs(count: int, text: str = "q", config: GenerationConfig | None = None) -> list[Job]:
    return [Job(f"k{i}", ChatRequest.from_messages([{"role": "user", "content": f"{text} {i}"}], config))
            for i in range(count)]


class Recorder:
    def __init__(self) -> None:
        self.done: dict[str, ChatResponse] = {}
        self.errors: dict[str, Exception] = {}
        self.order: list[str] = []

    def on_done(self, job: Job, response: ChatResponse) -> None:
        assert job.key not in self.done, "answered twice"
        self.done[job.key] = response
        self.order.append(job.key)

    def on_error(self, job: Job, error: Exception) -> None:
        self.errors[job.key] = error


def _run(scheduler: Scheduler, model: Model, jobs: list[Job], rec: Recorder):
    async def go():
        try:
            return await scheduler.run(model, jobs, rec.on_done, rec.on_error)
        finally:
            await model.aclose()
    return asyncio.run(go())


def fast_scheduler(**kw) -> Scheduler:
    kw.setdefault("backoff_base_s", 0.01)
    return Scheduler(**kw)


def test_every_job_answered_once_with_tokens_counted(fake_openai):
    rec = Recorder()
    stats = _run(fast_scheduler(), get_model("openai-api/fake/m"), _jobs(50, "two words"), rec)
    assert len(rec.done) == 50 and not rec.errors
    assert rec.done["k7"].choices[0].text == "two words 7"
    assert (stats.answered, stats.requests, stats.retries, stats.errors) == (50, 50, 0, 0)
    assert stats.prompt_tokens == 150 and stats.completion_tokens == 150
    usage = stats.tokens_by_model["openai-api/fake/m"]
    assert (usage.prompt_tokens, usage.completion_tokens) == (150, 150)
    assert fake_openai.stats()["chat_requests"] == 50


def test_429_is_retried_after_retry_after(fake_openai):
    fake_openai.config.schedule = [429, 429]
    fake_openai.config.retry_after = 0.3
    fake_openai.reset()
    rec = Recorder()
    stats = _run(fast_scheduler(), get_model("openai-api/fake/m"), _jobs(1), rec)
    assert list(rec.done) == ["k0"] and not rec.errors
    assert stats.retries == 2
    arrivals = fake_openai.stats()["arrivals"]
    assert len(arrivals) == 3
    assert arrivals[1] - arrivals[0] >= 0.3 and arrivals[2] - arrivals[1] >= 0.3  # waited as told


def test_500_is_retried_400_is_not(fake_openai):
    fake_openai.config.rules = [Rule(contains="broken", status=400)]
    fake_openai.config.schedule = [500]
    fake_openai.reset()
    rec = Recorder()
    jobs = [Job("good", ChatRequest.from_messages([{"role": "user", "content": "fine"}])),
            Job("bad", ChatRequest.from_messages([{"role": "user", "content": "broken"}]))]
    stats = _run(fast_scheduler(max_connections=1, adaptive=False), get_model("openai-api/fake/m"), jobs, rec)
    assert list(rec.done) == ["good"]
    error = rec.errors["bad"]
    assert isinstance(error, ModelError) and error.status == 400 and not error.retryable
    assert (stats.retries, stats.errors, stats.answered) == (1, 1, 1)
    assert fake_openai.stats()["statuses"] == {"200": 1, "400": 1, "500": 1}


def test_retries_give_up_with_the_last_error(fake_openai):
    fake_openai.config.schedule = [503] * 10
    fake_openai.reset()
    rec = Recorder()
    stats = _run(fast_scheduler(max_retries=2), get_model("openai-api/fake/m"), _jobs(1), rec)
    assert not rec.done
    assert "HTTP 503" in str(rec.errors["k0"]) and "after 3 attempts" in str(rec.errors["k0"])
    assert fake_openai.stats()["chat_requests"] == 3 and stats.errors == 1


def test_slow_answers_time_out(fake_openai):
    fake_openai.config.rules = [Rule(contains="slow", latency=3.0)]
    rec = Recorder()
    jobs = [Job("slow", ChatRequest.from_messages([{"role": "user", "content": "slow"}])), *_jobs(3)]
    _run(fast_scheduler(timeout_s=0.3, max_retries=1), get_model("openai-api/fake/m"), jobs, rec)
    assert set(rec.done) == {"k0", "k1", "k2"}
    assert "no answer within 0.3 s" in str(rec.errors["slow"])
    assert sum(1 for b in fake_openai.stats()["bodies"] if b["messages"][0]["content"] == "slow") == 2


def test_unreachable_server_reports_one_clear_line(monkeypatch):
    monkeypatch.setenv("GONE_BASE_URL", "http://127.0.0.1:9/v1")
    rec = Recorder()
    _run(fast_scheduler(max_retries=2), get_model("openai-api/gone/m"), _jobs(2), rec)
    assert not rec.done and set(rec.errors) == {"k0", "k1"}
    message = str(rec.errors["k0"])
    assert "cannot reach http://127.0.0.1:9/v1" in message and "after 3 attempts" in message
    assert "\n" not in message


@pytest.mark.parametrize("adaptive", [False, True])
def test_in_flight_never_exceeds_max_connections(fake_openai, adaptive):
    fake_openai.config.latency = 0.02
    rec = Recorder()
    scheduler = fast_scheduler(max_connections=6, adaptive=adaptive, adaptive_start=3, grow_every=2)
    _run(scheduler, get_model("openai-api/fake/m"), _jobs(120), rec)
    assert len(rec.done) == 120
    most = fake_openai.stats()["max_in_flight"]
    assert 2 <= most <= 6
    assert scheduler.limits[fake_openai.base_url].max_in_flight <= 6


def test_adaptive_limit_shrinks_under_429s(fake_openai):
    fake_openai.config.fail_429 = 0.4
    fake_openai.config.retry_after = None
    fake_openai.config.latency = 0.01
    fake_openai.reset()
    rec = Recorder()
    scheduler = fast_scheduler(adaptive=True, adaptive_start=16, max_retries=20, backoff_max_s=0.05)
    _run(scheduler, get_model("openai-api/fake/m"), _jobs(150), rec)
    limit = scheduler.limits[fake_openai.base_url]
    assert len(rec.done) == 150
    assert limit.cuts >= 2 and limit.limit < 16


def test_adaptive_limit_grows_without_errors(fake_openai):
    fake_openai.config.latency = 0.005
    rec = Recorder()
    scheduler = fast_scheduler(adaptive=True, adaptive_start=4, grow_every=5)
    _run(scheduler, get_model("openai-api/fake/m"), _jobs(200), rec)
    limit = scheduler.limits[fake_openai.base_url]
    assert limit.limit > 4 and limit.cuts == 0
    assert fake_openai.stats()["max_in_flight"] > 4


def test_answers_are_delivered_as_they_arrive(fake_openai):
    fake_openai.config.rules = [Rule(contains="slow", latency=0.5)]
    rec = Recorder()
    seen_when_slow_done: list[int] = []

    def on_done(job: Job, response: ChatResponse) -> None:
        if job.key == "slow":
            seen_when_slow_done.append(len(rec.done))
        rec.on_done(job, response)

    jobs = [Job("slow", ChatRequest.from_messages([{"role": "user", "content": "slow"}])), *_jobs(5)]
    model = get_model("openai-api/fake/m")

    async def go():
        try:
            await fast_scheduler().run(model, jobs, on_done, rec.on_error)
        finally:
            await model.aclose()
    asyncio.run(go())
    assert rec.order[-1] == "slow" and seen_when_slow_done == [5]


def test_cancel_leaves_no_half_finished_callbacks(fake_openai):
    fake_openai.config.rules = [Rule(contains="slow", latency=5.0)]
    rec = Recorder()
    jobs = [*_jobs(4), *(Job(f"s{i}", ChatRequest.from_messages([{"role": "user", "content": f"slow {i}"}]))
                         for i in range(4))]
    scheduler = fast_scheduler(max_connections=8, adaptive=False)
    model = get_model("openai-api/fake/m")

    async def go():
        task = asyncio.create_task(scheduler.run(model, jobs, rec.on_done, rec.on_error))
        while len(rec.done) < 4:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await model.aclose()
    asyncio.run(go())
    assert set(rec.done) == {"k0", "k1", "k2", "k3"} and not rec.errors
    assert scheduler.limits[fake_openai.base_url].in_flight == 0


def test_callback_failure_stops_the_run(fake_openai):
    rec = Recorder()

    def on_done(job: Job, response: ChatResponse) -> None:
        if job.key == "k3":
            raise OSError("disk full")
        rec.on_done(job, response)

    model = get_model("openai-api/fake/m")

    async def go():
        try:
            await fast_scheduler(max_connections=1, adaptive=False).run(model, _jobs(20), on_done, rec.on_error)
        finally:
            await model.aclose()
    with pytest.raises(OSError, match="disk full"):
        asyncio.run(go())
    assert set(rec.done) == {"k0", "k1", "k2"}


class BatchModel(Model):
    """A local-style model that answers up to 8 requests per call."""

    batch_size = 8
    max_concurrency = 1

    def __init__(self) -> None:
        self.name = "local/batch"
        self.endpoint = "local"
        self.calls: list[int] = []
        self.active = 0
        self.most_active = 0

    async def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        self.calls.append(len(requests))
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        await asyncio.sleep(0.001)
        self.active -= 1
        return [ChatResponse([Completion(r.messages[-1][1].upper())], Usage(1, 1)) for r in requests]


def test_local_models_get_batches_one_call_at_a_time():
    model = BatchModel()
    rec = Recorder()
    stats = _run(Scheduler(), model, _jobs(20, "abc"), rec)
    assert model.calls == [8, 8, 4] and model.most_active == 1
    assert rec.done["k19"].choices[0].text == "ABC 19" and stats.answered == 20


def test_stats_merge_keeps_tokens_per_model():
    from emaudit.engine import RunStats

    a = RunStats(requests=2, prompt_tokens=5, completion_tokens=7, tokens_by_model={"m1": Usage(5, 7)})
    b = RunStats(requests=1, prompt_tokens=1, completion_tokens=1, tokens_by_model={"m2": Usage(1, 1)})
    merged = a.merge(b)
    assert merged.requests == 3 and merged.completion_tokens == 8
    assert merged.tokens_by_model == {"m1": Usage(5, 7), "m2": Usage(1, 1)}
