"""Run one stage's filters over a subject; the most severe tripped action decides."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import filters
from .filters.base import Filter, Subject

if TYPE_CHECKING:
    from .policy import Policy

SEVERITY = {"allow": 0, "flag": 1, "hold": 2, "block": 3}


@dataclass
class StageResult:
    decision: str = "allow"
    reason: str | None = None
    records: list[dict[str, Any]] = field(default_factory=list)

    def merge(self, other: StageResult) -> StageResult:
        worse = other if SEVERITY[other.decision] > SEVERITY[self.decision] else self
        return StageResult(worse.decision, worse.reason, self.records + other.records)


async def run_stage(stage_filters: list[Filter], subject: Subject) -> StageResult:
    result = StageResult()
    for f in stage_filters:
        t0 = time.perf_counter()
        try:
            v = await f.check(subject)
            tripped, reason, score, detail = v.tripped, v.reason, v.score, v.detail
        except Exception as e:  # a broken filter fails closed: its action applies
            tripped, reason, score, detail = True, f"filter-error:{f.name}", None, {"error": str(e)[:200]}
        result.records.append({"stage": subject.stage, "filter": f.name, "action": f.action, "tripped": tripped,
                               "reason": reason or None, "score": score, "detail": detail,
                               "ms": round((time.perf_counter() - t0) * 1000, 3)})
        if tripped and SEVERITY[f.action] > SEVERITY[result.decision]:
            result.decision, result.reason = f.action, reason
    return result


class CompiledPolicy:
    """A policy with its filters built once (patterns compiled, judges loaded), per key on demand."""

    def __init__(self, policy: Policy, version: str) -> None:
        self.policy = policy
        self.version = version
        self._built: dict[int, Filter] = {}
        self._per_key: dict[str, tuple[list[Filter], list[Filter], str]] = {}
        for name in [*policy.keys, ""]:
            self.for_key(name)

    def _filter(self, spec: Any) -> Filter:
        if id(spec) not in self._built:
            self._built[id(spec)] = filters.build(spec)
        return self._built[id(spec)]

    def for_key(self, key_name: str) -> tuple[list[Filter], list[Filter], str]:
        if key_name not in self._per_key:
            inp, out, stream = self.policy.for_key(key_name)
            self._per_key[key_name] = ([self._filter(s) for s in inp], [self._filter(s) for s in out], stream)
        return self._per_key[key_name]
