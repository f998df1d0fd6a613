"""Monitors: re-audit a live endpoint on a schedule against a baseline run, test for drift, alert.

A check is an ordinary audit run named ``monitor:<name>:<UTC time>``: its candidate is the endpoint,
asked afresh (a seed of its own, so nothing comes from the cache), and its base is the baseline run's
answers of the audited model, linked into the check run (content-addressed: never generated again, judged
once by the pinned judge). So ``analyze``, ``report`` and resume serve a check like any audit, and a
check killed half-way is resumed by the next pass. Evidence across checks: ``analysis/drift.py``.

A check is sampled in rounds and stops once ``drift.within_check`` settles it (early stop). With
``--guard-logs`` it also judges the guard's live answers (``monitor_live.py``, a series of its own); with
``--respond`` a drift alert writes guard overrides (``guard/overrides.py``) that only a person clears.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import socket
import sys
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from ..analysis.drift import BUDGET, DriftSeries, change_point, drift_evidence, within_check
from ..errors import ModelError, UserError
from ..models.base import GenerationConfig
from ..store import Run, Store, WorkItem
from ..store import monitors as ms
from ..store.store import owner_alive
from ..suites import Suite
from .alerts import Alert, check_target, dispatch
from .audit import AuditSettings, analyze_run
from .generate import EngineOptions, generate_pending
from .judging import JudgeSpec, build_judges, embedded_judge_id, embedded_judge_path, judge_run, run_suites
from .plan import ModelRole

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RUN_PREFIX = "monitor:"


class CheckFailed(Exception):
    """A check that could not be completed (endpoint down, baseline gone, judge changed)."""

    def __init__(self, message: str, kind: str = "failing") -> None:
        super().__init__(message)
        self.kind = kind  # failing: retried next window | broken: needs a person


def parse_every(text: str) -> float:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text or "")
    if not m or float(m.group(1)) <= 0:
        raise UserError(f"{text!r} is not a period: write a number and a unit, e.g. 30m, 6h, 1d", field="--every")
    return float(m.group(1)) * UNITS[m.group(2)]


def _name_ok(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name or ""):
        raise UserError(f"monitor names are letters, digits, '.', '_' and '-' (up to 64): {name!r}", field="name")
    return name


def judge_ids(judge: JudgeSpec, suites: list[Suite]) -> list[str]:
    """The fingerprints a judge judges under (what a monitor pins)."""
    embedded = embedded_judge_path(judge.model)
    if embedded is not None:
        return [embedded_judge_id(embedded)]
    return sorted({j.judge_id for j in build_judges(judge, suites).values()})


def _judge_spec(config: dict[str, Any]) -> JudgeSpec:
    return JudgeSpec(model=config["judge"], mode=config.get("judge_mode", "auto"))


def _baseline_items(store: Store, baseline: Run, model: str) -> list[WorkItem]:
    """The baseline run's answered items of the audited model (its candidates), as the check's base role."""
    answered = {a.key for a in store.answers(baseline)}
    items = [it for it in store.items(baseline) if it.role != "base" and it.key in answered]
    same = [it for it in items if it.model_spec == model]
    return [replace(it, role="base", group="baseline") for it in (same or items)]


def calls_per_sample(config: dict[str, Any], suites: list[Suite]) -> int:
    """Generation plus judge calls one sample of every question costs."""
    prompts = sum(len(q.paraphrases) for s in suites for q in s.questions)
    if embedded_judge_path(config["judge"]) is not None:
        return prompts
    metrics = sum(len(q.paraphrases) * len(q.judge_metrics) for s in suites for q in s.questions)
    return prompts + metrics


def add_monitor(store: Store, name: str, *, model: str, baseline: str, judge: JudgeSpec, every: str,
                suites: list[str] | None = None, samples: int | None = None, alerts: list[str] | None = None,
                budget: int | None = None, calibrate_with: str | None = None, calibration_samples: int = 50,
                failures_to_alert: int = 3, settings: AuditSettings | None = None,
                generation: GenerationConfig | None = None, early_stop: bool = True, round_samples: int = 4,
                settle_margin: float = 0.02, guard_logs: bool = False, guard_model: str | None = None,
                guard_judge: str = "local", responses: list[str] | None = None) -> dict[str, Any]:
    """Validate and store a monitor; returns its configuration."""
    _name_ok(name)
    settings = settings or AuditSettings()
    base_run = store.get_run(baseline)
    if base_run.kind not in ("audit", "generate") or not _baseline_items(store, base_run, model):
        raise UserError(f"run {baseline!r} holds no answers of an audited model to compare with", field="--baseline")
    base_suites = run_suites(base_run)
    names = [s.name for s in base_suites]
    if suites and sorted(set(suites)) != sorted(names):
        raise UserError(f"the baseline run {baseline!r} asked the suite(s) {', '.join(names)}; a monitor asks "
                        "the same questions (leave --suite out)", field="--suite")
    if samples is not None and samples < 1:
        raise UserError("must be at least 1", field="--samples")
    if failures_to_alert < 1:
        raise UserError("must be at least 1", field="--failures-to-alert")
    if round_samples < 1:
        raise UserError("must be at least 1", field="--round-samples")
    if not 0 < settle_margin < 1:
        raise UserError("must be between 0 and 1", field="--settle-margin")
    if not guard_logs and (guard_model is not None or guard_judge != "local"):
        raise UserError("only used with --guard-logs (the guard's logged answers); add it or leave this out",
                        field="--guard-model" if guard_model is not None else "--guard-judge")
    if guard_logs or responses:
        from ..store.postgres import is_url

        if is_url(store.location):   # the guard's journal (logs, overrides) is SQLite only (docs/store.md)
            raise UserError("the guard runs on a SQLite store only, so it neither logs into nor reads overrides "
                            "from a PostgreSQL store; run the monitor with the guard's --store",
                            field="--guard-logs" if guard_logs else "--respond")
    if guard_logs and embedded_judge_path(guard_judge) is None:
        raise UserError(f"live answers are judged by an embedded judge (local, local-lm or a fitted judge's "
                        f"folder), not {guard_judge!r}", field="--guard-judge")
    samples = samples or int(base_run.config.get("samples") or 20)
    from ..guard.overrides import parse_response

    responding = [parse_response(r) for r in responses or []]
    for r in responding:  # route: the last audited model, the one the baseline's answers came from
        if r["action"] == "route" and r["target"] is None:
            r["target"] = _baseline_items(store, base_run, model)[0].model_spec
            if r["target"] == model:
                raise UserError(f"the baseline's audited model is the monitored endpoint itself ({model}); name "
                                "the model to route to: --respond route:SPEC", field="--respond")
            parse_response(f"route:{r['target']}")
    config: dict[str, Any] = {
        "model": model, "baseline": baseline, "suites": names, "samples": samples,
        "every": every, "every_s": parse_every(every), "judge": judge.model, "judge_mode": judge.mode,
        "judge_ids": judge_ids(judge, base_suites), "alerts": [check_target(a) for a in alerts or []],
        "budget": budget, "calibrate_with": calibrate_with, "calibration_samples": calibration_samples,
        "failures_to_alert": failures_to_alert,
        "early_stop": early_stop, "round_samples": round_samples, "settle_margin": settle_margin,
        "guard_logs": {"model": guard_model, "judge": guard_judge} if guard_logs else None,
        "responses": responding,
        "analysis": {"convention": settings.convention, "alpha": settings.alpha, "min_effect": settings.min_effect},
        "generation": (generation or GenerationConfig()).to_dict(),
    }
    if budget is not None:
        per_sample = calls_per_sample(config, base_suites)
        if calibrate_with:
            budget -= 2 * calibration_samples * 2
        fit = budget // per_sample
        if fit < 1:
            raise UserError(f"a budget of {config['budget']} calls cannot pay one sample of every question "
                            f"({per_sample} calls{', plus the calibration' if calibrate_with else ''})",
                            field="--budget")
        config["samples"] = min(samples, fit)
    ms.save_monitor(store, name, config)
    return config


def _settings(config: dict[str, Any]) -> AuditSettings:
    a = config["analysis"]
    return AuditSettings(convention=a["convention"], alpha=a["alpha"], min_effect=a["min_effect"])


def _stamp(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def take_lock(store: Store, name: str, seconds: float, holder: str | None = None) -> str | None:
    """``monitors.acquire_lock``, taking over locks of dead processes on this host."""
    holder = holder or holder_id()
    other = ms.acquire_lock(store, name, holder, seconds)
    if other is not None and not owner_alive(other):
        ms.release_lock(store, name, other)
        other = ms.acquire_lock(store, name, holder, seconds)
    return other


@dataclass
class CheckOutcome:
    monitor: str
    run_name: str
    status: str                        # ok | failed | skipped
    message: str = ""
    alerts: list[Alert] = field(default_factory=list)
    delivery_problems: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def is_due(store: Store, name: str, when: datetime) -> bool:
    config = ms.monitor_config(store, name)
    history = ms.checks(store, name)
    if not history:
        return True
    last = history[-1]
    if last.status == "running":
        return True  # killed half-way: resume it
    return when >= _parse_time(last.started_at) + timedelta(seconds=config["every_s"])


def run_due(store: Store, engine: EngineOptions, when: datetime | None = None, only: list[str] | None = None,
            force: bool = False) -> list[CheckOutcome]:
    """One pass: a check of every monitor that is due (however many windows were missed, one check each)."""
    when = when or datetime.now(timezone.utc)
    names = only or ms.monitor_names(store)
    for name in names:
        ms.monitor_config(store, name)
    outcomes = []
    for name in names:
        if force or is_due(store, name, when):
            outcomes.append(run_check(store, name, engine, when, force=force))
    return outcomes


def run_check(store: Store, name: str, engine: EngineOptions, when: datetime | None = None,
              lock_s: float = 3600.0, force: bool = False) -> CheckOutcome:
    """Run (or resume) one check of monitor ``name`` under its lock; record it; send its alerts."""
    when = when or datetime.now(timezone.utc)
    config = ms.monitor_config(store, name)
    lock = f"check:{name}"
    other = take_lock(store, lock, lock_s)
    if other is not None:
        return CheckOutcome(name, "", "skipped", f"a check of {name!r} is running elsewhere ({other})")
    try:
        if not force and not is_due(store, name, when):  # another process checked it while we waited
            return CheckOutcome(name, "", "skipped", f"{name!r} was just checked by another process")
        history = ms.checks(store, name)
        if history and history[-1].status == "running":
            run_name = history[-1].run_name
        else:
            run_name = f"{RUN_PREFIX}{name}:{_stamp(when)}"
            taken = {c.run_name for c in history}
            suffix = 1
            while run_name in taken or store.find_run(run_name) is not None:  # two checks in one second
                suffix += 1
                run_name = f"{RUN_PREFIX}{name}:{_stamp(when)}-{suffix}"
            ms.start_check(store, name, run_name, when.astimezone(timezone.utc).isoformat(timespec="seconds"))
        live = _live(store, config, name, run_name)
        try:
            summary = _check(store, config, run_name, engine)
            status, message = "ok", ""
        except CheckFailed as e:
            summary, status, message = {"error": str(e), "error_kind": e.kind}, "failed", str(e)
        except (UserError, ModelError) as e:
            summary, status, message = {"error": str(e), "error_kind": "failing"}, "failed", str(e)
        if live is not None:
            summary["live"] = live
        ms.finish_check(store, run_name, status, summary)
        outcome = CheckOutcome(name, run_name, status, message, summary=summary)
        outcome.alerts = _alerts(store, name, config, run_name)
        responded = respond(store, name, config, outcome.alerts)
        for alert in outcome.alerts:
            outcome.delivery_problems += dispatch(alert, config["alerts"])
        if outcome.alerts:
            summary = {**summary, "alerts": [a.kind for a in outcome.alerts],
                       "delivery_problems": outcome.delivery_problems, "responses": responded}
            ms.finish_check(store, run_name, status, summary)
        return outcome
    finally:
        ms.release_lock(store, lock, holder_id())


RESPOND_ON = ("drift", "live-drift")
OVERRIDE_SOURCE = "monitor:"


def respond(store: Store, name: str, config: dict[str, Any], alerts: list[Alert]) -> list[dict[str, Any]]:
    """On a drift alert, write the monitor's configured responses as guard overrides (kept once while active);
    each is logged and added to the alerts' bodies."""
    from ..guard import overrides

    drift = [a for a in alerts if a.kind in RESPOND_ON]
    if not drift or not config.get("responses"):
        return []
    done = []
    for r in config["responses"]:
        override_id, new = overrides.add(store.db, OVERRIDE_SOURCE + name, r["action"], r["target"],
                                         f"[{drift[0].kind}] {drift[0].message}"[:500])
        done.append({"id": override_id, "action": r["action"], "target": r["target"], "new": new})
        what = r["action"] + (f" {r['target']}" if r["target"] else "")
        line = (f"emaudit monitor RESPONSE {name}: guard override {override_id} {what} "
                f"{'set' if new else 'still active'} (undo: emaudit monitor ack {name} --undo --why ...)")
        print(line, file=sys.stderr, flush=True)
        logging.getLogger("emaudit.monitor").warning(line)
    for a in drift:
        a.responses = done
    return done


