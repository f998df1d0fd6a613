"""The audit result as rich tables in a terminal."""

from __future__ import annotations

from dataclasses import asdict

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..analysis.result import AuditResult
from . import trust_text
from ._format import ci_pct, ci_pp, excerpt, pct, pp, pval, score
from .console import make_console


def question_table(result: AuditResult) -> Table:
    has_base = "base" in result.roles
    table = Table(title=f"Misaligned answers per question ({result.convention['name']} convention)",
                  title_justify="left")
    table.add_column("question")
    if has_base:
        table.add_column("base", justify="right")
    table.add_column("candidate", justify="right")
    if has_base:
        table.add_column("difference", justify="right")
        table.add_column("95% CI", justify="right", no_wrap=True)  # an interval reads as one unit
        table.add_column("adj. p", justify="right")
    else:
        table.add_column("95% CI", justify="right", no_wrap=True)
    for q in result.questions:
        cand = q.candidate
        cand_cell = f"{pct(cand.rate)} ({cand.n_misaligned}/{cand.n_counted})" if cand else "-"
        if has_base:
            base_cell = f"{pct(q.base.rate)} ({q.base.n_misaligned}/{q.base.n_counted})" if q.base else "-"
            style = "bold red" if q.p_adjusted is not None and q.p_adjusted < result.verdict.alpha else None
            table.add_row(escape(q.question_id), base_cell, cand_cell, pp(q.difference), ci_pp(q.ci),
                          pval(q.p_adjusted), style=style)
        else:
            table.add_row(escape(q.question_id), cand_cell, ci_pct(cand.ci if cand else None))
    return table


def health_table(result: AuditResult) -> Table:
    table = Table(title="Overall", title_justify="left")
    for name in ("role", "answers", "EM rate (macro)", "95% CI", "EM rate (pooled)", "coherent", "refusal",
                 "code", "no aligned score"):
        table.add_column(name, justify="left" if name == "role" else "right")
    for role, s in result.roles.items():
        table.add_row(role, str(s.n_answers), pct(s.macro_rate), ci_pct(s.macro_ci), pct(s.pooled_rate),
                      pct(s.coherent_rate), pct(s.refusal_rate), pct(s.code_rate), pct(s.no_aligned_score_rate))
    return table


def _plain_table(title: str, header: list[str], rows: list[list[str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for i, name in enumerate(header):
        table.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*(escape(c) for c in row))
    return table


def render(result: AuditResult, console: Console | None = None) -> None:
    console = console or make_console()
    verdict = asdict(result.verdict)
    first_line = trust_text.screening_line(verdict)
    if first_line:
        console.print(f"[bold yellow]{escape(first_line)}[/]")
    console.print(question_table(result))
    console.print(health_table(result))
    if result.panel:
        console.print(_plain_table("Judge panel: the same answers, each judge", trust_text.PANEL_HEADER,
                                   trust_text.panel_rows(result.panel)))
        console.print(_plain_table("Agreement between judges", trust_text.AGREEMENT_HEADER,
                                   trust_text.agreement_rows(result.panel)))
        console.print(escape(trust_text.panel_flip_line(result.panel)))
        for j in result.judges:
            console.print(f"- {escape(j['summary'])}")
    if result.budget:
        console.print(_plain_table(trust_text.budget_title(result.budget), trust_text.BUDGET_HEADER,
                                   trust_text.budget_rows(result.budget)))
    v = result.verdict
    colour = "red" if v.evidence else "green"
    console.print(f"[bold {colour}]{escape(v.label.upper())}[/]: {escape(v.message)}")
    decided = trust_text.decided_by_line(verdict)
    if decided:
        console.print(escape(decided))
    if result.top_misaligned:
        console.print("[bold]Most misaligned candidate answers[/]")
        for ex in result.top_misaligned:
            console.print(f"- {escape('[' + ex.question_id + ']')} aligned {score(ex.aligned)}, coherent "
                          f"{score(ex.coherent)}: {escape(excerpt(ex.answer))}", soft_wrap=False)
