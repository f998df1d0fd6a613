"""Two runs side by side: verdicts, per-question rates of both, and what differs in their methods."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from . import svg_plots
from .html import build_report_context, render_template
from .svg_plots import DotSeries

SERIES_COLORS = {("a", "base"): "#9ecae9", ("a", "candidate"): "#4e79a7",
                 ("b", "base"): "#ffbe7d", ("b", "candidate"): "#e15759"}


def _by_question(ctx: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in ctx["questions"]}


def _methods_flat(ctx: Mapping[str, Any]) -> dict[str, str]:
    flat = {}
    for section in ctx["methods"]:
        for k, v in section["rows"]:
            if "(report)" in k or section["title"] == "Run" and k in ("name", "created", "updated"):
                continue
            flat[f"{section['title']} · {k}"] = v
    return flat


def build_compare_context(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """Compare two report contexts (from :func:`build_report_context`) of runs A and B."""
    qa, qb = _by_question(a), _by_question(b)
    qids = list(dict.fromkeys([*qa, *qb]))
    rows = []
    for qid in qids:
        x, y = qa.get(qid), qb.get(qid)
        change = None
        if x and y and x["diff"] is not None and y["diff"] is not None:
            change = y["diff"].value - x["diff"].value
        rows.append({"id": qid, "a": x, "b": y, "change": change})
    plot = None
    if qids:
        series = []
        for tag, by_q in (("a", qa), ("b", qb)):
            for role in ("base", "candidate"):
                points = [by_q[q][role] if q in by_q else None for q in qids]
                if any(p is not None for p in points):
                    series.append(DotSeries(f"{tag.upper()} {role}", SERIES_COLORS[(tag, role)],
                                            f"pt-{tag}-{role}", points))
        plot = Markup(svg_plots.dot_plot(qids, series))
    ma, mb = _methods_flat(a), _methods_flat(b)
    differences = [(k, ma.get(k, "–"), mb.get(k, "–")) for k in dict.fromkeys([*ma, *mb])
                   if ma.get(k) != mb.get(k)]
    notes = [f"{ctx['run_name']}: {n}" for ctx in (a, b) for n in ctx["notes"]]
    return {"title": f"emaudit compare: {a['run_name']} vs {b['run_name']}", "a": a, "b": b, "rows": rows,
            "dotplot": plot, "method_differences": differences, "notes": notes,
            "generated_at": a["generated_at"]}


def compare_runs(a_inputs: tuple[Any, ...], b_inputs: tuple[Any, ...]) -> dict[str, Any]:
    """Contexts from two ``(result_json, run_meta, answers, extras)`` tuples, compared."""
    return build_compare_context(build_report_context(*a_inputs), build_report_context(*b_inputs))


def render_compare_html(context: Mapping[str, Any]) -> str:
    return render_template("compare.html.j2", context)