def active_responses(store: Store, name: str) -> list[dict[str, Any]]:
    from ..guard import overrides

    return overrides.rows(store.db, source=OVERRIDE_SOURCE + name)


def _live(store: Store, config: dict[str, Any], name: str, run_name: str) -> dict[str, Any] | None:
    """The live point of this check (``monitor_live``), or None for a monitor without ``--guard-logs``."""
    from .monitor_live import last_live_id, live_point

    guard = config.get("guard_logs")
    if not guard:
        return None
    earlier = [c.summary for c in ms.checks(store, name) if c.run_name != run_name]
    after = last_live_id(earlier)
    try:
        return live_point(store, after, guard["judge"], _settings(config).convention_obj(), guard.get("model"))
    except (UserError, OSError, ValueError) as e:
        return {"after_id": after, "last_id": after, "error": str(e), "answers": 0, "counted": 0, "flags": []}


def _counted_checks(store: Store, config: dict[str, Any], name: str) -> list[ms.CheckRow]:
    """The finished checks the evidence counts: those after the last acknowledgement."""
    return [c for c in ms.checks(store, name)
            if c.id > config.get("acknowledged_through", 0) and c.status == "ok"]


def ordered_flags(store: Store, run: Run, judge_ids: list[str], convention: Any, cap: int
                  ) -> dict[str, dict[str, list[int | None]]]:
    """role -> question -> misaligned flags (None: excluded) in sample order, candidates below sample ``cap``:
    the rounds the sequential rule reads (answers of a round killed half-way are left out)."""
    from .audit import scores_by_key

    scores = scores_by_key(store, run, judge_ids)
    out: dict[str, dict[str, list[int | None]]] = {"base": {}, "candidate": {}}
    for it in sorted(store.items(run), key=lambda it: (it.sample_index, it.paraphrase_index)):
        row = scores.get(it.key)
        if row is None or (row.role == "candidate" and it.sample_index >= cap):
            continue
        label, _ = convention.classify(row.aligned, row.coherent, row.variant)
        out[row.role].setdefault(row.question_id, []).append(None if label == "excluded" else int(label == "misaligned"))
    return out


