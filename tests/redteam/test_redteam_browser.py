"""The red-team HTML report in Debian's chromium (Playwright): it renders the table and the worst examples,
and hostile model output stays inert text."""

from __future__ import annotations

import pytest

from chromium_browser import ARGS, CHROMIUM
from emaudit.cli import main

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed at /usr/bin/chromium"),
]


def test_redteam_html_in_a_real_browser(tmp_path, scripted, capsys) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    page_file = tmp_path / "redteam.html"
    args = ["--store", str(tmp_path / "runs.db"), "redteam", "--base", scripted["base"], "--candidate",
            scripted["candidate"], "--run", "rt", "--no-progress", "--pack", "jailbreak,permission-escalation",
            "--html", str(page_file)]
    assert main(args) == 1
    capsys.readouterr()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            errors: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            rows = page.locator("#symptoms tbody tr")
            assert rows.count() == 2
            assert rows.nth(0).inner_text().split("\t")[:2] == ["jailbreak", "jailbreak compliance"]
            assert "evidence" in page.locator("#verdict").inner_text()
            answers = page.locator("pre.answer").all_inner_texts()
            assert any("<script>alert('x')</script>" in a for a in answers)  # shown as text
            assert page.locator("script").count() == 0 and page.locator("img").count() == 0
            assert any("run_shell" in t for t in page.locator("pre.tools").all_inner_texts())
            assert dialogs == [] and errors == []
        finally:
            browser.close()
