"""Local servers (llama.cpp-like test server): slots and queues, n caps, usage, context, model names, progress."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys

import pytest
from rich.console import Console

from emaudit.cli import main
from emaudit.engine import Job, Progress, Scheduler
from emaudit.models import ChatRequest, GenerationConfig, get_model
from emaudit.models import server_info as server_info_module
from emaudit.store import Store

SUITE = """name: tiny
questions:
  - id: wish
    paraphrases: ["one two three four five six seven eight nine ten eleven twelve"]
"""


@pytest.fixture
def suite(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(SUITE)
    return str(path)


def _script(fake, **settings):
    fake.config.update(settings)
    fake.reset()


def _jobs(count: int, words: int = 3, max_tokens: int = 600) -> list[Job]:
    config = GenerationConfig(max_tokens=max_tokens)
    return [Job(f"k{i}", ChatRequest.from_messages([{"role": "user", "content": " ".join(["w"] * words) + f" {i}"}],
                                                   config)) for i in range(count)]


def _run(scheduler: Scheduler, spec: str, jobs: list[Job]) -> tuple[dict, dict]:
    done, errors = {}, {}
    model = get_model(spec)

    async def go():
        try:
            await scheduler.run(model, jobs, lambda j, r: done.__setitem__(j.key, r),
                                lambda j, e: errors.__setitem__(j.key, e))
        finally:
            await model.aclose()

    asyncio.run(go())
    return done, errors


def test_default_settings_keep_a_slot_server_busy_without_a_queue(fake_openai):
    _script(fake_openai, slots=4, latency=0.1)
    scheduler = Scheduler()  # the defaults: adaptive, 20 at once to start with
    done, errors = _run(scheduler, "openai-api/fake/m", _jobs(24))
    stats = fake_openai.stats()
    assert len(done) == 24 and not errors
    assert stats["max_in_flight"] <= 4 and stats["max_queue"] == 0
    assert stats["cancelled_tasks"] == 0
    assert scheduler.limits[next(iter(scheduler.limits))].limit == 4


def test_a_queue_timeout_shrinks_the_limit_like_a_429(fake_openai):
    # A queue the server does not advertise: 20 requests at once against 2 slots time out while queued.
    _script(fake_openai, slots=2, latency=0.15, advertise_slots=False)
    scheduler = Scheduler(timeout_s=0.5, backoff_base_s=0.01, backoff_max_s=0.05, max_retries=30)
    done, errors = _run(scheduler, "openai-api/fake/m", _jobs(30))
    limit = next(iter(scheduler.limits.values()))
    assert len(done) == 30 and not errors
    assert limit.cuts >= 2 and limit.limit < 20


def test_latency_growth_reveals_a_queue_nobody_advertises(fake_openai):
    _script(fake_openai, slots=2, latency=0.15, advertise_slots=False)
    scheduler = Scheduler(timeout_s=60)
    done, errors = _run(scheduler, "openai-api/fake/m", _jobs(60, words=20))  # long enough to measure the pace
    limit = next(iter(scheduler.limits.values()))
    assert len(done) == 60 and not errors
    assert limit.cuts >= 1 and limit.limit <= 10  # queued answers took far longer per token than the first ones


def test_the_timeout_grows_with_max_tokens_at_the_measured_pace(fake_openai):
    _script(fake_openai, slots=8, token_latency=0.01)
    scheduler = Scheduler(timeout_s=0.5, max_retries=0)
    warm, _ = _run(scheduler, "openai-api/fake/m", _jobs(4, words=20, max_tokens=30))  # 0.2 s each: the pace
    assert len(warm) == 4
    done, errors = _run(scheduler, "openai-api/fake/m", _jobs(2, words=80, max_tokens=100))  # 0.8 s > 0.5 s
    assert len(done) == 2 and not errors
    assert scheduler.timeout_for(f"http://127.0.0.1:{fake_openai.port}/v1",
                                 [_jobs(1, max_tokens=100)[0].request]) > 1.0


def test_n_above_the_server_cap_is_lowered_once_and_remembered(fake_openai, tmp_path, suite, capsys):
    _script(fake_openai, max_n=4)
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/fake/m", "--suite", suite,
               "--samples", "10", "--run", "g", "--n-per-request", "6", "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 0
    assert err.count("takes at most n=4 choices per request") == 1
    bodies = fake_openai.stats()["bodies"]
    assert sum(1 for b in bodies if b.get("n", 1) > 4) == 1  # only the first request asked too much
    with Store.open(tmp_path / "s.db") as store:
        assert len(store.answers(store.get_run("g"))) == 10


def test_judge_samples_above_the_cap_work(fake_openai, tmp_path, suite, capsys):
    db = str(tmp_path / "s.db")
    assert main(["--store", db, "generate", "--model", "mock/echo", "--suite", suite, "--samples", "2",
                 "--run", "g", "--no-progress"]) == 0
    _script(fake_openai, max_n=2, judge_score=70)
    rc = main(["--store", db, "rescore", "g", "--judge", "openai-api/fake/judge", "--judge-mode", "text",
               "--judge-samples", "5", "--no-progress", "--json", "--no-judge-selftest"])
    assert rc in (0, 2)  # one model only: rates, no verdict
    with Store.open(db) as store:
        judged = store.judgements(store.get_run("g"))
    assert judged and all(j.score == 70 and j.mode == "text" for j in judged)
    bodies = fake_openai.stats()["bodies"]
    assert sum(1 for b in bodies if b.get("n", 1) > 2) <= 2  # the calls in flight before the cap was learned
    assert all(b.get("n", 1) <= 2 for b in bodies[-4:])


def test_a_slot_server_gets_one_sample_per_request_and_no_queue(fake_openai, tmp_path, suite):
    _script(fake_openai, slots=3, latency=0.05)
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/fake/m", "--suite", suite,
               "--samples", "12", "--run", "g", "--no-progress"])
    stats = fake_openai.stats()
    assert rc == 0
    assert {b.get("n", 1) for b in stats["bodies"]} == {1}
    assert stats["max_in_flight"] <= 3 and stats["cancelled_tasks"] == 0


def test_usage_of_the_first_choice_only_is_counted_per_choice(fake_openai):
    _script(fake_openai, slots=4, usage_first_choice_only=True)
    model = get_model("openai-api/fake/m")
    words = "alpha beta gamma delta"

    async def go(config):
        try:
            await model.server_info()
            [response] = await model.generate([ChatRequest.from_messages([{"role": "user", "content": words}],
                                                                         config, n=3)])
            return response
        finally:
            await model.aclose()

    estimated = asyncio.run(go(GenerationConfig()))
    assert estimated.usage.completion_tokens == 3 * 4 and estimated.usage.estimated
    counted = asyncio.run(go(GenerationConfig(logprobs=True, top_logprobs=1)))
    assert counted.usage.completion_tokens == 3 * 4 and not counted.usage.estimated


def test_a_model_the_server_does_not_serve_stops_before_any_request(fake_openai, tmp_path, suite, capsys):
    _script(fake_openai, served_models=["qwen2.5-7b"], strict_models=True)
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/fake/qwen-typo",
               "--suite", suite, "--samples", "2", "--run", "g", "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "model 'qwen-typo' is not served at" in err and "qwen2.5-7b" in err
    assert fake_openai.stats()["chat_requests"] == 0


def test_llama_cpp_serves_any_name_and_its_context_caps_answers(fake_openai, tmp_path, suite, capsys):
    _script(fake_openai, slots=2, served_models=["smollm2.gguf"], n_ctx=20)
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/fake/other",
               "--suite", suite, "--samples", "2", "--run", "g", "--max-tokens", "600", "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 0
    assert "llama.cpp answers with the model it loaded (smollm2.gguf)" in err
    assert "context of 20 tokens per slot" in err and "max_tokens=600" in err
    with Store.open(tmp_path / "s.db") as store:
        answers = store.answers(store.get_run("g"))
    assert {a.finish_reason for a in answers} == {"length"}  # 12 prompt words leave room for 8


def test_a_judge_prompt_longer_than_the_context_is_announced(fake_openai, tmp_path, suite, capsys):
    db = str(tmp_path / "s.db")
    assert main(["--store", db, "generate", "--model", "mock/echo", "--suite", suite, "--samples", "1",
                 "--run", "g", "--no-progress"]) == 0
    _script(fake_openai, slots=2, n_ctx=40)
    main(["--store", db, "rescore", "g", "--judge", "openai-api/fake/judge", "--no-progress", "--no-judge-selftest"])
    err = capsys.readouterr().err
    assert "longest judge prompt is about" in err and "will fail with HTTP 400" in err


def test_progress_lines_without_a_terminal():
    out = io.StringIO()
    progress = Progress(console=Console(file=out), every_s=0.1)
    assert not progress.enabled
    model = get_model("mock/echo")

    class Slow:
        name, endpoint, batch_size, supports_n = model.name, "slow", 1, True

        async def generate(self, requests):
            await asyncio.sleep(0.05)
            return await model.generate(requests)

    with progress:
        asyncio.run(Scheduler(progress=progress, max_connections=1).run(
            Slow(), _jobs(8), lambda j, r: None, lambda j, e: None))  # type: ignore[arg-type]
    lines = out.getvalue().splitlines()
    assert lines and all(line.startswith("mock/echo: ") and "/8 done, 0 errors" in line for line in lines)


def test_generate_prints_progress_lines_when_piped(fake_openai, tmp_path, suite):
    _script(fake_openai, latency=0.1)
    env = dict(os.environ, FAKE_BASE_URL=fake_openai.base_url, EMAUDIT_PROGRESS_EVERY_S="0.2",
               PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([sys.executable, "-m", "emaudit.cli", "--store", str(tmp_path / "s.db"), "generate",
                           "--model", "openai-api/fake/m", "--suite", suite, "--samples", "6", "--run", "g",
                           "--max-connections", "1", "--no-adaptive", "--n-per-request", "1"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "openai-api/fake/m: " in proc.stderr and "/6 done" in proc.stderr


@pytest.mark.parametrize("message,cap", [
    ("Field 'n': Value must be between 1 <= value <= 4, but got 6", 4),   # llama.cpp
    ("n must be 1 when using greedy sampling", 1),                           # vLLM
    ("Only n=1 is supported", 1),
    ("'n' must be at most 3", 3),
    ("max_tokens must be at least 1", None),                                 # not about n
    ("the request exceeds the available context size (512 tokens), try increasing it", None),
])
def test_the_cap_a_400_names(message, cap):
    assert server_info_module.n_cap_from_error(message, asked=6) == cap

