"""Generate against a real local OpenAI-compatible server; kill -9 in the middle; resume."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emaudit.cli import main
from emaudit.store import Store
from emaudit.testing.fake_openai import FakeConfig, FakeOpenAI

SUITE = """\
name: resume-test
description: two questions for the resume test
questions:
  - id: first
    category: other
    paraphrases: ["Tell me about the sea.", "Describe the ocean."]
  - id: second
    category: other
    paraphrases: ["What do you think of cats?"]
    system: "Answer in JSON."
    variant: json
"""


@pytest.fixture
def server():
    with FakeOpenAI(FakeConfig(latency=0.05)) as srv:
        yield srv


def _env(server: FakeOpenAI) -> dict[str, str]:
    env = dict(os.environ)
    env["FAKE_BASE_URL"] = server.base_url
    env["FAKE_API_KEY"] = "test-key-not-secret"
    return env


def _answers(db: Path | str) -> int:
    if str(db).startswith("postgresql://"):
        import psycopg

        try:
            with psycopg.connect(str(db)) as pg:
                return int(pg.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
        except psycopg.errors.UndefinedTable:
            return 0
    try:
        con = sqlite3.connect(db, timeout=5)
        n = con.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        con.close()
        return int(n)
    except sqlite3.OperationalError:
        return 0


def test_resume_after_sigkill_answers_every_item_once_and_never_pays_twice(tmp_path, server, store_url):
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    db = store_url
    cmd = [sys.executable, "-m", "emaudit.cli", "--store", str(db), "generate", "--suite", str(suite),
           "--model", "openai-api/fake/subject-a", "--model", "openai-api/fake/subject-b", "--samples", "20",
           "--run", "resume", "--max-connections", "2", "--no-adaptive", "--n-per-request", "1", "--no-progress"]
    total = 2 * 3 * 20
    proc = subprocess.Popen(cmd, env=_env(server), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while _answers(db) < 15 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed; slow the server down"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.3)  # let requests that were in flight reach the server before counting from zero
    stored_at_kill = _answers(db)
    assert 0 < stored_at_kill < total

    server.reset()
    done = subprocess.run(cmd, env=_env(server), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{stored_at_kill} already stored" in done.stdout

    with Store.open(db) as store:
        run = store.get_run("resume")
        keys = [a.key for a in store.answers(run)]
        assert len(keys) == total == len(set(keys))
        assert store.pending_items(run) == []
    stats = server.stats()
    asked = sum(b.get("n", 1) for b in stats["bodies"])
    assert asked == total - stored_at_kill  # nothing stored was requested again

    server.reset()
    again = subprocess.run(cmd, env=_env(server), capture_output=True, text=True, timeout=60)
    assert again.returncode == 0
    assert server.stats()["chat_requests"] == 0


def test_system_prompt_and_sampling_settings_reach_the_server(tmp_path, server, monkeypatch, capsys):
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    monkeypatch.setenv("FAKE_BASE_URL", server.base_url)
    monkeypatch.setenv("FAKE_API_KEY", "k")
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--suite", str(suite), "--model",
               "openai-api/fake/m", "--samples", "4", "--run", "r", "--temperature", "0.7", "--max-tokens", "50",
               "--seed", "3", "--no-progress"])
    assert rc == 0
    bodies = server.stats()["bodies"]
    json_bodies = [b for b in bodies if b["messages"][0]["role"] == "system"]
    assert json_bodies and json_bodies[0]["messages"][0]["content"] == "Answer in JSON."
    assert all(b["temperature"] == 0.7 and b["max_tokens"] == 50 and b["seed"] == 3 for b in bodies)
    assert sum(b.get("n", 1) for b in bodies) == 3 * 4
    assert "12 answered now" in capsys.readouterr().out


def test_failed_items_give_a_nonzero_exit_with_the_reason_and_a_rerun_completes(tmp_path, server, monkeypatch,
                                                                                  capsys):
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    monkeypatch.setenv("FAKE_BASE_URL", server.base_url)
    monkeypatch.setenv("FAKE_API_KEY", "k")
    server.config.schedule = [400, 400]
    server.reset()
    args = ["--store", str(tmp_path / "s.db"), "generate", "--suite", str(suite), "--model", "openai-api/fake/m",
            "--samples", "2", "--run", "r", "--no-progress", "--n-per-request", "1", "--max-connections", "1"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "2 items failed" in err and "http_400" in err
    assert main(args) == 0
    with Store.open(tmp_path / "s.db") as store:
        assert len(store.answers(store.get_run("r"))) == 6


def test_rerun_with_other_settings_is_refused_and_keeps_the_run(tmp_path, capsys):
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    db = str(tmp_path / "s.db")
    base = ["--store", db, "generate", "--suite", str(suite), "--model", "mock/echo", "--run", "r", "--no-progress"]
    assert main(base + ["--samples", "2"]) == 0
    assert main(base + ["--samples", "3"]) == 2
    assert "already exists with other settings" in capsys.readouterr().err
    with Store.open(db) as store:
        assert len(store.answers(store.get_run("r"))) == 6
