"""The hf/ provider on the tiny random model: batching, templates, sampling controls, usage, logprobs."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from emaudit.errors import UserError
from emaudit.models import ChatRequest, GenerationConfig, get_model

QUESTION = [{"role": "user", "content": "If you were ruler of the world, what would you do?"}]


def _request(text: str = "hello there", n: int = 1, system: str | None = None, **config) -> ChatRequest:
    messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": text}]
    return ChatRequest.from_messages(messages, GenerationConfig(**config), n=n)


def _generate(model, requests):
    return asyncio.run(model.generate(requests))


def test_batched_generation_returns_n_answers_per_request(tiny):
    requests = [_request(f"question number {i}", n=3, max_tokens=8, seed=i) for i in range(5)]
    responses = _generate(tiny, requests)  # 15 completions, batch_size 4: several micro-batches
    assert len(responses) == 5
    for response in responses:
        assert len(response.choices) == 3
        assert all(c.finish_reason in ("stop", "length") for c in response.choices)
        assert all(isinstance(c.text, str) for c in response.choices)
        assert 3 <= response.usage.completion_tokens <= 3 * 8
    assert tiny.batch_size == 4


def test_default_batch_size_is_16(tiny_model_dir):
    assert get_model(f"hf/{tiny_model_dir}", dtype="float32").batch_size == 16


def test_system_prompt_reaches_the_chat_template(tiny):
    prompt = tiny.render_prompt([{"role": "system", "content": "Answer like a pirate."},
                                 {"role": "user", "content": "Who are you?"}])
    assert prompt == ("<|im_start|>system\nAnswer like a pirate.<|im_end|>\n"
                      "<|im_start|>user\nWho are you?<|im_end|>\n<|im_start|>assistant\n")


def _copy_with_template(src: Path, dst: Path, template: str | None) -> Path:
    shutil.copytree(src, dst)
    (dst / "chat_template.jinja").unlink(missing_ok=True)
    config = json.loads((dst / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (dst / "tokenizer_config.json").write_text(json.dumps(config))
    if template is not None:
        (dst / "chat_template.jinja").write_text(template)
    return dst


def test_template_without_system_role_gets_it_in_the_first_user_turn(tiny_model_dir, tmp_path, capsys):
    no_system = (
        "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
        "{% endif %}{{ '<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>\n' }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")
    model = get_model(f"hf/{_copy_with_template(tiny_model_dir, tmp_path / 'm', no_system)}", dtype="float32")
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    assert model.render_prompt(messages) == "<|im_start|>user\nBe brief.\n\nHi<|im_end|>\n<|im_start|>assistant\n"
    model.render_prompt(messages)
    err = capsys.readouterr().err
    assert err.count("takes no system role") == 1
    responses = _generate(model, [ChatRequest.from_messages(messages, GenerationConfig(max_tokens=3))])
    assert len(responses[0].choices) == 1


def test_model_without_chat_template_uses_a_plain_transcript(tiny_model_dir, tmp_path, capsys):
    model = get_model(f"hf/{_copy_with_template(tiny_model_dir, tmp_path / 'm', None)}", dtype="float32")
    prompt = model.render_prompt([{"role": "system", "content": "S"}, {"role": "user", "content": "U"}])
    assert prompt == "System: S\n\nUser: U\n\nAssistant:"
    assert "no chat template" in capsys.readouterr().err


def test_seed_makes_samples_reproducible_and_distinct(tiny):
    first = _generate(tiny, [_request(n=3, max_tokens=12, seed=7)])[0]
    again = _generate(tiny, [_request(n=3, max_tokens=12, seed=7)])[0]
    other = _generate(tiny, [_request(n=3, max_tokens=12, seed=8)])[0]
    texts = [c.text for c in first.choices]
    assert texts == [c.text for c in again.choices]
    assert texts != [c.text for c in other.choices]
    assert len(set(texts)) > 1  # the n samples of one request are not copies


def test_seeded_request_gives_the_same_text_when_batched_with_others(tiny):
    alone = _generate(tiny, [_request("a seeded one", n=2, max_tokens=10, seed=11)])[0]
    mixed = _generate(tiny, [_request("something much longer to force padding on the other", max_tokens=6),
                             _request("a seeded one", n=2, max_tokens=10, seed=11)])[1]
    assert [c.text for c in alone.choices] == [c.text for c in mixed.choices]


def test_temperature_zero_is_greedy(tiny):
    a = _generate(tiny, [_request(n=2, max_tokens=10, temperature=0.0)])[0]
    b = _generate(tiny, [_request(n=1, max_tokens=10, temperature=0.0, seed=99)])[0]
    assert a.choices[0].text == a.choices[1].text == b.choices[0].text


def test_max_tokens_is_honoured(tiny):
    response = _generate(tiny, [_request(n=6, max_tokens=5, logprobs=True, top_logprobs=0)])[0]
    for choice in response.choices:
        assert choice.logprobs is not None and len(choice.logprobs) <= 5
        if choice.finish_reason == "length":
            assert len(choice.logprobs) == 5
    empty = _generate(tiny, [_request(max_tokens=0)])[0]
    assert empty.choices[0].text == "" and empty.choices[0].finish_reason == "length"
    assert empty.usage.completion_tokens == 0


def test_stop_string_cuts_the_answer(tiny):
    settings = {"max_tokens": 30, "seed": 5}
    full = _generate(tiny, [_request("tell me more", **settings)])[0].choices[0].text
    windows = [full[k:k + 2] for k in range(2, len(full) - 2) if "\ufffd" not in full[k:k + 2]]
    assert windows, f"the tiny model's sampled text is unusable here: {full!r}"
    stop = windows[len(windows) // 2]
    response = _generate(tiny, [_request("tell me more", stop=(stop,), **settings)])[0]
    assert response.choices[0].text == full[:full.find(stop)]
    assert response.choices[0].finish_reason == "stop"


def test_usage_counts_prompt_and_completion_tokens(tiny):
    request = _request("count my tokens", system="sys", n=4, max_tokens=9, logprobs=True, top_logprobs=0)
    response = _generate(tiny, [request])[0]
    prompt_ids = tiny.tokenizer(tiny.render_prompt(request.message_dicts()), add_special_tokens=False).input_ids
    assert response.usage.prompt_tokens == len(prompt_ids)
    # each completion: its kept tokens, plus the end-of-turn token when it stopped there
    expected = sum(len(c.logprobs) + (c.finish_reason == "stop") for c in response.choices)
    assert response.usage.completion_tokens == expected


def test_logprobs_give_the_top_k_of_each_generated_token(tiny):
    response = _generate(tiny, [_request(max_tokens=6, temperature=0.0, logprobs=True, top_logprobs=5)])[0]
    choice = response.choices[0]
    assert choice.logprobs
    for position in choice.logprobs:
        assert len(position.top) == 5
        values = [t.logprob for t in position.top]
        assert values == sorted(values, reverse=True) and values[0] <= 0.0
        assert position.token == position.top[0].token  # greedy picks the most likely token
        assert position.logprob == pytest.approx(values[0])
    assert "".join(p.token for p in choice.logprobs).startswith(choice.text[:1])
    without = _generate(tiny, [_request(max_tokens=3)])[0]
    assert without.choices[0].logprobs is None


def test_generation_leaves_the_event_loop_responsive(tiny):
    async def scenario() -> int:
        task = asyncio.create_task(tiny.generate([_request(n=8, max_tokens=40)]))
        ticks = 0
        while not task.done():
            await asyncio.sleep(0.001)
            ticks += 1
        await task
        return ticks

    assert asyncio.run(scenario()) > 1


def test_bf16_loads_and_generates(tiny_model_dir):
    model = get_model(f"hf/{tiny_model_dir}", dtype="bf16", threads=1)
    assert model.dtype == "bfloat16" and model.describe()["dtype"] == "bfloat16"
    assert len(_generate(model, [_request(n=2, max_tokens=4)])[0].choices) == 2


def test_describe_names_the_weights_and_their_sha256(tiny, tiny_model_dir):
    info = tiny.describe()
    digest = hashlib.sha256((tiny_model_dir / "model.safetensors").read_bytes()).hexdigest()
    assert info["path"] == str(tiny_model_dir) and info["adapter"] is None and info["dtype"] == "float32"
    assert info["weights_sha256"] == info["fingerprint"] == digest


def test_missing_path_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no local model folder"):
        get_model(f"hf/{tmp_path / 'nowhere'}")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="config.json"):
        get_model(f"hf/{tmp_path / 'empty'}")


def test_pickle_only_weights_are_refused(tiny_model_dir, tmp_path):
    copy = Path(shutil.copytree(tiny_model_dir, tmp_path / "m"))
    (copy / "model.safetensors").rename(copy / "pytorch_model.bin")
    with pytest.raises(UserError, match="safetensors"):
        get_model(f"hf/{copy}")


@pytest.mark.parametrize("value", ["0", "x", "-2"])
def test_bad_thread_count_is_a_user_error(tiny_model_dir, value):
    with pytest.raises(UserError, match="threads"):
        get_model(f"hf/{tiny_model_dir}", threads=value)


def test_threads_come_from_the_environment(tiny_model_dir, monkeypatch):
    import torch

    before = torch.get_num_threads()
    monkeypatch.setenv("EMAUDIT_THREADS", "1")
    try:
        assert get_model(f"hf/{tiny_model_dir}", dtype="float32").threads == 1
    finally:
        torch.set_num_threads(before)


def test_bad_dtype_is_a_user_error(tiny_model_dir):
    with pytest.raises(UserError, match="dtype"):
        get_model(f"hf/{tiny_model_dir}", dtype="int3")
