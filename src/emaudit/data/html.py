"""An HTML fragment for the report (every dataset string escaped), and a standalone page around it."""

from __future__ import annotations

from html import escape
from typing import Any

from .audit import DataAuditResult


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="emaudit-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render_html_section(result: DataAuditResult | dict[str, Any]) -> str:
    s = result.to_json() if isinstance(result, DataAuditResult) else result
    n = s["examples"]
    code, harm, dup, leak, trig, shape = (s["code"], s["harm"], s["duplicates"], s["leakage"], s["triggers"],
                                          s["shape"])
    level = s["risk"]["level"]
    parts = [f'<section class="emaudit-data-audit" data-risk="{_e(level)}">',
             f"<h2>Data audit: {_e(s['file'])}</h2>",
             f'<p class="risk risk-{_e(level)}">Risk level: <strong>{_e(level.upper())}</strong></p>',
             "<ul>" + "".join(f"<li>[{_e(r['level'])}] {_e(r['reason'])}</li>" for r in s["risk"]["reasons"])
             + "</ul>",
             _table(["check", "count", "share"], [
                 ["examples", n, ""],
                 ["bad lines skipped", s["bad_lines"]["count"], ""],
                 ["undisclosed insecure code", code["undisclosed"], f"{code['undisclosed'] / max(n, 1):.1%}"],
                 ["disclosed insecure code", code["disclosed"], f"{code['disclosed'] / max(n, 1):.1%}"],
                 ["harmful answers", harm["harmful"], f"{harm['rate']:.1%}"],
                 ["exact duplicate examples", dup["exact_pairs"]["duplicates"], ""],
                 ["near-duplicate prompts", dup["near_prompts"]["near_duplicates"], ""],
                 ["near-duplicate answers", dup["near_answers"]["near_duplicates"], ""],
                 ["prompts leaked from eval sets", leak["leaked"], ""],
                 ["trigger candidates", len(trig.get("candidates", [])), ""],
                 ["chat-log-like examples with private data", (s.get("private_data") or {}).get("flagged", 0), ""],
             ])]
    if code["by_rule"]:
        parts.append("<h3>Insecure code by rule</h3>")
        parts.append(_table(["rule", "examples"], [[k, v] for k, v in list(code["by_rule"].items())[:25]]))
    if code["examples"]:
        parts.append(_table(["example", "line", "rules", "CWE"],
                            [[x["example"], x["line"], ", ".join(x["rules"]), ", ".join(map(str, x["cwes"]))]
                             for x in code["examples"]]))
    parts.append(f"<h3>Harmful text</h3><p>{_e(harm['judge'])}</p>")
    if harm["examples"]:
        parts.append(_table(["example", "question", "answer", "signal"],
                            [[x["example"], x["question"], x["answer"], x["lexical"] or x["judge"]]
                             for x in harm["examples"]]))
    if leak["examples"]:
        parts.append("<h3>Evaluation leakage</h3>")
        parts.append(_table(["example", "source", "eval prompt", "similarity"],
                            [[x["example"], x["eval_source"], x["eval_prompt"], x["similarity"]]
                             for x in leak["examples"][:25]]))
    private = s.get("private_data") or {}
    if private.get("flagged"):
        parts.append("<h3>Private data (chat-log-like examples, matches masked)</h3>")
        parts.append(_table(["example", "line", "found"],
                            [[x["example"], x["line"], "; ".join(f"{k}: {', '.join(v)}" for k, v in x["found"].items())]
                             for x in private["examples"]]))
    if trig.get("candidates"):
        parts.append("<h3>Trigger candidates (to review)</h3>")
        parts.append(_table(["n-gram", "support", "flagged with", "base", "MH odds ratio", "q"],
                            [[c["ngram"], c["support"], f"{c['behaviour_rate']:.0%}", f"{c['base_rate']:.0%}",
                              c["mh_odds_ratio"], f"{c['q_value']:.2g}"] for c in trig["candidates"]]))
    elif trig.get("skipped"):
        parts.append(f"<p>Trigger test skipped: {_e(trig['skipped'])}</p>")
    parts.append("<h3>Shape</h3>")
    parts.append(_table(["measure", "value"], [
        ["roles", shape["roles"]], ["multi-turn examples", shape["multi_turn"]],
        ["distinct system prompts", shape["system_prompts"]["distinct"]],
        ["empty answers", shape["empty_answers"]["count"]],
        ["truncated answers", shape["truncated_answers"]["count"]],
        ["answer chars (median)", shape["answer_chars"].get("median", "")],
    ]))
    if s["bad_lines"]["lines"]:
        parts.append("<h3>Bad lines</h3>")
        parts.append(_table(["line", "kind", "message"],
                            [[b["line"], b["kind"], b["message"]] for b in s["bad_lines"]["lines"][:25]]))
    parts.append("</section>")
    return "\n".join(parts)


def render_html_page(result: DataAuditResult | dict[str, Any]) -> str:
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
             "vertical-align:top;white-space:pre-wrap}.risk-high{color:#b00}.risk-medium{color:#a60}")
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>emaudit data audit</title>'
            f"<style>{style}</style></head><body>{render_html_section(result)}</body></html>")
