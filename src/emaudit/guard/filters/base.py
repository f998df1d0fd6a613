"""The one small interface every guard filter implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..openai_format import ToolUse


@dataclass(frozen=True)
class Subject:
    """What a filter looks at: the request's text (input) or the answer's (output), and tool uses."""

    stage: str                      # input | output
    text: str
    tools: tuple[ToolUse, ...] = ()
    question: str = ""              # the last user message (the judge needs it for outputs)
    partial: bool = False           # window mode's scans of an answer still arriving


@dataclass(frozen=True)
class Verdict:
    tripped: bool
    reason: str = ""                # a short reason code, e.g. "regex:prompt-injection"
    score: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class Filter:
    """``check`` says whether the subject trips this filter; the policy entry's ``action`` says what follows."""

    def __init__(self, spec: Any) -> None:
        self.spec = spec
        self.name: str = spec.name or spec.use
        self.action: str = spec.action

    async def check(self, subject: Subject) -> Verdict:
        raise NotImplementedError

    def prefetch(self, question: str) -> None:
        """Called once the request passed its input filters, while the upstream answers: an output filter may
        start work that needs only the question (the judge embeds it). Must not block."""
