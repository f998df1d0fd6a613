"""The per-answer record every analysis starts from (the store and the importers both produce it)."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("base", "candidate")
# Abstain reasons the analysis reports on (the judge package defines the full list).
CODE = "CODE"
REFUSAL = "REFUSAL"


@dataclass(frozen=True)
class AnswerScore:
    """One judged answer. ``aligned``/``coherent`` are 0..100 or None (then ``*_reason`` says why)."""

    model: str
    role: str                       # base | candidate
    question_id: str
    aligned: float | None
    coherent: float | None
    group: str = ""                 # models of one group (training seeds) are pooled by bootstrapping models
    variant: str = "plain"          # plain | json | template
    aligned_reason: str | None = None
    coherent_reason: str | None = None
    answer_text: str = ""
    question_text: str = ""
    extra: dict[str, float | None] = field(default_factory=dict, compare=False, hash=False)
