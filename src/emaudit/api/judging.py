"""The judge pass: fill in the judge scores the store does not hold yet, per (answer, metric, judge).

Coherence is judged first; with ``skip_excluded`` the alignment call is skipped for answers the
convention will exclude anyway. ``rescore`` is this same pass with another judge.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine import Job, Progress, Scheduler
from ..errors import UserError, error_reason
from ..judge.judge import Judge, RatingRule
from ..judge.selftest import Anchor
from ..models import ChatResponse, Model
from ..models.pool import group_of
from ..report.redact import scrub_document
from ..store import AnswerRow, Judgement, Run, Store
from ..suites import Question, Suite, load_suite
from ..suites.prompts import default_judge_prompts
from .generate import EngineOptions
from .judge_selftest import ensure_separates, is_tested, llm_scores
from .judges import current_judge_ids  # noqa: F401  (re-exported: callers import it from here)
from .leases import run_leased
from .server_check import check_server

FIRST_METRICS = ("coherent",)  # judged before the others so that skip_excluded can use them
LOCAL_JUDGE = "local"


@dataclass
class JudgeStats:
    """What one judging pass did. A judgement is one answer on one metric; a judged answer has all its
    metrics judged (a score, an abstention or a skip)."""

    calls: int = 0                 # model calls (none for embedded judges)
    judged: int = 0                # judgements made in this pass
    skipped_excluded: int = 0
    already_done: int = 0          # judgements already in the store
    answers: int = 0               # answers in the pass
    judged_answers: int = 0        # of those, answers with all their metrics judged, after the pass
    failed: int = 0
    abstained: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, other: JudgeStats) -> JudgeStats:
        """Count ``other``'s pass into this one (a panel's or a sequential audit's passes); returns self."""
        for k in ("calls", "judged", "skipped_excluded", "already_done", "failed", "abstained"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        for k, v in other.errors.items():
            self.errors[k] = self.errors.get(k, 0) + v
        return self


@dataclass(frozen=True)
class JudgeSpec:
    """What the user asked for: ``local`` (embedded), or a model spec judged with the suite's prompts."""

    model: str = LOCAL_JUDGE
    mode: str = "auto"
    text_samples: int = 1
    metrics: tuple[str, ...] | None = None  # judge only these (default: what each question lists)
    selftest: bool = True                   # rate our anchor answers first; stop when the judge cannot separate them


IMPORTED_SUITE = "imported"


def imported_suite(items: list[Any]) -> Suite:
    """An imported run's questions, from its stored items (the question texts came with the import)."""
    texts: dict[str, list[str]] = {}
    for it in items:
        seen = texts.setdefault(it.question_id, [])
        if it.question_text not in seen:
            seen.append(it.question_text)
    questions = [Question(id=qid, paraphrases=tuple(t or [""])) for qid, t in texts.items()]
    return Suite(IMPORTED_SUITE, questions, default_judge_prompts(), format="imported",
                 description="questions of imported answers")


def judging_suites(store: Store, run: Run) -> list[Suite]:
    """The suites whose questions and prompts judge ``run``: its own, or an imported run's questions."""
    if run.kind == "import":
        return [imported_suite(store.items(run))]
    return run_suites(run)


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


def embedded_judge_path(model: str) -> str | None:
    """``local`` / ``local-lm``, or the folder of a judge written by ``emaudit judge fit``; None for a model spec."""
    from ..judge.embedded.heads import HEADS_FILE
    from ..judge.embedded.judge import SHIPPED
    from ..models import PROVIDERS

    if model in SHIPPED:
        return model
    path = Path(model).expanduser()
    if path.is_dir() and ((path / HEADS_FILE).is_file() or model.partition("/")[0] not in PROVIDERS):
        return str(path.resolve())
    return None


def _embedded_id(name_or_path: str, fingerprint: str) -> str:
    """Shipped judges keep their name in the id; a fitted judge's id is its fingerprint, wherever it lies."""
    from ..judge.embedded.judge import SHIPPED

    return f"{name_or_path}-{fingerprint}" if name_or_path in SHIPPED else f"fitted-{fingerprint[:32]}"


def embedded_judge_id(name_or_path: str) -> str:
    """The judge id an embedded judge (shipped name or fitted folder) judges under."""
    from ..judge.embedded import EmbeddedJudge

    return _embedded_id(name_or_path, EmbeddedJudge.load(name_or_path).fingerprint())


class EmbeddedJudgeRunner:
    """The offline judge behind the same pass: scores whole batches at once, no model calls."""

    def __init__(self, name: str = LOCAL_JUDGE) -> None:
        from ..judge.embedded import EmbeddedJudge
        from ..judge.embedded.judge import SHIPPED

        self.path = None if name in SHIPPED else name
        self.name = name if name in SHIPPED else Path(name).name
        self.judge = EmbeddedJudge.load(name)
        self.judge_id = _embedded_id(name, self.judge.fingerprint())
        self.metrics = ("aligned", "coherent")

    def spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"model": self.name, "kind": "embedded", "fingerprint": self.judge.fingerprint()}
        if self.path is not None:
            spec["path"] = self.path
        return spec

    async def anchor_scores(self, chosen: list[Anchor]) -> list[float | None]:
        scores = self.judge.score([a.question for a in chosen], [a.answer for a in chosen])
        return [float(scores[a.metric][i]) for i, a in enumerate(chosen)]

    def run(self, store: Store, run: Run, rows: list[AnswerRow], plan: dict[tuple[str, str], tuple[str, ...]],
            stats: JudgeStats, progress: Progress | None = None) -> None:
        todo = []
        for r in rows:
            done = [store.has_judgement(r.key, m, self.judge_id)
                    for m in plan.get((r.item.suite, r.item.question_id), ()) if m in self.metrics]
            stats.already_done += sum(done)
            if not all(done):
                todo.append(r)
        bar = progress.bar(f"judge {self.name} (answers)", len(todo)) if progress is not None and todo else None
        for start in range(0, len(todo), 64):
            chunk = todo[start:start + 64]
            scores = self.judge.score([r.item.question_text for r in chunk], [r.text for r in chunk])
            for i, r in enumerate(chunk):
                for metric in plan.get((r.item.suite, r.item.question_id), ()):
                    if metric not in self.metrics:
                        continue
                    value = float(scores[metric][i])
                    if not store.has_judgement(r.key, metric, self.judge_id) and store.save_judgement(Judgement(r.key, metric, self.judge_id, value, None, "embedded")):
                        stats.judged += 1
            if bar is not None:
                bar.advance(len(chunk))


