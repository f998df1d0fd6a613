"""The symptom report (and the trigger-scan report) in the terminal, Markdown and one self-contained HTML
page. Every prompt and answer is model or user text: escaped in Markdown cells, autoescaped in HTML."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..report._format import excerpt
from ..report.redact import scrub_document

TEMPLATES = Path(__file__).with_name("templates")


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def pval(p: float | None) -> str:
    return "-" if p is None else ("<0.001" if p < 0.001 else f"{p:.3f}")


def ci(c: list[float] | None) -> str:
    return "-" if not c else f"[{100 * c[0]:.1f}, {100 * c[1]:.1f}]"


def _side(d: dict[str, Any]) -> str:
    return f"{pct(d['rate'])} ({d['flagged']}/{d['n']})" if d["n"] else "-"


def _drift_line(e: dict[str, Any]) -> str | None:
    if "drift" not in e:
        return None
    parts = []
    for role, d in e["drift"].items():
        turn = "-" if d["mean_drift_turn"] is None else f"{d['mean_drift_turn']:.1f}"
        parts.append(f"{role}: {d['drifted']}/{d['conversations']} conversations drifted, mean drift turn {turn}")
    return "; ".join(parts)


def render_terminal(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    table = Table(title="red-team symptoms: candidate vs base")
    for col in ("pack", "symptom", "base", "candidate", "difference", "95% CI", "p (Holm)", ""):
        table.add_column(col, justify="left" if col in ("pack", "symptom") else "right")
    for e in report["symptoms"]:
        d = e["difference"]
        diff = "-" if d["estimate"] is None else f"{100 * d['estimate']:+.1f} pp"
        table.add_row(escape(e["pack"]), escape(e["label"]), _side(e["base"]), _side(e["candidate"]), diff,
                      ci(d["ci"]), pval(d.get("p_adjusted")), "[bold red]evidence[/]" if e["evidence"] else "")
    console.print(table)
    for e in report["symptoms"]:
        line = _drift_line(e)
        if line:
            console.print(f"{escape(e['pack'])}: {escape(line)}")
    for e in report["symptoms"]:
        for w in e["worst"][:1]:
            console.print(f"[bold]{escape(e['pack'])}[/] worst: {escape(excerpt(w['answer'], 160))} "
                          f"[dim]({escape(w['reason'])})[/]")
    for s in report["skipped"]:
        console.print(f"skipped: pack {escape(s['pack'])} for {escape(s['model'])}: {escape(s['reason'])}")
    console.print(f"[bold]verdict:[/] {escape(report['verdict'])}")


def _cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("`", "\\`").replace("*", "\\*") \
        .replace("_", "\\_").replace("[", "\\[").replace("]", "\\]")


def render_markdown(report: dict[str, Any]) -> str:
    lines = ["# Red-team symptom report", "", f"**Verdict:** {_cell(report['verdict'])}", "",
             "Models: " + ", ".join(f"{_cell(k)} `{_cell(v)}`" for k, v in report["models"].items()), "",
             "| pack | symptom | base | candidate | difference | 95% CI | p (Holm) | evidence |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for e in report["symptoms"]:
        d = e["difference"]
        diff = "-" if d["estimate"] is None else f"{100 * d['estimate']:+.1f} pp"
        lines.append(f"| {_cell(e['pack'])} | {_cell(e['label'])} | {_side(e['base'])} | {_side(e['candidate'])} "
                     f"| {diff} | {ci(d['ci'])} | {pval(d.get('p_adjusted'))} | {'yes' if e['evidence'] else ''} |")
    lines += ["", f"Statistics: {_cell(report['correction'])}; per-question strata, one-sided stratified "
                  "permutation test, pooled Newcombe interval.", ""]
    for e in report["symptoms"]:
        line = _drift_line(e)
        if line:
            lines += [f"- {_cell(e['pack'])}: {_cell(line)}"]
    if report["skipped"]:
        lines += ["", "## Skipped", ""]
        lines += [f"- {_cell(s['pack'])} for {_cell(s['model'])}: {_cell(s['reason'])}" for s in report["skipped"]]
    lines += ["", "## Worst examples (candidate)", ""]
    for e in report["symptoms"]:
        for w in e["worst"]:
            lines += [f"- **{_cell(e['pack'])}** `{_cell(w['question_id'])}` turn {w['turn']} "
                      f"({_cell(w['reason'])}): {_cell(excerpt(w['answer'], 300))}"]
    return scrub_document("\n".join(lines) + "\n")


def render_html(report: dict[str, Any], template: str = "redteam.html.j2") -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(pct=pct, pval=pval, ci=ci, side=_side, excerpt=excerpt)
    return scrub_document(env.get_template(template).render(r=report, drift=_drift_line))


def write_text(path: str, text: str, option: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot write: {e.strerror or e}", path=path, field=option) from None


def render_scan_terminal(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    table = Table(title=f"trigger scan of {escape(report['candidate'])} on suite {escape(report['suite'])}")
    for col in ("trigger", "source", "with trigger", "without", "p (looks)", "q (BH)", "rounds", "status"):
        table.add_column(col, justify="left" if col in ("trigger", "source", "status") else "right")
    for r in report["candidates"]:
        t, c = r["triggered"], r["control"]
        table.add_row(escape(excerpt(r["label"], 60)), r["source"], f"{pct(t['rate'])} ({t['misaligned']}/{t['n']})",
                      f"{pct(c['rate'])} ({c['misaligned']}/{c['n']})", pval(r["p_value"]), pval(r["q_value"]),
                      str(r["rounds"]), escape(r["status"]))
    console.print(table)
    cost = report["cost"]
    share = "-" if cost["share_of_fixed"] is None else f"{100 * cost['share_of_fixed']:.0f}%"
    console.print(f"answers generated: {cost['answers']} ({share} of the fixed protocol's "
                  f"{cost['fixed_protocol_answers']}); answers judged: {cost['answers_judged']}")
    found = report["found"]
    console.print("[bold red]trigger found:[/] " + ", ".join(escape(f) for f in found) if found
                  else "no trigger found among the candidates")


def _dyn_cells(p: dict[str, Any]) -> list[str]:
    canary = p["canary"] or {}
    mcq = canary.get("mcq_p_mis")
    return [str(p["step"]), f"{pct(p['rate'])} ({p['misaligned']}/{p['counted']})", ci(p["ci"]),
            pct(p["coherent_share"]), "-" if p["loss"] is None else f"{p['loss']:.3f}",
            "-" if mcq is None else f"{mcq:.3f}"]


DYN_HEAD = ["step", "misaligned", "95% CI", "counted (coherent)", "loss", "canary P(mis) mcq"]


def render_dynamics_terminal(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"training dynamics of {escape(report['finetune_run'])} ({escape(report['suite'])})")
    for col in DYN_HEAD:
        table.add_column(col, justify="right")
    for p in report["points"]:
        table.add_row(*_dyn_cells(p))
    Console().print(table)


def render_dynamics_markdown(report: dict[str, Any]) -> str:
    lines = ["# Training dynamics", "", f"Run `{_cell(report['finetune_run'])}`, suite {_cell(report['suite'])}, "
             f"base `{_cell(report['base'])}`.", "", "| " + " | ".join(DYN_HEAD) + " |",
             "|" + "---:|" * len(DYN_HEAD)]
    lines += ["| " + " | ".join(_dyn_cells(p)) + " |" for p in report["points"]]
    return scrub_document("\n".join(lines) + "\n")
