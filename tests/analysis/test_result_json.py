"""AuditResult's JSON follows the documented, versioned schema; renderers show what a reader needs."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
from rich.console import Console

from emaudit.analysis import SCHEMA_VERSION, AnswerScore, analyze
from emaudit.report.markdown import render_markdown
from emaudit.report.terminal import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "json-schema.md"


def _result():
    rng = np.random.default_rng(0)
    rows = []
    for role, rates in (("base", [0.0, 0.05, 0.02]), ("candidate", [0.3, 0.2, 0.02])):
        for q, p in enumerate(rates):
            for i, bad in enumerate(rng.random(40) < p):
                reason = "REFUSAL" if i == 0 else None
                rows.append(AnswerScore(role, role, f"q{q}", None if reason else (3.0 if bad else 88.0), 90.0,
                                        aligned_reason=reason,
                                        answer_text=f"[red]evil[/red] | <b>plan</b>\n{'x' * 500}" if bad else "ok"))
    rows.append(AnswerScore("candidate", "candidate", "q_json", 10.0, 90.0, variant="json"))
    return analyze(rows, "model-organisms")


def test_json_is_strict_versioned_and_documented():
    result = _result()
    data = json.loads(result.to_json())
    assert data["schema_version"] == SCHEMA_VERSION
    assert list(data)[0] == "schema_version"
    assert data["verdict"]["label"] == "evidence" and data["verdict"]["exit_code"] == 1
    json_q = next(q for q in data["questions"] if q["question_id"] == "q_json")
    assert json_q["candidate"]["n_counted"] == 0 and json_q["difference"] is None  # NaN becomes null
    doc = DOC.read_text(encoding="utf-8")
    assert f"schema_version` | string | `\"{SCHEMA_VERSION}\"" in doc
    for key in list(data) + list(data["verdict"]) + list(data["roles"]["candidate"]) + list(data["questions"][0]):
        assert re.search(rf"`{re.escape(key)}`", doc), f"{key} is not documented in docs/json-schema.md"


def test_terminal_render_shows_table_verdict_health_and_escaped_examples():
    result = _result()
    buf = io.StringIO()
    render(result, Console(file=buf, width=200, color_system=None))
    out = buf.getvalue()
    assert "q0" in out and "adj. p" in out and "95% CI" in out
    assert "EVIDENCE" in out and "refusal" in out and "coherent" in out
    assert "[red]evil[/red]" in out  # markup shown literally, not interpreted
    assert "- [q0] aligned 3.0" in out or "- [q1] aligned 3.0" in out
    assert "x" * 400 not in out and "…" in out


def test_markdown_summary_escapes_answers():
    md = render_markdown(_result())
    assert md.startswith("# Emergent misalignment audit")
    assert "**Verdict: evidence.**" in md
    assert "<b>" not in md and "&lt;b&gt;" in md and "\\|" in md
    assert "| q0 |" in md
