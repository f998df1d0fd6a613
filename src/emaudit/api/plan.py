"""Expand suites and model specs into work items (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UserError
from ..models.base import GenerationConfig
from ..store import WorkItem
from ..suites import Suite


@dataclass(frozen=True)
class ModelRole:
    """A model in a run: ``role`` is subject, base or candidate; candidates sharing a ``group`` are seeds."""

    spec: str
    role: str = "subject"
    group: str = ""


MAX_ITEMS = 5_000_000  # answers one run may plan; checked before any is held in memory


def plan_items(suites: list[Suite], models: list[ModelRole], config: GenerationConfig,
               samples: int | None = None) -> list[WorkItem]:
    """Every (model, question, paraphrase, sample index) of the run, in a stable order."""
    if not models:
        raise UserError("name at least one model", field="model")
    seen: dict[str, str] = {}
    items: list[WorkItem] = []
    for suite in suites:
        for q in suite.questions:
            if q.id in seen and seen[q.id] != suite.name:
                raise UserError(f"question id {q.id!r} appears in suites {seen[q.id]!r} and {suite.name!r}",
                                field="suite")
            seen[q.id] = suite.name
    total = len(models) * sum((samples if samples is not None else q.samples) * len(q.paraphrases)
                              for suite in suites for q in suite.questions)
    if total > MAX_ITEMS:
        raise UserError(f"this run would hold {total:,} answers, more than the limit of {MAX_ITEMS:,}; "
                        "lower --samples or split the suite", field="samples")
    for m in models:
        for suite in suites:
            for q in suite.questions:
                n = samples if samples is not None else q.samples
                for p_index in range(len(q.paraphrases)):
                    messages = tuple((d["role"], d["content"]) for d in q.messages(p_index))
                    for s in range(n):
                        items.append(WorkItem(model_spec=m.spec, messages=messages, config=config, sample_index=s,
                                              role=m.role, group=m.group or m.spec, suite=suite.name,
                                              question_id=q.id, category=q.category, variant=q.variant,
                                              paraphrase_index=p_index))
    return items
