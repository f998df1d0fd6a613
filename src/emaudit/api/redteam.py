"""`emaudit redteam`: run red-team packs on a base and a candidate, score each answer with the packs'
rule detectors, and build the symptom report. Resumable like an audit: the same run name continues."""

from __future__ import annotations

import asyncio
import dataclasses
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..models import get_model
from ..models.base import TOOLS_ROLE, GenerationConfig
from ..redteam.adversarial import adversarial_suite
from ..redteam.detectors import Answer, run_detector
from ..redteam.packs import load_pack, pack_names
from ..redteam.symptoms import Scored, symptom_report
from ..store import Store
from ..suites import Suite
from .generate import EngineOptions, GenerateStats, generate_conversations
from .plan import ModelRole


@dataclass
class RedteamOutcome:
    report: dict[str, Any]
    generate: GenerateStats
    notes: list[str] = field(default_factory=list)


def build_packs(spec: str, adversarial: int = 0, seed: int = 0) -> list[Suite]:
    packs = [load_pack(name) for name in pack_names(spec)]
    if adversarial:
        packs = [adversarial_suite(p, adversarial, seed) for p in packs]
    return packs


def _offers_tools(suite: Suite) -> bool:
    return any(q.tools for q in suite.questions)


def redteam(store: Store, name: str, base: str | None, candidate: str, pack_spec: str = "all", *,
            adversarial: int = 0, seed: int = 0, samples: int | None = None,
            config: GenerationConfig | None = None, engine: EngineOptions | None = None,
            alpha: float = 0.05, min_effect: float = 0.0) -> RedteamOutcome:
    from . import prepare_run
    from .audit import roles

    packs = build_packs(pack_spec, adversarial, seed)
    models = roles(base, [candidate]) if base is not None else [ModelRole(candidate, "candidate", "candidate")]
    notes: list[str] = []
    skipped: list[dict[str, str]] = []
    without_tools = [m.spec for m in models if not get_model(m.spec).supports_tools]
    for spec in without_tools:
        for p in packs:
            if _offers_tools(p):
                skipped.append({"pack": p.name, "model": spec, "reason": "the model does not support tools"})
        if any(_offers_tools(p) for p in packs):
            notes.append(f"{spec} does not support tools: packs with tools skipped for it "
                         f"({', '.join(p.name for p in packs if _offers_tools(p))})")
    extra = {"redteam": {"packs": [p.name for p in packs], "adversarial": adversarial, "seed": seed}}
    # Token logprobs, where a backend gives them, are the confidence of answers that state none.
    config = dataclasses.replace(config or GenerationConfig(), logprobs=True)
    run = prepare_run(store, name, "redteam", packs, models, config, samples, extra)
    engine = engine or EngineOptions()
    stats = asyncio.run(generate_conversations(store, run, packs, engine))
    store.update_run(run, status="complete" if not store.pending_items(run) else "incomplete")
    rows = score_run(store, run, packs)
    rejected = _rejected_tools(store, run, packs, without_tools)
    for s in rejected:
        notes.append(f"{s['model']} does not support tools ({s['reason']}): pack {s['pack']} skipped for it")
    skipped += rejected
    rows = [r for r in rows if not any(s["pack"] == r.pack and s["model"] == r.model for s in skipped)]
    report = symptom_report(rows, alpha=alpha, min_effect=min_effect, seed=seed, skipped=skipped,
                            models={m.role: m.spec for m in models})
    report["run"] = name
    if stats.failed:
        notes.append(f"{stats.failed} answers failed to generate ({', '.join(sorted(stats.errors))}); "
                     "re-run the same command to retry them")
    return RedteamOutcome(report, stats, notes)


def _rejected_tools(store: Store, run: Any, packs: list[Suite], without_tools: list[str]) -> list[dict[str, str]]:
    """Packs with tools whose every tool item a server refused (HTTP 4xx): that model has no tool support."""
    tool_packs = {p.name for p in packs if _offers_tools(p)}
    errors = {e.item_key: e for e in store.open_errors(run)}
    by: dict[tuple[str, str], Counter[str]] = {}
    for it in store.items(run):
        if it.suite in tool_packs and it.model_spec not in without_tools and any(
                r == TOOLS_ROLE for r, _ in it.messages):
            c = by.setdefault((it.suite, it.model_spec), Counter())
            e = errors.get(it.key)
            c["all"] += 1
            if e is not None and e.kind.startswith("http_4"):
                c["rejected"] += 1
    return [{"pack": pack, "model": spec, "reason": "the server answered HTTP 4xx to every request with tools"}
            for (pack, spec), c in by.items() if c["all"] and c["rejected"] == c["all"]]


def score_run(store: Store, run: Any, packs: list[Suite]) -> list[Scored]:
    """Every answer of the run under every detector its question names."""
    questions = {(p.name, q.id): q for p in packs for q in p.questions}
    calls = store.tool_calls(run)
    logprobs = store.token_logprobs(run)
    rows = []
    for a in store.answers(run):
        q = questions.get((a.item.suite, a.item.question_id))
        if q is None:
            continue
        turn = sum(1 for r, _ in a.item.messages if r == "user")
        lp = logprobs.get(a.key)
        confidence = math.exp(sum(lp) / len(lp)) if lp else None
        answer = Answer(a.text, tuple(calls.get(a.key, ())), turn, confidence)
        for settings in q.detectors:
            f = run_detector(settings, answer)
            rows.append(Scored(a.item.suite, settings["name"], a.item.role, a.item.model_spec, q.id,
                               a.item.paraphrase_index, a.item.sample_index, turn, f.flagged, f.reason,
                               a.item.question_text, a.text, list(answer.tool_calls)))
    return rows
