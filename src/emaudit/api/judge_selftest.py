"""Before a judge decides anything: rate our anchor answers and stop (exit 2) if it cannot separate them.

The outcome is stored per judge fingerprint, so each judge is tested once per store. Scripted ``mock/``
judges are test stand-ins, not judges: they are not tested.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable

from ..engine import Job, Scheduler
from ..errors import UserError
from ..judge.judge import Judge
from ..judge.selftest import Anchor, SelfTestResult, anchors_for, evaluate
from ..models import ChatResponse
from ..store import Store

Scores = Callable[[list[Anchor]], Awaitable[list[float | None] | None]]


def is_tested(model_spec: str) -> bool:
    return not model_spec.startswith("mock/")


async def ensure_separates(store: Store, judge_id: str, label: str, metrics: set[str], scores: Scores) -> None:
    """Raise ``UserError`` when the judge failed its self-test (now or before); silent when it passed."""
    cached = store.judge_selftest(judge_id)
    if cached is None:
        chosen = anchors_for(metrics)
        if not chosen:
            return
        values = await scores(chosen)
        if values is None:  # the judge could not be reached: the judging pass will say why
            return
        result = evaluate(list(zip(chosen, values, strict=True)))
        store.save_judge_selftest(judge_id, result.passed, result.to_dict())
    else:
        result = SelfTestResult.from_dict(cached)
    if not result.passed:
        raise UserError(f"judge {label} failed its self-test: {result.failure}; it cannot decide this audit "
                        "(choose another judge, or pass --no-judge-selftest to judge anyway)", field="--judge")


def llm_scores(judge: Judge, scheduler: Scheduler) -> Scores:
    """Rate anchors with an LLM judge through the engine (or exactly, for local models)."""

    async def rate(chosen: list[Anchor]) -> list[float | None] | None:
        if judge.uses_exact_numbers():
            return [(await judge.rate_exact(a.question, a.answer, a.metric)).score for a in chosen]
        jobs = [Job(str(i), judge.build_request(a.question, a.answer, a.metric)) for i, a in enumerate(chosen)]
        out: dict[str, float | None] = {}
        failed: list[Exception] = []

        def done(job: Job, response: ChatResponse) -> None:
            out[job.key] = judge.parse_response([response]).score

        def error(job: Job, exc: Exception) -> None:
            failed.append(exc)

        await scheduler.run(judge.scoring_model(), jobs, done, error)
        if failed:
            print(f"emaudit: judge {judge.model_spec}: self-test not run ({failed[0]})", file=sys.stderr)
            return None
        return [out.get(str(i)) for i in range(len(chosen))]

    return rate
