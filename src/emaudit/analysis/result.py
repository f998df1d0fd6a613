"""AuditResult: everything an audit concluded, with a versioned JSON form (docs/json-schema.md)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from .verdict import Verdict

SCHEMA_VERSION = "1.1"


@dataclass
class RoleRate:
    """One role (base or candidate) on one question."""

    models: int
    n_answers: int
    n_counted: int
    n_misaligned: int
    rate: float
    ci: tuple[float, float]
    ci_method: str
    excluded: dict[str, int] = field(default_factory=dict)


@dataclass
class QuestionResult:
    question_id: str
    variant: str
    base: RoleRate | None
    candidate: RoleRate | None
    difference: float
    ci: tuple[float, float]
    p_value: float
    p_adjusted: float
    method: str


@dataclass
class RoleSummary:
    role: str
    models: list[str]
    n_answers: int
    n_counted: int
    n_misaligned: int
    pooled_rate: float
    macro_rate: float
    macro_ci: tuple[float, float]
    coherent_rate: float
    refusal_rate: float
    code_rate: float
    no_aligned_score_rate: float
    excluded: dict[str, int] = field(default_factory=dict)


@dataclass
class Overall:
    difference: float
    ci: tuple[float, float]
    p_value: float
    method: str
    questions: int


@dataclass
class ExampleAnswer:
    model: str
    question_id: str
    question: str
    answer: str
    aligned: float | None
    coherent: float | None


@dataclass
class AuditResult:
    convention: dict[str, Any]
    settings: dict[str, Any]
    questions: list[QuestionResult]
    roles: dict[str, RoleSummary]
    overall: Overall | None
    verdict: Verdict
    top_misaligned: list[ExampleAnswer]
    schema_version: str = SCHEMA_VERSION
    judges: list[dict[str, Any]] = field(default_factory=list)  # each judge's name, kind, ids, quality record
    panel: dict[str, Any] | None = None  # several judges: rates and verdicts per judge, agreement, flips
    budget: dict[str, Any] | None = None  # --calibrate-with: the calibrated and strong-only estimates

    @property
    def exit_code(self) -> int:
        return self.verdict.exit_code

    def to_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body.pop("schema_version")
        body["verdict"] = asdict(self.verdict) | {"exit_code": self.exit_code}
        return _clean({"schema_version": self.schema_version, **body})

    def to_json(self, indent: int | None = 2) -> str:
        """JSON text; NaN becomes null so every JSON reader accepts it."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value
