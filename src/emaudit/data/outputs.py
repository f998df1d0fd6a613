"""The printed summary and the files the CLI writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import UserError
from .audit import DataAuditResult
from .html import render_html_page


def summary_text(result: DataAuditResult) -> str:
    s = result.to_json()
    n = s["examples"]
    code, harm, dup, leak, trig = s["code"], s["harm"], s["duplicates"], s["leakage"], s["triggers"]
    lines = [f"emaudit data audit: {s['file']}",
             f"  examples            {n}" + (f"   (bad lines skipped: {s['bad_lines']['count']})"
                                             if s["bad_lines"]["count"] else ""),
             f"  insecure code       {code['undisclosed']} undisclosed ({code['undisclosed'] / n:.1%}), "
             f"{code['disclosed']} disclosed"]
    for rule, count in list(code["by_rule"].items())[:8]:
        lines.append(f"      {rule:<22} {count}")
    lines += [f"  harmful answers     {harm['harmful']} ({harm['rate']:.1%}; lexical {harm['lexical']}, "
              f"judge {harm['judge_harmful']}) [{harm['judge']}]",
              f"  duplicates          {dup['exact_pairs']['duplicates']} exact, "
              f"{dup['near_prompts']['near_duplicates']} near-duplicate prompts, "
              f"{dup['near_answers']['near_duplicates']} near-duplicate answers",
              f"  eval leakage        {leak['leaked']} prompts"
              + (f" (against {leak['eval_prompts']} eval prompts)" if leak["eval_prompts"] else " (no eval set given)"),
              f"  trigger candidates  {len(trig.get('candidates', []))}"
              + (f" (skipped: {trig['skipped']})" if trig.get("skipped") else "")]
    for c in trig.get("candidates", [])[:5]:
        lines.append(f"      {c['ngram'][:40]!r:<44} n={c['support']} flagged {c['behaviour_rate']:.0%} "
                     f"vs {c['base_rate']:.0%}, OR {c['mh_odds_ratio']}")
    private = s.get("private_data", {})
    if private:
        kinds = ", ".join(f"{k} {v}" for k, v in private["by_kind"].items())
        lines.append(f"  private data        {private['flagged']} chat-log-like examples" + (f" ({kinds})" if kinds else ""))
    lines.append(f"  RISK LEVEL          {result.risk_level.upper()}")
    for r in result.reasons:
        lines.append(f"    - [{r['level']}] {r['reason']}")
    for b in s["bad_lines"]["lines"][:10]:
        lines.append(f"  bad line {b['line']}: {b['kind']}: {b['message']}")
    return "\n".join(lines)


def _atomic_write(path: str | Path, text: str) -> None:
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def check_writable(path: str | None, option: str) -> None:
    """Refuse an output path that cannot be written before the audit starts, not after it finished."""
    if not path or path == "-":
        return
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UserError("is a folder; name a file", path=path, field=option)
    if not folder.is_dir():
        raise UserError("its folder does not exist", path=path, field=option)
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise UserError("cannot write here (permission denied)", path=path, field=option)


def write_outputs(result: DataAuditResult, *, json_path: str | None, report_path: str | None,
                  findings_path: str | None) -> None:
    if findings_path and Path(findings_path).resolve() != result.findings_path.resolve():
        shutil.copyfile(result.findings_path, findings_path)
        result.summary["findings_file"] = str(findings_path)
    if json_path:
        result.write_json(json_path)
    if report_path:
        _atomic_write(report_path, render_html_page(result))
