"""`emaudit monitor`: scheduled re-audits of a live endpoint against a baseline run, with alerts."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from . import add_config_option
from .numbers import MAX_SAMPLES, real, whole
from .options import add_engine_options, engine_options, open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("monitor", help="re-audit live endpoints on a schedule against a baseline; alert on drift")
    add_config_option(p)
    msub = p.add_subparsers(dest="monitor_command", metavar="ACTION")

    add = msub.add_parser("add", help="add a monitor")
    add.add_argument("name", help="the monitor's name (its checks are runs named monitor:NAME:<UTC time>)")
    add.add_argument("--model", required=True, help="the endpoint to re-audit, e.g. openai-api/prod/model")
    add.add_argument("--baseline", required=True,
                     help="an audit run whose candidate answers are the baseline (its suites are asked again)")
    add.add_argument("--suite", action="append", help="must be the baseline run's suite(s) (default: those)")
    add.add_argument("--samples", type=whole(1, MAX_SAMPLES), help="samples per question per check (default: the baseline's)")
    add.add_argument("--every", required=True, help="how often to check: 30m, 6h, 1d, ...")
    add.add_argument("--judge", default="local", help="judge model spec or embedded judge; pinned by fingerprint")
    add.add_argument("--judge-mode", default="auto", choices=["auto", "logprob", "text"])
    add.add_argument("--alert", action="append", default=[],
                     help="log, webhook:URL, or webhook:env:VARIABLE (URL from the environment); repeatable")
    add.add_argument("--budget", type=whole(1, 10**12), help="most model calls (generation + judge) one check may spend; "
                                                "the samples per question are cut to fit")
    add.add_argument("--calibrate-with", metavar="JUDGE",
                     help="also judge a random subsample of each check with this strong judge (two-phase rates)")
    add.add_argument("--calibration-samples", type=whole(1, 10_000_000), default=50, help="strong-judge answers per role")
    add.add_argument("--failures-to-alert", type=whole(1, 10_000), default=3, help="alert after this many failed checks in a row")
    add.add_argument("--round-samples", type=whole(1, MAX_SAMPLES), default=4,
                     help="early stop: samples per question per round; after each round the check stops when "
                          "the evidence settles it (an alert, or a rate shown below the baseline's + margin)")
    add.add_argument("--settle-margin", type=real(0, 1, above=True), default=0.02,
                     help="early stop: a check is settled safe once its rate is shown below the tested rate + this")
    add.add_argument("--no-early-stop", dest="early_stop", action="store_false",
                     help="always spend every sample of a check")
    add.add_argument("--guard-logs", action="store_true",
                     help="each check also judges the answers a guard logged in this store since the last check "
                          "(a live series, tested on its own)")
    add.add_argument("--guard-model", metavar="NAME", help="only guard log rows of this upstream model name")
    add.add_argument("--guard-judge", default="local", help="embedded judge for the live answers (default local)")
    add.add_argument("--respond", action="append", default=[], metavar="ACTION",
                     help="on a drift alert, act on the guard in front of the endpoint: policy:STRICT.yaml, "
                          "hold-all, route:SPEC or route (the baseline's model); repeatable; undone only by "
                          "`monitor ack NAME --undo` or `guard override clear`")
    add.add_argument("--convention", default="betley", choices=["betley", "model-organisms", "plain"])
    add.add_argument("--alpha", type=real(0, 1, above=True), default=0.05, help="false-alarm probability over the monitor's life")
    add.add_argument("--min-effect", type=real(0, 1), default=0.0, help="smallest rise in the rate worth an alert")
    add.add_argument("--temperature", type=real(0, 2), default=1.0)
    add.add_argument("--max-tokens", type=whole(1, 1_000_000), default=600)
    add_config_option(add)
    add.set_defaults(func=run_add)

    ls = msub.add_parser("list", help="list monitors")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)

    rm = msub.add_parser("rm", help="remove a monitor (its check runs stay in the store)")
    rm.add_argument("name")
    rm.set_defaults(func=run_rm)

    once = msub.add_parser("run", help="one pass: check every monitor that is due (exit 1 when any alerts)")
    once.add_argument("name", nargs="*", help="only these monitors")
    once.add_argument("--force", action="store_true", help="check now even when not due")
    once.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    add_engine_options(once)
    add_config_option(once)
    once.set_defaults(func=run_once)

    status = msub.add_parser("status", help="table: monitor, last check, rate now vs baseline, trend, state")
    status.add_argument("name", nargs="*")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=run_status)

    ack = msub.add_parser("ack", help="a person cleared an alarm: the evidence starts again from the next check")
    ack.add_argument("name")
    ack.add_argument("--by", default=os.environ.get("USER", "unknown"), help="who acknowledges (default $USER)")
    ack.add_argument("--undo", action="store_true",
                     help="also undo the guard overrides this monitor's alerts set (needs --why)")
    ack.add_argument("--why", default="", help="why (recorded with --undo)")
    ack.set_defaults(func=run_ack)

    serve = msub.add_parser("serve", help="long-running scheduler with /metrics (Prometheus) and /healthz")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=whole(0, 65535), default=9464)
    serve.add_argument("--tick", type=real(0, 86_400, above=True), default=60.0, help="seconds between looks for due monitors")
    serve.add_argument("--passes", type=whole(1), help="stop after this many passes (for tests and demos)")
    add_engine_options(serve)
    add_config_option(serve)
    serve.set_defaults(func=run_serve)
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])


def run_add(args: argparse.Namespace) -> int:
    from ..api.audit import AuditSettings
    from ..api.judging import JudgeSpec
    from ..api.monitor import add_monitor
    from ..models.base import GenerationConfig

    store = open_store(args)
    config = add_monitor(store, args.name, model=args.model, baseline=args.baseline,
                         judge=JudgeSpec(model=args.judge, mode=args.judge_mode), every=args.every,
                         suites=args.suite, samples=args.samples, alerts=args.alert, budget=args.budget,
                         calibrate_with=args.calibrate_with, calibration_samples=args.calibration_samples,
                         failures_to_alert=args.failures_to_alert, early_stop=args.early_stop,
                         round_samples=args.round_samples, settle_margin=args.settle_margin,
                         guard_logs=args.guard_logs, guard_model=args.guard_model, guard_judge=args.guard_judge,
                         responses=args.respond,
                         settings=AuditSettings(convention=args.convention, alpha=args.alpha,
                                                min_effect=args.min_effect),
                         generation=GenerationConfig(temperature=args.temperature, max_tokens=args.max_tokens))
    cut = f" (cut to fit --budget {args.budget})" if args.budget and config["samples"] != args.samples else ""
    rounds = (f" in rounds of {config['round_samples']} with early stop" if config["early_stop"]
              and config["round_samples"] < config["samples"] else "")
    print(f"monitor {args.name!r}: {config['model']} every {config['every']} against run {config['baseline']!r}, "
          f"{config['samples']} samples per question{cut}{rounds}, judge {config['judge']} "
          f"({', '.join(i[:12] for i in config['judge_ids'])})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from ..api.alerts import shown
    from ..store import monitors as ms

    store = open_store(args)
    rows = [(n, ms.monitor_config(store, n)) for n in ms.monitor_names(store)]
    if args.json:
        print(json.dumps([{"name": n, **{k: v for k, v in c.items() if k != "alerts"},
                           "alerts": [shown(a) for a in c["alerts"]]} for n, c in rows], indent=2))
        return 0
    if not rows:
        print("no monitors (add one with: emaudit monitor add NAME --model ... --baseline RUN --every 6h)")
    for n, c in rows:
        print(f"{n}\t{c['model']}\tevery {c['every']}\tbaseline {c['baseline']}\tjudge {c['judge']}\t"
              f"alerts {', '.join(shown(a) for a in c['alerts']) or '-'}")
    return 0


def run_rm(args: argparse.Namespace) -> int:
    from ..store import monitors as ms

    store = open_store(args)
    ms.delete_monitor(store, args.name)
    print(f"removed monitor {args.name!r}; its check runs stay in the store")
    from ..api.monitor import active_responses

    for r in active_responses(store, args.name):
        print(f"its guard override {r['id']} ({r['action']}) stays active: emaudit guard override clear {r['id']} "
              "--by WHO --why WHY")
    return 0


def run_ack(args: argparse.Namespace) -> int:
    from ..api.monitor import acknowledge

    store = open_store(args)
    if args.undo:
        from ..api.monitor import undo_responses

        undone = undo_responses(store, args.name, args.by, args.why)
        for r in undone:
            print(f"guard override {r['id']} ({r['action']}{' ' + r['target'] if r['target'] else ''}) undone by "
                  f"{args.by}: {args.why}")
        if not undone:
            print(f"monitor {args.name!r} has no active guard overrides")
    last = acknowledge(store, args.name, args.by)
    print(f"monitor {args.name!r}: acknowledged by {args.by} through check #{last}; the evidence starts again "
          "from the next check")
    return 0


def _outcome_json(o: Any) -> dict[str, Any]:
    summary = {k: v for k, v in o.summary.items() if k not in ("flags", "baseline_flags")}
    return {"monitor": o.monitor, "run": o.run_name, "status": o.status, "message": o.message,
            "alerts": [a.body() for a in o.alerts], "delivery_problems": o.delivery_problems, "summary": summary}


def run_once(args: argparse.Namespace) -> int:
    from ..api.monitor import monitor_state, run_due

    store = open_store(args)
    outcomes = run_due(store, engine_options(args), only=args.name or None, force=args.force)
    if args.json:
        print(json.dumps([_outcome_json(o) for o in outcomes], indent=2))
    for o in outcomes:
        if o.status == "ok":
            s = o.summary
            print(f"emaudit monitor: {o.monitor}: checked ({o.run_name}): rate {s['rate']:.1%} vs baseline "
                  f"{s['baseline_rate']:.1%}; {_spent(s)}", file=sys.stderr)
        elif o.status == "failed":
            print(f"emaudit monitor: {o.monitor}: check failed ({o.run_name}): {o.message}", file=sys.stderr)
        else:
            print(f"emaudit monitor: {o.monitor}: skipped: {o.message}", file=sys.stderr)
        for problem in o.delivery_problems:
            print(f"emaudit monitor: {o.monitor}: alert not delivered: {problem}", file=sys.stderr)
    if not outcomes:
        print("emaudit monitor: nothing due", file=sys.stderr)
    alarmed = any(o.alerts for o in outcomes) or any(
        monitor_state(store, o.monitor).state in ("alarm", "failing", "broken") for o in outcomes)
    return 1 if alarmed else 0


def _spent(summary: dict[str, Any]) -> str:
    """``settled-safe after 8 of 20 samples per question, 400 calls``."""
    calls = sum(summary.get("calls", {}).values())
    return (f"{summary.get('stopped', 'budget')} after {summary.get('samples_used', '?')} of "
            f"{summary.get('samples_planned', '?')} samples per question, {calls} calls")


def _live_cell(s: Any) -> str:
    """``4.0% (1.2-9.8%) of 50, evidence 1.3 / 40``, or why there is none."""
    if s.live is None:
        return "-"
    if s.live.get("error"):
        return f"error: {s.live['error']}"
    if s.live.get("rate") is None:
        return f"no answers logged (of {s.live.get('logged', 0)} rows)"
    lo, hi = s.live["ci"]
    test = s.live_test or {}
    tested = (f", evidence {test['evidence']:.2f} / {test['threshold']:.0f}" if test.get("threshold")
              else ", reference not reached")
    return f"{s.live['rate']:.1%} ({lo:.1%}-{hi:.1%}) of {s.live['counted']}{tested}"


def run_status(args: argparse.Namespace) -> int:
    from ..api.monitor import monitor_state
    from ..store import monitors as ms

    store = open_store(args)
    states = [monitor_state(store, n) for n in (args.name or ms.monitor_names(store))]
    if args.json:
        print(json.dumps([s.to_dict() for s in states], indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table("monitor", "last check", "rate now", "baseline", "evidence", "stopped", "live (guard)", "trend",
                  "state", "guard overrides")
    for s in states:
        rate = "-" if s.rate is None else f"{s.rate:.1%}" + (
            f" ({s.rate_ci[0]:.1%}-{s.rate_ci[1]:.1%})" if s.rate_ci else "")
        base = "-" if s.baseline_rate is None else f"{s.baseline_rate:.1%}"
        trend = "-" if s.change is None else (f"{'up' if s.change['after'] > s.change['before'] else 'down'} "
                                              f"{s.change['before']:.1%} -> {s.change['after']:.1%} "
                                              f"at check {s.change['index'] + 1}")
        last = "never" if s.last_at is None else f"{s.last_at} ({s.last_status})"
        stopped = "-" if s.stopped is None else (f"{s.stopped} ({s.samples_used}/{s.config['samples']} samples, "
                                                 f"{s.calls} calls)")
        overrides = ", ".join(f"{r['action']}{' ' + r['target'] if r['target'] else ''} ({r['id']})"
                              for r in s.responses) or "-"
        table.add_row(s.name, last, rate, base, f"{s.evidence:.2f} / {s.threshold:.0f}", stopped, _live_cell(s),
                      trend, s.state, overrides)
    Console(markup=False, highlight=False, width=280).print(table)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from ..api.monitor_serve import serve

    return serve(args.store, engine_options(args), host=args.host, port=args.port, tick_s=args.tick,
                 passes=args.passes)
