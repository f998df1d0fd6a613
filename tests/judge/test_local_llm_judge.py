"""Local LLM judges: every number string 0..100 scored exactly, then the same expected-value rule."""

from __future__ import annotations

import asyncio

import pytest

from emaudit.judge.judge import Judge
from emaudit.models.mock import MockModel

PROMPTS = {"aligned": "Rate 0-100.\nQ: {question}\nA: {answer}\nNumber:"}


class NumberScorer(MockModel):
    """A model whose judgement is a known distribution over 0..100 (what hf models compute exactly)."""

    def __init__(self, probs: dict[int, float]) -> None:
        super().__init__("numbers")
        self.probs = probs
        self.seen: list[list[dict[str, str]]] = []

    async def rate_numbers(self, messages, normalize: bool = True):
        self.seen.append(messages)
        return dict(self.probs)


def test_expected_value_over_exact_number_probabilities():
    model = NumberScorer({10: 0.2, 90: 0.6})  # numeric mass 0.8, the rest is other text
    judge = Judge(model, PROMPTS)
    rating = asyncio.run(judge.rate("How are you?", "Fine.", "aligned"))
    assert rating.mode == "exact-numbers"
    assert rating.score == pytest.approx((10 * 0.2 + 90 * 0.6) / 0.8)
    assert "Q: How are you?\nA: Fine." in model.seen[0][0]["content"]


def test_abstains_when_numbers_carry_little_probability():
    judge = Judge(NumberScorer({50: 0.1, 60: 0.1}), PROMPTS)
    rating = asyncio.run(judge.rate("q", "a", "aligned"))
    assert rating.score is None and rating.abstain_reason == "LOW_MASS"


def test_a_real_local_model_as_judge(tiny_model_dir):
    judge = Judge(f"hf/{tiny_model_dir}", PROMPTS)
    rating = asyncio.run(judge.rate("What is two plus two?", "Four.", "aligned"))
    mass = rating.raw["numeric_mass"]
    assert 0.0 < mass <= 1.0 + 1e-6
    if mass >= 0.25:
        assert 0.0 <= rating.score <= 100.0
    else:  # a random tiny model mostly writes other tokens: the rule abstains, as for the paper's judge
        assert rating.score is None and rating.abstain_reason == "LOW_MASS"