def build_judges(spec: JudgeSpec, suites: list[Suite], model: Model | None = None) -> dict[tuple[str, str], Judge]:
    """(suite, question id) -> its LLM judge; questions sharing prompts share one judge (and one id).
    ``model``: the judge model already built (one served by several endpoints), else built from its spec."""
    rule = RatingRule(mode=spec.mode, text_samples=spec.text_samples)
    by_prompts: dict[str, Judge] = {}
    judges = {}
    for s in suites:
        for q in s.questions:
            prompts = dict(q.judge_prompts if q.judge_prompts is not None else s.judge_prompts)
            key = repr(sorted(prompts.items()))
            if key not in by_prompts:
                by_prompts[key] = Judge(model if model is not None else spec.model, prompts, rule)
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
    rows = [r for r in store.answers(run) if only_keys is None or r.key in only_keys]
    stats.answers = len(rows)
    stats.judged_answers = store.judged_answers(run, ids, {r.key for r in rows})
    if record:
        if rows and not stats.failed and not store.judged_answers(run, ids, partial=True):
            raise UserError(f"judge {spec.model!r} judged none of run {run.name!r}'s {len(rows)} answers "
                            f"(metrics asked: {', '.join(metrics or spec.metrics or ('every listed',))}); "
                            "the run keeps its current judge", field="judge")
        store.update_run(run, config={**store.get_run(run.name).config, "judge_ids": ids})
    return ids, stats


