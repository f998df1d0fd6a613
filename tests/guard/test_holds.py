"""Hold and approve: the client waits while a person decides from the CLI; approvals bind to the held bytes."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from emaudit.cli import main
from emaudit.guard.journal import Journal
from emaudit.testing.fake_openai import Rule

from .conftest import chat, stream_text

RISKY = "Step one: wire the money to this offshore account."
POLICY = """
    hold: {{timeout_s: {timeout}, fallback: {fallback}}}
    output: [{{use: keywords, words: [offshore], name: money, action: hold}}]
"""


def _decide_when_held(store: Path, argv: list[str], seen: list[dict[str, Any]]) -> threading.Thread:
    def run() -> None:
        j = Journal.open(store)
        for _ in range(200):
            held = j.holds()
            if held:
                seen.append(held[0])
                sha = held[0]["held_sha256"]
                main(["--store", str(store), "guard", "queue", *argv[:1], str(held[0]["id"]), *argv[1:],
                      "--sha256", sha])
                return
            time.sleep(0.05)

    t = threading.Thread(target=run)
    t.start()
    return t


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(("argv", "expected"), [
    (["approve", "--by", "alice", "--why", "checked the account"], RISKY),
    (["reject", "--by", "bob", "--why", "fraud"], "held:rejected"),
    (["edit", "--by", "carol", "--why", "removed the account", "--text", "Please talk to your bank."],
     "Please talk to your bank."),
])
def test_the_client_waits_for_a_decision_from_the_cli(guard: Any, fake_openai: Any, store: Path, stream: bool,
                                                      argv: list[str], expected: str) -> None:
    fake_openai.config.rules = [Rule("money", answer=RISKY)]
    url, journal = guard(POLICY.format(timeout=20, fallback="block"))
    seen: list[dict[str, Any]] = []
    t = _decide_when_held(store, argv, seen)
    r = chat(url, "money help", stream=stream)
    t.join()
    text = stream_text(r.text)[0] if stream else r.json()["choices"][0]["message"]["content"]
    assert expected in text
    [hold] = journal.holds(state=None)
    assert hold["decided_by"] == argv[2] and hold["why"] == argv[4] and hold["state"] != "held"
    [row] = journal.logs()
    assert row["decision"] == "hold" and f"by {argv[2]}" in row["reason"]


def test_an_approval_for_other_bytes_is_refused(guard: Any, fake_openai: Any, store: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    journal = Journal.open(store)
    log_id = journal.write_log(_row())
    hold_id = journal.add_hold(log_id, '{"choices": []}', 60, "block")
    assert main(["--store", str(store), "guard", "queue", "approve", str(hold_id), "--by", "a", "--why", "b",
                 "--sha256", "0" * 64]) == 2
    assert "hash mismatch" in capsys.readouterr().err
    assert journal.hold(hold_id)["state"] == "held"
    sha = journal.hold(hold_id)["held_sha256"]
    assert main(["--store", str(store), "guard", "queue", "approve", str(hold_id), "--by", "a", "--why", "b"]) == 2
    assert "add --sha256" in capsys.readouterr().err
    assert main(["--store", str(store), "guard", "queue", "approve", str(hold_id), "--why", "b",
                 "--sha256", sha]) == 2
    assert main(["--store", str(store), "guard", "queue", "reject", str(hold_id), "--by", "a", "--why", "b"]) == 0
    assert main(["--store", str(store), "guard", "queue", "approve", str(hold_id), "--by", "a", "--why", "b",
                 "--sha256", sha]) == 2
    assert "already rejected" in capsys.readouterr().err


@pytest.mark.parametrize(("fallback", "expected", "state"), [("block", "held:expired-blocked", "expired-blocked"),
                                                            ("release", RISKY, "expired-released")])
def test_expired_holds_resolve_by_the_policy_fallback(guard: Any, fake_openai: Any, fallback: str, expected: str,
                                                      state: str) -> None:
    fake_openai.config.rules = [Rule("money", answer=RISKY)]
    url, journal = guard(POLICY.format(timeout=0.3, fallback=fallback))
    r = chat(url, "money help").json()
    assert expected in r["choices"][0]["message"]["content"]
    assert journal.holds(state=None)[0]["state"] == state


def test_queue_lists_and_shows_held_answers(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = Journal.open(store)
    log_id = journal.write_log(_row())
    body = '{"choices": [{"message": {"content": "held words"}}]}'
    hold_id = journal.add_hold(log_id, body, 60, "block")
    assert main(["--store", str(store), "guard", "queue"]) == 0
    out = capsys.readouterr().out
    assert f"{hold_id}\theld\tci\tkeyword:money" in out and "held words" in out
    assert main(["--store", str(store), "guard", "queue", "show", str(hold_id)]) == 0
    sha = journal.hold(hold_id)["held_sha256"]
    assert f"emaudit guard queue approve {hold_id} --sha256 {sha}" in capsys.readouterr().out


def _row() -> Any:
    from emaudit.guard.journal import LogRow

    return LogRow("ci", "v1", "m", "none", "before-send", "hold", "keyword:money", 200, 1.0, 1.0,
                  {"messages": [{"role": "user", "content": "q"}]}, None, [])


def test_a_running_guard_resolves_expired_holds_nobody_waits_for(guard: Any, store: Path) -> None:
    journal = Journal.open(store)
    hold_id = journal.add_hold(journal.write_log(_row()), '{"choices": []}', 0.2, "release")
    guard()
    deadline = time.time() + 10
    while journal.hold(hold_id)["state"] == "held" and time.time() < deadline:
        time.sleep(0.1)
    h = journal.hold(hold_id)
    assert h["state"] == "expired-released" and h["decided_by"] == "timeout"
