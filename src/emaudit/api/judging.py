"""The judge pass: fill in the judge scores the store does not hold yet, per (answer, metric, judge).

Coherence is judged first; with ``skip_excluded`` the alignment call is skipped for answers the
convention will exclude anyway. ``rescore`` is this same pass with another judge.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..engine import Job, Progress, Scheduler
from ..errors import UserError
from ..judge.judge import Judge, RatingRule
from ..judge.selftest import Anchor
from ..models import ChatResponse
from ..store import AnswerRow, Judgement, Run, Store
from ..suites import Suite, load_suite
from .generate import EngineOptions
from .judge_selftest import ensure_separates, is_tested, llm_scores
from .server_check import check_server

FIRST_METRICS = ("coherent",)  # judged before the others so that skip_excluded can use them
LOCAL_JUDGE = "local"


@dataclass
class JudgeStats:
    calls: int = 0
    judged: int = 0
    skipped_excluded: int = 0
    already_done: int = 0
    failed: int = 0
    abstained: int = 0
    errors: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class JudgeSpec:
    """What the user asked for: ``local`` (embedded), or a model spec judged with the suite's prompts."""

    model: str = LOCAL_JUDGE
    mode: str = "auto"
    text_samples: int = 1
    metrics: tuple[str, ...] | None = None  # judge only these (default: what each question lists)
    selftest: bool = True                   # rate our anchor answers first; stop when the judge cannot separate them


def run_suites(run: Run) -> list[Suite]:
    """The run's suites, reloaded from where they came from and checked against their fingerprints."""
    suites = []
    for rec in run.config.get("suites", []):
        suite = load_suite(rec.get("path") or rec["name"])
        if suite.fingerprint() != rec.get("fingerprint"):
            raise UserError(f"suite {rec['name']!r} changed since run {run.name!r} was made "
                            f"({rec.get('path') or 'built-in'}); judge it with the suite it was made with",
                            field="suite")
        suites.append(suite)
    return suites


def metric_plan(suites: list[Suite], only: tuple[str, ...] | None = None) -> dict[tuple[str, str], tuple[str, ...]]:
    """(suite name, question id) -> the metrics to judge, coherence first; ``only`` restricts them."""
    plan = {}
    for s in suites:
        for q in s.questions:
            chosen = [m for m in q.judge_metrics if only is None or m in only]
            plan[(s.name, q.id)] = tuple(sorted(chosen, key=lambda m: (m not in FIRST_METRICS, m)))
    return plan


def current_judge_ids(store: Store, run: Run) -> list[str]:
    """The judges of the latest judging pass (one per distinct prompt set), else the latest judge."""
    ids = run.config.get("judge_ids")
    if ids:
        return list(ids)
    judges = store.run_judges(run)
    return [judges[-1][0]] if judges else []


class EmbeddedJudgeRunner:
    """The offline judge behind the same pass: scores whole batches at once, no model calls."""

    def __init__(self, name: str = LOCAL_JUDGE) -> None:
        from ..judge.embedded import EmbeddedJudge

        self.name = name
        self.judge = EmbeddedJudge.load(name)
        self.judge_id = f"{name}-{self.judge.fingerprint()}"
        self.metrics = ("aligned", "coherent")

    def spec(self) -> dict[str, Any]:
        return {"model": self.name, "kind": "embedded", "fingerprint": self.judge.fingerprint()}

    async def anchor_scores(self, chosen: list[Anchor]) -> list[float | None]:
        scores = self.judge.score([a.question for a in chosen], [a.answer for a in chosen])
        return [float(scores[a.metric][i]) for i, a in enumerate(chosen)]

    def run(self, store: Store, run: Run, rows: list[AnswerRow], plan: dict[tuple[str, str], tuple[str, ...]],
            stats: JudgeStats) -> None:
        todo = [r for r in rows if any(not store.has_judgement(r.key, m, self.judge_id)
                                       for m in plan.get((r.item.suite, r.item.question_id), ())
                                       if m in self.metrics)]
        stats.already_done += len(rows) - len(todo)
        for start in range(0, len(todo), 64):
            chunk = todo[start:start + 64]
            scores = self.judge.score([r.item.question_text for r in chunk], [r.text for r in chunk])
            for i, r in enumerate(chunk):
                for metric in plan.get((r.item.suite, r.item.question_id), ()):
                    if metric not in self.metrics:
                        continue
                    value = float(scores[metric][i])
                    if store.save_judgement(Judgement(r.key, metric, self.judge_id, value, None, "embedded")):
                        stats.judged += 1