def _judge_run(store: Store, run: Run, spec: JudgeSpec, engine: EngineOptions,
               skip_excluded: Callable[[float | None, str], bool] | None,
               metrics: tuple[str, ...] | None, only_keys: set[str] | None) -> tuple[list[str], JudgeStats]:
    suites = judging_suites(store, run)
    plan = metric_plan(suites, metrics)
    rows = [r for r in store.answers(run) if only_keys is None or r.key in only_keys]
    stats = JudgeStats()
    embedded = embedded_judge_path(spec.model)
    judgeable = {"aligned", "coherent"} if embedded is not None else None
    if rows and not any(m for r in rows for m in plan.get((r.item.suite, r.item.question_id), ())
                        if judgeable is None or m in judgeable):
        raise UserError(f"judge {spec.model!r} has nothing to judge in run {run.name!r}: no question lists "
                        f"the metric(s) {', '.join(metrics or ('aligned', 'coherent'))}; the run keeps its "
                        "current judge", field="--metrics")
    if embedded is not None:
        local = EmbeddedJudgeRunner(embedded)
        unsupported = sorted({m for ms in plan.values() for m in ms} - set(local.metrics))
        store.register_judge(run, local.judge_id, local.spec())
        if spec.selftest:
            asyncio.run(ensure_separates(store, local.judge_id, spec.model, set(local.metrics), local.anchor_scores))
        with Progress(enabled=None if engine.progress else False) as progress:
            local.run(store, run, rows, plan, stats, progress)
        if unsupported:
            stats.errors["metric not supported by the embedded judge: " + ", ".join(unsupported)] = 1
        return [local.judge_id], stats
    judges = build_judges(spec, suites, engine.model(spec.model) if group_of(spec.model, engine.endpoints) else None)
    for (suite_name, qid), judge in judges.items():
        missing = sorted(set(plan[(suite_name, qid)]) - set(judge.prompts))
        if missing:
            raise UserError(f"suite {suite_name!r}, question {qid!r}: no judge prompt for metric(s) "
                            f"{', '.join(missing)}", field="judge_metrics")
    for judge in {j.judge_id: j for j in judges.values()}.values():
        judge.model  # noqa: B018  (a mistyped judge fails here, before the store records it)
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
                           max_retries=engine.max_retries, timeout_s=engine.timeout_s,
                           endpoints_wait_s=engine.endpoints_wait_s)
        wanted = {m for ms in plan.values() for m in ms}
        for judge in {j.judge_id: j for j in judges.values()}.values():
            if is_tested(judge.model_spec):
                await ensure_separates(store, judge.judge_id, judge.model_spec, wanted & set(judge.prompts),
                                       llm_scores(judge, tester))
    progress = Progress() if engine.progress else None
    scheduler = Scheduler(max_connections=engine.max_connections, adaptive=engine.adaptive,
                          max_retries=engine.max_retries, timeout_s=engine.timeout_s, progress=progress,
                          endpoints_wait_s=engine.endpoints_wait_s)
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
        reason = error_reason(error)
        stats.errors[reason] = stats.errors.get(reason, 0) + 1
        row, metric, judge = context[job.key]
        store.save_judge_error(run, row.key, metric, judge.judge_id, reason, scrub_document(str(error)))

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
                    await run_leased(store, scheduler, judge.scoring_model(), jobs,
                                     {j.key: ["judge:" + j.key] for j in jobs},
                                     lambda keys: all(_judged(store, k) for k in keys), on_done, on_error)
    finally:
        for judge in {j.judge_id: j for j in judges.values()}.values():
            await judge.model.aclose()
        if progress is not None:
            progress.close()



def _judged(store: Store, work_key: str) -> bool:
    item_key, metric, judge_id = work_key.removeprefix("judge:").split("|", 2)
    return store.has_judgement(item_key, metric, judge_id)


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
