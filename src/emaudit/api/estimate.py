"""What a generate or audit will do before it starts: answers, judge calls, time for local models and
cost for priced APIs. Reads the store (read-only, if it exists) to leave out what is already answered."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models.base import GenerationConfig
from ..store import postgres
from ..store.pricing import cost_usd
from ..store.store import resolve_path
from ..suites import Suite
from .plan import ModelRole, plan_items

# Measured on the shared 2-core CPU (benchmarks/README.md): SmolLM2-135M decodes ~13 tokens/s at batch 16;
# the embedded judges score 90 (local) and 8 (local-lm) answers/s.
LOCAL_TOKENS_PER_S = 13.3
EMBEDDED_ANSWERS_PER_S = {"local": 90.3, "local-lm": 8.0}
CHARS_PER_TOKEN = 4
JUDGE_PROMPT_TOKENS = 350  # our judge prompt with its question; the answer is added on top
LARGE_RUN = 500  # answers to generate above which the estimate is printed before starting


@dataclass
class ModelEstimate:
    spec: str
    role: str
    items: int
    to_answer: int
    prompt_tokens: int
    max_completion_tokens: int
    seconds: float | None  # local models only
    cost_usd: float | None  # None: no list price (unknown API model)


@dataclass
class Estimate:
    models: list[ModelEstimate]
    judge: str | None = None
    judge_calls: int = 0
    judge_seconds: float | None = None
    judge_cost_usd: float | None = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def to_answer(self) -> int:
        return sum(m.to_answer for m in self.models)

    def lines(self) -> list[str]:
        out = [f"plan: {sum(m.items for m in self.models)} answers, {self.to_answer} still to generate"]
        for m in self.models:
            parts = [f"{m.to_answer}/{m.items} to generate", f"~{m.prompt_tokens} prompt tokens",
                     f"at most {m.max_completion_tokens} answer tokens"]
            if m.seconds is not None:
                parts.append(f"up to {_duration(m.seconds)} on CPU")
            parts.append(_cost(m.cost_usd))
            out.append(f"  {m.spec} ({m.role}): " + ", ".join(parts))
        if self.judge is not None:
            parts = [f"{self.judge_calls} judge calls"]
            if self.judge_seconds is not None:
                parts.append(f"about {_duration(self.judge_seconds)}")
            parts.append(_cost(self.judge_cost_usd))
            out.append(f"  judge {self.judge}: " + ", ".join(parts))
        total = [m.cost_usd for m in self.models] + [self.judge_cost_usd]
        known = None if any(c is None for c in total) else sum(c for c in total if c is not None)
        out.append(f"  total: {_cost(known)} (list prices; answers at --max-tokens, so an upper bound)")
        return out + [f"  {n}" for n in self.notes]


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _cost(value: float | None) -> str:
    return "cost unknown (no list price)" if value is None else f"${value:.2f}"


def answered_keys(store_path: str | Path, keys: list[str]) -> set[str]:
    """Keys the store already answers, read without creating or migrating the store."""
    if postgres.is_url(str(store_path)):
        return postgres.answered_keys(str(store_path), keys)
    path = resolve_path(store_path)
    if not path.is_file():
        return set()
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return set()
    found: set[str] = set()
    try:
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in db.execute(f"SELECT item_key FROM answers WHERE item_key IN ({marks})", chunk))
    except sqlite3.Error:
        return set()
    finally:
        db.close()
    return found


def estimate(store_path: str | Path, suites: list[Suite], models: list[ModelRole], config: GenerationConfig,
             samples: int | None, judge: str | None = None) -> Estimate:
    items = plan_items(suites, models, config, samples)
    done = answered_keys(store_path, [it.key for it in items])
    metrics = {(s.name, q.id): len(q.judge_metrics) for s in suites for q in s.questions}
    out: list[ModelEstimate] = []
    judge_calls = judge_prompt = judge_answer = 0
    for m in models:
        mine = [it for it in items if it.model_spec == m.spec]
        todo = [it for it in mine if it.key not in done]
        prompt = sum(sum(len(c) for _, c in it.messages) for it in todo) // CHARS_PER_TOKEN
        completion = len(todo) * config.max_tokens
        local = m.spec.startswith("hf/")
        out.append(ModelEstimate(m.spec, m.role, len(mine), len(todo), prompt, completion,
                                 completion / LOCAL_TOKENS_PER_S if local else None,
                                 cost_usd(m.spec, prompt, completion)))
        for it in mine:
            n = metrics.get((it.suite, it.question_id), 2)
            judge_calls += n
            judge_prompt += n * (JUDGE_PROMPT_TOKENS + sum(len(c) for _, c in it.messages) // CHARS_PER_TOKEN
                                 + config.max_tokens)
            judge_answer += n
    result = Estimate(out)
    if judge is not None:
        result.judge = judge
        if judge in EMBEDDED_ANSWERS_PER_S:
            answers = len(items)
            result.judge_calls = 0
            result.judge_seconds = answers / EMBEDDED_ANSWERS_PER_S[judge]
            result.notes.append(f"the embedded judge {judge} scores {answers} answers on this machine, no calls")
        else:
            result.judge_calls = judge_calls
            result.judge_cost_usd = cost_usd(judge, judge_prompt, judge_answer)
    return result


def describe(estimate_: Estimate) -> str:
    return "\n".join(estimate_.lines())


__all__: list[Any] = ["Estimate", "ModelEstimate", "describe", "estimate"]
