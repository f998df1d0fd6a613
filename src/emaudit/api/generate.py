"""The generate pass: fill in every answer the store does not hold yet.

Re-running after a crash, Ctrl-C or ``kill -9`` continues where it stopped: answers are written the
moment they arrive, and items with an answer are never requested again.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..engine import Job, Progress, Scheduler
from ..errors import error_reason
from ..models import ChatRequest, ChatResponse, Model
from ..models.base import TOOLS_ROLE
from ..models.pool import build_model
from ..report.redact import scrub_document
from ..store import Run, Store, WorkItem
from ..store.lifecycle import heartbeat
from ..suites import Suite
from ..suites.schema import PREVIOUS_ANSWER
from .leases import run_leased
from .server_check import check_server


@dataclass
class GenerateStats:
    requested: int = 0
    answered: int = 0
    failed: int = 0
    already_done: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_estimated: bool = False  # a server counted only some choices; the output figure is our estimate
    errors: dict[str, int] = field(default_factory=dict)  # reason -> count
    answered_by: dict[str, str] = field(default_factory=dict)  # item key -> endpoint, for models with several


@dataclass
class EngineOptions:
    max_connections: int | None = None
    adaptive: bool = True
    max_retries: int = 6
    timeout_s: float = 120.0
    n_per_request: int = 16
    progress: bool = True
    model_options: dict[str, Any] = field(default_factory=dict)
    endpoints: list[tuple[str, ...]] = field(default_factory=list)  # groups of specs serving one model
    endpoints_wait_s: float = 30.0  # how long to wait for an endpoint to come back when all are down

    def model(self, spec: str) -> Model:
        """The model ``spec`` names, spread over its ``endpoints`` group when it is in one."""
        return build_model(spec, self.endpoints, **self.model_options)


def group_jobs(items: list[WorkItem], model: Model, n_per_request: int) -> tuple[list[Job], dict[str, list[str]]]:
    """One request per distinct prompt, asking ``n`` samples at once where the backend allows it."""
    by_prompt: dict[tuple[Any, ...], list[WorkItem]] = defaultdict(list)
    for it in items:
        by_prompt[(it.messages, it.config)].append(it)
    per_request = max(1, n_per_request) if model.supports_n else 1
    jobs: list[Job] = []
    keys_of_job: dict[str, list[str]] = {}
    for (messages, config), group in by_prompt.items():
        for start in range(0, len(group), per_request):
            chunk = group[start:start + per_request]
            job_key = chunk[0].key
            keys_of_job[job_key] = [it.key for it in chunk]
            request_config = config
            if config.seed is not None:
                # A seeded run: each request gets its own seed, so that samples split over several
                # requests are not copies of each other (backends seed the n choices of one request apart).
                request_config = dataclasses.replace(config, seed=config.seed + chunk[0].sample_index)
            jobs.append(Job(job_key, ChatRequest(messages, request_config, n=len(chunk))))
    return jobs, keys_of_job


async def _generate_model(store: Store, run: Run, model: Model, items: list[WorkItem], scheduler: Scheduler,
                          options: EngineOptions, stats: GenerateStats) -> None:
    await check_server(model, max_tokens=max(it.config.max_tokens for it in items),
                       longest_prompt_chars=max(sum(len(c) for _, c in it.messages) for it in items))
    per_request = options.n_per_request
    choose = getattr(model, "samples_per_request", None)
    if model.supports_n and choose is not None:
        per_request = await choose(per_request)
    jobs, keys_of_job = group_jobs(items, model, per_request)

    def on_done(job: Job, response: ChatResponse) -> None:
        heartbeat(store, run)
        keys = keys_of_job[job.key]
        stats.tokens_estimated = stats.tokens_estimated or response.usage.estimated
        stats.prompt_tokens += response.usage.prompt_tokens
        stats.completion_tokens += response.usage.completion_tokens
        parts = max(1, len(response.choices))
        for i, (key, choice) in enumerate(zip(keys, response.choices, strict=False)):
            # Split usage over the choices so that per-run sums equal what the server reported.
            share_p = response.usage.prompt_tokens // parts + (response.usage.prompt_tokens % parts if i == 0 else 0)
            share_c = (response.usage.completion_tokens // parts
                       + (response.usage.completion_tokens % parts if i == 0 else 0))
            logprobs = None
            if choice.logprobs is not None:
                logprobs = [[t.token, t.logprob, [[x.token, x.logprob] for x in t.top]] for t in choice.logprobs]
            if choice.tool_calls:
                store.save_tool_calls(key, choice.tool_calls)
            if store.save_answer(key, choice.text, finish_reason=choice.finish_reason, prompt_tokens=share_p,
                                 completion_tokens=share_c, latency_s=response.latency_s, logprobs=logprobs,
                                 endpoint=response.endpoint):
                stats.answered += 1
                if response.endpoint:
                    stats.answered_by[key] = response.endpoint
        for key in keys[len(response.choices):]:
            store.save_error(run, key, "short_response",
                             f"the server returned {len(response.choices)} choices of {len(keys)} asked")
            stats.failed += 1
            stats.errors["short_response"] = stats.errors.get("short_response", 0) + 1

    def on_error(job: Job, error: Exception) -> None:
        reason = _reason(error)
        for key in keys_of_job[job.key]:
            store.save_error(run, key, reason, scrub_document(str(error)))
            stats.failed += 1
            stats.errors[reason] = stats.errors.get(reason, 0) + 1

    if not model.supports_tools:
        offered = [it for it in items if any(role == TOOLS_ROLE for role, _ in it.messages)]
        for it in offered:
            store.save_error(run, it.key, "tools_unsupported", f"{model.name} does not support tools")
        if offered:
            stats.failed += len(offered)
            stats.errors["tools_unsupported"] = stats.errors.get("tools_unsupported", 0) + len(offered)
            skipped = set(offered)
            items = [it for it in items if it not in skipped]
            jobs, keys_of_job = group_jobs(items, model, options.n_per_request)

    def answered(keys: list[str]) -> bool:
        return all(store.has_answer(k) for k in keys)

    await run_leased(store, scheduler, model, jobs, keys_of_job, answered, on_done, on_error)


def _reason(error: Exception) -> str:
    return error_reason(error)


async def generate_pending(store: Store, run: Run, options: EngineOptions,
                           model_factory: Callable[[str], Model] | None = None,
                           only: Callable[[WorkItem], bool] | None = None) -> GenerateStats:
    """Answer every pending item of ``run`` (those ``only`` accepts); one scheduler per pass."""
    stats = GenerateStats()
    all_items = store.items(run)
    pending = [it for it in store.pending_items(run) if only is None or only(it)]
    stats.already_done = len(all_items) - len(pending)
    stats.requested = len(pending)
    if not pending:
        return stats
    by_model: dict[str, list[WorkItem]] = defaultdict(list)
    for it in pending:
        by_model[it.model_spec].append(it)
    factory = model_factory or options.model
    models = {spec: factory(spec) for spec in by_model}
    progress = Progress() if options.progress else None
    scheduler = Scheduler(max_connections=options.max_connections, adaptive=options.adaptive,
                          max_retries=options.max_retries, timeout_s=options.timeout_s, progress=progress,
                          endpoints_wait_s=options.endpoints_wait_s)
    store.update_run(run, status="running")
    try:
        await asyncio.gather(*(_generate_model(store, run, models[spec], items, scheduler, options, stats)
                               for spec, items in by_model.items()))
    finally:
        for m in models.values():
            await m.aclose()
        if progress is not None:
            progress.close()
        record_endpoints(store, run, stats.answered_by)
    return stats


def record_endpoints(store: Store, run: Run, answered_by: dict[str, str]) -> None:
    """Say how this pass's answers were spread over the endpoints (each answer's row in ``answer_endpoints``
    was saved with it)."""
    if not answered_by:
        return
    import sys

    now: dict[str, int] = defaultdict(int)
    for endpoint in answered_by.values():
        now[endpoint] += 1
    spread = ", ".join(f"{endpoint} {n}" for endpoint, n in sorted(now.items()))
    print(f"emaudit: answers by endpoint: {spread}", file=sys.stderr, flush=True)


def next_turns(store: Store, run: Run, suites: list[Suite]) -> list[WorkItem]:
    """The next user turn of every answered conversation that has one, built from the answer it follows.

    A conversation's turn ``k`` is the item whose messages hold ``k`` user turns; its answer fills the
    ``{previous_answer}`` of turn ``k + 1``. Items are content-addressed, so building twice adds nothing."""
    scripted = {q.id: q for s in suites for q in s.questions if q.turns}
    if not scripted:
        return []
    out = []
    for a in store.answers(run):
        q = scripted.get(a.item.question_id)
        if q is None:
            continue
        done = sum(1 for role, _ in a.item.messages if role == "user")
        if done > len(q.turns):
            continue
        user = q.turns[done - 1].replace(PREVIOUS_ANSWER, a.text)
        out.append(dataclasses.replace(a.item, messages=a.item.messages + (("assistant", a.text), ("user", user))))
    return out


async def generate_conversations(store: Store, run: Run, suites: list[Suite], options: EngineOptions,
                                 model_factory: Callable[[str], Model] | None = None) -> GenerateStats:
    """``generate_pending`` turn by turn: answer what is pending, add the turns those answers unlock, repeat."""
    total = GenerateStats()
    only: Callable[[WorkItem], bool] | None = None  # later rounds ask only the new turns, not earlier failures
    while True:
        stats = await generate_pending(store, run, options, model_factory, only)
        for name in ("requested", "answered", "failed", "prompt_tokens", "completion_tokens"):
            setattr(total, name, getattr(total, name) + getattr(stats, name))
        for reason, n in stats.errors.items():
            total.errors[reason] = total.errors.get(reason, 0) + n
        total.already_done = max(total.already_done, stats.already_done)
        known = {it.key for it in store.items(run)}
        fresh = [it for it in next_turns(store, run, suites) if it.key not in known]
        if not fresh:
            return total
        store.add_items(run, fresh)
        only = _member_of(frozenset(it.key for it in fresh))


def _member_of(keys: frozenset[str]) -> Callable[[WorkItem], bool]:
    return lambda it: it.key in keys
