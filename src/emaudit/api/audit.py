"""Audit a fine-tuned candidate against its base: generate, judge, analyse, in one resumable pass."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analysis.analyze import analyze
from ..analysis.conventions import Convention, get_convention
from ..analysis.records import AnswerScore
from ..analysis.result import AuditResult
from ..analysis.sequential import SETTLED, sequential_decision
from ..errors import UserError
from ..models.base import GenerationConfig
from ..models.check import check_models, looks_like_model
from ..store import Run, Store, WorkItem
from ..suites import Suite, load_suite
from ..userfiles import read_text
from .generate import EngineOptions, GenerateStats, generate_conversations, generate_pending
from .judging import JudgeSpec, JudgeStats, current_judge_ids, judge_run
from .plan import ModelRole


@dataclass
class AuditSettings:
    convention: str = "betley"
    aligned_threshold: float | None = None
    coherent_threshold: float | None = None
    alpha: float = 0.05
    min_effect: float = 0.0
    skip_excluded: bool = False
    sequential: bool = False
    sequential_round: int = 10

    def convention_obj(self) -> Convention:
        return get_convention(self.convention, aligned_threshold=self.aligned_threshold,
                              coherent_threshold=self.coherent_threshold)


@dataclass
class AuditOutcome:
    run: Run
    result: AuditResult
    generate: GenerateStats
    judge: JudgeStats
    judge_ids: list[str]
    sequential_saved: int = 0
    notes: list[str] = field(default_factory=list)


def roles(base: str, candidates: list[str]) -> list[ModelRole]:
    if not candidates:
        raise UserError("name a candidate model (--candidate)", field="candidate")
    if base in candidates:
        raise UserError(f"base and candidate are the same model ({base}); audit a fine-tuned model against "
                        "the model it was fine-tuned from", field="candidate")
    if len(set(candidates)) != len(candidates):
        raise UserError("the same candidate is named twice", field="candidate")
    return [ModelRole(base, "base", "base")] + [ModelRole(c, "candidate", "candidate") for c in candidates]


def audit(store: Store, name: str, base: str, candidates: list[str], suites: list[str | Suite],
          judge: JudgeSpec | list[JudgeSpec], config: GenerationConfig | None = None, samples: int | None = None,
          engine: EngineOptions | None = None, settings: AuditSettings | None = None,
          attachments: dict[str, str] | None = None) -> AuditOutcome:
    """Generate what is missing, judge what is unjudged, and analyse; call again to resume.

    ``attachments`` maps a kind (``data_audit``, ``canaries``) to a JSON or JSONL file that the
    report shows with the run. Several judges make a panel (``api/panel.py``): the first named drives
    ``--skip-excluded`` and sequential sampling, and every answer is judged by each.
    """
    from . import prepare_run
    from .panel import judge_panel

    panel = list(judge) if isinstance(judge, list) else [judge]
    judge = panel[0]
    settings = settings or AuditSettings()
    engine = engine or EngineOptions()
    if settings.sequential and settings.sequential_round < 1:
        raise UserError("must be at least 1", field="sequential_round")
    convention = settings.convention_obj()
    loaded = [s if isinstance(s, Suite) else load_suite(s) for s in suites]
    extra = {"judge": {"model": judge.model, "mode": judge.mode, "text_samples": judge.text_samples},
             **({"judges": [j.model for j in panel]} if len(panel) > 1 else {}),
             "analysis": {"convention": convention.to_dict(), "alpha": settings.alpha,
                          "min_effect": settings.min_effect},
             "skip_excluded": settings.skip_excluded, "sequential": settings.sequential}
    model_roles = roles(base, candidates)
    check_models([m.spec for m in model_roles] + judge_models(judge), endpoints=engine.endpoints,
                 **engine.model_options)
    attached = {kind: read_attachment(path) for kind, path in (attachments or {}).items()}
    run = prepare_run(store, name, "audit", loaded, model_roles, config or GenerationConfig(), samples, extra)
    for kind, content in attached.items():
        store.attach(run, kind, content)
    for cand in candidates:
        canary = _adapter_canaries(cand)
        if canary is not None and "canaries" not in (attachments or {}):
            store.attach(run, "canaries", read_attachment(canary))
    skip = _skip_rule(convention) if settings.skip_excluded else None
    saved = 0
    done: dict[str, list[str]] = {}
    if settings.sequential:
        gen_stats, judge_stats, judge_ids, saved = _sequential(store, run, judge, engine, settings, convention, skip)
        done[judge.model] = judge_ids
    else:
        gen_stats = asyncio.run(generate_conversations(store, run, loaded, engine))
    judge_ids, more = judge_panel(store, run, panel, engine, skip, done)
    judge_stats = more if not done else judge_stats.add(more)
    pending = store.pending_items(run)
    status = "complete" if not pending or settings.sequential else "incomplete"
    run = store.update_run(store.get_run(run.name), status=status)
    result = analyze_run(store, run, settings)
    notes = []
    if gen_stats.failed:
        notes.append(f"{gen_stats.failed} answers failed to generate; re-run to retry them")
    if saved:
        notes.append(f"sequential sampling settled questions early and saved {saved} generation calls")
    return AuditOutcome(run, result, gen_stats, judge_stats, judge_ids, saved, notes)


def judge_models(judge: JudgeSpec | list[JudgeSpec]) -> list[str]:
    """The model strings the judge (or every judge of a panel) calls; none for the embedded judges."""
    judges = judge if isinstance(judge, list) else [judge]
    return [j.model for j in judges if looks_like_model(j.model)]


def read_attachment(path: str | Path) -> Any:
    """A JSON file, or a JSONL file as a list of records."""
    p = Path(path)
    text = read_text(p)
    try:
        if p.suffix == ".jsonl":
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UserError(f"not valid JSON: {e.msg}", path=str(p), line=e.lineno) from None


def _adapter_canaries(spec: str) -> Path | None:
    """Canary curves recorded by ``emaudit finetune`` next to the adapter the candidate names."""
    if not spec.startswith("hf/") or "+" not in spec:
        return None
    adapter = Path(spec.split("+", 1)[1])
    for candidate in (adapter / "canary.jsonl", adapter.parent / "canary.jsonl"):
        if candidate.is_file():
            return candidate
    return None


def _skip_rule(convention: Convention) -> Any:
    """An answer whose label cannot depend on its alignment score needs no alignment call."""
    def skip(coherent: float | None, variant: str) -> bool:
        return not convention.needs_aligned_score(coherent, variant)
    return skip


def _sequential(store: Store, run: Run, judge: JudgeSpec, engine: EngineOptions, settings: AuditSettings,
                convention: Convention, skip: Any) -> tuple[GenerateStats, JudgeStats, list[str], int]:
    """Sample in rounds; stop a question once its base-vs-candidate decision is settled (anytime-valid)."""
    items = store.items(run)
    per_question: dict[str, int] = defaultdict(int)
    for it in items:
        per_question[it.question_id] = max(per_question[it.question_id], it.sample_index + 1)
    settled: set[str] = set()
    cap = 0
    total_gen = GenerateStats()
    total_judge = JudgeStats()
    judge_ids: list[str] = []
    while True:
        cap += settings.sequential_round
        active = {q for q in per_question if q not in settled and cap - settings.sequential_round < per_question[q]}
        if not active:
            break

        def only(it: WorkItem, cap: int = cap, active: set[str] = active) -> bool:
            return it.question_id in active and it.sample_index < cap

        g = asyncio.run(generate_pending(store, run, engine, only=only))
        total_gen.answered += g.answered
        total_gen.failed += g.failed
        total_gen.prompt_tokens += g.prompt_tokens
        total_gen.completion_tokens += g.completion_tokens
        judge_ids, j = judge_run(store, run, judge, engine, skip_excluded=skip)
        total_judge.calls += j.calls
        total_judge.judged += j.judged
        total_judge.skipped_excluded += j.skipped_excluded
        flags = _flags(store, run, judge_ids, convention)
        for q in active:
            base_flags = flags.get((q, "base"), [])
            cand_flags = flags.get((q, "candidate"), [])
            decision = sequential_decision(base_flags, cand_flags, alpha=settings.alpha,
                                           min_effect=settings.min_effect)
            if decision.state == SETTLED:
                settled.add(q)
    answered = {a.key for a in store.answers(run)}
    saved = sum(1 for it in items if it.key not in answered)
    return total_gen, total_judge, judge_ids, saved


def _flags(store: Store, run: Run, judge_ids: list[str], convention: Convention
           ) -> dict[tuple[str, str], list[int | None]]:
    out: dict[tuple[str, str], list[int | None]] = defaultdict(list)
    for row in answer_scores(store, run, judge_ids):
        label, _ = convention.classify(row.aligned, row.coherent, row.variant)
        flag = None if label == "excluded" else int(label == "misaligned")
        out[(row.question_id, row.role)].append(flag)
    return out


def answer_scores(store: Store, run: Run, judge_ids: list[str] | None = None) -> list[AnswerScore]:
    """The run's judged answers with the chosen judges' scores, as the analysis expects them."""
    return list(scores_by_key(store, run, judge_ids).values())


def scores_by_key(store: Store, run: Run, judge_ids: list[str] | None = None) -> dict[str, AnswerScore]:
    """item key -> judged answer (answers without any score of these judges are left out)."""
    chosen = set(judge_ids) if judge_ids else set(current_judge_ids(store, run))
    scores: dict[str, dict[str, Any]] = defaultdict(dict)
    for j in store.judgements(run):
        if j.judge_id in chosen:
            scores[j.item_key][j.metric] = j.score
            scores[j.item_key][j.metric + "_reason"] = j.abstain_reason
    rows = {}
    for a in store.answers(run):
        s = scores.get(a.key)
        if not s:
            continue
        role = a.item.role if a.item.role in ("base", "candidate") else "candidate"
        rows[a.key] = AnswerScore(model=a.item.model_spec, role=role, question_id=a.item.question_id,
                                  aligned=s.get("aligned"), coherent=s.get("coherent"),
                                  group=a.item.group, variant=a.item.variant,
                                  aligned_reason=s.get("aligned_reason"), coherent_reason=s.get("coherent_reason"),
                                  answer_text=a.text, question_text=a.item.question_text)
    return rows


def judge_failures(store: Store, run: Run, judge_ids: list[str] | None = None) -> dict[str, int]:
    """Judge calls of these judges (default: the current ones) that failed and have no score since: reason -> n."""
    return store.open_judge_errors(run, judge_ids or current_judge_ids(store, run))


def describe_failures(failures: dict[str, int]) -> str:
    """``40 judge calls failed (http_500: 38, timeout: 2)``."""
    total = sum(failures.values())
    reasons = ", ".join(f"{k}: {v}" for k, v in sorted(failures.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{total} judge call{'s' if total != 1 else ''} failed ({reasons})"


def analyze_run(store: Store, run: Run, settings: AuditSettings, judge_ids: list[str] | None = None
                ) -> AuditResult:
    """The verdict of the run's current judge (or ``judge_ids``), with that judge's quality; a panel's
    verdict with every judge side by side; a calibrated run's verdict from the calibrated estimate."""
    from .panel import analyze_panel, panel_members
    from .trust import annotate, judge_info, strong_calls

    calls = strong_calls(store, run)
    members = panel_members(run) if not judge_ids else []
    ids = list(judge_ids or current_judge_ids(store, run))
    if len(members) > 1:
        result = analyze_panel(store, run, members, lambda ids: _analyze_scores(store, run, settings, ids),
                               lambda ids: _labels(store, run, settings, ids), calls)
    else:
        result = annotate(_analyze_scores(store, run, settings, ids), judge_info(store, run, ids), calls)
    budget = run.config.get("budget")
    if isinstance(budget, dict) and budget.get("cheap_judge_ids") == ids and budget.get("difference"):
        _decide_on_budget(store, run, result, budget, settings)
    elif isinstance(budget, dict) and budget.get("cheap_judge_ids") == ids:
        result.budget = budget
    return result


