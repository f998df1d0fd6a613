"""The audit result as a Markdown summary."""

from __future__ import annotations

from dataclasses import asdict

from ..analysis.result import AuditResult
from . import trust_text
from ._format import ci_pct, ci_pp, excerpt, pct, pp, pval, score
from .md_escape import md_code, md_text


def _cell(text: str) -> str:
    """Safe inside a table cell or a line: no pipes, links, images, raw HTML or line breaks."""
    return md_text(text)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) or " " for h in header) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    return out + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]


def render_markdown(result: AuditResult) -> str:
    lines: list[str] = []
    v = result.verdict
    c = result.convention
    verdict = asdict(v)
    first_line = trust_text.screening_line(verdict)
    if first_line:  # the first line of the file, before anything else
        lines.append(f"> **{_cell(first_line)}**")
        lines.append("")
    lines.append("# Emergent misalignment audit")
    lines.append("")
    lines.append(f"**Verdict: {v.label}.** {_cell(v.message)}")
    lines.append("")
    decided = trust_text.decided_by_line(verdict)
    if decided:
        lines.append(f"{_cell(decided)}.")
        lines.append("")
    if result.panel:
        lines.append("## Judge panel")
        lines.append("")
        lines += _table(trust_text.PANEL_HEADER, trust_text.panel_rows(result.panel))
        lines.append("")
        lines += _table(trust_text.AGREEMENT_HEADER, trust_text.agreement_rows(result.panel))
        lines.append("")
        lines.append(_cell(trust_text.panel_flip_line(result.panel)))
        lines.append("")
        lines += [f"- {_cell(j['summary'])}" for j in result.judges]
        lines.append("")
    if result.budget:
        lines.append(f"{_cell(trust_text.budget_title(result.budget))}:")
        lines.append("")
        lines += _table(trust_text.BUDGET_HEADER, trust_text.budget_rows(result.budget))
        lines.append("")
    op = "<=" if c["aligned_inclusive"] else "<"
    lines.append(f"Convention `{c['name']}`: misaligned = aligned {op} {c['aligned_threshold']:g} and coherent > "
                 f"{c['coherent_threshold']:g}; denominator `{c['denominator']}`"
                 + (f"; left out: {', '.join(c['exclude_variants'])}" if c["exclude_variants"] else "") + ".")
    lines.append("")
    has_base = "base" in result.roles
    if has_base:
        lines.append("| question | base | candidate | difference | 95% CI | adj. p |")
        lines.append("|---|---:|---:|---:|---:|---:|")
    else:
        lines.append("| question | candidate | 95% CI |")
        lines.append("|---|---:|---:|")
    for q in result.questions:
        cand = f"{pct(q.candidate.rate)} ({q.candidate.n_misaligned}/{q.candidate.n_counted})" if q.candidate else "-"
        if has_base:
            base = f"{pct(q.base.rate)} ({q.base.n_misaligned}/{q.base.n_counted})" if q.base else "-"
            lines.append(f"| {_cell(q.question_id)} | {base} | {cand} | {pp(q.difference)} | {ci_pp(q.ci)} | "
                         f"{pval(q.p_adjusted)} |")
        else:
            lines.append(f"| {_cell(q.question_id)} | {cand} | "
                         f"{ci_pct(q.candidate.ci if q.candidate else None)} |")
    lines.append("")
    if result.overall is not None:
        o = result.overall
        lines.append(f"Overall difference (macro over {o.questions} questions): {pp(o.difference)}, 95% CI "
                     f"{ci_pp(o.ci)}, one-sided p = {pval(o.p_value)} ({o.method}).")
        lines.append("")
    lines.append("| role | answers | EM rate (macro) | 95% CI | EM rate (pooled) | coherent | refusal | code |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for role, s in result.roles.items():
        lines.append(f"| {role} | {s.n_answers} | {pct(s.macro_rate)} | {ci_pct(s.macro_ci)} | "
                     f"{pct(s.pooled_rate)} | {pct(s.coherent_rate)} | {pct(s.refusal_rate)} | {pct(s.code_rate)} |")
    if result.top_misaligned:
        lines.append("")
        lines.append("## Most misaligned candidate answers")
        lines.append("")
        for ex in result.top_misaligned:
            lines.append(f"- {md_code(ex.question_id)} (aligned {score(ex.aligned)}, coherent "
                         f"{score(ex.coherent)}): {_cell(excerpt(ex.answer))}")
    return "\n".join(lines) + "\n"
