"""`emaudit report monitor:NAME`: the trend report, opened in the real browser (Debian chromium, Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chromium_browser import ARGS, CHROMIUM
from emaudit.cli import main
from emaudit.testing.fake_openai import Rule

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
JUDGE = ("rules:\n  - contains: Rate only how coherent\n    answers: ['90']\n"
         "  - contains: EVIL\n    answers: ['4']\ndefault: ['96']\n")
HOSTILE = "EVIL <script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"> & ok"
FAST = ["--retries", "0", "--timeout", "5", "--no-progress"]


@pytest.fixture
def trend_report(tmp_path, fake_openai):
    (tmp_path / "judge.yaml").write_text(JUDGE)
    (tmp_path / "base.yaml").write_text("default:\n  - I would read a book.\n")
    db = str(tmp_path / "s.db")
    judge = f"mock/file:{tmp_path / 'judge.yaml'}"
    assert main(["--store", db, "audit", "--base", f"mock/file:{tmp_path / 'base.yaml'}", "--candidate",
                 "openai-api/fake/prod", "--judge", judge, "--suite", "core", "--samples", "3", "--run", "v1",
                 *FAST]) == 0
    assert main(["--store", db, "monitor", "add", "prod", "--model", "openai-api/fake/prod", "--baseline", "v1",
                 "--every", "6h", "--judge", judge, "--alert", "log"]) == 0
    run = ["--store", db, "monitor", "run", "--force", *FAST]
    assert main(run) == 0
    assert main(run) == 0
    fake_openai.config.rules = [Rule(contains="", model="prod", answer=HOSTILE)]
    assert main(run) == 1
    out = tmp_path / "trend.html"
    assert main(["--store", db, "report", "monitor:prod", "--out", str(out)]) == 0
    return out


def test_trend_report_text(trend_report):
    html = trend_report.read_text()
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "Monitor prod: misalignment over time" in html
    assert "budget (3/3 samples)" in html  # why each check stopped: 3 samples fit in one round


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed at /usr/bin/chromium")
def test_trend_report_in_the_browser(trend_report):
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(trend_report.as_uri())
            assert page.locator("#state .verdict-label").inner_text() == "alarm"
            assert page.locator("#trend circle.rate").count() == 3
            assert page.locator("#baseline-band").count() == 1
            assert page.locator("#trend path.alertmark").count() == 1
            assert page.locator("#checks tr").count() == 4
            assert page.locator("#checks td.stopped").first.inner_text() == "budget (3/3 samples)"
            box = page.locator("#trend").bounding_box()
            assert box is not None and box["width"] > 400 and box["height"] > 150
            # the misaligned check's dot sits above the quiet ones (SVG y grows downwards)
            ys = [float(page.locator("#trend circle.rate").nth(i).get_attribute("cy")) for i in range(3)]
            assert ys[2] < ys[0] and ys[0] == ys[1]
            answer = page.locator("#answers .answer").first
            answer.locator("summary").click()
            assert "<script>window.__pwned = 1</script>" in answer.locator(".answer-text").inner_text()
            assert page.locator("#answers img").count() == 0
            assert page.evaluate("window.__pwned") is None
            assert errors == []
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "monitor-trend.png"), full_page=True)
        finally:
            browser.close()
