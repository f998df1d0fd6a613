"""Every judge path renders (issue 12.1): suite format x judge kind x output, through the real CLI.

Suite formats: ours and the paper's question-file layout with per-question judge prompts (both small
fixtures written here). Judge kinds: the embedded ``local`` judge, an LLM judge scored from logprobs
and one scored from text (the fake OpenAI-compatible server on 127.0.0.1), an ``exact-numbers`` local
LLM judge (the tiny random Llama), imported scores, and a run rescored by a second judge. Outputs: the
terminal table, ``--json``, ``--markdown``, the ``report`` HTML file, ``compare``, and the ``view``
page in a real browser (one page load per judge kind).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from emaudit.store import Store

from .conftest import ANSWERS, KINDS, MODES, SUITES, Matrix

CELLS = [pytest.param(fmt, kind, id=f"{fmt}-{kind}") for fmt in SUITES for kind in KINDS]


def _judged_by(page_html: str) -> str:
    found = re.search(r'<p id="judged-by"[^>]*>(.*?)</p>', page_html, re.S)
    assert found, "the page does not say which judge produced its numbers"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def _current_ids(matrix: Matrix, name: str) -> list[str]:
    with Store.open(matrix.store) as store:
        return store.current_judge_ids(store.get_run(name))


@pytest.mark.parametrize(("fmt", "kind"), CELLS)
def test_the_judge_kind_really_judged_the_run(matrix: Matrix, fmt: str, kind: str) -> None:
    name = matrix.run(fmt, kind)
    with Store.open(matrix.store) as store:
        run = store.get_run(name)
        ids = store.current_judge_ids(run)
        modes = {j.mode for i in ids for j in store.judgements(run, i)}
        assert modes == MODES[kind]
        assert store.judged_answers(run, ids) == ANSWERS[fmt]
    if fmt == "paper" and kind in ("llm-logprob", "llm-text", "exact-numbers", "rescored"):
        assert len(ids) == 2  # the paper file's per-question prompts make two prompt sets, one id each


@pytest.mark.parametrize(("fmt", "kind"), CELLS)
def test_terminal_and_json(matrix: Matrix, fmt: str, kind: str) -> None:
    name = matrix.run(fmt, kind)
    out, err = matrix.ok("analyze", name, codes=(0, 1))
    assert "Misaligned answers per question" in out
    assert f"judge: {matrix.judge_name(kind)} (id " in err
    assert f"judged answers: {ANSWERS[fmt]} of {ANSWERS[fmt]}" in err

    body = matrix.analyze_json(name)
    assert body["run"] == name
    assert {j["name"] for j in body["judges"]} == {matrix.judge_name(kind)}
    assert [j["id"] for j in body["judges"]] == _current_ids(matrix, name)
    assert body["counts"] == {"answers": ANSWERS[fmt], "judged_answers": ANSWERS[fmt]}
    assert body["verdict"]["label"] and body["questions"]


@pytest.mark.parametrize(("fmt", "kind"), CELLS)
def test_markdown(matrix: Matrix, fmt: str, kind: str) -> None:
    name = matrix.run(fmt, kind)
    summary = matrix.root / f"{name}-analyze.md"
    matrix.ok("analyze", name, "--markdown", str(summary), codes=(0, 1))
    assert "|" in summary.read_text(encoding="utf-8")  # the rates table
    report_md = matrix.root / f"{name}-report.md"
    matrix.ok("report", name, "--out", str(matrix.root / f"{name}-with-md.html"), "--markdown", str(report_md))
    text = report_md.read_text(encoding="utf-8")
    assert name in text and matrix.judge_name(kind) in text


@pytest.mark.parametrize(("fmt", "kind"), CELLS)
def test_report_html_names_the_judge_of_every_number(matrix: Matrix, fmt: str, kind: str) -> None:
    name = matrix.run(fmt, kind)
    path = matrix.root / f"{name}.html"
    matrix.ok("report", name, "--out", str(path))
    page = path.read_text(encoding="utf-8")
    judged_by = _judged_by(page)
    assert matrix.judge_name(kind) in judged_by
    for judge_id in _current_ids(matrix, name):
        assert judge_id in judged_by
    methods = html.unescape(page[page.index('id="methods"'):])
    assert f"{matrix.judge_name(kind)} (its scores are the numbers in this report)" in methods
    if kind == "rescored":
        assert "local (an earlier judge; its scores are not shown)" in methods
    if kind in ("llm-logprob", "llm-text", "rescored"):
        assert "expected-value-top20" in methods  # the LLM judge's rule, shown as JSON


@pytest.mark.parametrize(("fmt", "kind"), CELLS)
def test_compare(matrix: Matrix, fmt: str, kind: str) -> None:
    name = matrix.run(fmt, kind)
    other = matrix.run("paper" if fmt == "ours" else "ours", "local")
    path = matrix.root / f"{name}-vs-{other}.html"
    matrix.ok("compare", name, other, "--out", str(path))
    page = html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))
    assert f"judge: {matrix.judge_name(kind)} (" in page and "judge: local (" in page


CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed at /usr/bin/chromium")
@pytest.mark.parametrize("kind", KINDS)
def test_view_page_in_the_browser(matrix: Matrix, kind: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    from emaudit.report.view_server import StoreSource, ViewServer, start_in_thread

    fmt = "paper" if KINDS.index(kind) % 2 else "ours"  # both formats, one page load per judge kind
    name = matrix.run(fmt, kind)
    server = ViewServer(StoreSource(matrix.store), "127.0.0.1", 0, store_label=str(matrix.store))
    start_in_thread(server)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = browser.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                response = page.goto(f"{server.url.rstrip('/')}/run/{name}")
                assert response is not None and response.status == 200
                assert page.locator("#verdict .verdict-label").inner_text().strip()
                judged_by = page.locator("#judged-by").inner_text()
                assert matrix.judge_name(kind) in judged_by
                assert page.locator("svg.dotplot circle.pt").count() > 0
                assert errors == []
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
