"""An LLM judge: a model, one prompt per metric and a rating rule; scores one answer per call."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import UserError
from ..models.base import ChatRequest, ChatResponse, GenerationConfig, Model
from .rating import (
    LOW_MASS,
    MIN_NUMERIC_MASS,
    Rating,
    combine_ratings,
    low_mass_reason,
    rate_from_text,
    rate_from_top_probs,
    top_logprobs_to_probs,
)


@dataclass(frozen=True)
class RatingRule:
    """How a judge reply becomes a score; part of the judge's fingerprint."""

    name: str = "expected-value-top20"
    top_logprobs: int = 20
    min_mass: float = MIN_NUMERIC_MASS
    lo: int = 0
    hi: int = 100
    text_samples: int = 1          # k replies averaged by the text fallback
    text_max_tokens: int = 16
    text_temperature: float = 0.0  # used when text_samples == 1; k > 1 samples at temperature 1
    mode: str = "auto"             # auto | logprob | text


@dataclass
class JudgeRating:
    """One metric's verdict on one answer, ready for the store's Judgement."""

    score: float | None
    abstain_reason: str | None
    mode: str                      # logprob | text
    raw: dict[str, Any] = field(default_factory=dict)
    tokens: int = 0


class Judge:
    """``Judge(model, prompts, rule)``; ``await judge.rate(question, answer, metric)``.

    ``model`` is a Model or a model spec (built with ``emaudit.models.get_model`` on first use).
    Logprob-capable models are asked for one token at temperature 0 with the top-20 logprobs and
    seed 0; others answer in text, parsed for the first integer 0..100 (mode ``text``).
    """

    def __init__(self, model: Model | str, prompts: dict[str, str], rule: RatingRule | None = None) -> None:
        self._model = model if isinstance(model, Model) else None
        self.model_spec = model if isinstance(model, str) else model.name
        if not prompts:
            raise UserError("a judge needs at least one metric prompt", field="judge.prompts")
        for metric, template in prompts.items():
            missing = [k for k in ("{question}", "{answer}") if k not in template]
            if missing:
                raise UserError(f"judge prompt for {metric!r} lacks {' and '.join(missing)}",
                                field=f"judge.prompts.{metric}")
        self.prompts = dict(prompts)
        self.rule = rule or RatingRule()
        self._scoring_model: Model | None = None
        if self.rule.mode not in ("auto", "logprob", "text"):
            raise UserError(f"unknown judge mode {self.rule.mode!r}; use auto, logprob or text", field="judge.mode")

    @property
    def model(self) -> Model:
        if self._model is None:
            from ..models import get_model

            self._model = get_model(self.model_spec)
        return self._model

    @property
    def judge_id(self) -> str:
        """Fingerprint of what decides a score: model spec, prompt texts, rule."""
        canonical = json.dumps({"model": self.model_spec, "prompts": dict(sorted(self.prompts.items())),
                                "rule": asdict(self.rule)}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def scoring_model(self) -> Model:
        """The model judge requests go to: logprob judges are wrapped so that numbers spelled one digit per
        token are scored over their full token paths (``number_paths.py``)."""
        if self._scoring_model is None:
            from .number_paths import NumberPathModel

            model = self.model
            wrap = self.uses_logprobs() and not callable(getattr(model, "rate_numbers", None))
            self._scoring_model = NumberPathModel(model, max(5, self.rule.text_samples)) if wrap else model
        return self._scoring_model

    def uses_logprobs(self) -> bool:
        if self.rule.mode == "logprob":
            return True
        if self.rule.mode == "text":
            return False
        return bool(self.model.supports_logprobs)

    def build_request(self, question: str, answer: str, metric: str) -> ChatRequest:
        """The chat request that rates ``answer`` on ``metric`` (for callers that batch through the engine)."""
        if metric not in self.prompts:
            raise UserError(f"judge has no prompt for metric {metric!r}; it has {', '.join(self.prompts)}",
                            field="metric")
        content = self.prompts[metric].replace("{question}", question).replace("{answer}", answer)
        messages = [{"role": "user", "content": content}]
        rule = self.rule
        if self.uses_logprobs():
            config = GenerationConfig(temperature=0.0, top_p=1.0, max_tokens=1, seed=0, logprobs=True,
                                      top_logprobs=rule.top_logprobs)
            return ChatRequest.from_messages(messages, config, n=1)
        k = max(1, rule.text_samples)
        temperature = rule.text_temperature if k == 1 else 1.0
        config = GenerationConfig(temperature=temperature, top_p=1.0, max_tokens=rule.text_max_tokens,
                                  seed=0 if k == 1 else None)
        return ChatRequest.from_messages(messages, config, n=k)

    def parse_response(self, responses: list[ChatResponse]) -> JudgeRating:
        """Score from the response(s) to ``build_request``'s request."""
        choices = [c for r in responses for c in r.choices]
        tokens = sum(r.usage.prompt_tokens + r.usage.completion_tokens for r in responses)
        rule = self.rule
        first = choices[0] if choices else None
        if self.uses_logprobs() and first is not None and first.logprobs:
            top = [(t.token, t.logprob) for t in first.logprobs[0].top]
            probs = top_logprobs_to_probs(top)
            rating = rate_from_top_probs(probs, min_mass=rule.min_mass, lo=rule.lo, hi=rule.hi)
            reason = rating.reason
            if reason == LOW_MASS:
                reason = low_mass_reason(probs)
            raw: dict[str, Any] = {"top_probs": probs, "numeric_mass": rating.numeric_mass, "text": first.text}
            return JudgeRating(rating.score, reason, first.scored_over or "logprob", raw, tokens)
        ratings: list[Rating] = [rate_from_text(c.text, lo=rule.lo, hi=rule.hi) for c in choices]
        combined = combine_ratings(ratings)
        raw = {"texts": [c.text for c in choices], "scores": [r.score for r in ratings]}
        return JudgeRating(combined.score, combined.reason, "text", raw, tokens)

    def uses_exact_numbers(self) -> bool:
        """Local models score every number string 0..100 exactly (numbers may span several tokens)."""
        return self.rule.mode != "text" and callable(getattr(self.model, "rate_numbers", None))

    async def rate_exact(self, question: str, answer: str, metric: str) -> JudgeRating:
        """The same expected-value and abstain rule, over P(answer is exactly k) for k in 0..100."""
        request = self.build_request(question, answer, metric)
        probs = await self.model.rate_numbers(request.message_dicts(), normalize=False)  # type: ignore[attr-defined]
        as_tokens = {str(k): float(p) for k, p in sorted(probs.items())}
        rating = rate_from_top_probs(as_tokens, min_mass=self.rule.min_mass, lo=self.rule.lo, hi=self.rule.hi)
        raw = {"numeric_mass": rating.numeric_mass,
               "top": sorted(as_tokens.items(), key=lambda kv: -kv[1])[:20]}
        return JudgeRating(rating.score, rating.reason, "exact-numbers", raw, 0)

    async def rate(self, question: str, answer: str, metric: str) -> JudgeRating:
        """Rate one answer on one metric with one judge call (k calls if the model cannot sample n)."""
        if self.uses_exact_numbers():
            return await self.rate_exact(question, answer, metric)
        request = self.build_request(question, answer, metric)
        model = self.scoring_model()
        if request.n > 1 and not model.supports_n:
            single = ChatRequest(request.messages, request.config, n=1)
            responses = await model.generate([single] * request.n)
        else:
            responses = await model.generate([request])
        return self.parse_response(responses)