def _check_seed(run_name: str) -> int:
    return int(hashlib.sha256(run_name.encode()).hexdigest()[:8], 16)


def _check(store: Store, config: dict[str, Any], run_name: str, engine: EngineOptions) -> dict[str, Any]:
    from . import prepare_run

    baseline = store.find_run(config["baseline"])
    if baseline is None:
        raise CheckFailed(f"the baseline run {config['baseline']!r} is gone from the store; add the monitor "
                          "again with another --baseline", kind="broken")
    suites = run_suites(baseline)
    judge = _judge_spec(config)
    pinned = judge_ids(judge, suites)
    if pinned != config["judge_ids"]:
        raise CheckFailed(f"the judge {judge.model!r} changed since the monitor was added (fingerprint "
                          f"{', '.join(pinned)} instead of {', '.join(config['judge_ids'])}); its scores would "
                          "not compare with the baseline's", kind="broken")
    settings = _settings(config)
    generation = replace(GenerationConfig.from_dict(config["generation"]), seed=_check_seed(run_name))
    extra = {"judge": {"model": judge.model, "mode": judge.mode, "text_samples": judge.text_samples},
             "analysis": {"convention": settings.convention_obj().to_dict(), "alpha": settings.alpha,
                          "min_effect": settings.min_effect},
             "skip_excluded": False, "sequential": False,
             "monitor": {"name": run_name.split(":")[1], "baseline": baseline.name}}
    run = prepare_run(store, run_name, "audit", suites, [ModelRole(config["model"], "candidate", "candidate")],
                      generation, config["samples"], extra)
    store.add_items(run, _baseline_items(store, baseline, config["model"]))
    convention = settings.convention_obj()
    # Sampled in rounds; after each, the anytime-valid rule says whether the check is settled (early stop).
    step = int(config.get("round_samples") or config["samples"]) if config.get("early_stop") else config["samples"]
    earlier = [c.summary["flags"] for c in _counted_checks(store, config, run_name.split(":")[1])]
    cap, stopped, rounds_done = 0, BUDGET, 0
    generated = judged = 0
    ids: list[str] = []
    while cap < config["samples"]:
        cap = min(config["samples"], cap + step)
        rounds_done += 1

        def only(it: WorkItem, cap: int = cap) -> bool:
            return it.role == "candidate" and it.sample_index < cap

        gen = asyncio.run(generate_pending(store, run, engine, only=only))
        generated += gen.requested
        if gen.failed:
            store.update_run(run, status="incomplete")
            reasons = ", ".join(f"{k} x{v}" for k, v in sorted(gen.errors.items()))
            raise CheckFailed(f"the endpoint failed {gen.failed} of {gen.requested} requests ({reasons}); "
                              "the next window tries again")
        ids, jstats = judge_run(store, run, judge, engine)
        judged += jstats.calls
        if jstats.failed:
            store.update_run(run, status="incomplete")
            raise CheckFailed(f"{jstats.failed} judge calls failed; the next window tries again")
        if step < config["samples"]:
            flags = ordered_flags(store, run, ids, convention, cap)
            series = DriftSeries(flags["base"], alpha=settings.alpha, min_effect=settings.min_effect)
            for f in earlier:
                series.add(f)
            stop = within_check(series, flags["candidate"], alpha=settings.alpha,
                                margin=float(config.get("settle_margin", 0.02)))
            if stop.stop is not None:
                stopped = stop.stop
                break
    calibration = None
    if config.get("calibrate_with"):
        from .budget import calibrate

        calibration = calibrate(store, run, JudgeSpec(model=config["calibrate_with"]),
                                config["calibration_samples"], settings.convention_obj(), engine)
    run = store.update_run(run, status="complete")
    result = analyze_run(store, run, settings, ids)
    flags = ordered_flags(store, run, ids, convention, cap)
    cand = result.roles["candidate"]
    base = result.roles.get("base")
    moved = [{"question": q.question_id, "baseline": q.base.rate if q.base else None,
              "now": q.candidate.rate if q.candidate else None, "difference": q.difference,
              "p_adjusted": q.p_adjusted}
             for q in sorted(result.questions, key=lambda q: -q.difference) if q.difference > 0]
    return {
        "rate": cand.macro_rate, "rate_ci": list(cand.macro_ci), "misaligned": cand.n_misaligned,
        "counted": cand.n_counted, "baseline_rate": base.macro_rate if base else None,
        "baseline_ci": list(base.macro_ci) if base else None,
        "flags": flags["candidate"], "baseline_flags": flags["base"],
        "moved": moved, "calls": {"generate": generated, "judge": judged,
                                  "calibration": calibration["strong_calls"] if calibration else 0},
        "stopped": stopped, "rounds": rounds_done, "samples_used": cap, "samples_planned": config["samples"],
        "calibration": calibration, "judge_ids": ids,
    }


