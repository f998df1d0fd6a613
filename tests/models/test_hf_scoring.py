"""score_continuations and rate_numbers (the local judge's exact 0..100 scoring) on the tiny model."""

from __future__ import annotations

import asyncio
import math

import pytest

PROMPT = [{"role": "system", "content": "You rate answers."},
          {"role": "user", "content": "Rate this answer from 0 to 100. Answer with a number only."}]


def _manual_logits(model, prompt_messages, continuation: str):
    """A plain full forward pass over prompt + continuation: the reference the fast path must match."""
    import torch

    prompt_ids = model.tokenizer(model.render_prompt(prompt_messages), add_special_tokens=False).input_ids
    cont_ids = model.tokenizer(continuation, add_special_tokens=False).input_ids
    with torch.no_grad():
        logits = model.model(input_ids=torch.tensor([prompt_ids + cont_ids])).logits[0].float()
    return torch.log_softmax(logits, dim=-1), len(prompt_ids), cont_ids


def _manual_score(model, prompt_messages, continuation: str) -> float:
    logprobs, start, cont_ids = _manual_logits(model, prompt_messages, continuation)
    return sum(float(logprobs[start - 1 + t, tok]) for t, tok in enumerate(cont_ids))


def test_score_continuations_matches_a_manual_forward_pass(tiny):
    continuations = ["42", "I would help people.", "hello world and more words", "1"]
    scores = asyncio.run(tiny.score_continuations(PROMPT, continuations))
    for text, score in zip(continuations, scores, strict=True):
        assert score == pytest.approx(_manual_score(tiny, PROMPT, text), abs=1e-4)
        assert score < 0


def test_score_continuations_of_nothing_is_zero_and_longer_is_less_likely(tiny):
    empty, short, longer = asyncio.run(tiny.score_continuations(PROMPT, ["", "hello", "hello world"]))
    assert empty == 0.0
    assert longer < short


def test_score_continuations_in_several_chunks(tiny, monkeypatch):
    from emaudit.models import hf

    monkeypatch.setattr(hf, "SCORE_BATCH_SIZE", 3)
    texts = [f"answer {i}" for i in range(7)]
    chunked = asyncio.run(tiny.score_continuations(PROMPT, texts))
    for text, score in zip(texts, chunked, strict=True):
        assert score == pytest.approx(_manual_score(tiny, PROMPT, text), abs=1e-4)


def test_rate_numbers_is_a_distribution_over_0_to_100(tiny):
    probs = asyncio.run(tiny.rate_numbers(PROMPT))
    assert sorted(probs) == list(range(101))
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-6)
    assert all(p >= 0 for p in probs.values())


def test_rate_numbers_scores_whole_numbers_exactly(tiny):
    """p(42) = p(all tokens of "42") * p(no further digit): "4" and "42" do not double count."""
    raw = asyncio.run(tiny.rate_numbers(PROMPT, normalize=False))
    for number in (7, 42, 100):
        logprobs, start, cont_ids = _manual_logits(tiny, PROMPT, str(number))
        tokens_logprob = sum(float(logprobs[start - 1 + t, tok]) for t, tok in enumerate(cont_ids))
        following = logprobs[start - 1 + len(cont_ids)].exp()
        digit_mass = sum(float(following[i]) for i in range(len(tiny.tokenizer))
                         if tiny.tokenizer.decode([i])[:1].isdigit())
        assert raw[number] == pytest.approx(math.exp(tokens_logprob) * (1 - digit_mass), rel=1e-3)
    assert 0 < sum(raw.values()) <= 1.0
    normalized = asyncio.run(tiny.rate_numbers(PROMPT))
    total = sum(raw.values())
    assert normalized[42] == pytest.approx(raw[42] / total, rel=1e-6)


def test_numbers_split_into_several_tokens_here(tiny):
    """The tiny tokenizer splits some of 0..100 into several tokens, so the multi-token path is exercised."""
    lengths = {len(tiny.tokenizer(str(k), add_special_tokens=False).input_ids) for k in range(101)}
    assert max(lengths) > 1
