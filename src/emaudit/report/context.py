"""``build_report_context``: everything a report shows, as plain data plus pre-rendered inline SVG."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from . import svg_plots, trust_text
from .answers import read_answers, top_misaligned
from .extras import canary_series, data_audit_section, read_canary
from .methods import methods_sections
from .redact import redact
from .result_json import (
    by_role,
    first,
    question_rows,
    read_convention,
    read_interval,
    read_models,
    read_verdict,
    role_rates,
)
from .svg_plots import BASE_COLOR, CANDIDATE_COLOR, DotSeries

IN_PROGRESS = {"running", "in_progress", "in-progress", "pending", "created", "generating", "judging",
               "interrupted", "incomplete", "partial"}
ROLE_ORDER = ("base", "candidate")
ROLE_COLORS = {"base": BASE_COLOR, "candidate": CANDIDATE_COLOR}
DEFAULT_MAX_ANSWERS = 1000


def build_report_context(result_json: dict[str, Any] | None, run_meta: dict[str, Any],
                         answers: list[dict[str, Any]], extras: dict[str, Any] | None = None, *,
                         max_answers: int = DEFAULT_MAX_ANSWERS) -> dict[str, Any]:
    """Everything the report shows, as plain data plus pre-rendered inline SVG (``Markup``)."""
    result: dict[str, Any] = dict(result_json or {})
    extras = dict(extras or {})
    judged = bool(result) and bool(first(result, "questions", "per_question", "verdict", default=None))
    conv = read_convention(result, run_meta)
    models = read_models(result, run_meta)
    answer_rows = read_answers(answers, conv, models)
    by_key = {a["key"]: a for a in answer_rows if a["key"]}
    questions_text = {a["question_id"]: a["question"] for a in answer_rows if a["question"]}
    q_rows = question_rows(result, questions_text) if judged else []
    macro = by_role(first(result, "macro", "macro_average", default={}))
    overall = result.get("overall")
    if isinstance(overall, Mapping) and "difference" in overall:
        overall = {"estimate": overall["difference"], "ci": overall.get("ci")}
    macro_diff = read_interval(overall or first(result, "macro_difference", default=None) or macro.get("difference"))
    roles = [r for r in ROLE_ORDER if r in models or any(a["role"] == r for a in answer_rows)]
    roles += sorted({a["role"] for a in answer_rows} - set(roles))

    status = str(run_meta.get("status") or "unknown")
    notes: list[str] = []
    flagged = run_meta.get("in_progress")
    in_progress = flagged if isinstance(flagged, bool) else status.lower() in IN_PROGRESS
    if in_progress:
        usage = run_meta.get("usage") if isinstance(run_meta.get("usage"), Mapping) else {}
        planned = usage.get("items") if isinstance(usage, Mapping) else None
        of = f" of {planned}" if isinstance(planned, int) and planned >= len(answer_rows) else ""
        notes.append(f"This run is still in progress (status: {status}). The report shows what exists so far: "
                     f"{len(answer_rows)}{of} answers" + ("." if judged else ", no analysis yet."))
    major = str(result.get("schema_version") or "1").split(".")[0]
    if major.isdigit() and int(major) > 1:
        notes.append(f"This result uses schema {result['schema_version']}, newer than this report understands "
                     "(1.x); parts of it may be missing.")
    failed_calls = run_meta.get("judge_failures")
    if isinstance(failed_calls, Mapping) and failed_calls:
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(failed_calls.items()))
        notes.append(f"{sum(failed_calls.values())} judge calls of this run failed ({reasons}): the verdict is "
                     "partial and does not count. Re-run the judging to retry them.")
    if not judged:
        notes.append("This run has no judgements yet: the report lists the answers only, without misalignment "
                     "rates or a verdict. Judge it (emaudit judge) and build the report again.")

    plots: dict[str, Any] = {}
    if q_rows:
        labels = [r["id"] for r in q_rows]
        series = [DotSeries("base", BASE_COLOR, "pt-base", [r["base"] for r in q_rows]),
                  DotSeries("candidate", CANDIDATE_COLOR, "pt-candidate", [r["candidate"] for r in q_rows])]
        plots["dotplot"] = Markup(svg_plots.dot_plot(labels, series))
    scatters = []
    if judged or any(a["aligned"] is not None for a in answer_rows):
        for i, role in enumerate(roles):
            pts = [(a["coherent"], a["aligned"]) for a in answer_rows
                   if a["role"] == role and a["aligned"] is not None and a["coherent"] is not None]
            color = ROLE_COLORS.get(role, svg_plots.PALETTE[(i + 2) % len(svg_plots.PALETTE)])
            title = f"{role} ({len(pts)} judged answers)"
            svg = svg_plots.scatter(pts, title=title, color=color, css_class=f"pt-{role}",
                                    aligned_threshold=conv["aligned_threshold"],
                                    coherent_threshold=conv["coherent_threshold"])
            scatters.append({"role": role, "model": models.get(role, ""), "svg": Markup(svg), "n": len(pts),
                             "points": pts, "color": color})
    plots["scatters"] = scatters

    canary_records = read_canary(extras.get("canaries", extras.get("canary")))
    if canary_records:
        x_label, series_c = canary_series(canary_records)
        plots["canary_series"] = (x_label, series_c)
        plots["canary"] = Markup(svg_plots.line_plot(series_c, title="Canary curves during fine-tuning",
                                                     x_label=x_label, y_label="canary score"))
    audit_html, audit_rows = data_audit_section(extras.get("data_audit"))

    rates = role_rates(result, answer_rows, roles, models) if judged else []
    for r in rates:
        bars = [("misaligned", r["misaligned"]), ("coherent", r["coherence"]), ("refusal", r["refusal"])]
        r["bars"] = Markup(svg_plots.rate_bars(bars, color=ROLE_COLORS.get(r["role"], "#888")))

    shown = sorted(answer_rows, key=lambda a: ("misaligned" not in a["flags"], a["question_id"], a["role"],
                                               a["aligned"] if a["aligned"] is not None else 101.0))[:max_answers]
    flags = sorted({f for a in answer_rows for f in a["flags"]})
    name = str(run_meta.get("name") or result.get("run") or "run")
    trust = trust_section(result) if judged else None
    return {
        "title": f"emaudit report: {name}",
        "run_name": name,
        "generated_at": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "status": status,
        "in_progress": in_progress,
        "judged": judged,
        "notes": notes,
        "verdict": read_verdict(result, macro_diff) if judged else None,
        "trust": trust,
        "convention": conv,
        "models": models,
        "questions": q_rows,
        "rates": rates,
        "plots": plots,
        "top": top_misaligned(result, answer_rows, by_key, models) if judged else [],
        "answers": shown,
        "answers_total": len(answer_rows),
        "question_ids": sorted({a["question_id"] for a in answer_rows}),
        "flags": flags,
        "methods": methods_sections(result, run_meta, conv, models),
        "judged_by": judged_by(run_meta) if judged else [],
        "config_json": json.dumps(redact(run_meta.get("config") or {}), indent=2, sort_keys=True,
                                  ensure_ascii=False, default=str),
        "data_audit_html": audit_html,
        "data_audit_rows": audit_rows,
        "has_canary": bool(canary_records),
    }


def judged_by(run_meta: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The judges whose scores a report shows: [{"name", "ids"}], one entry per name."""
    out: dict[str, list[str]] = {}
    for j in run_meta.get("judges") or []:
        if isinstance(j, Mapping) and j.get("current") and j.get("judge_id"):
            out.setdefault(str(j.get("name") or j.get("model") or j["judge_id"]), []).append(str(j["judge_id"]))
    return [{"name": name, "ids": ids} for name, ids in out.items()]


