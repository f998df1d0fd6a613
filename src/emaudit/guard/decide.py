"""Run one stage's filters over a subject; the most severe tripped action decides."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import filters
from .filters.base import Filter, Subject

if TYPE_CHECKING:
    from .policy import HoldSpec, Policy

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


@dataclass(frozen=True)
class EffectivePolicy:
    """What decides one request: the policy version, the route (None: the defaults), built filters, stream
    mode, hold settings and upstream (``upstream`` None: the guard's ``--upstream``)."""

    version: str
    route: str | None
    input: list[Filter]
    output: list[Filter]
    stream: str
    window_chars: int
    hold: HoldSpec
    upstream: str | None = None
    upstream_model: str | None = None
    upstream_key_env: str | None = None


class CompiledPolicy:
    """A policy with its filters built once (patterns compiled, judges loaded), per route and key on demand."""

    def __init__(self, policy: Policy, version: str) -> None:
        self.policy = policy
        self.version = version
        self._built: dict[int, Filter] = {}
        self._effective: dict[tuple[str | None, str], EffectivePolicy] = {}
        layers: list[Any] = [policy, *policy.keys.values(), *policy.routes]
        for layer in layers:   # every filter built now: a broken one fails at start, not on a request
            for spec in [*(layer.input or []), *(layer.output or [])]:
                self._filter(spec)

    def _filter(self, spec: Any) -> Filter:
        if id(spec) not in self._built:
            self._built[id(spec)] = filters.build(spec)
        return self._built[id(spec)]

    def for_request(self, model: str, key_name: str) -> EffectivePolicy:
        """The one place a request's policy is chosen (key override > route > defaults; see policy.py)."""
        route = self.policy.route_for(model, key_name)
        cached = self._effective.get((route.name if route else None, key_name))
        return cached if cached is not None else self._build(model, key_name, route.name if route else None)

    def _build(self, model: str, key_name: str, route: str | None) -> EffectivePolicy:
        specs = self.policy.for_request(model, key_name)
        built = EffectivePolicy(self.version, specs.route, [self._filter(s) for s in specs.input],
                                [self._filter(s) for s in specs.output], specs.stream, specs.window_chars,
                                specs.hold, specs.upstream, specs.upstream_model, specs.upstream_key_env)
        self._effective[(route, key_name)] = built
        return built
