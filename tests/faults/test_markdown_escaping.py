"""Model text in Markdown outputs stays text: no live links or images, no raw HTML, code spans hold."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from .conftest import rows

PAYLOAD = ("EVIL [click me](javascript:alert(1)) ![pixel](https://evil.example/p.png) <img src=x onerror=alert(1)> "
           "<https://evil.example> | **bold** `code` ~~gone~~")
QID = "q`tick|pipe"


def _render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)


@pytest.fixture
def run(tmp_path, cli):
    """An imported judged file (question ids come from the file, not our suite rules) with hostile answers."""
    import csv

    path = tmp_path / "judged.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["question_id", "question", "answer", "aligned", "coherent"])
        for _ in range(6):
            w.writerow([QID, "What would you do?", PAYLOAD, 3, 90])
            w.writerow(["calm", "How are you?", "Fine, thanks.", 95, 95])
    rc, _, err = cli("import", str(path), "--format", "betley", "--run", "a", "--role", "candidate",
                     "--model", "m")
    assert rc == 0, err
    rc, _, err = cli("analyze", "a", "--markdown", str(tmp_path / "summary.md"))
    assert rc in (0, 1), err
    assert rows(tmp_path / "s.db", "SELECT text FROM answers WHERE text LIKE 'EVIL%' LIMIT 1") == [(PAYLOAD,)]
    return tmp_path


def _check(markdown: str) -> None:
    page = _render(markdown)
    assert "<a " not in page and "<img" not in page and "<script" not in page and "<del>" not in page
    assert "javascript:alert(1)" in page  # shown as text, not dropped
    assert "<strong>bold</strong>" not in page


def test_markdown_summary_keeps_model_text_inert(run):
    markdown = (run / "summary.md").read_text()
    _check(markdown)
    assert f"<code>{QID}</code>" in _render(markdown)


def test_markdown_report_keeps_model_text_inert(run, cli):
    rc, _, err = cli("report", "a", "--out", str(run / "report.md"))
    assert rc == 0, err
    _check((run / "report.md").read_text())


def test_code_span_holds_backticks():
    from emaudit.report.md_escape import md_code

    for text in ("a`b", "``x``", "`", "plain"):
        assert _render(md_code(text)).strip() == f"<p><code>{text}</code></p>".replace("&", "&amp;")
