"""The OpenAI-compatible provider against a real server on 127.0.0.1 (emaudit.testing.fake_openai)."""

from __future__ import annotations

import asyncio
import math

import pytest

from emaudit.errors import ModelError, UserError
from emaudit.models import ChatRequest, GenerationConfig, get_model
from emaudit.models.openai_api import parse_retry_after
from emaudit.testing.fake_openai import Rule

SECRET = "sk-test-DO-NOT-LEAK-1234567890"


def _ask(model, text: str = "hello there", config: GenerationConfig | None = None, n: int = 1):
    async def go():
        try:
            return (await model.generate([ChatRequest.from_messages([{"role": "user", "content": text}],
                                                                     config, n)]))[0]
        finally:
            await model.aclose()
    return asyncio.run(go())


def test_generation_settings_reach_the_server(fake_openai):
    model = get_model("openai-api/fake/some-model")
    config = GenerationConfig(temperature=0.3, top_p=0.9, max_tokens=17, seed=42, logprobs=True,
                              top_logprobs=4, stop=("END",))
    response = _ask(model, "say hi", config, n=3)
    body = fake_openai.stats()["bodies"][-1]
    assert body["model"] == "some-model"
    assert body["messages"] == [{"role": "user", "content": "say hi"}]
    assert (body["n"], body["seed"], body["logprobs"], body["top_logprobs"]) == (3, 42, True, 4)
    assert (body["temperature"], body["top_p"], body["max_tokens"], body["stop"]) == (0.3, 0.9, 17, ["END"])
    assert [c.text for c in response.choices] == ["say hi"] * 3
    assert response.usage.prompt_tokens == 2 and response.usage.completion_tokens == 6


def test_defaults_leave_optional_fields_out(fake_openai):
    _ask(get_model("openai-api/fake/m"))
    body = fake_openai.stats()["bodies"][-1]
    assert not {"n", "seed", "logprobs", "top_logprobs", "stop"} & body.keys()


def test_top_logprobs_are_parsed_per_position(fake_openai):
    fake_openai.config.rules = [Rule(contains="judge me", score=70)]
    response = _ask(get_model("openai-api/fake/judge"), "judge me", GenerationConfig(logprobs=True, top_logprobs=5))
    (position,) = response.choices[0].logprobs
    assert response.choices[0].text == "70" and position.token == "70"
    tops = {t.token: math.exp(t.logprob) for t in position.top}
    assert set(tops) == {"70", "80", "60", "75", "65"}
    assert tops["70"] == pytest.approx(0.6)

    echo = _ask(get_model("openai-api/fake/m"), "two words", GenerationConfig(logprobs=True, top_logprobs=2))
    assert [p.token for p in echo.choices[0].logprobs] == ["two", "words"]
    assert [len(p.top) for p in echo.choices[0].logprobs] == [2, 2]


@pytest.mark.parametrize(("status", "retryable"), [(429, True), (500, True), (503, True), (400, False),
                                                   (404, False)])
def test_http_errors_map_to_model_errors(fake_openai, status, retryable):
    fake_openai.config.retry_after = 7
    fake_openai.config.schedule = [status]
    fake_openai.reset()
    with pytest.raises(ModelError) as info:
        _ask(get_model("openai-api/fake/m"))
    assert info.value.status == status
    assert info.value.retryable is retryable
    assert str(status) in str(info.value) and "\n" not in str(info.value)
    if status == 429:
        assert info.value.retry_after == 7


def test_unreachable_server_is_a_retryable_one_line_error(monkeypatch):
    monkeypatch.setenv("GONE_BASE_URL", "http://127.0.0.1:9/v1")
    with pytest.raises(ModelError) as info:
        _ask(get_model("openai-api/gone/m"))
    assert info.value.retryable
    assert "cannot reach http://127.0.0.1:9/v1" in str(info.value) and "\n" not in str(info.value)


def test_missing_base_url_names_the_variable(monkeypatch):
    monkeypatch.delenv("MY_VLLM_BASE_URL", raising=False)
    with pytest.raises(UserError, match="MY_VLLM_BASE_URL"):
        get_model("openai-api/my-vllm/qwen")
    with pytest.raises(UserError, match="<service>/<model>"):
        get_model("openai-api/onlyservice")


def test_openai_needs_a_key_unless_pointed_elsewhere(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(UserError, match="OPENAI_API_KEY"):
        get_model("openai/gpt-4o-mini")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    model = get_model("openai/gpt-4o-mini")
    assert model.endpoint == "https://api.openai.com/v1"
    assert model.supports_n and model.supports_logprobs and model.batch_size == 1


def test_api_key_is_sent_but_never_shown(fake_openai, monkeypatch):
    fake_openai.config.api_key = SECRET
    monkeypatch.setenv("FAKE_API_KEY", SECRET)
    model = get_model("openai-api/fake/m")
    assert _ask(model, "ok").choices[0].text == "ok"
    shown = f"{model!r} {model} {model.describe()} {model.endpoint} {model.name}"
    assert SECRET not in shown
    assert model.describe() == {"name": "openai-api/fake/m", "provider": "openai-api", "model": "m",
                                "base_url": fake_openai.base_url, "service": "fake"}

    monkeypatch.setenv("FAKE_API_KEY", "wrong-key")
    with pytest.raises(ModelError) as info:
        _ask(get_model("openai-api/fake/m"))
    assert info.value.status == 401 and not info.value.retryable
    assert "FAKE_API_KEY" in str(info.value) and "wrong-key" not in str(info.value)


def test_credentials_in_the_url_are_not_shown(fake_openai, monkeypatch):
    monkeypatch.setenv("FAKE_BASE_URL", fake_openai.base_url.replace("http://", "http://user:s3cret-pw@"))
    model = get_model("openai-api/fake/m")
    assert "s3cret-pw" not in f"{model!r} {model.describe()} {model.endpoint}"
    assert _ask(model, "ok").choices[0].text == "ok"
    monkeypatch.setenv("FAKE_API_KEY", SECRET)
    with pytest.raises(UserError, match="FAKE_BASE_URL holds a user:password and FAKE_API_KEY is set"):
        get_model("openai-api/fake/m")


def test_openai_base_url_is_honoured(fake_openai, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    assert _ask(get_model("openai/gpt-x"), "routed").choices[0].text == "routed"
    assert fake_openai.stats()["bodies"][-1]["model"] == "gpt-x"


def test_retry_after_forms():
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None
