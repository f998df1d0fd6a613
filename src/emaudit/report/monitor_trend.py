"""The trend report of a monitor (`emaudit report monitor:NAME`): the rate of each check with its interval,
the baseline band, alert and change-point marks, the checks, and the most misaligned new answers.

``trend_context`` is plain data (the plot's coordinates included); ``render_trend_html`` renders it with the
report's Jinja2 environment (autoescaped, same CSP and styles), so every answer is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from .html import render_template

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 760, 280, 56, 16, 16, 36


def trend_context(state: Any, checks: list[Any], answers: list[dict[str, Any]]) -> dict[str, Any]:
    """``state``: ``api.monitor.MonitorState``; ``checks``: its ``CheckRow``s; ``answers``: the most
    misaligned new answers (question, text, aligned, coherent, run)."""
    ok = [c for c in checks if c.status == "ok"]
    base_ci = ok[-1].summary.get("baseline_ci") if ok else None
    tops = [c.summary["rate_ci"][1] for c in ok if c.summary.get("rate_ci")] + ([base_ci[1]] if base_ci else [])
    tops += [c.summary["live"]["ci"][1] for c in checks if (c.summary.get("live") or {}).get("ci")]
    y_max = min(1.0, max([0.05, *tops]) * 1.1)
    n = max(len(checks), 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + (i + 0.5) * plot_w / n, 1)

    def y(v: float) -> float:
        return round(TOP + plot_h * (1 - v / y_max), 1)

    evidence = dict(zip((c.run_name for c in ok), state.evidence_series, strict=False))
    points = []
    for i, c in enumerate(checks):
        s = c.summary
        point: dict[str, Any] = {"index": i + 1, "run": c.run_name, "at": c.started_at, "status": c.status,
                                 "x": x(i), "alert": bool(s.get("alerts")), "alerts": s.get("alerts", []),
                                 "error": s.get("error"), "evidence": evidence.get(c.run_name),
                                 "stopped": s.get("stopped"), "samples_used": s.get("samples_used"),
                                 "samples_planned": s.get("samples_planned"),
                                 "calls": sum(s["calls"].values()) if s.get("calls") else None, "live": None}
        if c.status == "ok":
            lo, hi = s["rate_ci"]
            point.update(rate=s["rate"], lo=lo, hi=hi, y=y(s["rate"]), y_lo=y(lo), y_hi=y(hi))
        live = s.get("live") or {}
        if live.get("rate") is not None:  # the guard's live answers: a series of its own
            lo, hi = live["ci"]
            point["live"] = {"rate": live["rate"], "lo": lo, "hi": hi, "n": live["counted"], "y": y(live["rate"]),
                             "y_lo": y(lo), "y_hi": y(hi), "x": round(x(i) + 8, 1)}
        points.append(point)
    ticks = [{"value": v, "y": y(v)} for v in (y_max * k / 4 for k in range(5))]
    band = None
    if base_ci:
        band = {"y": y(base_ci[1]), "height": round(y(base_ci[0]) - y(base_ci[1]), 1),
                "rate_y": y(ok[-1].summary["baseline_rate"]), "lo": base_ci[0], "hi": base_ci[1]}
    change = None
    if state.change is not None:
        index = next((i for i, c in enumerate(checks) if c.run_name == state.change["check"]), None)
        if index is not None:
            change = {**state.change, "x": round(x(index) - plot_w / n / 2, 1)}
    config = state.config
    return {
        "title": f"Monitor {state.name}: misalignment over time",
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "monitor": state.name, "model": config["model"], "baseline": config["baseline"], "every": config["every"],
        "judge": config["judge"], "judge_ids": config["judge_ids"], "samples": config["samples"],
        "state": state.state, "evidence": state.evidence, "threshold": state.threshold, "alarm_at": state.alarm_at,
        "baseline_rate": state.baseline_rate, "rate": state.rate, "failures": state.failures,
        "moved": state.moved[:10], "change": change, "points": points, "ticks": ticks, "band": band,
        "plot": {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
                 "bottom": HEIGHT - BOTTOM},
        "answers": answers, "nav": [], "live_test": state.live_test,
    }


def render_trend_html(context: Mapping[str, Any]) -> str:
    return render_template("monitor.html.j2", context)