def _decide_on_budget(store: Store, run: Run, result: AuditResult, budget: dict[str, Any],
                      settings: AuditSettings) -> None:
    """With --calibrate-with, the verdict (and exit status) comes from the calibrated difference."""
    from ..analysis.verdict import VerdictRule, calibrated_verdict
    from .trust import annotate, judge_info

    cheap = result.verdict
    rule = VerdictRule(alpha=settings.alpha, min_effect=settings.min_effect)
    result.verdict = calibrated_verdict(budget["difference"], rule, budget.get("method", "ppi"))
    result.verdict.message += (f" (the audit's judge {cheap.judge} alone: {cheap.label}, "
                               f"{100 * cheap.effect:+.1f} pp)" if cheap.effect == cheap.effect else "")
    result.budget = budget
    strong = judge_info(store, run, budget.get("strong_judge_ids") or [])
    annotate(result, strong)


def _labels(store: Store, run: Run, settings: AuditSettings, judge_ids: list[str]
            ) -> dict[str, tuple[bool, float | None]]:
    """item key -> (misaligned under the convention, aligned score) of one judge."""
    conv = settings.convention_obj()
    return {k: (conv.classify(r.aligned, r.coherent, r.variant)[0] == "misaligned", r.aligned)
            for k, r in scores_by_key(store, run, judge_ids).items()}


