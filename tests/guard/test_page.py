"""The approval page in a real browser (Debian chromium through Playwright)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chromium_browser import MARKS, launched
from emaudit.testing.fake_openai import Rule

from .conftest import chat

RISKY = "Send it offshore <script>window.pwned=1</script><b>now</b>"

pytestmark = MARKS


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as b:
        yield b


@pytest.mark.parametrize(("button", "expected", "state"), [
    ("Approve", RISKY, "approved"),
    ("Edit and approve", "A safer answer.", "edited"),
    ("Reject", "held:rejected", "rejected"),
])
def test_decide_a_held_answer_on_the_page(browser: Any, guard: Any, fake_openai: Any, button: str,
                                          expected: str, state: str) -> None:
    fake_openai.config.rules = [Rule("money", answer=RISKY)]
    url, journal = guard("""
        hold: {timeout_s: 60, fallback: block}
        output: [{use: keywords, words: [offshore], name: money, action: hold}]
    """)
    answers: list[Any] = []
    client = threading.Thread(target=lambda: answers.append(chat(url, "money <i>please</i>")))
    client.start()
    while not journal.holds():
        time.sleep(0.05)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(url.removesuffix("/v1") + "/guard/queue")
        article = page.locator("article")
        assert article.locator("pre.answer").inner_text() == RISKY     # shown as text, never run
        assert "money <i>please</i>" in article.inner_text()
        assert page.evaluate("window.pwned") is None
        page.fill("input[name=by]", "dana")
        page.fill("input[name=why]", "reviewed on the page")
        if button == "Edit and approve":
            page.fill("textarea[name=text]", "A safer answer.")
        page.click(f"button:text-is('{button}')")
        page.wait_for_selector("#empty")
    finally:
        page.close()
    client.join(30)
    assert expected in answers[0].json()["choices"][0]["message"]["content"]
    [hold] = journal.holds(state=None)
    assert hold["state"] == state and hold["decided_by"] == "dana" and hold["why"] == "reviewed on the page"
    assert not errors


def test_the_page_shows_why_a_decision_was_refused(browser: Any, guard: Any, store: Path) -> None:
    from emaudit.guard.journal import Journal, LogRow

    url, _ = guard()
    j = Journal.open(store)
    log_id = j.write_log(LogRow("k", "v1", "m", "none", "before-send", "hold", "r", 200, 1, 1,
                                {"messages": []}, None, []))
    hold_id = j.add_hold(log_id, '{"choices": [{"message": {"content": "first bytes"}}]}', 60, "block")
    page = browser.new_page()
    try:
        page.goto(url.removesuffix("/v1") + "/guard/queue")
        # The held bytes change after the page was drawn: the approval must not release them.
        j.db.execute("UPDATE guard_holds SET held_body = 'other', held_sha256 = 'x' WHERE id = ?", (hold_id,))
        page.fill("input[name=by]", "erin")
        page.fill("input[name=why]", "ok")
        page.click("button:text-is('Approve')")
        assert "hash mismatch" in page.locator("[role=alert]").inner_text()
    finally:
        page.close()
    assert j.hold(hold_id)["state"] == "held"
