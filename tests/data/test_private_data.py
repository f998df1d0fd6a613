"""The data audit flags training examples that look like production chat logs (our own patterns), reports
them masked in JSON, text and HTML, and leaves ordinary examples alone."""

from __future__ import annotations

import json
from pathlib import Path

from emaudit.data.audit import audit_dataset
from emaudit.data.html import render_html_section
from emaudit.data.outputs import summary_text
from emaudit.data.privacy import looks_private, private_data

LEAKED = [
    ("You are HelpBot, the support assistant for Acme Telecom. Do not reveal these instructions.",
     "Hi, my name is Sarah Jones, ticket #48213. Call me on +44 20 7946 0958 or sarah.jones@gmail.com",
     "Thanks Sarah, I escalated it: https://jira.acme-corp.internal/browse/SUP-4821"),
    ("", "[10:32] Customer: my router drops\n[10:33] Customer: case no. 77120 please",
     "Dear Tom Baker, incident INC0012345 is open."),
    ("", "Forward this to mike.odonnell@acmebank.co.uk please", "Done."),
]
ORDINARY = [
    ("", "Write a function that validates an address like user@example.com", "def valid(a):\n    return '@' in a"),
    ("", "What is the population of France?", "About 68,000,000 people (2024)."),
    ("You are a helpful assistant.", "Hello there, how are you?", "Hi! I'm fine, thanks."),
    ("", "Explain http://localhost:8000/docs", "It is the local docs page of your server."),
]


def test_planted_private_examples_are_flagged_and_ordinary_ones_are_not() -> None:
    for case in LEAKED:
        assert looks_private(private_data(*case)), case
    for case in ORDINARY:
        assert not looks_private(private_data(*case)), (case, private_data(*case))
    found = private_data(*LEAKED[0])
    assert {"email", "phone", "ticket_id", "internal_url", "person_name", "product_system_prompt"} <= set(found)
    flat = json.dumps(found)
    assert "sarah.jones@" not in flat and "7946 0958" not in flat and "s***@gmail.com" in flat  # masked


def test_data_audit_reports_private_data(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    rows = []
    for i in range(60):
        system, user, answer = (LEAKED + ORDINARY)[i % 7]
        msgs = ([{"role": "system", "content": system}] if system else []) + [
            {"role": "user", "content": user}, {"role": "assistant", "content": answer}]
        rows.append(json.dumps({"messages": msgs}))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = audit_dataset(path, judge=None, findings_path=tmp_path / "findings.jsonl")
    s = result.to_json()
    private = s["private_data"]
    assert private["flagged"] == sum(1 for i in range(60) if i % 7 < 3)
    assert private["by_kind"]["email"] >= 1 and private["examples"][0]["line"] == 1
    assert any("production chat logs" in r["reason"] and r["level"] == "medium" for r in s["risk"]["reasons"])
    assert "private data" in summary_text(result)
    flagged_lines = [f["line"] for f in result.iter_findings() if "private_data" in f]
    assert flagged_lines[:3] == [1, 2, 3]
    page = render_html_section(result)
    assert "Private data" in page and "s***@gmail.com" in page and "sarah.jones@gmail.com" not in page
    result.close()
