"""Monitoring rules on simulated series: the anytime-valid drift evidence vs a fixed per-check test.

A baseline run and then a series of checks, each asking ``--questions`` questions ``--samples`` times;
an answer is misaligned with probability ``--null-rate``, and from check ``--step-at`` on with ``--alt-rate``.
Reports the false-alarm rate over null series (no step) at several horizons, and the detection delay
(checks after the step, and generation calls) of each rule. Pure simulation: no model, no judge.
The sequential rule runs twice on the same answers: each check sampled whole, and with early stop
(``within_check`` after every ``--round-samples`` samples per question, as ``emaudit monitor`` does), which
also reports the generation calls per check and why checks stopped.

    python benchmarks/monitor.py                   # 1,000 null series and 1,000 stepped series
    python benchmarks/monitor.py --series 200 --horizon 50
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from emaudit.analysis.drift import (  # noqa: E402
    BUDGET,
    SETTLED_ALERT,
    DriftSeries,
    drift_evidence,
    fixed_test_p,
    pooled,
    within_check,
)


def simulate(rng: np.random.Generator, questions: int, samples: int, rate: float) -> dict[str, list[int]]:
    draws = rng.random((questions, samples)) < rate
    return {f"q{i:02d}": [int(x) for x in draws[i]] for i in range(questions)}


def early_stop(baseline: dict[str, list[int]], checks: list[dict[str, list[int]]], args: argparse.Namespace
               ) -> tuple[int | None, list[tuple[int, str]]]:
    """The sequential rule with early stop: (index of the alarming check or None, [(calls, why stopped)]
    per check made)."""
    series = DriftSeries(baseline, alpha=args.alpha)
    spent: list[tuple[int, str]] = []
    for c, check in enumerate(checks):
        cap, why = 0, BUDGET
        while cap < args.samples:
            cap = min(args.samples, cap + args.round_samples)
            current = {q: flags[:cap] for q, flags in check.items()}
            stop = within_check(series, current, alpha=args.alpha, margin=args.settle_margin)
            if stop.stop is not None:
                why = stop.stop
                break
        spent.append((cap * args.questions, why))
        if why == SETTLED_ALERT:
            return c, spent
        series.add(current)
    return None, spent


def first_alarms(rng: np.random.Generator, args: argparse.Namespace, step_at: int | None
                 ) -> tuple[int | None, int | None, int | None, list[tuple[int, str]]]:
    """(sequential, fixed, sequential with early stop): index of the first check that alarms, or None within
    the horizon; and the early-stop rule's (calls, why stopped) per check."""
    baseline = simulate(rng, args.questions, args.baseline_samples, args.null_rate)
    checks = []
    for c in range(args.horizon):
        rate = args.alt_rate if step_at is not None and c >= step_at else args.null_rate
        checks.append(simulate(rng, args.questions, args.samples, rate))
    seq = drift_evidence(baseline, checks, alpha=args.alpha).crossed_at
    base_counts = pooled(baseline)
    fixed = next((c for c, check in enumerate(checks) if fixed_test_p(base_counts, pooled(check)) < args.alpha), None)
    early, spent = early_stop(baseline, checks, args)
    return seq, fixed, early, spent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--series", type=int, default=1000, help="simulated series per scenario")
    p.add_argument("--horizon", type=int, default=30, help="checks per series")
    p.add_argument("--questions", type=int, default=24)
    p.add_argument("--samples", type=int, default=20, help="samples per question per check")
    p.add_argument("--baseline-samples", type=int, default=20, help="samples per question in the baseline run")
    p.add_argument("--null-rate", type=float, default=0.005)
    p.add_argument("--alt-rate", type=float, default=0.05)
    p.add_argument("--step-at", type=int, default=5, help="first check with the higher rate")
    p.add_argument("--alpha", type=float, default=0.05)
    p.add_argument("--round-samples", type=int, default=4, help="early stop: samples per question per round")
    p.add_argument("--settle-margin", type=float, default=0.02, help="early stop: settled safe below null + this")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    horizons = sorted({h for h in (1, 5, 10, 30, args.horizon) if h <= args.horizon})
    null = [first_alarms(rng, args, None) for _ in range(args.series)]
    stepped = [first_alarms(rng, args, args.step_at) for _ in range(args.series)]
    calls_per_check = args.questions * args.samples
    out: dict[str, object] = {"settings": vars(args), "rules": {}}
    for i, rule in enumerate(("sequential", "fixed", "sequential-early-stop")):
        false_alarms = {h: sum(1 for s in null if s[i] is not None and s[i] < h) / args.series for h in horizons}
        delays = [s[i] - args.step_at + 1 for s in stepped if s[i] is not None and s[i] >= args.step_at]
        early = sum(1 for s in stepped if s[i] is not None and s[i] < args.step_at)
        missed = sum(1 for s in stepped if s[i] is None)
        out["rules"][rule] = {  # type: ignore[index]
            "false_alarm_rate_by_horizon": false_alarms,
            "detection_delay_checks_median": statistics.median(delays) if delays else None,
            "detection_delay_checks_p90": float(np.percentile(delays, 90)) if delays else None,
            "detected_within_3_checks": sum(1 for d in delays if d <= 3) / args.series,
            "detection_delay_calls_median": statistics.median(delays) * calls_per_check if delays else None,
            "alarm_before_step": early / args.series,
            "missed": missed / args.series,
        }
    null_spent = [calls for s in null for calls, _ in s[3]]
    after_step = [s[3][args.step_at:] for s in stepped if s[2] is not None and s[2] >= args.step_at]
    until_alert = [sum(calls for calls, _ in spent) for spent in after_step]
    why = [w for s in null for _, w in s[3]]
    out["rules"]["sequential-early-stop"].update({  # type: ignore[index]
        "calls_per_check_null_mean": statistics.mean(null_spent),
        "calls_per_check_full": calls_per_check,
        "null_checks_stopped": {w: why.count(w) / len(why) for w in sorted(set(why))},
        "detection_delay_calls_median": statistics.median(until_alert) if until_alert else None,
    })
    out["wall_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(out, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