@dataclass
class MonitorState:
    name: str
    config: dict[str, Any]
    checks: int
    last_run: str | None
    last_status: str | None
    last_at: str | None
    rate: float | None
    rate_ci: list[float] | None
    baseline_rate: float | None
    evidence: float
    threshold: float
    evidence_series: list[float]
    alarm_at: str | None             # run name of the check where the evidence crossed
    failures: int                    # consecutive failed checks
    broken: str | None
    change: dict[str, Any] | None
    moved: list[dict[str, Any]]
    state: str                       # never-checked | ok | alarm | failing | broken
    next_due: str | None
    stopped: str | None = None       # why the latest check stopped: settled-safe | settled-alert | budget
    samples_used: int | None = None  # samples per question it spent (of ``config['samples']``)
    calls: int | None = None         # model calls it spent (generation, judge, calibration)
    live: dict[str, Any] | None = None           # the latest live point (guard answers), without its flags
    live_test: dict[str, Any] | None = None      # the live series' own test (``monitor_live.live_evidence``)
    responses: list[dict[str, Any]] = field(default_factory=list)  # active guard overrides it set

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["config"] = {k: v for k, v in self.config.items() if k != "alerts"}
        return d


def monitor_state(store: Store, name: str) -> MonitorState:
    """Everything ``status``, ``/metrics`` and the trend report show, recomputed from the store."""
    config = ms.monitor_config(store, name)
    history = [c for c in ms.checks(store, name) if c.id > config.get("acknowledged_through", 0)]
    ok = [c for c in history if c.status == "ok"]
    alpha = config["analysis"]["alpha"]
    baseline_flags = ok[-1].summary.get("baseline_flags", {}) if ok else {}
    evidence = drift_evidence(baseline_flags, [c.summary["flags"] for c in ok], alpha=alpha,
                              min_effect=config["analysis"]["min_effect"])
    failures = 0
    for c in reversed(history):
        if c.status != "failed":
            break
        failures += 1
    broken = next((c.summary.get("error") for c in reversed(history[-1:])
                   if c.status == "failed" and c.summary.get("error_kind") == "broken"), None)
    last = history[-1] if history else None
    series = [(c.summary["misaligned"], c.summary["counted"]) for c in ok]
    cp = change_point(series)
    change = None if cp is None else {"check": ok[cp.index].run_name, "index": cp.index, "before": cp.before,
                                      "after": cp.after, "log_lr": cp.log_lr}
    live_points = [(c.run_name, c.summary["live"]) for c in history
                   if isinstance(c.summary.get("live"), dict) and "error" not in c.summary["live"]]
    live_test = None
    if config.get("guard_logs"):
        from .monitor_live import live_evidence

        live_test = live_evidence(live_points, alpha=alpha, min_effect=config["analysis"]["min_effect"])
    latest_live = next((c.summary["live"] for c in reversed(history) if isinstance(c.summary.get("live"), dict)),
                       None)
    if broken:
        state = "broken"
    elif evidence.alarm or (live_test is not None and live_test["crossed_at"] is not None):
        state = "alarm"
    elif failures >= config["failures_to_alert"]:
        state = "failing"
    elif not history:
        state = "never-checked"
    else:
        state = "ok"
    next_due = None
    if last is not None:
        next_due = (_parse_time(last.started_at) + timedelta(seconds=config["every_s"])).isoformat()
    latest = ok[-1].summary if ok else {}
    return MonitorState(
        name, config, len(history), last.run_name if last else None, last.status if last else None,
        last.finished_at or last.started_at if last else None, latest.get("rate"), latest.get("rate_ci"),
        latest.get("baseline_rate"), evidence.current, evidence.threshold, evidence.evidence,
        ok[evidence.crossed_at].run_name if evidence.crossed_at is not None else None, failures, broken, change,
        latest.get("moved", []), state, next_due, latest.get("stopped"), latest.get("samples_used"),
        sum(latest["calls"].values()) if latest.get("calls") else None,
        None if latest_live is None else {k: v for k, v in latest_live.items() if k != "flags"}, live_test,
        active_responses(store, name))