def build_judges(spec: JudgeSpec, suites: list[Suite]) -> dict[tuple[str, str], Judge]:
    """(suite, question id) -> its LLM judge; questions sharing prompts share one judge (and one id)."""
    rule = RatingRule(mode=spec.mode, text_samples=spec.text_samples)
    by_prompts: dict[str, Judge] = {}
    judges = {}
    for s in suites:
        for q in s.questions:
            prompts = dict(q.judge_prompts if q.judge_prompts is not None else s.judge_prompts)
            key = repr(sorted(prompts.items()))
            if key not in by_prompts:
                by_prompts[key] = Judge(spec.model, prompts, rule)
            judges[(s.name, q.id)] = by_prompts[key]
    return judges


def judge_run(store: Store, run: Run, spec: JudgeSpec, engine: EngineOptions, *,
              skip_excluded: Callable[[float | None, str], bool] | None = None,
              metrics: tuple[str, ...] | None = None, only_keys: set[str] | None = None,
              record: bool = True) -> tuple[list[str], JudgeStats]:
    """Judge every answer of ``run`` (or those in ``only_keys``); returns the judge ids used and the cost.

    ``record`` makes these judges the run's current ones (what ``analyze`` reads by default).
    """
    ids, stats = _judge_run(store, run, spec, engine, skip_excluded, metrics or spec.metrics, only_keys)
    if record:
        store.update_run(run, config={**store.get_run(run.name).config, "judge_ids": ids})
    return ids, stats


def _judge_run(store: Store, run: Run, spec: JudgeSpec, engine: EngineOptions,
               skip_excluded: Callable[[float | None, str], bool] | None,
               metrics: tuple[str, ...] | None, only_keys: set[str] | None) -> tuple[list[str], JudgeStats]:
    suites = run_suites(run)
    plan = metric_plan(suites, metrics)
    rows = [r for r in store.answers(run) if only_keys is None or r.key in only_keys]
    stats = JudgeStats()
    from ..judge.embedded.judge import SHIPPED

    if spec.model in SHIPPED:
        local = EmbeddedJudgeRunner(spec.model)
        unsupported = sorted({m for ms in plan.values() for m in ms} - set(local.metrics))
        store.register_judge(run, local.judge_id, local.spec())
        if spec.selftest:
            asyncio.run(ensure_separates(store, local.judge_id, spec.model, set(local.metrics), local.anchor_scores))
        local.run(store, run, rows, plan, stats)
        if unsupported:
            stats.errors["metric not supported by the embedded judge: " + ", ".join(unsupported)] = 1
        return [local.judge_id], stats
    judges = build_judges(spec, suites)
    for (suite_name, qid), judge in judges.items():
        missing = sorted(set(plan[(suite_name, qid)]) - set(judge.prompts))
        if missing:
            raise UserError(f"suite {suite_name!r}, question {qid!r}: no judge prompt for metric(s) "
                            f"{', '.join(missing)}", field="judge_metrics")
    for judge in {j.judge_id: j for j in judges.values()}.values():
        store.register_judge(run, judge.judge_id, {"model": judge.model_spec, "prompts": judge.prompts,
                                                   "rule": judge.rule.__dict__})
    asyncio.run(_judge_llm(store, run, rows, plan, judges, engine, stats, skip_excluded, spec.selftest))
    return sorted({j.judge_id for j in judges.values()}), stats