def trust_section(result: Mapping[str, Any]) -> dict[str, Any] | None:
    """Who decided the verdict and how far to trust it; a panel's judges side by side; the budget table."""
    verdict = result.get("verdict")
    if not isinstance(verdict, Mapping):
        return None
    panel = result.get("panel") if isinstance(result.get("panel"), Mapping) else None
    budget = result.get("budget") if isinstance(result.get("budget"), Mapping) else None
    judges = [j for j in result.get("judges") or [] if isinstance(j, Mapping)]
    return {
        "screening": trust_text.screening_line(verdict),
        "decided_by": trust_text.decided_by_line(verdict),
        "judges": [{"name": j.get("name"), "tier": j.get("tier"), "summary": j.get("summary"),
                    "screening": j.get("screening")} for j in judges],
        "panel": None if panel is None else {
            "header": trust_text.PANEL_HEADER, "rows": trust_text.panel_rows(panel),
            "agreement_header": trust_text.AGREEMENT_HEADER, "agreement": trust_text.agreement_rows(panel),
            "flip_line": trust_text.panel_flip_line(panel), "flips": bool(panel.get("flips"))},
        "budget": None if budget is None else {
            "title": trust_text.budget_title(budget), "header": trust_text.BUDGET_HEADER,
            "rows": trust_text.budget_rows(budget)},
    }