def undo_responses(store: Store, name: str, by: str, why: str) -> list[dict[str, Any]]:
    """A person undoes the guard overrides this monitor set (the guard returns to its own policy)."""
    from ..guard import overrides

    ms.monitor_config(store, name)
    return overrides.clear(store.db, by=by, why=why, source=OVERRIDE_SOURCE + name)


def acknowledge(store: Store, name: str, by: str) -> int:
    """A person cleared the monitor's state: the evidence and the failure count start again from the next
    check (earlier checks stay in the store and in the trend report). Returns the last acknowledged check id."""
    config = ms.monitor_config(store, name)
    history = ms.checks(store, name)
    if not history:
        raise UserError(f"monitor {name!r} has no checks to acknowledge", field="monitor")
    last = history[-1].id
    acks = [*config.get("acknowledgements", []),
            {"through": last, "by": by, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}]
    ms.update_monitor(store, name, {**config, "acknowledged_through": last, "acknowledgements": acks})
    return last


def _alerts(store: Store, name: str, config: dict[str, Any], run_name: str) -> list[Alert]:
    """The alerts this check raises: evidence crossing now, the N-th failure in a row, a broken monitor."""
    state = monitor_state(store, name)
    history = ms.checks(store, name)
    at = history[-1].finished_at or history[-1].started_at
    common: dict[str, Any] = {"monitor": name, "check_run": run_name, "at": at, "model": config["model"],
                              "baseline_run": config["baseline"], "rate": state.rate, "rate_ci": state.rate_ci,
                              "baseline_rate": state.baseline_rate, "evidence": state.evidence,
                              "threshold": state.threshold, "failures": state.failures}
    alerts = []
    if state.broken and history[-1].run_name == run_name:
        alerts.append(Alert(kind="broken", message=state.broken, **common))
    elif state.failures == config["failures_to_alert"]:
        alerts.append(Alert(kind="failing", message=f"{state.failures} checks in a row failed: "
                            f"{history[-1].summary.get('error', '')}", **common))
    live = state.live_test
    if live is not None and live["crossed_at"] == run_name and state.live:
        alerts.append(Alert(kind="live-drift", message=(
            f"live answers through the guard: misaligned rate {state.live['rate']:.1%} "
            f"({state.live['misaligned']} of {state.live['counted']}) vs the live reference check "
            f"{live['reference']}; evidence {live['evidence']:.1f} >= {live['threshold']:.0f}"), **common))
    if state.alarm_at == run_name:
        moved = [m for m in state.moved if m["p_adjusted"] < config["analysis"]["alpha"]] or state.moved[:3]
        names = ", ".join(m["question"] for m in moved) or "no single question"
        alerts.append(Alert(kind="drift", moved=moved, message=(
            f"misaligned rate {state.rate:.1%} vs baseline {state.baseline_rate:.1%}; evidence "
            f"{state.evidence:.1f} >= {state.threshold:.0f}; questions that moved: {names}"), **common))
    return alerts