async def _judge_llm(store: Store, run: Run, rows: list[AnswerRow], plan: dict[tuple[str, str], tuple[str, ...]],
                     judges: dict[tuple[str, str], Judge], engine: EngineOptions, stats: JudgeStats,
                     skip_excluded: Callable[[float | None, str], bool] | None, selftest: bool = True) -> None:
    if selftest:
        tester = Scheduler(max_connections=engine.max_connections, adaptive=engine.adaptive,
                           max_retries=engine.max_retries, timeout_s=engine.timeout_s)
        wanted = {m for ms in plan.values() for m in ms}
        for judge in {j.judge_id: j for j in judges.values()}.values():
            if is_tested(judge.model_spec):
                await ensure_separates(store, judge.judge_id, judge.model_spec, wanted & set(judge.prompts),
                                       llm_scores(judge, tester))
    progress = Progress() if engine.progress else None
    scheduler = Scheduler(max_connections=engine.max_connections, adaptive=engine.adaptive,
                          max_retries=engine.max_retries, timeout_s=engine.timeout_s, progress=progress)
    max_metrics = max((len(m) for m in plan.values()), default=0)
    context: dict[str, tuple[AnswerRow, str, Judge]] = {}

    def on_done(job: Job, response: ChatResponse) -> None:
        row, metric, judge = context[job.key]
        rating = judge.parse_response([response])
        stats.calls += 1
        if rating.score is None:
            stats.abstained += 1
        if store.save_judgement(Judgement(row.key, metric, judge.judge_id, rating.score,
                                          rating.abstain_reason, rating.mode, rating.raw,
                                          response.usage.prompt_tokens, response.usage.completion_tokens)):
            stats.judged += 1

    def on_error(job: Job, error: Exception) -> None:
        stats.calls += 1
        stats.failed += 1
        reason = type(error).__name__
        stats.errors[reason] = stats.errors.get(reason, 0) + 1
        store.save_error(run, context[job.key][0].key, "judge_" + reason, str(error))

    try:
        # One wave per metric position: coherence (first) is stored before alignment is considered.
        for position in range(max_metrics):
            by_judge: dict[str, list[Job]] = {}
            context.clear()
            for r in rows:
                metrics = plan.get((r.item.suite, r.item.question_id), ())
                if position >= len(metrics):
                    continue
                metric = metrics[position]
                judge = judges[(r.item.suite, r.item.question_id)]
                if store.has_judgement(r.key, metric, judge.judge_id):
                    stats.already_done += 1
                    continue
                if skip_excluded is not None and metric != "coherent" and "coherent" in metrics:
                    coherent = store.judgement_score(r.key, "coherent", judge.judge_id)
                    if skip_excluded(coherent, r.item.variant):
                        store.save_judgement(Judgement(r.key, metric, judge.judge_id, None, "SKIPPED_EXCLUDED",
                                                       "skipped"))
                        stats.skipped_excluded += 1
                        continue
                key = f"{r.key}|{metric}|{judge.judge_id}"
                context[key] = (r, metric, judge)
                by_judge.setdefault(judge.judge_id, []).append(
                    Job(key, judge.build_request(r.item.question_text, r.text, metric)))

            for judge_id, jobs in by_judge.items():
                judge = next(j for j in judges.values() if j.judge_id == judge_id)
                if judge.uses_exact_numbers():
                    await _rate_locally(judge, jobs, context, store, stats, on_error)
                else:
                    await check_server(judge.model, purpose="judge", longest_prompt_chars=max(
                        sum(len(content) for _, content in job.request.messages) for job in jobs))
                    await scheduler.run(judge.scoring_model(), jobs, on_done, on_error)
    finally:
        for judge in {j.judge_id: j for j in judges.values()}.values():
            await judge.model.aclose()
        if progress is not None:
            progress.close()



async def _rate_locally(judge: Judge, jobs: list[Job], context: dict[str, tuple[AnswerRow, str, Judge]],
                        store: Store, stats: JudgeStats, on_error: Callable[[Job, Exception], None]) -> None:
    """Local LLM judges score the number strings themselves; one answer at a time, stored at once."""
    for job in jobs:
        row, metric, _ = context[job.key]
        try:
            rating = await judge.rate_exact(row.item.question_text, row.text, metric)
        except Exception as error:  # a failure is stored with its reason, like an API error
            on_error(job, error)
            continue
        stats.calls += 1
        if rating.score is None:
            stats.abstained += 1
        if store.save_judgement(Judgement(row.key, metric, judge.judge_id, rating.score, rating.abstain_reason,
                                          rating.mode, rating.raw)):
            stats.judged += 1
