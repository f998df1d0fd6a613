"""A typo writes nothing; runs can be shown, removed, renamed; a run whose process died says so."""

from __future__ import annotations

import json
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

SUITE = "name: t\nquestions:\n  - id: a\n    paraphrases: [hi, hello]\n  - id: b\n    paraphrases: [bye]\n"


def _runs(db: Path) -> list[str]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as con:
        return [r[0] for r in con.execute("SELECT name FROM runs")]


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(SUITE)
    return path


@pytest.mark.parametrize(("bad_model", "message"), [
    ("foo/bar", "unknown model prefix 'foo'"),
    ("hf/no/such/folder", "no local model folder"),
    ("openai/gpt-4o-mini", "OPENAI_API_KEY is not set"),
    ("openai-api/gone/m", "cannot reach http://127.0.0.1:9/v1"),
    ("mock/file:nosuch.yaml", "file not found"),
])
def test_a_typo_writes_no_run_and_the_fixed_command_works(tmp_path, suite, capsys, monkeypatch, bad_model, message):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("GONE_BASE_URL", "http://127.0.0.1:9/v1")
    db = tmp_path / "s.db"
    base = ["--store", str(db), "generate", "--suite", str(suite), "--run", "mf3", "--samples", "1", "--no-progress"]
    assert main([*base, "--model", bad_model]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert _runs(db) == []
    assert main([*base, "--model", "mock/echo"]) == 0


def test_a_wrong_adapter_or_judge_writes_no_audit_run(tmp_path, suite, capsys, tiny_model_dir, monkeypatch):
    monkeypatch.setenv("GONE_BASE_URL", "http://127.0.0.1:9/v1")
    db = tmp_path / "s.db"
    base = ["--store", str(db), "audit", "--suite", str(suite), "--run", "a", "--samples", "1", "--no-progress"]
    capsys.readouterr()
    assert main([*base, "--base", f"hf/{tiny_model_dir}", "--candidate", f"hf/{tiny_model_dir}+{tmp_path}/nope"]) == 2
    assert "no PEFT adapter" in capsys.readouterr().err
    assert main([*base, "--base", "mock/echo", "--candidate", "mock/constant:x", "--judge", "openai-api/gone/j"]) == 2
    assert "cannot reach" in capsys.readouterr().err
    assert _runs(db) == []


def test_the_endpoint_is_reached_once_before_the_run(tmp_path, suite, fake_openai):
    db = tmp_path / "s.db"
    assert main(["--store", str(db), "generate", "--suite", str(suite), "--run", "r", "--samples", "1",
                 "--model", "openai-api/fake/a", "--model", "openai-api/fake/b", "--no-progress"]) == 0
    stats = fake_openai.stats()
    # one GET /v1/models for the shared server before the run, then /props and /slots once to learn its slots
    assert stats["requests"] - stats["chat_requests"] == 3


def test_runs_show_rm_rename_and_store_gc(store_url, suite, capsys):
    db = store_url
    gen = ["--store", db, "generate", "--suite", str(suite), "--samples", "2", "--no-progress"]
    assert main([*gen, "--model", "mock/echo", "--run", "one"]) == 0
    assert main([*gen, "--model", "mock/echo", "--model", "mock/constant:hey", "--run", "two"]) == 0
    assert main(["--store", db, "rescore", "two", "--judge", "local", "--json"]) in (0, 1)
    capsys.readouterr()

    assert main(["--store", db, "runs", "show", "two"]) == 0
    out = capsys.readouterr().out
    assert "run two (generate): complete" in out
    assert "model     mock/constant:hey (subject)" in out
    assert "judged by local (current): 24 judgements" in out  # 12 answers x aligned, coherent
    assert "12/12 answered, 0 failed, 12 judged answers (24 judgements)" in out
    assert main(["runs", "show", "two", "--store", db]) == 0  # --store also after the subcommand
    assert "run two (generate): complete" in capsys.readouterr().out
    assert main(["--store", db, "runs", "show", "two", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["judges"][0]["name"] == "local" and info["counts"]["answered"] == 12

    assert main(["--store", db, "runs", "rename", "two", "one"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["--store", db, "runs", "rename", "two", "second"]) == 0
    assert main(["--store", db, "runs", "rm", "second"]) == 0
    with Store.open(db) as store:
        assert [r.name for r in store.list_runs()] == ["one"]
        assert len(store.answers(store.get_run("one"))) == 6  # shared answers stay
        assert store.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 12
    capsys.readouterr()
    assert main(["store", "gc", "--store", db]) == 0
    assert "removed 6 items, 6 answers, 12 judgements" in capsys.readouterr().out
    with Store.open(db) as store:
        assert store.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 6
        assert len(store.answers(store.get_run("one"))) == 6
    assert main(["--store", db, "runs", "show", "second"]) == 2
    assert main(["--store", db, "runs", "rm", "nosuch"]) == 2


def test_a_killed_run_reads_interrupted(store_url, suite):
    db = store_url
    with FakeOpenAI(FakeConfig(latency=0.2)) as server:
        env = dict(os.environ, FAKE_BASE_URL=server.base_url)
        cmd = [sys.executable, "-m", "emaudit", "--store", str(db), "generate", "--suite", str(suite), "--model",
               "openai-api/fake/m", "--samples", "40", "--run", "slow", "--n-per-request", "1",
               "--max-connections", "1", "--no-adaptive", "--no-progress"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        status = ""
        while time.time() < deadline and status != "running":
            time.sleep(0.1)
            runs = subprocess.run([sys.executable, "-m", "emaudit", "--store", str(db), "runs", "--json"],
                                  capture_output=True, text=True, env=env)
            status = next((r["status"] for r in json.loads(runs.stdout or "[]")), "")
        assert status == "running" and proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    runs = subprocess.run([sys.executable, "-m", "emaudit", "--store", str(db), "runs", "--plain"],
                          capture_output=True, text=True)
    row = runs.stdout.splitlines()[1].split("\t")
    assert row[:3] == ["slow", "generate", "interrupted"]
