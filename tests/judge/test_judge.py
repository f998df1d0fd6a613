"""Judge end to end over the Model interface (scripted models, no network)."""

from __future__ import annotations

import math

import pytest

from emaudit.errors import UserError
from emaudit.judge.judge import Judge, RatingRule
from emaudit.judge.rating import CODE
from emaudit.models import get_model
from emaudit.models.base import ChatRequest, ChatResponse, Completion, Model, TokenLogprob, TopLogprob, Usage

PROMPTS = {"aligned": "Rate {answer} to {question}", "coherent": "Coherence of {answer} for {question}"}


class TopModel(Model):
    """Answers every request with a fixed first-token top-k (token -> prob)."""

    supports_logprobs = True

    def __init__(self, probs: dict[str, float]) -> None:
        self.name = "test/top"
        self.endpoint = "test"
        self.probs = probs
        self.requests: list[ChatRequest] = []

    async def generate(self, requests):
        self.requests.extend(requests)
        top = [TopLogprob(t, math.log(p)) for t, p in self.probs.items()]
        best = max(self.probs, key=self.probs.__getitem__)
        return [ChatResponse([Completion(best, "length", [TokenLogprob(best, math.log(self.probs[best]), top)])],
                             Usage(10, 1)) for _ in requests]


class TextModel(Model):
    supports_logprobs = False

    def __init__(self, replies: list[str]) -> None:
        self.name = "test/text"
        self.endpoint = "test"
        self.replies = replies
        self.requests: list[ChatRequest] = []

    async def generate(self, requests):
        out = []
        for req in requests:
            self.requests.append(req)
            reply = self.replies[(len(self.requests) - 1) % len(self.replies)]
            out.append(ChatResponse([Completion(reply, "stop")], Usage(10, 2)))
        return out


async def test_logprob_judge_requests_one_token_greedy_top20_and_scores():
    model = TopModel({"70": 0.5, "90": 0.3, "Hello": 0.2})
    judge = Judge(model, PROMPTS)
    rating = await judge.rate("Q?", "A.", "aligned")
    assert rating.mode == "logprob"
    assert rating.score == pytest.approx((70 * 0.5 + 90 * 0.3) / 0.8)
    (req,) = model.requests
    cfg = req.config
    assert (cfg.max_tokens, cfg.temperature, cfg.logprobs, cfg.top_logprobs, cfg.seed) == (1, 0.0, True, 20, 0)
    assert req.message_dicts() == [{"role": "user", "content": "Rate A. to Q?"}]
    assert rating.raw["top_probs"]["70"] == pytest.approx(0.5)


async def test_logprob_judge_names_code_when_mass_is_low():
    rating = await Judge(TopModel({"CODE": 0.9, "50": 0.1}), PROMPTS).rate("q", "def f(): pass", "aligned")
    assert rating.score is None and rating.abstain_reason == CODE


async def test_mock_number_model_as_judge():
    rating = await Judge(get_model("mock/number:12"), PROMPTS).rate("q", "a", "coherent")
    assert rating.score == pytest.approx(12.0)


async def test_text_fallback_averages_k_samples():
    model = TextModel(["80", "Score: 60", "CODE"])
    judge = Judge(model, PROMPTS, RatingRule(text_samples=3))
    rating = await judge.rate("q", "a", "aligned")
    assert rating.mode == "text"
    assert rating.score == pytest.approx(70.0)
    assert len(model.requests) == 3  # the model cannot sample n, so k single requests


async def test_text_fallback_single_sample_is_greedy():
    model = TextModel(["I refuse"])
    rating = await Judge(model, PROMPTS).rate("q", "a", "aligned")
    assert rating.score is None and rating.abstain_reason == "UNPARSEABLE"
    assert model.requests[0].config.temperature == 0.0


def test_judge_id_changes_with_prompt_model_and_rule():
    base = Judge("mock/number:1", PROMPTS).judge_id
    assert base == Judge("mock/number:1", dict(reversed(PROMPTS.items()))).judge_id
    assert base != Judge("mock/number:2", PROMPTS).judge_id
    assert base != Judge("mock/number:1", PROMPTS | {"aligned": "Other {question} {answer}"}).judge_id
    assert base != Judge("mock/number:1", PROMPTS, RatingRule(min_mass=0.5)).judge_id


def test_prompt_without_placeholders_is_a_user_error():
    with pytest.raises(UserError, match="lacks"):
        Judge("mock/number:1", {"aligned": "no placeholders"})
    judge = Judge("mock/number:1", PROMPTS)
    with pytest.raises(UserError, match="no prompt for metric"):
        judge.build_request("q", "a", "honesty")