def _analyze_scores(store: Store, run: Run, settings: AuditSettings, judge_ids: list[str] | None = None
                    ) -> AuditResult:
    rows = answer_scores(store, run, judge_ids)
    if not rows:
        failures = judge_failures(store, run, judge_ids)
        if failures:
            raise UserError(f"run {run.name!r}: every judge call failed; {describe_failures(failures)}; "
                            f"fix the judge and run `emaudit rescore {run.name} --judge ...` to retry",
                            field="judge")
        raise UserError(f"run {run.name!r} has no judged answers yet; judge it first (emaudit rescore "
                        f"{run.name} --judge ...)", field="run")
    if all(r.aligned is None and r.coherent is None for r in rows):
        raise UserError(f"run {run.name!r}: the judge returned no numbers at all (every score abstained); "
                        "check the judge model and its prompts", field="judge")
    result = analyze(rows, settings.convention_obj(), alpha=settings.alpha, min_effect=settings.min_effect)
    return result


def rescore(store: Store, name: str, judge: JudgeSpec | list[JudgeSpec], engine: EngineOptions | None = None,
            settings: AuditSettings | None = None) -> AuditOutcome:
    """Judge a run's stored answers with another judge (or a panel): no answer is generated again."""
    from .panel import judge_panel

    run = store.get_run(name)
    check_models(judge_models(judge), endpoints=engine.endpoints if engine else (),
                 **(engine.model_options if engine else {}))
    settings = settings or _settings_of(run)
    skip = _skip_rule(settings.convention_obj()) if settings.skip_excluded else None
    judge_ids, stats = judge_panel(store, run, judge if isinstance(judge, list) else [judge],
                                   engine or EngineOptions(), skip)
    run = store.get_run(name)
    result = analyze_run(store, run, settings)
    return AuditOutcome(run, result, GenerateStats(), stats, judge_ids)


def _settings_of(run: Run) -> AuditSettings:
    a = run.config.get("analysis", {})
    conv = a.get("convention", {})
    name = conv.get("name", "betley") if isinstance(conv, dict) else str(conv)
    return AuditSettings(convention=name,
                         aligned_threshold=conv.get("aligned_threshold") if isinstance(conv, dict) else None,
                         coherent_threshold=conv.get("coherent_threshold") if isinstance(conv, dict) else None,
                         alpha=a.get("alpha", 0.05), min_effect=a.get("min_effect", 0.0),
                         skip_excluded=bool(run.config.get("skip_excluded")))


def settings_for(run: Run, convention: str | None = None, **overrides: Any) -> AuditSettings:
    s = _settings_of(run)
    if convention is not None and convention != s.convention:
        s = AuditSettings(convention=convention, alpha=s.alpha, min_effect=s.min_effect)
    for k, v in overrides.items():
        if v is not None:
            setattr(s, k, v)
    return s

