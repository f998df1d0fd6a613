"""What the run store holds, as plain dataclasses."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..models.base import GenerationConfig


def item_key(model_spec: str, messages: tuple[tuple[str, str], ...], config: GenerationConfig,
             sample_index: int) -> str:
    """Stable key of one unit of work: everything that determines the answer, nothing else."""
    canonical = json.dumps([model_spec, [list(m) for m in messages], config.to_dict(), sample_index],
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class WorkItem:
    model_spec: str
    messages: tuple[tuple[str, str], ...]
    config: GenerationConfig
    sample_index: int
    role: str = "subject"
    group: str = ""
    suite: str = ""
    question_id: str = ""
    category: str = "other"
    variant: str = "plain"
    paraphrase_index: int = 0

    @property
    def key(self) -> str:
        return item_key(self.model_spec, self.messages, self.config, self.sample_index)

    @property
    def question_text(self) -> str:
        users = [c for r, c in self.messages if r == "user"]
        return users[-1] if users else ""

    @property
    def system_prompt(self) -> str | None:
        systems = [c for r, c in self.messages if r == "system"]
        return systems[0] if systems else None


@dataclass(frozen=True)
class Run:
    id: int
    name: str
    kind: str
    config: dict[str, Any]
    status: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class RunSummary:
    name: str
    kind: str
    status: str
    items: int
    answered: int
    failed: int
    judgements: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    created_at: str
    updated_at: str
    judged_answers: int = 0  # answers with all their metrics judged by the run's current judge(s)


@dataclass(frozen=True)
class AnswerRow:
    item: WorkItem
    text: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    created_at: str

    @property
    def key(self) -> str:
        return self.item.key


@dataclass(frozen=True)
class Judgement:
    item_key: str
    metric: str
    judge_id: str
    score: float | None
    abstain_reason: str | None = None
    mode: str = "logprob"
    raw: dict[str, Any] | None = field(default=None, compare=False)
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class ErrorRow:
    item_key: str
    kind: str
    message: str
    created_at: str
