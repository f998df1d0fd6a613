"""The fake OpenAI server itself: routes, stats, reset, injected failures, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

from emaudit.testing.fake_openai import FakeConfig, FakeOpenAI


def _post(url: str, body: dict | None = None) -> tuple[int, dict, dict]:
    data = json.dumps(body or {}).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read()), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read()), dict(e.headers)


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def _chat(server: FakeOpenAI, text: str, **extra) -> tuple[int, dict, dict]:
    return _post(server.base_url + "/chat/completions",
                 {"model": "m", "messages": [{"role": "user", "content": text}], **extra})


def test_routes_stats_and_reset(fake_openai):
    assert _get(fake_openai.base_url + "/models") == {"object": "list", "data": []}  # answers any model name
    status, body, _ = _chat(fake_openai, "hello", n=2)
    assert status == 200 and [c["message"]["content"] for c in body["choices"]] == ["hello", "hello"]
    _chat(fake_openai, "hello")
    stats = _get(fake_openai.url + "/stats")
    assert stats["chat_requests"] == 2 and stats["max_in_flight"] == 1
    assert stats["counts"] == [{"key": ["m", [{"role": "user", "content": "hello"}]], "count": 2}]
    assert _post(fake_openai.url + "/reset", {"latency": 0.01, "schedule": [500]})[0] == 200
    assert fake_openai.config.latency == 0.01
    assert _get(fake_openai.url + "/stats")["chat_requests"] == 0
    assert _chat(fake_openai, "x")[0] == 500 and _chat(fake_openai, "x")[0] == 200
    assert _post(fake_openai.url + "/reset", {"no_such_setting": 1})[0] == 400


def test_judge_mode_and_429_headers(fake_openai):
    status, body, _ = _chat(fake_openai, "Please rate this answer", logprobs=True, top_logprobs=3)
    choice = body["choices"][0]
    assert choice["message"]["content"].isdigit()
    assert len(choice["logprobs"]["content"][0]["top_logprobs"]) == 3
    fake_openai.config.schedule = [429]
    fake_openai.config.retry_after = 2
    fake_openai.reset()
    status, body, headers = _chat(fake_openai, "x")
    assert status == 429 and headers["Retry-After"] == "2" and body["error"]["type"] == "rate_limit_error"


def test_failure_rates_are_seeded():
    def statuses(seed: int) -> list[int]:
        with FakeOpenAI(FakeConfig(fail_429=0.3, fail_500=0.2, seed=seed)) as server:
            return [_chat(server, "x")[0] for _ in range(40)]
    first = statuses(1)
    assert first == statuses(1) and {200, 429, 500} == set(first)


def test_command_line_server(tmp_path):
    settings = tmp_path / "fake.yaml"
    settings.write_text("rules:\n  - {contains: capital, answer: Paris}\n")
    proc = subprocess.Popen([sys.executable, "-m", "emaudit.testing.fake_openai", "--port", "0", "--latency", "0",
                             "--fail-429", "0", "--fail-500", "0", "--schedule", "503",
                             "--settings", str(settings)], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:") and line.endswith("/v1")
        base = line.split()[-1]
        assert _get(base + "/models")["object"] == "list"
        chat = {"model": "m", "messages": [{"role": "user", "content": "the capital of France?"}]}
        assert _post(base + "/chat/completions", chat)[0] == 503
        status, body, _ = _post(base + "/chat/completions", chat)
        assert status == 200 and body["choices"][0]["message"]["content"] == "Paris"
    finally:
        proc.terminate()
        proc.wait(10)


def test_rules_per_model_that_start_after_some_requests(fake_openai):
    """A model whose answers change once it has served some traffic (the monitor's silent update)."""
    assert _post(fake_openai.url + "/reset", {"rules": [{"contains": "", "model": "prod", "after": 2,
                                                         "answer": "changed"}]})[0] == 200

    def ask(model: str) -> str:
        status, body, _ = _post(fake_openai.base_url + "/chat/completions",
                                {"model": model, "messages": [{"role": "user", "content": "hi"}]})
        assert status == 200
        return body["choices"][0]["message"]["content"]

    assert [ask("prod") for _ in range(3)] == ["hi", "hi", "changed"]
    assert ask("other") == "hi"
    assert _get(fake_openai.url + "/stats")["model_requests"] == {"prod": 3, "other": 1}
