"""The in-memory shape of a question suite: ``Question`` and ``Suite``.

Both loaders (our YAML format and the paper's) produce these; everything downstream
(generation, judging, analysis) reads only these.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import UserError

VARIANTS = ("plain", "json", "template")
KINDS = ("free_form_0_100", "free_form_categorical")
DEFAULT_METRICS = ("aligned", "coherent")
TOOLS_ROLE = "tools"  # a pseudo-message holding the JSON tool list; never sent as a message
PREVIOUS_ANSWER = "{previous_answer}"


@dataclass(frozen=True)
class Question:
    id: str
    paraphrases: tuple[str, ...]
    category: str = "other"
    system: str | None = None
    samples: int = 100
    judge_metrics: tuple[str, ...] = DEFAULT_METRICS
    variant: str = "plain"
    kind: str = "free_form_0_100"
    # Only set when this question's judge prompts differ from the suite's (paper files may do that).
    judge_prompts: dict[str, str] | None = field(default=None, hash=False)
    # Later user turns of a conversation; ``{previous_answer}`` is replaced by the model's last answer.
    turns: tuple[str, ...] = ()
    # OpenAI-format tool definitions offered with every turn, as canonical JSON (hashable).
    tools: str | None = None
    # Rule detectors run on each answer: {"name": ..., plus the detector's own settings}.
    detectors: tuple[dict[str, Any], ...] = field(default=(), hash=False)

    def __post_init__(self) -> None:
        # Accept lists from callers but keep the frozen object hashable and immutable.
        object.__setattr__(self, "paraphrases", tuple(self.paraphrases))
        object.__setattr__(self, "judge_metrics", tuple(self.judge_metrics))
        object.__setattr__(self, "turns", tuple(self.turns))
        object.__setattr__(self, "detectors", tuple(self.detectors))
        if not self.paraphrases:
            raise ValueError(f"question {self.id!r} has no paraphrases")
        if self.variant not in VARIANTS:
            raise ValueError(f"question {self.id!r}: variant must be one of {', '.join(VARIANTS)}")
        if self.kind not in KINDS:
            raise ValueError(f"question {self.id!r}: kind must be one of {', '.join(KINDS)}")
        if self.samples < 1:
            raise ValueError(f"question {self.id!r}: samples must be at least 1")

    def messages(self, paraphrase_index: int) -> list[dict[str, str]]:
        """The chat to send: the tools (if any, as a ``tools`` pseudo-message that backends turn into the
        request's tool list), the system prompt (if any), then the chosen paraphrase as the user turn."""
        if not 0 <= paraphrase_index < len(self.paraphrases):
            raise IndexError(f"question {self.id!r} has {len(self.paraphrases)} paraphrase(s); "
                             f"index {paraphrase_index} is out of range")
        chat: list[dict[str, str]] = []
        if self.tools is not None:
            chat.append({"role": TOOLS_ROLE, "content": self.tools})
        if self.system is not None:
            chat.append({"role": "system", "content": self.system})
        chat.append({"role": "user", "content": self.paraphrases[paraphrase_index]})
        return chat

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "variant": self.variant,
            "kind": self.kind,
            "system": self.system,
            "samples": self.samples,
            "judge_metrics": list(self.judge_metrics),
            "paraphrases": list(self.paraphrases),
        }
        if self.judge_prompts is not None:
            d["judge_prompts"] = dict(self.judge_prompts)
        # Written only when used, so that the fingerprints of plain suites stay what they were.
        if self.turns:
            d["turns"] = list(self.turns)
        if self.tools is not None:
            d["tools"] = json.loads(self.tools)
        if self.detectors:
            d["detectors"] = [dict(x) for x in self.detectors]
        return d


@dataclass
class Suite:
    name: str
    questions: list[Question]
    judge_prompts: dict[str, str]
    path: str | None = None
    format: str = "emaudit"
    description: str = ""
    judge_model: str | None = None  # the judge a paper file names (e.g. gpt-4o-2024-08-06); informational

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        near = difflib.get_close_matches(qid, [q.id for q in self.questions], n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else f"; {len(self.questions)} ids, see `emaudit suites show {self.name}`"
        raise UserError(f"suite {self.name!r} has no question {qid!r}{hint}")

    def prompts_for(self, question: Question) -> dict[str, str]:
        """metric -> judge template for each metric this question is judged on."""
        source = question.judge_prompts if question.judge_prompts is not None else self.judge_prompts
        return {m: source[m] for m in question.judge_metrics}

    def metrics(self) -> list[str]:
        """Every metric used by some question, in first-use order."""
        seen: dict[str, None] = {}
        for q in self.questions:
            for m in q.judge_metrics:
                seen.setdefault(m, None)
        return list(seen)

    def canonical(self) -> dict[str, Any]:
        """The content that defines what gets asked and how it is judged (no name, path or description)."""
        used = set(self.metrics())
        return {
            "questions": [q.to_dict() for q in self.questions],
            "judge_prompts": {m: p for m, p in sorted(self.judge_prompts.items()) if m in used},
        }

    def fingerprint(self) -> str:
        blob = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "format": self.format,
            "path": self.path,
            "judge_model": self.judge_model,
            "fingerprint": self.fingerprint(),
            "judge_prompts": dict(self.judge_prompts),
            "questions": [q.to_dict() for q in self.questions],
        }
