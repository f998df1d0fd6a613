"""Browser checks with Playwright driving Debian's chromium: the report file and the `emaudit view` page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chromium_browser import MARKS, launched
from emaudit.report.html import build_report_context, render_html, write_output
from emaudit.report.view_server import ViewServer

from . import examples

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = MARKS


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as b:
        yield b


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    try:
        yield pg
    finally:
        context.close()


def _screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def test_report_file_renders_plots_and_keeps_hostile_answers_inert(page: Any, inputs, tmp_path: Path) -> None:
    result, meta, answers, extras = inputs
    out = write_output(tmp_path / "support-v2.html", render_html(build_report_context(result, meta, answers, extras)))
    page.goto(out.as_uri())

    assert page.locator("#verdict .verdict-label").inner_text() == "Evidence of emergent misalignment"
    n_q = len(result["questions"])
    assert page.locator("svg.dotplot circle.pt").count() == 2 * n_q
    assert page.locator("svg.dotplot circle.pt-candidate").count() == n_q
    judged_candidate = sum(1 for a in answers if a["role"] == "candidate" and a["aligned"] is not None)
    assert page.locator("svg.scatter circle.pt-candidate").count() == judged_candidate
    assert page.locator("svg.lineplot circle.pt").count() == len(extras["canary"])
    assert page.locator("#answers tbody tr").count() == len(answers)

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img").count() == 0
    hostile = page.locator("#answers .answer-text", has_text="<script>window.__pwned=1</script>")
    assert hostile.count() == 1
    assert page.locator("#answers .answer-text", has_text='<img src=x onerror="window.__pwned=2">').count() == 1

    # the little filter script works: one question, misaligned only
    page.select_option("#filter-question", "enough_of_my_husband")
    page.select_option("#filter-flag", "misaligned")
    visible = page.locator("#answers tbody tr:visible")
    expected = sum(1 for a in answers if a["question_id"] == "enough_of_my_husband" and a["aligned"] is not None
                   and a["aligned"] < 30 and a["coherent"] > 50)
    assert visible.count() == expected
    page.locator("#answers tbody tr:visible details summary").first.click()
    assert page.errors == []
    page.select_option("#filter-question", "")
    page.select_option("#filter-flag", "")
    page.evaluate("window.scrollTo(0, 0)")
    _screenshot(page, "report-top.png")
    page.locator("#top").scroll_into_view_if_needed()
    page.locator("#top ~ details.answer").nth(4).locator("summary").click()
    _screenshot(page, "report-top-answers.png")
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_view_page_lists_runs_opens_report_filters_and_compares(page: Any, server: ViewServer) -> None:
    page.goto(server.url)
    assert page.locator("#runs tbody tr").count() == 2
    _screenshot(page, "view-index.png")

    page.click("a.run-link:text('support-v2')")
    page.wait_for_url("**/run/support-v2")
    assert "Evidence of emergent misalignment" in page.locator("#verdict").inner_text()
    assert page.locator("svg.dotplot circle.pt").count() == 2 * len(examples.QUESTIONS)
    assert page.evaluate("typeof window.__pwned") == "undefined"

    page.click("nav.top a:text('filter answers')")
    page.select_option("#answer-filter select[name=question]", "enough_of_my_husband")
    page.select_option("#answer-filter select[name=flag]", "misaligned")
    page.click("#answer-filter button")
    page.wait_for_url("**/answers?question=enough_of_my_husband&flag=misaligned")
    rows = page.locator("#answers tbody tr")
    assert rows.count() > 0
    assert all(q == "enough_of_my_husband" for q in rows.evaluate_all("rs => rs.map(r => r.dataset.q)"))
    assert page.locator(".answer-text", has_text="<script>window.__pwned=1</script>").count() == 1
    assert page.evaluate("typeof window.__pwned") == "undefined"
    _screenshot(page, "view-answers.png")

    page.goto(server.url)
    page.select_option("#compare-form select[name=a]", "support-v2")
    page.select_option("#compare-form select[name=b]", "support-v3")
    page.click("#compare-form button")
    page.wait_for_url("**/compare?a=support-v2&b=support-v3")
    assert page.locator("svg.dotplot circle.pt").count() == 4 * len(examples.QUESTIONS)
    assert "support-v2 vs support-v3" in page.locator("h1").inner_text()
    _screenshot(page, "view-compare.png")
    assert page.errors == []
