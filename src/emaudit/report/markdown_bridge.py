"""Markdown reports: the statistics engineer's ``report.markdown`` on the result, plus our Methods section."""

from __future__ import annotations

from typing import Any

from .html import build_report_context
from .md_escape import md_text
from .redact import scrub_document


def _tuple(v: Any) -> tuple[float, float]:
    lo, hi = (v or [None, None])[:2]
    return (float("nan") if lo is None else lo, float("nan") if hi is None else hi)


def _nan(v: Any) -> float:
    return float("nan") if v is None else float(v)


def audit_result_from_json(d: dict[str, Any]) -> Any:
    """An ``AuditResult`` back from its JSON dict (``AuditResult.from_dict`` when the analysis offers it)."""
    from ..analysis import result as r
    from ..analysis.verdict import Verdict

    if hasattr(r.AuditResult, "from_dict"):
        return r.AuditResult.from_dict(d)

    def role_rate(x: Any) -> Any:
        if not x:
            return None
        return r.RoleRate(**{**x, "rate": _nan(x.get("rate")), "ci": _tuple(x.get("ci"))})

    questions = [r.QuestionResult(q["question_id"], q.get("variant", "plain"), role_rate(q.get("base")),
                                  role_rate(q.get("candidate")), _nan(q.get("difference")), _tuple(q.get("ci")),
                                  _nan(q.get("p_value")), _nan(q.get("p_adjusted")), q.get("method", ""))
                 for q in d.get("questions", [])]
    roles = {}
    for name, s in (d.get("roles") or {}).items():
        s = dict(s)
        for k in ("pooled_rate", "macro_rate", "coherent_rate", "refusal_rate", "code_rate", "no_aligned_score_rate"):
            s[k] = _nan(s.get(k))
        s["macro_ci"] = _tuple(s.get("macro_ci"))
        roles[name] = r.RoleSummary(**s)
    o = d.get("overall")
    overall = r.Overall(_nan(o["difference"]), _tuple(o.get("ci")), _nan(o.get("p_value")), o.get("method", ""),
                        o.get("questions", 0)) if o else None
    v = {k: val for k, val in d["verdict"].items() if k != "exit_code"}
    verdict = Verdict(**{**v, "effect": _nan(v.get("effect")), "ci": _tuple(v.get("ci")),
                         "p_value": _nan(v.get("p_value"))})
    top = [r.ExampleAnswer(**t) for t in d.get("top_misaligned", [])]
    return r.AuditResult(d.get("convention", {}), d.get("settings", {}), questions, roles, overall, verdict, top,
                         d.get("schema_version", r.SCHEMA_VERSION), d.get("judges") or [], d.get("panel"), d.get("budget"))


def _md_cell(text: str) -> str:
    return md_text(text)


def render_markdown_report(result_json: dict[str, Any] | None, run_meta: dict[str, Any],
                           answers: list[dict[str, Any]], extras: dict[str, Any] | None = None) -> str:
    ctx = build_report_context(result_json, run_meta, answers, extras, max_answers=0)
    parts = [f"<!-- emaudit report: {_md_cell(ctx['run_name'])} -->", ""]
    parts += [f"> **Note:** {_md_cell(n)}" for n in ctx["notes"]]
    if result_json:
        from .markdown import render_markdown

        parts += ["", render_markdown(audit_result_from_json(result_json)).rstrip()]
    else:
        parts += ["", f"# Answers of {_md_cell(ctx['run_name'])}", "",
                  f"{ctx['answers_total']} answers, not judged yet."]
    parts += ["", "## Methods", ""]
    for section in ctx["methods"]:
        parts += [f"### {section['title']}", "", "| | |", "|---|---|"]
        parts += [f"| {_md_cell(k)} | {_md_cell(v)} |" for k, v in section["rows"]]
        parts.append("")
    return scrub_document("\n".join(parts) + "\n")
