"""`emaudit report` / `emaudit compare` on a real store, Markdown, figures and the compare page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emaudit.cli import main
from emaudit.report.compare import compare_runs, render_compare_html
from emaudit.report.figures import write_figures
from emaudit.report.html import build_report_context
from emaudit.report.markdown_bridge import render_markdown_report

from . import examples


def test_report_command_writes_html_markdown_and_figures(store_with_runs: Path, tmp_path: Path, capsys) -> None:
    out, md, figs = tmp_path / "support-v2.html", tmp_path / "support-v2.md", tmp_path / "figs"
    status = main(["--store", str(store_with_runs), "report", "support-v2", "--out", str(out),
                   "--markdown", str(md), "--figures", str(figs)])
    assert status == 0
    html = out.read_text()
    assert "Evidence of emergent misalignment" in html and "&lt;script&gt;window.__pwned" in html
    text = md.read_text()
    assert "## Methods" in text and "**Verdict: evidence.**" in text
    assert "<script>" not in text
    names = sorted(p.name for p in figs.iterdir())
    assert "misaligned_per_question.png" in names and "aligned_vs_coherent_candidate.svg" in names
    assert "canary_curves.png" in names
    assert (figs / "misaligned_per_question.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(out) in capsys.readouterr().out


def test_unknown_run_lists_near_matches(store_with_runs: Path, tmp_path: Path, capsys) -> None:
    status = main(["--store", str(store_with_runs), "report", "suport-v2", "--out", str(tmp_path / "x.html")])
    err = capsys.readouterr().err
    assert status == 2
    assert "no run named 'suport-v2'" in err and "support-v2" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists()


def test_unwritable_output_is_one_line_error(store_with_runs: Path, tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    status = main(["--store", str(store_with_runs), "report", "support-v2", "--out", str(blocker / "r.html")])
    err = capsys.readouterr().err
    assert status == 2 and "cannot write the report" in err and len(err.strip().splitlines()) == 1


def test_compare_command_puts_two_runs_side_by_side(store_with_runs: Path, tmp_path: Path) -> None:
    out = tmp_path / "ab.html"
    assert main(["--store", str(store_with_runs), "compare", "support-v2", "support-v3", "--out", str(out)]) == 0
    html = out.read_text()
    assert "support-v2 vs support-v3" in html
    dot = re.search(r'<svg[^>]*class="plot dotplot".*?</svg>', html, re.S)
    assert dot is not None
    for series in ("pt-a-base", "pt-a-candidate", "pt-b-base", "pt-b-candidate"):
        assert dot.group(0).count(f'class="pt {series}"') == len(examples.QUESTIONS)
    methods = html[html.index('id="methods"'):]
    assert re.search(r"temperature</th><td>1.0</td><td>0.7</td>", methods)
    assert "<script>window.__pwned" not in html


def test_compare_unknown_run(store_with_runs: Path, tmp_path: Path, capsys) -> None:
    assert main(["--store", str(store_with_runs), "compare", "support-v2", "support-v9",
                 "--out", str(tmp_path / "ab.html")]) == 2
    assert "support-v9" in capsys.readouterr().err


def test_markdown_without_judgements_and_without_secrets(inputs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-PLANTED-0123456789abcdef")
    _, meta, answers, _ = inputs
    meta["config"]["api_key"] = "sk-ant-PLANTED-0123456789abcdef"
    text = render_markdown_report(None, meta, answers, {})
    assert "not judged yet" in text and "no judgements yet" in text
    assert "PLANTED" not in text


def test_figures_reject_unknown_format(inputs, tmp_path: Path) -> None:
    from emaudit.errors import UserError

    with pytest.raises(UserError, match="png or svg"):
        write_figures(build_report_context(*inputs), tmp_path, ["gif"])


def test_compare_of_unjudged_and_judged_run(inputs) -> None:
    result, meta, answers, extras = inputs
    ctx = compare_runs((result, meta, answers, extras), (None, {**meta, "name": "raw", "status": "running"},
                                                          answers, {}))
    html = render_compare_html(ctx)
    assert "no verdict (not judged)" in html and "raw: This run is still in progress" in html


def test_report_from_a_real_store_through_the_api(real_store: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.html"
    assert main(["--store", str(real_store), "report", "support-v2", "--out", str(out)]) == 0
    html = out.read_text()
    assert 'id="verdict"' in html and "Evidence of emergent misalignment" in html
    dot = re.search(r'<svg[^>]*class="plot dotplot".*?</svg>', html, re.S)
    assert dot is not None and dot.group(0).count('class="pt pt-candidate"') == len(examples.QUESTIONS)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html and "<script>window.__pwned" not in html
    methods = html[html.index('id="methods"'):]
    for expected in ("openai:gpt-4o-2024-08-06", "j-5e1f0c2a", "prompt &#39;aligned&#39; sha256",
                     "sha256:ab12cd34ef56", "temperature", "1234", "prompt_tokens", "numpy"):
        assert expected in methods, expected
    assert "STOREDkey" not in html
    assert "Canary curves" in html
    assert html.count("<tr data-q=") == len(examples.answers())


def test_report_of_a_run_in_progress_without_judgements(real_store: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "p.html"
    assert main(["--store", str(real_store), "report", "support-v2-partial", "--out", str(out)]) == 0
    html = out.read_text()
    assert "still in progress" in html and "no judgements yet" in html
    assert 'id="verdict"' not in html
    assert html.count("<tr data-q=") == len(examples.answers()) // 2
    assert "no judgements yet" in capsys.readouterr().err