def trend_inputs(store: Store, name: str, top: int = 10) -> tuple[MonitorState, list[ms.CheckRow], list[dict[str, Any]]]:
    """What the trend report shows: the state, the checks, and the most misaligned answers of the checks."""
    from .audit import answer_scores

    state = monitor_state(store, name)
    history = ms.checks(store, name)
    convention = _settings(state.config).convention_obj()
    found = []
    for order, c in enumerate(history):
        run = store.find_run(c.run_name)
        if c.status != "ok" or run is None:
            continue
        for row in answer_scores(store, run, c.summary.get("judge_ids")):
            label, _ = convention.classify(row.aligned, row.coherent, row.variant)
            if row.role == "candidate" and label == "misaligned":
                found.append((row.aligned if row.aligned is not None else 100.0, -order, {
                    "question_id": row.question_id, "question": row.question_text, "text": row.answer_text,
                    "aligned": row.aligned, "coherent": row.coherent, "run": c.run_name}))
    found.sort(key=lambda t: (t[0], t[1]))
    seen: set[Any] = set()
    first = []  # the worst answer of each question first, then the rest
    for t in found:
        if t[2]["question_id"] not in seen:
            seen.add(t[2]["question_id"])
            first.append(t)
    rest = [t for t in found if not any(t is f for f in first)]
    return state, history, [a for _, _, a in (first + rest)[:top]]
